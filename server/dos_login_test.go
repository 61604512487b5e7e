package server

import (
	"context"
	"net"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/deskline/deskline/ctiproto"
	"github.com/deskline/deskline/server/config"
	"github.com/gorilla/websocket"
)

// dialFromAddr dials the test server from another loopback address
// (127.0.0.0/8 is all loopback on Linux), so a test can play a second
// machine. It touches no testing.T: attackers run on goroutines of their
// own; the caller closes the connection.
func (e *testEnv) dialFromAddr(ip string) (*websocket.Conn, error) {
	nd := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(ip)}}
	d := websocket.Dialer{Subprotocols: []string{ctiproto.Subprotocol}, HandshakeTimeout: 5 * time.Second,
		NetDialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			return nd.DialContext(ctx, network, addr)
		}}
	conn, _, err := d.Dial(e.url, nil)
	return conn, err
}

// guess sends one wrong password for user from ip and returns the error
// code it got ("" when none came).
func (e *testEnv) guess(ip, user string) string {
	conn, err := e.dialFromAddr(ip)
	if err != nil {
		return ""
	}
	defer conn.Close()
	b, _ := ctiproto.Encode(&ctiproto.Hello{ID: "h", User: user, Password: "guess"})
	conn.NetConn().SetDeadline(time.Now().Add(5 * time.Second))
	if conn.WriteMessage(websocket.TextMessage, b) != nil {
		return ""
	}
	_, data, err := conn.ReadMessage()
	if err != nil {
		return ""
	}
	if m, err := ctiproto.Decode(data); err == nil {
		if e, ok := m.(*ctiproto.Error); ok {
			return e.Code
		}
	}
	return ""
}

// An attacker guessing at ann's password without pause, from another
// machine, never keeps ann out of the desk she works at: every one of her
// logins there gets in at once.
func TestAttackerCannotLockOutRealUser(t *testing.T) {
	e := newEnv(t)
	e.login("ann").conn.Close() // her desk: she logged in from here before
	throttled := make(chan struct{})
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		seen := false
		for {
			select {
			case <-stop:
				return
			default:
			}
			if e.guess("127.0.0.77", "ann") == ctiproto.CodeThrottled && !seen {
				seen = true
				close(throttled) // the attacker is past the failure limit
			}
		}
	}()
	defer func() { close(stop); <-done }()
	select {
	case <-throttled:
	case <-time.After(30 * time.Second):
		t.Fatal("the attacker was never throttled")
	}
	for i := range 10 {
		c := e.dial()
		c.send(&ctiproto.Hello{ID: "h", User: "ann", Password: "secret"})
		m := c.next()
		if _, ok := m.(*ctiproto.Welcome); !ok {
			t.Fatalf("login %d while under attack: %s", i, dump(m))
		}
		c.conn.Close()
	}
}

// waitPreLogin waits until n connections from ip wait for their hello:
// the server registers a connection just after the upgrade's answer.
func (e *testEnv) waitPreLogin(ip string, n int) {
	e.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for e.srv.preLoginFrom(ip) != n {
		if time.Now().After(deadline) {
			e.t.Fatalf("%d connections from %s wait for hello, want %d", e.srv.preLoginFrom(ip), ip, n)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// holdSilent opens n connections from ip that never say hello.
func (e *testEnv) holdSilent(ip string, n int) []*websocket.Conn {
	e.t.Helper()
	var conns []*websocket.Conn
	for range n {
		c, err := e.dialFromAddr(ip)
		if err != nil {
			e.t.Fatalf("dial from %s: %v", ip, err)
		}
		e.t.Cleanup(func() { c.Close() })
		conns = append(conns, c)
	}
	return conns
}

// One address holding connections that never say hello, as many as the
// whole connection cap, neither fills the server nor keeps a desk from
// connecting and logging in: those connections get a share of the cap,
// and a newcomer from elsewhere displaces the oldest of them.
func TestSilentConnectionsLeaveRoomForDesks(t *testing.T) {
	e := newEnv(t, withLimits(func(l *config.Limits) {
		l.MaxConnections, l.PreLoginShare, l.MaxPreLoginPerAddress = 40, 25, 40
	}))
	held := e.holdSilent("127.0.0.77", 40)
	e.waitPreLogin("127.0.0.77", 10) // the share is full
	desks := []*client{e.login("ann"), e.login("bob"), e.login("carl")}
	for _, c := range desks { // logged in and served
		c.do(&ctiproto.Simple{Type: ctiproto.TypeSnapshot, ID: "s"})
	}
	if n := e.srv.preLoginFrom("127.0.0.77"); n > 10 {
		t.Fatalf("%d silent connections wait for hello, want at most 10 (25%% of 40)", n)
	}
	// 30 were turned away at once (the share was full); the first desk,
	// waiting for its hello too, displaced the oldest silent one, which
	// was told to come back (the others found the room it left once it
	// had logged in). Which held connection the server saw first is not
	// the dial order (each registers on its own goroutine), so they are
	// counted, not named.
	if n := closedWith(held, websocket.CloseTryAgainLater, 3*time.Second); n != 31 {
		t.Fatalf("%d silent connections closed with 1013, want 31 (30 turned away, 1 displaced by a desk)", n)
	}
}

// closedWith reads every connection until it closes or wait passes, and
// counts those closed with code.
func closedWith(conns []*websocket.Conn, code int, wait time.Duration) int {
	var n atomic.Int32
	var wg sync.WaitGroup
	deadline := time.Now().Add(wait)
	for _, c := range conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c.SetReadDeadline(deadline)
			for {
				_, _, err := c.ReadMessage()
				if err == nil {
					continue
				}
				var ce *websocket.CloseError
				if asCloseError(err, &ce) && ce.Code == code {
					n.Add(1)
				}
				return
			}
		}()
	}
	wg.Wait()
	return int(n.Load())
}

// One address may hold at most max_prelogin_per_address connections
// waiting for hello; the next is closed with 1013 at once.
func TestSilentConnectionsCappedPerAddress(t *testing.T) {
	e := newEnv(t, withLimits(func(l *config.Limits) { l.MaxPreLoginPerAddress = 3 }))
	e.holdSilent("127.0.0.77", 3)
	e.waitPreLogin("127.0.0.77", 3)
	expectCloseCode(t, e.holdSilent("127.0.0.77", 1)[0], websocket.CloseTryAgainLater)
	e.login("ann")
}

// expectCloseCode reads from conn until it closes, which must be with code.
func expectCloseCode(t *testing.T, conn *websocket.Conn, code int) {
	t.Helper()
	conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	for {
		_, _, err := conn.ReadMessage()
		if err == nil {
			continue
		}
		var ce *websocket.CloseError
		if !asCloseError(err, &ce) || ce.Code != code {
			t.Fatalf("connection ended with %v, want close %d", err, code)
		}
		return
	}
}
