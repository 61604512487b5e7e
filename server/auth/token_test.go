package auth

import (
	"errors"
	"slices"
	"testing"
	"time"
)

func TestExpiry(t *testing.T) {
	a, c := newTestAuth(t, Options{TokenLifetime: time.Hour})
	g := mustLogin(t, a, "ben", "neb")
	if want := c.Now().Add(time.Hour); !g.Expires.Equal(want) {
		t.Fatalf("Expires = %v, want %v", g.Expires, want)
	}
	c.Advance(time.Hour - time.Second)
	if _, err := a.Verify(g.Token); err != nil {
		t.Fatalf("just before expiry: %v", err)
	}
	c.Advance(time.Second)
	if _, err := a.Verify(g.Token); !errors.Is(err, ErrTokenExpired) {
		t.Fatalf("at expiry: %v, want ErrTokenExpired", err)
	}
	if _, err := a.Refresh(g.Token); !errors.Is(err, ErrTokenExpired) {
		t.Fatalf("Refresh of expired: %v", err)
	}
	// Long expired tokens are pruned when the next token is issued.
	c.Advance(expiredKeep + time.Second)
	mustLogin(t, a, "clara", "aralc")
	if _, err := a.Verify(g.Token); !errors.Is(err, ErrTokenInvalid) {
		t.Fatalf("after pruning: %v, want ErrTokenInvalid", err)
	}
	if n := len(a.tokens); n != 1 {
		t.Fatalf("%d tokens kept, want 1", n)
	}
}

func TestVerifyJunk(t *testing.T) {
	a, _ := newTestAuth(t, Options{})
	for _, tok := range []string{"", "x", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", string(make([]byte, 5000))} {
		if _, err := a.Verify(tok); !errors.Is(err, ErrTokenInvalid) {
			t.Errorf("Verify(%.10q): %v", tok, err)
		}
	}
}

func TestRefreshRevokesOld(t *testing.T) {
	a, c := newTestAuth(t, Options{TokenLifetime: time.Hour})
	old := mustLogin(t, a, "ben", "neb")
	c.Advance(30 * time.Minute)
	g, err := a.Refresh(old.Token)
	if err != nil {
		t.Fatal(err)
	}
	if g.Token == "" || g.Token == old.Token || g.TokenID == old.TokenID || g.User.Name != "ben" {
		t.Fatalf("refreshed grant %+v", g)
	}
	if want := c.Now().Add(time.Hour); !g.Expires.Equal(want) {
		t.Errorf("Expires = %v, want %v", g.Expires, want)
	}
	if _, err := a.Verify(old.Token); !errors.Is(err, ErrTokenInvalid) {
		t.Errorf("old token: %v", err)
	}
	if _, err := a.Refresh(old.Token); !errors.Is(err, ErrTokenInvalid) {
		t.Errorf("refresh old again: %v", err)
	}
	if _, err := a.Verify(g.Token); err != nil {
		t.Errorf("new token: %v", err)
	}
}

func TestRevoke(t *testing.T) {
	a, _ := newTestAuth(t, Options{})
	g := mustLogin(t, a, "ben", "neb")
	id, err := a.Revoke(g.Token)
	if err != nil || id != g.TokenID {
		t.Fatalf("Revoke = %q, %v; want %q", id, err, g.TokenID)
	}
	if _, err := a.Verify(g.Token); !errors.Is(err, ErrTokenInvalid) {
		t.Fatalf("Verify after revoke: %v", err)
	}
	if _, err := a.Revoke(g.Token); !errors.Is(err, ErrTokenInvalid) {
		t.Fatalf("second Revoke: %v", err)
	}
}

func TestRevokeAll(t *testing.T) {
	a, _ := newTestAuth(t, Options{})
	b1, b2 := mustLogin(t, a, "ben", "neb"), mustLogin(t, a, "ben", "neb")
	cl := mustLogin(t, a, "clara", "aralc")
	ids := a.RevokeAll("ben")
	slices.Sort(ids)
	want := []string{b1.TokenID, b2.TokenID}
	slices.Sort(want)
	if !slices.Equal(ids, want) {
		t.Fatalf("RevokeAll = %v, want %v", ids, want)
	}
	for _, g := range []Grant{b1, b2} {
		if _, err := a.Verify(g.Token); !errors.Is(err, ErrTokenInvalid) {
			t.Errorf("ben's token still valid: %v", err)
		}
	}
	if _, err := a.Verify(cl.Token); err != nil {
		t.Errorf("clara's token: %v", err)
	}
	if ids := a.RevokeAll("nobody"); len(ids) != 0 {
		t.Errorf("RevokeAll(nobody) = %v", ids)
	}
}

func TestTokensPerUserCapped(t *testing.T) {
	a, c := newTestAuth(t, Options{})
	first := mustLogin(t, a, "ben", "neb")
	for range maxTokensPerUser {
		c.Advance(time.Second)
		mustLogin(t, a, "ben", "neb")
	}
	if _, err := a.Verify(first.Token); !errors.Is(err, ErrTokenInvalid) {
		t.Fatalf("oldest token beyond the cap: %v", err)
	}
	if n := len(a.tokens); n != maxTokensPerUser {
		t.Fatalf("%d tokens, want %d", n, maxTokensPerUser)
	}
}

func TestConcurrentUse(t *testing.T) {
	a, _ := newTestAuth(t, Options{StorePath: t.TempDir() + "/tokens.json"})
	seed := mustLogin(t, a, "clara", "aralc")
	done := make(chan struct{})
	go func() { // a stream of connects
		defer close(done)
		for range 2000 {
			_, _ = a.Verify(seed.Token)
		}
	}()
	// Eight logins at once from one address (an office behind NAT), four
	// per user: none of them is throttled.
	errs := make(chan error, 8)
	for i := range 8 {
		user, pw := "ben", "neb"
		if i%2 == 1 {
			user, pw = "clara", "aralc"
		}
		go func() {
			g, err := a.Login(user, pw, "192.0.2.1:1")
			if err == nil {
				g, err = a.Refresh(g.Token)
			}
			if err == nil {
				_, err = a.Revoke(g.Token)
			}
			errs <- err
		}()
	}
	for range 8 {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
	<-done
	a.RevokeAll("clara")
}
