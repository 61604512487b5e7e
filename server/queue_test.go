package server

import (
	"path/filepath"
	"testing"

	"github.com/deskline/deskline/ctiproto"
	"github.com/deskline/deskline/server/auth"
	"github.com/deskline/deskline/server/config"
)

// A call through a ring group tells the desk which group and since when
// the caller waits (issue 13 item 8), on the delivered event, in the
// snapshot, and in the welcome of a server that restarted meanwhile and
// learnt the call from the exchange alone.
func TestQueueOnGroupCall(t *testing.T) {
	store := filepath.Join(t.TempDir(), "tokens.json")
	e := newEnv(t, withAuth(func(o *auth.Options) { o.StorePath = store }))
	ann := e.login("ann")
	call := e.ring("600", "+4940111", "Max")
	ev := ann.expectEvent(ctiproto.EventDelivered, "201")
	q := ev.Queue
	if q == nil || q.Name != "Front" || q.Number != "600" || q.Joined.IsZero() || q.Joined.After(ev.Time) {
		t.Fatalf("delivered %s: want queue Front 600 joined by %v", dump(ev), ev.Time)
	}
	res, _ := ann.do(&ctiproto.Simple{Type: ctiproto.TypeSnapshot, ID: "s"})
	if len(res.Calls) != 1 || res.Calls[0].Queue == nil || *res.Calls[0].Queue != *q {
		t.Fatalf("snapshot %s: want the queue of the delivered event %+v", dump(res), *q)
	}
	direct := e.ring("202", "+4940222", "")
	if ev := ann.expectEvent(ctiproto.EventDelivered, "202"); ev.Queue != nil {
		t.Fatalf("a direct call %s carries a queue", dump(ev))
	}

	old := ann.welcome
	ann.conn.Close()
	e.stop()
	users := e.srv.opts.Users
	a, err := auth.New(users, auth.Options{StorePath: store})
	if err != nil {
		t.Fatal(err)
	}
	e.auth = a
	e.start(users, config.Default().Limits)
	w := e.resume(old.Token, &ctiproto.Resume{Epoch: old.Epoch, Seq: ann.seq}).welcome
	if len(w.Calls) != 2 {
		t.Fatalf("welcome after restart: calls %+v", w.Calls)
	}
	for _, c := range w.Calls {
		switch {
		case c.Call == call && (c.Queue == nil || *c.Queue != *q):
			t.Errorf("group call after restart: queue %+v, want %+v", c.Queue, *q)
		case c.Call == direct && c.Queue != nil:
			t.Errorf("direct call after restart: queue %+v", c.Queue)
		}
	}
}
