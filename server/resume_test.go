package server

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/deskline/deskline/ctiproto"
	"github.com/deskline/deskline/server/auth"
	"github.com/deskline/deskline/server/config"
)

// A client that drops its connection and comes back gets exactly the
// events it missed: none lost, none twice.
func TestResumeReplaysExactlyWhatWasMissed(t *testing.T) {
	e := newEnv(t)
	ann, watcher := e.login("ann"), e.login("ann")
	tok := ann.welcome.Token
	c1 := e.ring("201", "+4930100", "")
	ann.expectEvent(ctiproto.EventDelivered, "201")
	seen := ann.seq
	ann.conn.Close()

	// While ann is away: c1 is hung up, two more calls ring and one is answered.
	e.simAPI("/v1/sim/hangup", map[string]string{"call": c1}, nil)
	c2 := e.ring("201", "+4930200", "")
	e.ring("202", "+4930300", "")
	e.simAPI("/v1/sim/answer", map[string]string{"call": c2, "device": "201"}, nil)
	watcher.waitSeq(seen + 4) // the server has routed all of it

	back := e.resume(tok, &ctiproto.Resume{Epoch: ann.welcome.Epoch, Seq: seen})
	w := back.welcome
	if !w.Resumed || w.Resync != "" || len(w.Calls) != 0 || w.Seq != seen+4 {
		t.Fatalf("welcome resumed=%v resync=%q calls=%d seq=%d (had %d)", w.Resumed, w.Resync, len(w.Calls), w.Seq, seen)
	}
	back.seq = seen
	want := []struct{ typ, dev, call string }{
		{ctiproto.EventCleared, "201", c1},
		{ctiproto.EventDelivered, "201", c2},
		{ctiproto.EventDelivered, "202", ""},
		{ctiproto.EventEstablished, "201", c2},
	}
	for i, wnt := range want {
		ev := back.expectEvent(wnt.typ, wnt.dev)
		if ev.Seq != seen+uint64(i)+1 || (wnt.call != "" && ev.Call != wnt.call) {
			t.Fatalf("replayed #%d = %+v", i, ev)
		}
	}
	// Live events continue right after the replay.
	e.ring("202", "+4930400", "")
	if ev := back.expectEvent(ctiproto.EventDelivered, "202"); ev.Seq != seen+5 {
		t.Fatalf("live event seq %d, want %d", ev.Seq, seen+5)
	}
}

// A gap older than the log, a seq from the future, or another epoch all
// get a fresh snapshot with the reason.
func TestResumeRefusedGetsSnapshot(t *testing.T) {
	e := newEnv(t, withLimits(func(l *config.Limits) { l.EventLog = 4 }))
	ann, watcher := e.login("ann"), e.login("ann")
	tok, epoch := ann.welcome.Token, ann.welcome.Epoch
	ann.conn.Close()
	var last string
	for range 4 {
		last = e.ring("201", "+4930100", "")
		e.simAPI("/v1/sim/hangup", map[string]string{"call": last}, nil)
	}
	live := e.ring("202", "+4930555", "Still Ringing")
	watcher.waitSeq(9)
	for _, tc := range []struct {
		resume ctiproto.Resume
		why    string
	}{
		{ctiproto.Resume{Epoch: epoch, Seq: 1}, "gap-too-old"},
		{ctiproto.Resume{Epoch: epoch, Seq: 99}, "seq-ahead"},
		{ctiproto.Resume{Epoch: "other", Seq: 3}, "epoch-changed"},
	} {
		c := e.resume(tok, &tc.resume)
		w := c.welcome
		if w.Resumed || w.Resync != tc.why || w.Seq != 9 {
			t.Fatalf("%s: resumed=%v resync=%q seq=%d", tc.why, w.Resumed, w.Resync, w.Seq)
		}
		if len(w.Calls) != 1 || w.Calls[0].Call != live || w.Calls[0].Other.Name != "Still Ringing" {
			t.Fatalf("%s: snapshot calls %+v", tc.why, w.Calls)
		}
	}
	// The newest events are still in the log of 4: resume from seq 5 works.
	c := e.resume(tok, &ctiproto.Resume{Epoch: epoch, Seq: 5})
	if !c.welcome.Resumed {
		t.Fatalf("resume within the log refused: %q", c.welcome.Resync)
	}
}

// After a server restart, a client's token still works (token hashes are
// persisted) and its resume is answered with a snapshot of the new epoch.
func TestServerRestartGivesSnapshot(t *testing.T) {
	store := filepath.Join(t.TempDir(), "tokens.json")
	e := newEnv(t, withAuth(func(o *auth.Options) { o.StorePath = store }))
	ann := e.login("ann")
	call := e.ring("201", "+4930100", "")
	ann.expectEvent(ctiproto.EventDelivered, "201")
	old := ann.welcome

	ann.conn.Close()
	e.stop()
	// Same exchange (the call still rings), new server process state.
	users := e.srv.opts.Users
	a, err := auth.New(users, auth.Options{StorePath: store})
	if err != nil {
		t.Fatal(err)
	}
	e.auth = a
	e.start(users, config.Default().Limits)

	c := e.resume(old.Token, &ctiproto.Resume{Epoch: old.Epoch, Seq: ann.seq})
	w := c.welcome
	if w.Resumed || w.Resync != "epoch-changed" || w.Epoch == old.Epoch {
		t.Fatalf("after restart: resumed=%v resync=%q epoch %q→%q", w.Resumed, w.Resync, old.Epoch, w.Epoch)
	}
	if len(w.Calls) != 1 || w.Calls[0].Call != call || w.Calls[0].State != "alerting" {
		t.Fatalf("snapshot after restart %+v", w.Calls)
	}
	// No ghost: the hang-up that happens now reaches the client.
	e.simAPI("/v1/sim/hangup", map[string]string{"call": call}, nil)
	c.seq = w.Seq
	c.expectEvent(ctiproto.EventCleared, "201")
	_ = context.Background
}
