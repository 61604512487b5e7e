package app

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/deskline/deskline/ctiproto"
)

// scriptedServer is a ctiproto server of a few lines: it upgrades, reads
// the hello, answers with a welcome for ann (device 201, capability
// answer), then hands the connection to script. It returns the URL.
func scriptedServer(t *testing.T, script func(conn *websocket.Conn, welcome []byte)) string {
	t.Helper()
	return scriptedServerSpeaking(t, ctiproto.Subprotocol, script)
}

// scriptedServerSpeaking is scriptedServer speaking one protocol version.
func scriptedServerSpeaking(t *testing.T, proto string, script func(conn *websocket.Conn, welcome []byte)) string {
	t.Helper()
	up := websocket.Upgrader{Subprotocols: []string{proto}}
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		conn, err := up.Upgrade(w, r, nil)
		if err != nil {
			return
		}
		defer conn.Close()
		if _, _, err := conn.ReadMessage(); err != nil { // the hello
			return
		}
		exp := time.Now().Add(time.Hour)
		welcome, _ := ctiproto.Encode(&ctiproto.Welcome{ID: "hello", User: "ann", Session: "s1", Epoch: "e1",
			Token: strings.Repeat("t", 43), TokenExpires: &exp,
			Devices: []ctiproto.Device{{Device: "201", Registered: true}}, Capabilities: []string{"answer"},
			Exchange: ctiproto.ExchangeStatus{Available: true}, Limits: ctiproto.Limits{PingSeconds: 30}})
		script(conn, welcome)
	}))
	t.Cleanup(ts.Close)
	return "ws" + strings.TrimPrefix(ts.URL, "http") + ctiproto.Path
}

// A server that sends broken frames between good ones: the client logs
// and skips them, stays connected, and applies the good event after them.
func TestClientSkipsBadFramesFromServer(t *testing.T) {
	url := scriptedServer(t, func(conn *websocket.Conn, welcome []byte) {
		ring, _ := ctiproto.Encode(&ctiproto.Event{Type: ctiproto.EventDelivered, Seq: 1, Time: time.Now(),
			Call: "c-1", Device: "201", State: "alerting", Direction: "incoming", Other: &ctiproto.Party{Number: "+4930123"}})
		for _, f := range [][]byte{welcome, []byte("not json"), []byte(`{"type":"delivered","seq":1}`),
			[]byte(`{"type":"explode"}`), welcome, ring} {
			conn.WriteMessage(websocket.TextMessage, f)
		}
		conn.WriteMessage(websocket.BinaryMessage, []byte{0, 1, 2})
		for { // stay until the client goes
			if _, _, err := conn.ReadMessage(); err != nil {
				return
			}
		}
	})
	o := newOffice(t)
	d := o.desk("ann", func(op *Options) { op.ServerURL = url })
	d.login()
	s := d.waitFor("the good event after the bad ones", func(s State) bool { return len(s.Ringing()) == 1 })
	if s.Status != StatusConnected || s.Calls[0].ID != "c-1" {
		t.Fatalf("state %s %+v", s.Status, s.Calls)
	}
	if got := d.entered(StatusDisconnected); got != 0 {
		t.Fatalf("bad frames cost the connection (%d disconnects)", got)
	}
}

// A client that stops says goodbye with a normal close (1000), so the
// server can tell a quit from a lost link.
func TestClientStopSendsNormalClose(t *testing.T) {
	closed := make(chan int, 1)
	url := scriptedServer(t, func(conn *websocket.Conn, welcome []byte) {
		conn.WriteMessage(websocket.TextMessage, welcome)
		for {
			if _, _, err := conn.ReadMessage(); err != nil {
				code := -1
				if ce, ok := err.(*websocket.CloseError); ok {
					code = ce.Code
				}
				closed <- code
				return
			}
		}
	})
	o := newOffice(t)
	d := o.desk("ann", func(op *Options) { op.ServerURL = url })
	d.login()
	d.stop()
	select {
	case code := <-closed:
		if code != websocket.CloseNormalClosure {
			t.Fatalf("the server saw close code %d, want %d", code, websocket.CloseNormalClosure)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the server never saw the client go")
	}
}

// A server of an earlier release speaks only deskline.v1: the desk agrees
// to it, logs in and pops calls as before (v2's members are optional).
func TestDeskSpeaksV1WithAnOlderServer(t *testing.T) {
	url := scriptedServerSpeaking(t, ctiproto.SubprotocolV1, func(conn *websocket.Conn, welcome []byte) {
		ring, _ := ctiproto.EncodeFor(ctiproto.SubprotocolV1, &ctiproto.Event{Type: ctiproto.EventDelivered, Seq: 1, Time: time.Now(),
			Call: "c-1", Device: "201", State: "alerting", Direction: "incoming", Other: &ctiproto.Party{Number: "+4930123"}})
		conn.WriteMessage(websocket.TextMessage, welcome)
		conn.WriteMessage(websocket.TextMessage, ring)
		for {
			if _, _, err := conn.ReadMessage(); err != nil {
				return
			}
		}
	})
	o := newOffice(t)
	d := o.desk("ann", func(op *Options) { op.ServerURL = url })
	d.login()
	s := d.waitFor("the ring from a v1 server", func(s State) bool { return len(s.Ringing()) == 1 })
	if s.Status != StatusConnected || s.Calls[0].Queue != "" {
		t.Fatalf("state %s %+v", s.Status, s.Calls)
	}
}
