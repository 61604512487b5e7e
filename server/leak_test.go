package server

import (
	"context"
	"runtime"
	"testing"
	"time"

	"github.com/deskline/deskline/ctiproto"
	"github.com/deskline/deskline/server/config"
)

// Connections that end every which way (client close, drop, kick,
// revoke, ping traffic, shutdown) leave no reader, writer or frame
// goroutine behind, and the ping wheel's timer stops.
func TestNoGoroutineLeft(t *testing.T) {
	before := runtime.NumGoroutine()
	e := newEnv(t, withLimits(func(l *config.Limits) {
		l.PingInterval, l.PongWait = 20*time.Millisecond, 2*time.Second
	}))
	var cs []*client
	for i := range 30 {
		c := e.login([]string{"ann", "bob", "carl"}[i%3])
		c.do(&ctiproto.Simple{Type: ctiproto.TypePing, ID: "p"})
		cs = append(cs, c)
	}
	for i, c := range cs {
		switch i % 3 {
		case 0:
			c.conn.Close() // drop
		case 1:
			c.send(&ctiproto.Simple{Type: ctiproto.TypePing, ID: "x"}) // stays until shutdown
		}
	}
	e.ring("201", "+4930100", "Leak")
	time.Sleep(200 * time.Millisecond)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := e.srv.Shutdown(ctx); err != nil {
		t.Fatal(err)
	}
	e.http.Close()
	e.http = nil
	for _, c := range cs {
		c.conn.Close()
	}
	waitFor(t, 5*time.Second, "ping wheel still running", func() bool {
		e.srv.pings.mu.Lock()
		defer e.srv.pings.mu.Unlock()
		return !e.srv.pings.running && e.srv.pings.count == 0
	})
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > before+2 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > before+2 {
		buf := make([]byte, 1<<16)
		t.Fatalf("%d goroutines, %d before\n%s", n, before, buf[:runtime.Stack(buf, true)])
	}
}
