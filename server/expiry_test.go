package server

import (
	"testing"
	"time"

	"github.com/deskline/deskline/ctiproto"
	"github.com/deskline/deskline/server/auth"
	"github.com/deskline/deskline/server/config"
)

// A token whose lifetime ends while a connection uses it: the server
// closes the connection with 4001, as the spec's table says for
// token-expired (issue 12 item 16); the next hello is told token-expired.
func TestTokenExpiringWhileConnectedCloses4001(t *testing.T) {
	const lifetime = 300 * time.Millisecond
	e := newEnv(t, withAuth(func(o *auth.Options) { o.TokenLifetime = lifetime }),
		withLimits(func(l *config.Limits) { l.PingInterval = 50 * time.Millisecond }))
	ann := e.login("ann")
	ann.expectClose(ctiproto.CloseAuthFailed)
	if left := time.Until(*ann.welcome.TokenExpires); left > 0 {
		t.Fatalf("closed %v before the token expired", left)
	}
	c := e.dial()
	c.send(&ctiproto.Hello{ID: "h", Token: ann.welcome.Token})
	c.expectError(ctiproto.CodeTokenExpired)
	c.expectClose(ctiproto.CloseAuthFailed)
}

// refresh-token with a token that expired is answered token-expired and
// the connection closes with 4001, as the error table says.
func TestRefreshOfExpiredTokenCloses4001(t *testing.T) {
	const lifetime = 200 * time.Millisecond
	e := newEnv(t, withAuth(func(o *auth.Options) { o.TokenLifetime = lifetime }))
	ann := e.login("ann")
	time.Sleep(time.Until(*ann.welcome.TokenExpires) + 10*time.Millisecond) // ping interval is 30 s: no close yet
	ann.send(&ctiproto.Simple{Type: ctiproto.TypeRefreshToken, ID: "r"})
	if got := ann.expectError(ctiproto.CodeTokenExpired); got.ID != "r" {
		t.Fatalf("error %+v", got)
	}
	ann.expectClose(ctiproto.CloseAuthFailed)
}
