package auth

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"
)

// fakeShared is an in-memory Shared whose mirrors see changes only when a
// test calls deliver, so the order of events is the test's to choose.
type fakeShared struct {
	mu      sync.Mutex
	down    bool // every call fails: the link is gone
	tokens  map[string]TokenRecord
	logins  map[string]LoginRecord
	queue   []TokenChange // stored, not yet delivered to the mirrors
	mirrors []func(TokenChange)
}

var errDown = errors.New("fake: link down")

func newFakeShared() *fakeShared {
	return &fakeShared{tokens: make(map[string]TokenRecord), logins: make(map[string]LoginRecord)}
}

func (f *fakeShared) PutToken(_ context.Context, rec TokenRecord) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.down {
		return errDown
	}
	f.tokens[rec.Hash] = rec
	f.queue = append(f.queue, TokenChange{Record: rec})
	return nil
}

func (f *fakeShared) DeleteToken(_ context.Context, hash string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.down {
		return errDown
	}
	delete(f.tokens, hash)
	f.queue = append(f.queue, TokenChange{Record: TokenRecord{Hash: hash}, Deleted: true})
	return nil
}

func (f *fakeShared) Token(_ context.Context, hash string) (TokenRecord, bool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.down {
		return TokenRecord{}, false, errDown
	}
	rec, ok := f.tokens[hash]
	return rec, ok, nil
}

func (f *fakeShared) Mirror(_ context.Context, apply func(TokenChange)) error {
	f.mu.Lock()
	var now []TokenRecord
	for _, rec := range f.tokens {
		now = append(now, rec)
	}
	f.mirrors = append(f.mirrors, apply)
	f.mu.Unlock()
	for _, rec := range now {
		apply(TokenChange{Record: rec})
	}
	return nil
}

// deliver hands the first n stored changes (all with n < 0) to every mirror.
func (f *fakeShared) deliver(n int) {
	f.mu.Lock()
	if n < 0 || n > len(f.queue) {
		n = len(f.queue)
	}
	batch := f.queue[:n]
	f.queue = slices.Clone(f.queue[n:])
	mirrors := slices.Clone(f.mirrors)
	f.mu.Unlock()
	for _, c := range batch {
		for _, apply := range mirrors {
			apply(c)
		}
	}
}

func (f *fakeShared) Logins(_ context.Context, keys []string) (map[string]LoginRecord, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.down {
		return nil, errDown
	}
	out := make(map[string]LoginRecord)
	for _, k := range keys {
		if r, ok := f.logins[k]; ok {
			out[k] = r
		}
	}
	return out, nil
}

func (f *fakeShared) UpdateLogin(_ context.Context, key string, change func(*LoginRecord)) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.down {
		return errDown
	}
	r := f.logins[key]
	r.Fails = slices.Clone(r.Fails)
	change(&r)
	if r.IsZero() {
		delete(f.logins, key)
	} else {
		f.logins[key] = r
	}
	return nil
}

func (f *fakeShared) setDown(down bool) {
	f.mu.Lock()
	f.down = down
	f.mu.Unlock()
}

// sharedNode is an Auth on f with the ids its OnRevoke was given.
type sharedNode struct {
	*Auth
	mu      sync.Mutex
	revoked []string
}

func newSharedNode(t *testing.T, f *fakeShared, c *clock) *sharedNode {
	t.Helper()
	n := &sharedNode{}
	a, err := New(testUsers(t), Options{Now: c.Now, Shared: f})
	if err != nil {
		t.Fatal(err)
	}
	a.SetOnRevoke(func(ids []string) {
		n.mu.Lock()
		n.revoked = append(n.revoked, ids...)
		n.mu.Unlock()
	})
	n.Auth = a
	return n
}

func (n *sharedNode) revokedIDs() []string {
	n.mu.Lock()
	defer n.mu.Unlock()
	return slices.Clone(n.revoked)
}

func TestSharedVerifyBeforeMirrored(t *testing.T) {
	f, c := newFakeShared(), newClock()
	a, b := newSharedNode(t, f, c), newSharedNode(t, f, c)
	g := mustLogin(t, a.Auth, "ben", "neb")
	vb, err := b.Verify(g.Token) // b's mirror has not seen it: read on the miss
	if err != nil || vb.TokenID != g.TokenID || vb.User != b.User("ben") {
		t.Fatalf("Verify on b before mirroring: %+v, %v", vb, err)
	}
	f.deliver(-1)
	if _, err := b.Verify(g.Token); err != nil {
		t.Fatalf("after mirroring: %v", err)
	}
}

