package server

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/deskline/deskline/ctiproto"
	"github.com/deskline/deskline/pbx/sim"
	"github.com/deskline/deskline/server/auth"
)

func TestLoginFailures(t *testing.T) {
	e := newEnv(t)
	for _, tc := range []struct{ name, user, pw string }{
		{"wrong password", "ann", "nope"},
		{"unknown user", "zed", "secret"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := e.dial()
			c.send(&ctiproto.Hello{ID: "h", User: tc.user, Password: tc.pw})
			if got := c.expectError(ctiproto.CodeAuthFailed); got.ID != "h" {
				t.Errorf("error id %q", got.ID)
			}
			c.expectClose(ctiproto.CloseAuthFailed)
		})
	}
	c := e.dial()
	c.send(&ctiproto.Hello{ID: "h", Token: "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"})
	c.expectError(ctiproto.CodeTokenInvalid)
	c.expectClose(ctiproto.CloseAuthFailed)
}

// After repeated failures the user is throttled, even with the right
// password, and the client is told how long to wait.
func TestLoginThrottled(t *testing.T) {
	e := newEnv(t, withAuth(func(o *auth.Options) { o.MaxFailures = 3; o.FailureWindow = time.Minute }))
	for range 3 {
		c := e.dial()
		c.send(&ctiproto.Hello{ID: "h", User: "bob", Password: "bad"})
		c.expectError(ctiproto.CodeAuthFailed)
	}
	c := e.dial()
	c.send(&ctiproto.Hello{ID: "h", User: "bob", Password: "secret"})
	if got := c.expectError(ctiproto.CodeThrottled); got.RetryAfterMS <= 0 {
		t.Fatalf("retry_after_ms = %d", got.RetryAfterMS)
	}
	c.expectClose(ctiproto.CloseAuthFailed)
}

// The token from a password login opens later connections; refresh
// swaps it; revoke closes every connection that uses it.
func TestTokenLifecycle(t *testing.T) {
	e := newEnv(t)
	first := e.login("ann")
	tok := first.welcome.Token
	if len(tok) < 43 || first.welcome.TokenExpires == nil {
		t.Fatalf("welcome token %q expires %v", tok, first.welcome.TokenExpires)
	}
	second := e.dial()
	second.send(&ctiproto.Hello{ID: "h", Token: tok})
	if w := second.expectWelcome(); w.Token != "" || w.User != "ann" {
		t.Fatalf("token hello welcome: user %q token %q", w.User, w.Token)
	}
	res, _ := second.do(&ctiproto.Simple{Type: ctiproto.TypeRefreshToken, ID: "rf"})
	if res.Token == "" || res.Token == tok || res.Expires == nil {
		t.Fatalf("refresh result %+v", res)
	}
	// The first connection used the token refresh replaced: closed.
	first.expectClose(ctiproto.CloseTokenRevoked)
	stale := e.dial()
	stale.send(&ctiproto.Hello{ID: "h", Token: tok})
	stale.expectError(ctiproto.CodeTokenInvalid)

	third := e.dial()
	third.send(&ctiproto.Hello{ID: "h", Token: res.Token})
	third.expectWelcome()
	second.do(&ctiproto.RevokeToken{ID: "rv"})
	second.expectClose(ctiproto.CloseTokenRevoked)
	third.expectClose(ctiproto.CloseTokenRevoked)
	// Log out everywhere: every connection of the user closes.
	fourth := e.login("ann")
	fifth := e.login("ann")
	fourth.do(&ctiproto.RevokeToken{ID: "all", All: true})
	fourth.expectClose(ctiproto.CloseTokenRevoked)
	fifth.expectClose(ctiproto.CloseTokenRevoked)
	gone := e.dial()
	gone.send(&ctiproto.Hello{ID: "h", Token: fifth.welcome.Token})
	gone.expectError(ctiproto.CodeTokenInvalid)
}

