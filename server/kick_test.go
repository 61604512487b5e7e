package server

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/deskline/deskline/ctiproto"
	"github.com/deskline/deskline/server/config"
	"github.com/gorilla/websocket"
)

// A kick that lands between register and the reader's first
// SetReadDeadline (Shutdown right after an upgrade: serveWS starts the
// reader with `go` after register) has its close grace overwritten by
// the hello deadline: a client that does not answer the close frame is
// held for hello_timeout instead of closeGrace, and Shutdown waits for it.
func TestKickBeforeReaderKeepsCloseGrace(t *testing.T) {
	e := newEnv(t, withLimits(func(l *config.Limits) { l.HelloTimeout = 6 * time.Second }))
	srv := e.srv
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		conn, err := srv.upgrader.Upgrade(w, r, nil) // as serveWS
		if err != nil {
			return
		}
		sess := newSession(srv, conn, remoteHost(r))
		if err := srv.register(sess); err != nil {
			conn.Close()
			return
		}
		sess.kick(websocket.CloseGoingAway, "server shutting down") // Shutdown's kick lands here
		time.Sleep(50 * time.Millisecond)                           // the writer sends the close, sets closeGrace
		go sess.readLoop()                                          // as serveWS
	}))
	defer hs.Close()
	d := websocket.Dialer{Subprotocols: []string{ctiproto.Subprotocol}}
	conn, _, err := d.Dial("ws"+strings.TrimPrefix(hs.URL, "http"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close() // the client reads nothing: it never answers the close
	start := time.Now()
	waitFor(t, 10*time.Second, "never unregistered", func() bool { return srv.connections() == 0 })
	if took := time.Since(start); took > 5*time.Second {
		t.Fatalf("a kicked connection was held %v (close grace %v, linger %v): the hello deadline replaced the close grace", took.Round(time.Millisecond), closeGrace, closeGrace)
	}
}
