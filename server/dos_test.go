package server

import (
	"context"
	"net"
	"testing"
	"time"

	"github.com/deskline/deskline/ctiproto"
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