func TestTokenExpiry(t *testing.T) {
	now := time.Now()
	clock := func() time.Time { return now }
	e := newEnv(t, withAuth(func(o *auth.Options) { o.TokenLifetime = time.Hour; o.Now = func() time.Time { return clock() } }))
	tok := e.login("ann").welcome.Token
	now = now.Add(2 * time.Hour)
	c := e.dial()
	c.send(&ctiproto.Hello{ID: "h", Token: tok})
	c.expectError(ctiproto.CodeTokenExpired)
	c.expectClose(ctiproto.CloseAuthFailed)
}

// Ann never sees bob's calls and cannot control bob's device.
func TestUsersConfinedToTheirDevices(t *testing.T) {
	e := newEnv(t)
	ann, bob := e.login("ann"), e.login("bob")
	if len(ann.welcome.Devices) != 2 || ann.welcome.Devices[0].Device != "201" {
		t.Fatalf("ann's devices %+v", ann.welcome.Devices)
	}
	call := e.ring("203", "+4930999", "")
	bob.expectEvent(ctiproto.EventDelivered, "203")
	for _, m := range []ctiproto.Message{
		&ctiproto.CallCommand{Type: ctiproto.TypeAnswer, ID: "x1", Call: call, Device: "203"},
		&ctiproto.MakeCall{ID: "x2", Device: "203", To: "201"},
		&ctiproto.SetDND{ID: "x3", Device: "204", On: true},
		&ctiproto.Redirect{Type: ctiproto.TypeDeflect, ID: "x4", Call: call, Device: "203", To: "201"},
	} {
		ann.send(m)
		if e := ann.expectError(ctiproto.CodeForbidden); e.Field != "device" || e.ID != ctiproto.RequestID(m) {
			t.Errorf("%s: error %+v", m.MessageType(), e)
		}
	}
	// Ann naming her own device but bob's call: the exchange refuses.
	ann.send(&ctiproto.CallCommand{Type: ctiproto.TypeAnswer, ID: "x5", Call: call, Device: "201"})
	ann.expectError(ctiproto.CodeNotFound)
	// And ann received no event about bob's call at all.
	res, evs := ann.do(&ctiproto.Simple{Type: ctiproto.TypeSnapshot, ID: "s"})
	if len(evs) != 0 || len(res.Calls) != 0 {
		t.Fatalf("ann saw %d events, calls %+v", len(evs), res.Calls)
	}
	if ann.seq != 0 {
		t.Fatalf("ann's seq moved to %d", ann.seq)
	}
}

func TestSimAPINeedsLoopbackOrToken(t *testing.T) {
	e := newEnv(t)
	// Loopback works (every other test relies on it); a remote address is
	// refused unless it sends the admin token.
	req := httptestRequest("POST", "/v1/sim/ring", `{"device":"201"}`, "192.0.2.7:5555", "")
	if e.srv.simAllowed(req) {
		t.Fatal("remote client allowed without token")
	}
	e.srv.opts.SimAPI.AdminTokenHash = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08" // sha256("test")
	if !e.srv.simAllowed(httptestRequest("POST", "/v1/sim/ring", "", "192.0.2.7:5555", "Bearer test")) {
		t.Fatal("remote client with the admin token refused")
	}
	if e.srv.simAllowed(httptestRequest("POST", "/v1/sim/ring", "", "192.0.2.7:5555", "Bearer nope")) {
		t.Fatal("remote client with a wrong token allowed")
	}
}

func TestDeviceWithTwoOwnersRefused(t *testing.T) {
	ex, err := sim.New(testSimConfig())
	if err != nil {
		t.Fatal(err)
	}
	defer ex.Close()
	users := []auth.User{{Name: "a", Devices: []string{"201"}}, {Name: "b", Devices: []string{"201"}}}
	a, _ := auth.New(nil, auth.Options{})
	_, err = New(context.Background(), Options{Exchange: ex, Auth: a, Users: users})
	if err == nil || !strings.Contains(err.Error(), "one owner per device") {
		t.Fatalf("New: %v", err)
	}
}
