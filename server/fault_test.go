package server

import (
	"io"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/deskline/deskline/ctiproto"
	"github.com/deskline/deskline/server/config"
	"github.com/gorilla/websocket"
)

// The fault suite: each test breaks something on purpose and then checks
// that nothing was lost (every event, in order, exactly once, by sequence
// number) and nothing is stuck (no call left that the exchange no longer
// has). Other faults have their own files: a client that never reads
// (slow_test.go), garbage and floods (badinput_test.go), a server restart
// mid-call (resume_test.go), an exchange that disappears and comes back
// (outage_test.go, and pbx/ami's link drop and Asterisk restart).

// freezer is a TCP relay between a client and the server that can stop
// relaying without closing anything: a half-open connection, as a
// crashed laptop or a pulled cable leaves behind (no FIN, no RST).
type freezer struct {
	ln     net.Listener
	target string
	mu     sync.Mutex
	frozen bool
	thaw   chan struct{} // closed never: a frozen relay stays frozen
}

func newFreezer(t *testing.T, target string) *freezer {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	f := &freezer{ln: ln, target: target, thaw: make(chan struct{})}
	t.Cleanup(func() { ln.Close() })
	go f.accept()
	return f
}

func (f *freezer) accept() {
	for {
		c, err := f.ln.Accept()
		if err != nil {
			return
		}
		s, err := net.Dial("tcp", f.target)
		if err != nil {
			c.Close()
			continue
		}
		go f.relay(c, s)
		go f.relay(s, c)
	}
}

// relay copies until frozen; then it holds what it read and waits for
// ever (the sockets stay open: the peers see silence, not a close).
func (f *freezer) relay(dst, src net.Conn) {
	buf := make([]byte, 32<<10)
	for {
		n, err := src.Read(buf)
		f.mu.Lock()
		frozen := f.frozen
		f.mu.Unlock()
		if frozen {
			<-f.thaw
		}
		if n > 0 {
			dst.Write(buf[:n])
		}
		if err != nil {
			if err != io.EOF {
				dst.Close()
			}
			return
		}
	}
}

func (f *freezer) freeze() {
	f.mu.Lock()
	f.frozen = true
	f.mu.Unlock()
}

func (f *freezer) url() string { return "ws://" + f.ln.Addr().String() + ctiproto.Path }

// A client whose connection goes silent (half-open: no FIN) is dropped by
// the server within the pong wait, and on its way back it gets exactly
// what happened meanwhile.
func TestHalfOpenClientIsDroppedAndResumes(t *testing.T) {
	e := newEnv(t, withLimits(func(l *config.Limits) {
		l.PingInterval, l.PongWait = 100*time.Millisecond, 400*time.Millisecond
	}))
	fz := newFreezer(t, e.http.Listener.Addr().String())
	d := websocket.Dialer{Subprotocols: []string{ctiproto.Subprotocol}, HandshakeTimeout: 5 * time.Second}
	conn, _, err := d.Dial(fz.url(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	ann := &client{t: t, conn: conn}
	ann.send(&ctiproto.Hello{ID: "h", User: "ann", Password: "secret"})
	ann.welcome = ann.expectWelcome()
	if n := e.srv.connections(); n != 1 {
		t.Fatalf("%d connections, want 1", n)
	}
	fz.freeze()
	call := e.ring("201", "+4930100", "Frozen Caller")
	deadline := time.Now().Add(5 * time.Second)
	for e.srv.connections() != 0 {
		if time.Now().After(deadline) {
			t.Fatal("the server still holds a half-open connection after 5 s (pong wait 400 ms)")
		}
		time.Sleep(20 * time.Millisecond)
	}
	back := e.resume(ann.welcome.Token, &ctiproto.Resume{Epoch: ann.welcome.Epoch, Seq: ann.welcome.Seq})
	if !back.welcome.Resumed {
		t.Fatalf("welcome after a half-open drop: %+v", back.welcome)
	}
	back.seq = ann.welcome.Seq
	if ev := back.expectEvent(ctiproto.EventDelivered, "201"); ev.Call != call || ev.Seq != ann.welcome.Seq+1 {
		t.Fatalf("replayed %+v", ev)
	}
}

// A client that drops its connection again and again while calls flow,
// resuming each time from the last event it saw, ends with exactly the
// events of a client that never dropped: same sequence numbers, same
// events, none twice, none missing — and no call left over.
func TestDroppingMidStreamLosesNothing(t *testing.T) {
	e := newEnv(t)
	steady, flaky := e.login("ann"), e.login("ann")
	const calls = 60
	go func() {
		for range calls {
			id := e.ring("201", "+4930100", "")
			e.simAPI("/v1/sim/hangup", map[string]string{"call": id}, nil)
		}
	}()
	want := collect(steady, 2*calls)
	got := make([]*ctiproto.Event, 0, 2*calls)
	tok, epoch := flaky.welcome.Token, flaky.welcome.Epoch
	for drops := 0; len(got) < 2*calls; drops++ {
		n := 7 // events to read before the next drop
		for n > 0 && len(got) < 2*calls {
			got = append(got, flaky.expectEventAny())
			n--
		}
		if len(got) < 2*calls {
			flaky.conn.Close()
			seen := flaky.welcome.Seq + uint64(len(got))
			if len(got) > 0 {
				seen = got[len(got)-1].Seq
			}
			flaky = e.resume(tok, &ctiproto.Resume{Epoch: epoch, Seq: seen})
			if !flaky.welcome.Resumed {
				t.Fatalf("drop %d: not resumed: %+v", drops, flaky.welcome)
			}
			flaky.seq = seen
		}
	}
	for i := range want {
		if got[i].Seq != want[i].Seq || got[i].Type != want[i].Type || got[i].Call != want[i].Call {
			t.Fatalf("event %d: got seq %d %s %s, want seq %d %s %s", i, got[i].Seq, got[i].Type, got[i].Call,
				want[i].Seq, want[i].Type, want[i].Call)
		}
	}
	live, err := e.sim.Calls(t.Context())
	if err != nil || len(live) != 0 {
		t.Fatalf("calls left on the exchange: %v %v", live, err)
	}
}

// collect reads n events; their sequence numbers must follow each other.
func collect(c *client, n int) []*ctiproto.Event {
	c.t.Helper()
	out := make([]*ctiproto.Event, 0, n)
	for len(out) < n {
		ev := c.expectEventAny()
		if len(out) > 0 && ev.Seq != out[len(out)-1].Seq+1 {
			c.t.Fatalf("seq %d after %d", ev.Seq, out[len(out)-1].Seq)
		}
		out = append(out, ev)
	}
	return out
}
