package server

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/deskline/deskline/ctiproto"
	"github.com/deskline/deskline/pbx"
	"github.com/deskline/deskline/server/config"
	"github.com/gorilla/websocket"
)

// sessionOf returns the server's session of a logged-in user (the only
// one the test has).
func (e *testEnv) sessionOf(user string) *session {
	e.t.Helper()
	e.srv.mu.Lock()
	defer e.srv.mu.Unlock()
	for s := range e.srv.sessions {
		if s.grant.User != nil && s.grant.User.Name == user {
			return s
		}
	}
	e.t.Fatalf("no session of %s", user)
	return nil
}

// writerRunning reports whether s has a writer goroutine right now.
func (s *session) writerRunning() bool {
	s.out.mu.Lock()
	defer s.out.mu.Unlock()
	return s.out.writing
}

// waitFor polls cond until it holds, failing the test after d.
func waitFor(t *testing.T, d time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("after %v: %s", d, what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// An idle connection has no writer goroutine; one is started for an
// event and is gone again once it has been written.
func TestIdleConnectionHasNoWriter(t *testing.T) {
	e := newEnv(t)
	ann := e.login("ann")
	s := e.sessionOf("ann")
	waitFor(t, 2*time.Second, "the writer still runs on an idle connection", func() bool { return !s.writerRunning() })
	call := e.ring("201", "+4930100", "Idle Test")
	if ev := ann.expectEvent(ctiproto.EventDelivered, "201"); ev.Call != call {
		t.Fatalf("event for %s, want %s", ev.Call, call)
	}
	waitFor(t, 2*time.Second, "the writer still runs after the event was written", func() bool { return !s.writerRunning() })
	if _, evs := ann.do(&ctiproto.Simple{Type: ctiproto.TypePing, ID: "p"}); len(evs) != 0 {
		t.Fatalf("unexpected events %v", evs)
	}
}

// Events, command results and keep-alive pings come from many goroutines
// (the hub, the reader, the ping wheel) and each starts the writer when
// none runs: still the client gets every event once and in order, each
// result in the order of its request, and the race detector sees one
// writer at a time on the connection.
func TestOnDemandWriterKeepsOrder(t *testing.T) {
	e := newEnv(t, withLimits(func(l *config.Limits) {
		l.PingInterval, l.PongWait = 20*time.Millisecond, 5*time.Second
		l.SendQueue = 4096
		l.CommandsPerSecond, l.CommandBurst = 1000, 1000
	}))
	ann := e.login("ann")
	var pings atomic.Int64
	ann.conn.SetPingHandler(func(data string) error {
		pings.Add(1)
		return ann.conn.WriteControl(websocket.PongMessage, []byte(data), time.Now().Add(time.Second))
	})
	const calls, commands = 150, 150
	ringErr := make(chan error, 1)
	go func() {
		ctx := context.Background()
		for range calls {
			time.Sleep(2 * time.Millisecond) // a few pings fall among the events
			id, err := e.sim.Ring(ctx, "201", pbx.Party{Number: "+4930123", Name: "Order"})
			if err == nil {
				err = e.sim.HangupRemote(ctx, id)
			}
			if err != nil {
				ringErr <- err
				return
			}
		}
		ringErr <- nil
	}()
	var sendMu sync.Mutex // the test's own writes: gorilla allows one writer
	go func() {
		for i := range commands {
			sendMu.Lock()
			b, _ := ctiproto.Encode(&ctiproto.Simple{Type: ctiproto.TypePing, ID: fmt.Sprintf("p%d", i)})
			ann.conn.WriteMessage(websocket.TextMessage, b)
			sendMu.Unlock()
		}
	}()
	events, results := 0, 0
	for events < 2*calls || results < commands {
		switch m := ann.next().(type) {
		case *ctiproto.Event: // ann.read checks seq: no gap, no duplicate
			events++
		case *ctiproto.Result:
			if want := fmt.Sprintf("p%d", results); m.ID != want {
				t.Fatalf("result %s, want %s", m.ID, want)
			}
			results++
		default:
			t.Fatalf("unexpected %s", dump(m))
		}
	}
	if err := <-ringErr; err != nil {
		t.Fatal(err)
	}
	if ann.seq != ann.welcome.Seq+2*calls {
		t.Fatalf("seq %d, want %d", ann.seq, ann.welcome.Seq+2*calls)
	}
	if pings.Load() == 0 {
		t.Error("no ping among the events")
	}
	t.Logf("%d events, %d results, %d pings", events, results, pings.Load())
}

// A connected client that does nothing is still pinged, about once per
// ping interval, and its pongs keep it connected past the pong wait.
func TestIdleClientIsPingedAndKept(t *testing.T) {
	const interval, pongWait, idle = 50 * time.Millisecond, 300 * time.Millisecond, 1500 * time.Millisecond
	e := newEnv(t, withLimits(func(l *config.Limits) {
		l.PingInterval, l.PongWait = interval, pongWait
	}))
	ann := e.login("ann")
	var pings atomic.Int64
	ann.conn.SetPingHandler(func(data string) error {
		pings.Add(1)
		return ann.conn.WriteControl(websocket.PongMessage, []byte(data), time.Now().Add(time.Second))
	})
	go func() {
		time.Sleep(idle)
		b, _ := ctiproto.Encode(&ctiproto.Simple{Type: ctiproto.TypePing, ID: "late"})
		ann.conn.WriteMessage(websocket.TextMessage, b)
	}()
	if r, _ := ann.expectResult("late"); r == nil {
		t.Fatal("no result")
	}
	n := pings.Load()
	if want := int64(idle / interval / 2); n < want || n > int64(idle/interval)+2 {
		t.Fatalf("%d pings in %v at one per %v, want %d to %d", n, idle, interval, want, idle/interval+2)
	}
	if c := e.srv.connections(); c != 1 {
		t.Fatalf("%d connections after %v idle (pong wait %v), want 1", c, idle, pongWait)
	}
}

// A client that stops answering (it reads nothing, so it sends no pongs)
// is dropped once the pong wait has passed since its last sign of life,
// with 4005 (back off, not "going away": issue 12 item 15), although no
// writer runs while it is idle.
func TestSilentClientIsDroppedWithinPongWait(t *testing.T) {
	const interval, pongWait = 50 * time.Millisecond, 300 * time.Millisecond
	e := newEnv(t, withLimits(func(l *config.Limits) {
		l.PingInterval, l.PongWait = interval, pongWait
	}))
	ann := e.login("ann")
	s := e.sessionOf("ann")
	silent := time.Now() // from here ann reads nothing, so answers no ping
	waitFor(t, 3*pongWait, "the silent client was not dropped", s.closing)
	if took := time.Since(silent); took < pongWait-interval {
		t.Fatalf("dropped after %v, before the pong wait (%v)", took, pongWait)
	}
	s.out.mu.Lock()
	code, text := s.closeCode, s.closeText
	s.out.mu.Unlock()
	if code != ctiproto.CloseKeepAliveTimeout || text != "keepalive timed out" {
		t.Fatalf("closed with %d %q", code, text)
	}
	ann.expectClose(ctiproto.CloseKeepAliveTimeout)
	waitFor(t, 3*time.Second, "the server still counts the connection", func() bool { return e.srv.connections() == 0 })
}

// A client that reads nothing while events pile up is cut off as a slow
// consumer; the on-demand writer, blocked on the full socket, does not
// hold the queue open.
func TestSlowConsumerIsCutWithOnDemandWriter(t *testing.T) {
	e := newEnv(t, withLimits(func(l *config.Limits) {
		l.SendQueue = 16
		l.WriteWait = time.Second
	}))
	e.loginBuf("bob", 4<<10)
	s := e.sessionOf("bob")
	ctx := context.Background()
	name := strings.Repeat("n", 1000)
	// Until the kernel's socket buffers (several MB on loopback, tuned
	// by the kernel) are full and the queue overflows: a deadline, not a
	// count of calls, which depends on those buffers.
	deadline := time.Now().Add(30 * time.Second)
	for i := 0; !s.closing(); i++ {
		if time.Now().After(deadline) {
			t.Fatalf("bob was never cut off (%d calls)", i)
		}
		id, err := e.sim.Ring(ctx, "203", pbx.Party{Number: "+4930123", Name: name})
		if err != nil {
			t.Fatal(err)
		}
		if err := e.sim.HangupRemote(ctx, id); err != nil {
			t.Fatal(err)
		}
	}
	s.out.mu.Lock()
	code := s.closeCode
	s.out.mu.Unlock()
	if code != ctiproto.CloseSlowConsumer {
		t.Fatalf("closed with %d, want slow consumer", code)
	}
	waitFor(t, 5*time.Second, "the slow consumer's connection is still counted", func() bool { return e.srv.connections() == 0 })
}

// The ping wheel pings every session in it once per turn, none that has
// left, and its timer stops when the wheel is empty.
func TestPingWheel(t *testing.T) {
	w := newPingWheel(64 * minPingTick)
	if len(w.slots) != pingSlots || w.tick != minPingTick {
		t.Fatalf("%d slots of %v", len(w.slots), w.tick)
	}
	// writing set: pingDue only marks the ping, it starts no writer.
	ss := make([]*session, 200)
	for i := range ss {
		ss[i] = &session{out: outbox{writing: true}}
		w.add(ss[i])
		if i%3 == 0 {
			time.Sleep(time.Millisecond) // spread them over slots
		}
	}
	for i := 0; i < len(ss); i += 2 {
		w.remove(ss[i])
	}
	due := func(s *session) bool {
		s.out.mu.Lock()
		defer s.out.mu.Unlock()
		return s.out.ping
	}
	waitFor(t, 3*time.Second, "not every session was pinged", func() bool {
		for i := 1; i < len(ss); i += 2 {
			if !due(ss[i]) {
				return false
			}
		}
		return true
	})
	for i := 0; i < len(ss); i += 2 {
		if due(ss[i]) {
			t.Fatalf("session %d pinged after it left", i)
		}
	}
	for i := 1; i < len(ss); i += 2 {
		w.remove(ss[i])
	}
	waitFor(t, time.Second, "the timer still runs on an empty wheel", func() bool {
		w.mu.Lock()
		defer w.mu.Unlock()
		return !w.running
	})
	for _, slot := range w.slots {
		if len(slot) != 0 {
			t.Fatalf("slot holds %d sessions after all left", len(slot))
		}
	}
	// It starts again for the next session.
	s := &session{out: outbox{writing: true}}
	w.add(s)
	waitFor(t, 3*time.Second, "a session joining an idle wheel was not pinged", func() bool { return due(s) })
	w.remove(s)
}
