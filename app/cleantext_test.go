package app

import (
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/deskline/deskline/ctiproto"
)

// A server of another make that passes on control and direction
// characters: the tray app drops them before anything is shown.
func TestCallerTextCleanedBeforeDisplay(t *testing.T) {
	hangUp := make(chan struct{})
	url := scriptedServer(t, func(conn *websocket.Conn, welcome []byte) {
		ring, _ := ctiproto.Encode(&ctiproto.Event{Type: ctiproto.EventDelivered, Seq: 1, Time: time.Now(),
			Call: "c-1", Device: "201", State: "alerting", Direction: "incoming",
			Other: &ctiproto.Party{Number: "\u200e+4930\u2066123\u202c", Name: "Bank \u202eevil\u202c Support\r\n\a\x1b[2J"}})
		conn.WriteMessage(websocket.TextMessage, welcome)
		conn.WriteMessage(websocket.TextMessage, ring)
		<-hangUp
		cleared, _ := ctiproto.Encode(&ctiproto.Event{Type: ctiproto.EventCleared, Seq: 2, Time: time.Now(),
			Call: "c-1", Device: "201", State: "cleared", Direction: "incoming", Cause: "normal",
			Other: &ctiproto.Party{Number: "\u200e+4930\u2066123\u202c", Name: "Bank \u202eevil\u202c Support\r\n\a\x1b[2J"}})
		conn.WriteMessage(websocket.TextMessage, cleared)
		for { // stay until the client goes
			if _, _, err := conn.ReadMessage(); err != nil {
				return
			}
		}
	})
	o := newOffice(t)
	d := o.desk("ann", func(op *Options) { op.ServerURL = url })
	d.login()
	s := d.waitFor("the ringing call", func(s State) bool { return len(s.Ringing()) == 1 })
	c := s.Calls[0]
	if c.Name != "Bank evil Support[2J" || c.Number != "+4930123" || c.Display != c.Name {
		t.Fatalf("call name %q number %q display %q", c.Name, c.Number, c.Display)
	}
	close(hangUp) // the missed call goes to the journal, which is shown too
	d.waitFor("the missed call", func(s State) bool { return s.MissedUnseen == 1 })
	if e := d.journal.Recent(1); len(e) != 1 || e[0].Name != "Bank evil Support[2J" || e[0].Number != "+4930123" {
		t.Fatalf("journal %+v", e)
	}
}
