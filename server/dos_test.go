package server

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/deskline/deskline/ctiproto"
	"github.com/deskline/deskline/server/config"
	"github.com/gorilla/websocket"
)

// One token may hold max_sessions_per_token connections and a user
// max_sessions_per_user over all tokens; more are refused with
// too-many-sessions and 4006, and a closed one frees its place.
func TestSessionsCappedPerTokenAndUser(t *testing.T) {
	e := newEnv(t, withLimits(func(l *config.Limits) { l.MaxSessionsPerToken, l.MaxSessionsPerUser = 2, 3 }))
	first := e.login("ann")
	tok := first.welcome.Token
	second := e.dial()
	second.send(&ctiproto.Hello{ID: "h", Token: tok})
	second.expectWelcome()
	third := e.dial()
	third.send(&ctiproto.Hello{ID: "h", Token: tok})
	third.expectError(ctiproto.CodeTooManySessions)
	third.expectClose(ctiproto.CloseTooManySessions)

	e.login("ann") // a second token: the user's third session
	fourth := e.dial()
	fourth.send(&ctiproto.Hello{ID: "h", User: "ann", Password: "secret"})
	fourth.expectError(ctiproto.CodeTooManySessions)
	fourth.expectClose(ctiproto.CloseTooManySessions)
	e.login("bob") // other users are not affected

	second.conn.Close()
	for deadline := time.Now().Add(10 * time.Second); ; {
		c := e.dial()
		c.send(&ctiproto.Hello{ID: "h", Token: tok})
		m := c.next()
		if _, ok := m.(*ctiproto.Welcome); ok {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("a closed session's place was not freed: %s", dump(m))
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// A browser page (an Origin header) not in allowed_origins cannot open
// the WebSocket; a desktop (no Origin) and a listed origin can.
func TestOriginChecked(t *testing.T) {
	e := newEnv(t, withOrigins("https://crm.example"))
	dial := func(origin string) (*websocket.Conn, *http.Response, error) {
		h := http.Header{}
		if origin != "" {
			h.Set("Origin", origin)
		}
		d := websocket.Dialer{Subprotocols: []string{ctiproto.Subprotocol}, HandshakeTimeout: 5 * time.Second}
		return d.Dial(e.url, h)
	}
	if c, resp, err := dial("https://evil.example"); err == nil || resp == nil || resp.StatusCode != http.StatusForbidden {
		if c != nil {
			c.Close()
		}
		t.Fatalf("Origin https://evil.example: want 403, got %v %v", resp, err)
	}
	for _, origin := range []string{"", "https://CRM.example"} {
		c, _, err := dial(origin)
		if err != nil {
			t.Fatalf("Origin %q: %v", origin, err)
		}
		cl := &client{t: t, conn: c}
		cl.send(&ctiproto.Hello{ID: "h", User: "ann", Password: "secret"})
		cl.expectWelcome()
		c.Close()
	}
}

// The default, an empty allow-list, refuses every browser.
func TestNoOriginAllowedByDefault(t *testing.T) {
	e := newEnv(t)
	d := websocket.Dialer{Subprotocols: []string{ctiproto.Subprotocol}}
	_, resp, err := d.Dial(e.url, http.Header{"Origin": {e.http.URL}})
	if err == nil || resp == nil || resp.StatusCode != http.StatusForbidden {
		t.Fatalf("same-host Origin with no allow-list: want 403, got %v %v", resp, err)
	}
}

// A sim API or /healthz request whose body trickles in is cut off after
// the hello timeout instead of holding its connection as long as the
// client likes.
func TestSlowHTTPBodyCutOff(t *testing.T) {
	e := newEnv(t, withLimits(func(l *config.Limits) { l.HelloTimeout = time.Second }))
	for _, req := range []string{"POST /v1/sim/ring", "GET /healthz"} {
		conn, err := net.Dial("tcp", e.http.Listener.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		fmt.Fprintf(conn, "%s HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{", req)
		if n := trickle(conn, 300); n >= 300 {
			t.Fatalf("%s: the server kept reading a trickling body for %d bytes (30 s)", req, n)
		}
	}
}

// trickle writes a byte every 100 ms until the server ends the connection
// or max bytes are written; it returns how many were written.
func trickle(conn net.Conn, max int) int {
	ended := make(chan struct{})
	go func() {
		io.Copy(io.Discard, conn) // whatever the server answers, until it hangs up
		close(ended)
	}()
	for n := 0; n < max; n++ {
		select {
		case <-ended:
			return n
		case <-time.After(100 * time.Millisecond):
		}
		if _, err := conn.Write([]byte(" ")); err != nil {
			return n
		}
	}
	return max
}
