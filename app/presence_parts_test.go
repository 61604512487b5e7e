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

// bareLink is a link over a real WebSocket to a server that only
// listens: enough for handle, which may close it.
func bareLink(t *testing.T) *link {
	t.Helper()
	up := websocket.Upgrader{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		conn, err := up.Upgrade(w, r, nil)
		if err != nil {
			return
		}
		for {
			if _, _, err := conn.ReadMessage(); err != nil {
				return
			}
		}
	}))
	t.Cleanup(srv.Close)
	conn, _, err := websocket.DefaultDialer.Dial("ws"+strings.TrimPrefix(srv.URL, "http"), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	return &link{conn: conn, out: make(chan []byte, outQueue), done: make(chan struct{}), pending: map[string]chan reply{}}
}

// A presence list in parts (PROTOCOL.md section 15) is whole once its
// last part came; a part out of turn is refused and repaired by a
// snapshot (here: the link is closed, the next connection resumes).
func TestPresenceListInParts(t *testing.T) {
	c, err := New(Options{ServerURL: "ws://127.0.0.1:1/v1/ws", User: "rita", Numbers: numbers(t)})
	if err != nil {
		t.Fatal(err)
	}
	l := bareLink(t)
	c.watch.show = true
	seq := uint64(61)
	p := func(dev string) ctiproto.Presence { return ctiproto.Presence{Device: dev, Status: ctiproto.StatusIdle} }
	c.handle(l, &ctiproto.Result{ID: "w", Seq: &seq, Presence: []ctiproto.Presence{p("201"), p("202")}, PresenceParts: 2})
	c.handle(l, &ctiproto.PresenceList{Seq: seq, Part: 1, Presence: []ctiproto.Presence{p("203")}})
	c.handle(l, &ctiproto.PresenceList{Seq: seq, Part: 2, Presence: []ctiproto.Presence{p("204"), p("205")}})
	s := c.State()
	if got := len(s.Switchboard.Colleagues); got != 5 || !s.Switchboard.Watching {
		t.Fatalf("after both parts: %d colleagues (watching %v), want 5", got, s.Switchboard.Watching)
	}
	c.handle(l, &ctiproto.PresenceList{Seq: seq, Part: 3, Presence: []ctiproto.Presence{p("206")}})
	if _, ok := c.State().Switchboard.Colleague("206"); ok {
		t.Fatal("a part nobody announced was taken in")
	}
	select {
	case <-l.done:
	case <-time.After(10 * time.Second):
		t.Fatal("a part out of turn left the link as it was: the list may be broken")
	}
}

// A watch result whose lists are older than events the desk has already
// applied (the server queued it behind them) is not taken: it would undo
// them. A snapshot repairs it (here: the link closes, the next connection
// resumes).
func TestPresenceListOlderThanEvents(t *testing.T) {
	c, err := New(Options{ServerURL: "ws://127.0.0.1:1/v1/ws", User: "rita", Numbers: numbers(t)})
	if err != nil {
		t.Fatal(err)
	}
	l := bareLink(t)
	c.watch.show, c.seq = true, 62
	seq := uint64(61)
	c.handle(l, &ctiproto.Result{ID: "w", Seq: &seq, Presence: []ctiproto.Presence{{Device: "203", Status: ctiproto.StatusIdle}}})
	if _, ok := c.State().Switchboard.Colleague("203"); ok {
		t.Fatal("a list as of 61 was taken after event 62")
	}
	select {
	case <-l.done:
	case <-time.After(10 * time.Second):
		t.Fatal("no repair of the stale list")
	}
}

// A queue the user's watch no longer covers (its members changed) is
// dropped, not kept with its last waiting callers counting on.
func TestQueueUnwatchedIsDropped(t *testing.T) {
	c, err := New(Options{ServerURL: "ws://127.0.0.1:1/v1/ws", User: "bob", Numbers: numbers(t)})
	if err != nil {
		t.Fatal(err)
	}
	l := bareLink(t)
	c.watch.show = true
	seq := uint64(10)
	c.handle(l, &ctiproto.Result{ID: "w", Seq: &seq, Presence: []ctiproto.Presence{{Device: "203", Status: ctiproto.StatusIdle}},
		Queues: []ctiproto.QueueState{{Number: "600", Members: []ctiproto.QueueMember{{Device: "203", LoggedIn: true}},
			Waiting: []ctiproto.QueueCaller{{Call: "c-1", Position: 1, Joined: time.Now()}}}}})
	c.seq = seq
	if got := len(c.State().Switchboard.Queues); got != 1 {
		t.Fatalf("%d queues after the watch, want 1", got)
	}
	c.handle(l, &ctiproto.Event{Type: ctiproto.EventQueueChanged, Seq: 11, Time: time.Now(), Change: ctiproto.QueueUnwatched,
		QueueState: &ctiproto.QueueState{Number: "600", Members: []ctiproto.QueueMember{}, Waiting: []ctiproto.QueueCaller{}}})
	if got := c.State().Switchboard.Queues; len(got) != 0 {
		t.Fatalf("after unwatched: %+v, want no queue", got)
	}
}
