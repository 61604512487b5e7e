package server

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/deskline/deskline/ctiproto"
	"github.com/deskline/deskline/internal/promtest"
	"github.com/deskline/deskline/pbx"
	"github.com/deskline/deskline/server/config"
)

// Bob's app stops reading while calls keep coming. Ann, on the same
// calls, receives every event without gaps; bob is dropped instead of
// holding anyone up, and when he comes back he resumes with nothing lost.
func TestSlowConsumerIsDroppedAndResumes(t *testing.T) {
	e := newEnv(t, withLimits(func(l *config.Limits) {
		l.SendQueue = 32
		l.WriteWait = 2 * time.Second
		l.EventLog = 16384
	}))
	ann, bob := e.login("ann"), e.loginBuf("bob", 16<<10)
	bobSeen := bob.seq
	if bobSeen != 0 {
		t.Fatal("fresh login with seq")
	}
	const calls = 5000
	name := strings.Repeat("n", 1000) // fat events fill the socket buffers sooner
	ctx := context.Background()
	var worst time.Duration
	for i := range calls {
		id, err := e.sim.Ring(ctx, "600", pbx.Party{Number: "+4930123", Name: name})
		if err != nil {
			t.Fatal(err)
		}
		if err := e.sim.HangupRemote(ctx, id); err != nil {
			t.Fatal(err)
		}
		// Ann keeps up, in lockstep with the calls: every event arrives,
		// in order, none late although bob reads nothing.
		for range 2 {
			ev := ann.expectEventAny()
			worst = max(worst, time.Since(ev.Time))
		}
		if ann.seq != uint64(2*i+2) {
			t.Fatalf("ann at seq %d after %d calls", ann.seq, i+1)
		}
	}
	t.Logf("ann got all %d events, worst delay %v", 2*calls, worst)
	// Bob was cut off: his connection ends (after what the socket held).
	var got int
	for {
		m, err := bob.read(10 * time.Second)
		if err != nil {
			break
		}
		if _, ok := m.(*ctiproto.Event); ok {
			got++
		}
	}
	if got >= 2*calls {
		t.Fatalf("bob was never dropped: read all %d events", got)
	}
	// He resumes from the last event he saw and gets exactly the rest.
	back := e.resume(bob.welcome.Token, &ctiproto.Resume{Epoch: bob.welcome.Epoch, Seq: bob.seq})
	if !back.welcome.Resumed {
		t.Fatalf("resume refused: %q", back.welcome.Resync)
	}
	back.seq = bob.seq
	for back.seq < bobSeen+2*calls {
		if _, ok := back.next().(*ctiproto.Event); !ok {
			t.Fatal("non-event during replay")
		}
	}
	t.Logf("bob read %d events before the drop, %d replayed", got, back.seq-bob.seq)
	// /metrics counts the cut and the resume, and the events ann got.
	fams := scrapeMetrics(t, e.srv)
	if v := promtest.Value(fams, "deskline_slow_consumer_cuts_total"); v != 1 {
		t.Errorf("slow-consumer cuts: %v, want 1 (bob)", v)
	}
	if v := promtest.Value(fams, "deskline_resumes_total"); v != 1 {
		t.Errorf("resumes: %v, want 1 (bob's)", v)
	}
	if v := promtest.Value(fams, "deskline_event_write_latency_seconds"); v < 2*calls {
		t.Errorf("write latencies observed: %v, want ann's %d at least", v, 2*calls)
	}
}