// TestSharedLateEchoOfRevoked: a token revoked here is not brought back
// by the mirror's late report of its creation.
func TestSharedLateEchoOfRevoked(t *testing.T) {
	f, c := newFakeShared(), newClock()
	a := newSharedNode(t, f, c)
	g := mustLogin(t, a.Auth, "ben", "neb")
	if _, err := a.Revoke(g.Token); err != nil {
		t.Fatal(err)
	}
	f.deliver(1) // the creation only
	if _, err := a.Verify(g.Token); !errors.Is(err, ErrTokenInvalid) {
		t.Fatalf("revoked token after a late echo of its creation: %v", err)
	}
	f.deliver(-1)
	if _, err := a.Verify(g.Token); !errors.Is(err, ErrTokenInvalid) {
		t.Fatalf("revoked token: %v", err)
	}
	if ids := a.revokedIDs(); len(ids) != 0 {
		t.Fatalf("OnRevoke called with %v for a revocation made here", ids)
	}
}

func TestSharedRevokeElsewhere(t *testing.T) {
	f, c := newFakeShared(), newClock()
	a, b := newSharedNode(t, f, c), newSharedNode(t, f, c)
	g := mustLogin(t, b.Auth, "ben", "neb")
	f.deliver(-1)
	r, err := a.Refresh(g.Token)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.Verify(g.Token); err != nil {
		t.Fatalf("b before it learned of the refresh: %v", err) // the mirror lags
	}
	f.deliver(-1)
	if _, err := b.Verify(g.Token); !errors.Is(err, ErrTokenInvalid) {
		t.Fatalf("old token on b after a's refresh: %v", err)
	}
	if _, err := b.Verify(r.Token); err != nil {
		t.Fatalf("new token on b: %v", err)
	}
	if ids := b.revokedIDs(); !slices.Equal(ids, []string{g.TokenID}) {
		t.Fatalf("b's OnRevoke got %v, want [%s]", ids, g.TokenID)
	}
	// RevokeAll on b reaches a.
	b.RevokeAll("ben")
	f.deliver(-1)
	if _, err := a.Verify(r.Token); !errors.Is(err, ErrTokenInvalid) {
		t.Fatalf("a after RevokeAll on b: %v", err)
	}
}

// TestSharedLinkDown: without the link, password logins work and are
// throttled by the node alone (fail open to the local throttle); tokens
// verify from the mirror.
func TestSharedLinkDown(t *testing.T) {
	f, c := newFakeShared(), newClock()
	a := newSharedNode(t, f, c)
	before := mustLogin(t, a.Auth, "ben", "neb")
	f.setDown(true)
	g := mustLogin(t, a.Auth, "clara", "aralc")
	for _, tok := range []string{before.Token, g.Token} {
		if _, err := a.Verify(tok); err != nil {
			t.Fatalf("Verify without the link: %v", err)
		}
	}
	for range DefaultMaxFailures {
		if _, err := a.Login("ben", "x", "198.51.100.1:1"); !errors.Is(err, ErrBadCredentials) {
			t.Fatal(err)
		}
	}
	var thr *ThrottledError
	if _, err := a.Login("ben", "neb", "198.51.100.1:1"); !errors.As(err, &thr) {
		t.Fatalf("without the link after %d failures: %v, want throttled", DefaultMaxFailures, err)
	}
}

// TestSharedThrottle: failures on two nodes add up, and the lockout
// written by one holds on the other.
func TestSharedThrottle(t *testing.T) {
	f, c := newFakeShared(), newClock()
	a, b := newSharedNode(t, f, c), newSharedNode(t, f, c)
	const addr = "198.51.100.2:1"
	for i := range DefaultMaxFailures {
		n := []*sharedNode{a, b}[i%2]
		if _, err := n.Login("ben", "x", addr); !errors.Is(err, ErrBadCredentials) {
			t.Fatalf("failure %d: %v", i+1, err)
		}
	}
	for _, n := range []*sharedNode{a, b} {
		var thr *ThrottledError
		if _, err := n.Login("ben", "neb", addr); !errors.As(err, &thr) {
			t.Fatalf("after failures on two nodes: %v, want throttled", err)
		}
	}
	c.Advance(DefaultFailureWindow)
	mustLoginFrom(t, b.Auth, "ben", "neb", addr)
	if r := f.logins["p:198.51.100.2|ben"]; len(r.Fails) != 0 || r.Trusted.IsZero() {
		t.Fatalf("shared pair record after a success: %+v", r)
	}
}

// TestSharedTrust: a token connect's trust reaches the other nodes, so
// guesses on the user's name there do not slow the desk's next login.
func TestSharedTrust(t *testing.T) {
	f, c := newFakeShared(), newClock()
	a, b := newSharedNode(t, f, c), newSharedNode(t, f, c)
	const desk = "192.0.2.30:1"
	a.Trust("ben", desk) // written in the background
	deadline := time.Now().Add(10 * time.Second)
	for {
		f.mu.Lock()
		at := f.logins["p:192.0.2.30|ben"].Trusted
		f.mu.Unlock()
		if !at.IsZero() {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("trust not shared")
		}
		time.Sleep(time.Millisecond)
	}
	for i := range DefaultMaxFailures {
		_, _ = b.Login("ben", "x", fmt.Sprintf("203.0.113.%d:1", i+1))
	}
	mustLoginFrom(t, b.Auth, "ben", "neb", desk)
}
