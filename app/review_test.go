package app

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/deskline/deskline/app/tokens"
	"github.com/deskline/deskline/ctiproto"
)

// A peer that upgrades without agreeing to deskline.v1 never sees the
// password.
func TestNoPasswordWithoutTheSubprotocol(t *testing.T) {
	var frames atomic.Int32
	up := websocket.Upgrader{} // offers no subprotocol
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		conn, err := up.Upgrade(w, r, nil)
		if err != nil {
			return
		}
		defer conn.Close()
		for {
			if _, _, err := conn.ReadMessage(); err != nil {
				return
			}
			frames.Add(1)
		}
	}))
	defer ts.Close()
	o := newOffice(t)
	d := o.desk("ann", func(op *Options) { op.ServerURL = "ws" + strings.TrimPrefix(ts.URL, "http") + ctiproto.Path })
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	err := d.Login(ctx, "secret")
	if err == nil || !strings.Contains(err.Error(), "does not speak") {
		t.Fatalf("login: %v", err)
	}
	if n := frames.Load(); n != 0 {
		t.Fatalf("the peer received %d frames", n)
	}
}

// After throttled, the desk waits as told, even when the user tries again.
func TestThrottleIsHonoured(t *testing.T) {
	o := newOffice(t)
	ann := o.desk("ann")
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	var ae *ActionError
	for {
		err := ann.Login(ctx, "wrong")
		if !errors.As(err, &ae) {
			t.Fatalf("login: %v", err)
		}
		if ae.Code == ctiproto.CodeThrottled {
			break
		}
	}
	start := time.Now()
	err := ann.Login(ctx, "secret")
	if !errors.As(err, &ae) || ae.Code != ctiproto.CodeThrottled || ae.RetryAfterMS <= 0 || time.Since(start) > time.Second {
		t.Fatalf("login while throttled: %v after %v", err, time.Since(start))
	}
}

func TestLoginAfterStop(t *testing.T) {
	o := newOffice(t)
	ann := o.desk("ann")
	ann.stop()
	if err := ann.Login(context.Background(), "secret"); !errors.Is(err, ErrStopped) {
		t.Fatalf("login after stop: %v", err)
	}
}

// A desk that starts with a stored token swaps it for a fresh one, so a
// desk in use never meets the token's expiry.
func TestTokenRefreshedAtStart(t *testing.T) {
	o := newOffice(t)
	store := tokens.NewMemory()
	first := o.desk("ann", func(op *Options) { op.Tokens = store })
	first.login()
	first.waitFor("connected", func(s State) bool { return s.Status == StatusConnected })
	first.stop()
	old, err := store.Get(o.url(), "ann")
	if err != nil {
		t.Fatal(err)
	}
	second := o.desk("ann", func(op *Options) { op.Tokens = store })
	second.waitFor("connected with the token", func(s State) bool { return s.Status == StatusConnected })
	deadline := time.Now().Add(10 * time.Second)
	for {
		tok, _ := store.Get(o.url(), "ann")
		if tok != old && tok != "" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("token never refreshed")
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// Logout revokes the token: it cannot log in again.
func TestLogout(t *testing.T) {
	o := newOffice(t)
	store := tokens.NewMemory()
	ann := o.desk("ann", func(op *Options) { op.Tokens = store })
	ann.login()
	ann.waitFor("connected", func(s State) bool { return s.Status == StatusConnected })
	tok, _ := store.Get(o.url(), "ann")
	if err := ann.Logout(context.Background()); err != nil {
		t.Fatal(err)
	}
	ann.waitFor("logged out", func(s State) bool { return s.Status == StatusLoginRequired })
	if _, err := store.Get(o.url(), "ann"); !errors.Is(err, tokens.ErrNotFound) {
		t.Fatalf("token still stored: %v", err)
	}
	if _, err := o.Auth.Verify(tok); err == nil {
		t.Fatal("token still valid on the server")
	}
}
