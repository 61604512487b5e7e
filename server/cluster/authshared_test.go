package cluster

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/deskline/deskline/internal/natstest"
	"github.com/deskline/deskline/server/auth"
	"github.com/deskline/deskline/server/config"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"golang.org/x/crypto/bcrypt"
)

// settle bounds how long a change made on one node may take to reach
// another's mirror: milliseconds normally, seconds while the watcher
// moves to another NATS server.
const settle = 20 * time.Second

var (
	usersOnce sync.Once
	users     []auth.User
)

// testUsers: each password is the user name reversed; bcrypt's lowest
// cost, the tests are about sharing, not about bcrypt.
func testUsers(t testing.TB) []auth.User {
	usersOnce.Do(func() {
		for _, name := range []string{"ben", "clara"} {
			pw := []byte(name)
			slices.Reverse(pw)
			h, err := bcrypt.GenerateFromPassword(pw, bcrypt.MinCost)
			if err != nil {
				t.Fatal(err)
			}
			users = append(users, auth.User{Name: name, PasswordHash: string(h), Devices: []string{"20" + name[:1]}})
		}
	})
	return users
}

// authNode is one deskline node's Auth with its cluster link.
type authNode struct {
	node   *Node
	shared *AuthShared
	auth   *auth.Auth

	mu      sync.Mutex
	revoked []string // ids OnRevoke reported
}

// newAuthNode links an Auth to the NATS servers urls, sharing the buckets
// of cluster name.
func newAuthNode(t testing.TB, name string, urls []string, opts auth.Options) *authNode {
	t.Helper()
	cfg := config.Cluster{NATS: urls, Node: t.Name() + "-" + name, Name: sharedName(t), Replicas: 3}
	n, err := Connect(context.Background(), cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	return newAuthOn(t, n, opts)
}

// newAuthOnly is newAuthNode linked to the NATS server url alone: it does
// not move to the servers url tells it of, so killing url cuts it off.
func newAuthOnly(t testing.TB, name, url string, opts auth.Options) *authNode {
	t.Helper()
	nc, err := nats.Connect(url, nats.IgnoreDiscoveredServers(), nats.ReconnectWait(reconnectWait), nats.MaxReconnects(-1))
	if err != nil {
		t.Fatal(err)
	}
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	cfg := config.Cluster{NATS: []string{url}, Node: t.Name() + "-" + name, Name: sharedName(t), Replicas: 3}
	return newAuthOn(t, &Node{Name: cfg.Node, NC: nc, JS: js, cfg: cfg, log: slog.Default()}, opts)
}

func newAuthOn(t testing.TB, n *Node, opts auth.Options) *authNode {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(func() { cancel(); n.Close() })
	s, err := NewAuthShared(ctx, n, opts)
	if err != nil {
		t.Fatal(err)
	}
	an := &authNode{node: n, shared: s}
	opts.Shared = s
	if an.auth, err = auth.New(testUsers(t), opts); err != nil {
		t.Fatal(err)
	}
	an.auth.SetOnRevoke(func(ids []string) {
		an.mu.Lock()
		an.revoked = append(an.revoked, ids...)
		an.mu.Unlock()
	})
	return an
}

// sharedName is the bucket prefix of a test: its own buckets, so the
// tests sharing a NATS cluster do not see each other's tokens.
func sharedName(t testing.TB) string {
	b := []byte("t" + t.Name())
	for i, c := range b {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			b[i] = '_'
		}
	}
	return string(b)
}

func (an *authNode) revokedIDs() []string {
	an.mu.Lock()
	defer an.mu.Unlock()
	return append([]string(nil), an.revoked...)
}

func login(t testing.TB, an *authNode, user, addr string) auth.Grant {
	t.Helper()
	pw := []byte(user)
	slices.Reverse(pw)
	g, err := an.auth.Login(user, string(pw), addr)
	if err != nil {
		t.Fatalf("Login(%s) on %s: %v", user, an.node.Name, err)
	}
	return g
}

// eventually waits until cond holds, or fails with what.
func eventually(t testing.TB, what string, cond func() bool) {
	t.Helper()
	start := time.Now()
	for !cond() {
		if time.Since(start) > settle {
			t.Fatalf("not within %v: %s", settle, what)
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Logf("%s: after %v", what, time.Since(start).Round(time.Millisecond))
}

func verifies(an *authNode, tok string) bool {
	_, err := an.auth.Verify(tok)
	return err == nil
}

func invalid(an *authNode, tok string) func() bool {
	return func() bool {
		_, err := an.auth.Verify(tok)
		return errors.Is(err, auth.ErrTokenInvalid)
	}
}

// TestTokensOnAnyNode: a token issued on one node verifies, refreshes and
// is revoked on another, each node on its own NATS server.
func TestTokensOnAnyNode(t *testing.T) {
	nc := natstest.Start(t, 3)
	a := newAuthNode(t, "a", []string{nc.Nodes[0].URL}, auth.Options{})
	b := newAuthNode(t, "b", []string{nc.Nodes[1].URL}, auth.Options{})

	g := login(t, a, "ben", "192.0.2.10:5000")
	vb, err := b.auth.Verify(g.Token) // at once: from the bucket if not yet mirrored
	if err != nil || vb.User.Name != "ben" || vb.TokenID != g.TokenID || !vb.Expires.Equal(g.Expires) {
		t.Fatalf("Verify on b = %+v, %v; issued %+v", vb, err, g)
	}

	r, err := b.auth.Refresh(g.Token)
	if err != nil {
		t.Fatalf("Refresh on b: %v", err)
	}
	if !verifies(a, r.Token) {
		t.Fatal("refreshed token not valid on a")
	}
	eventually(t, "old token invalid on a after refresh on b", invalid(a, g.Token))
	if !slices.Contains(a.revokedIDs(), g.TokenID) {
		t.Errorf("a's OnRevoke got %v, want the old token %s", a.revokedIDs(), g.TokenID)
	}
	if len(b.revokedIDs()) != 0 {
		t.Errorf("b's OnRevoke got %v for its own refresh", b.revokedIDs())
	}

	if _, err := a.auth.Revoke(r.Token); err != nil {
		t.Fatalf("Revoke on a: %v", err)
	}
	eventually(t, "revoked token invalid on b", invalid(b, r.Token))
	if _, err := b.auth.Refresh(r.Token); !errors.Is(err, auth.ErrTokenInvalid) {
		t.Fatalf("Refresh of a revoked token on b: %v", err)
	}

	// RevokeAll on b ends ben's tokens issued on both nodes, not clara's.
	t1, t2 := login(t, a, "ben", "192.0.2.10:5001"), login(t, b, "ben", "192.0.2.11:5001")
	c := login(t, a, "clara", "192.0.2.12:5001")
	eventually(t, "a's tokens mirrored on b", func() bool { return verifies(b, t1.Token) })
	if ids := b.auth.RevokeAll("ben"); len(ids) != 2 {
		t.Fatalf("RevokeAll on b revoked %v, want 2 tokens", ids)
	}
	eventually(t, "ben's tokens invalid on a", func() bool { return invalid(a, t1.Token)() && invalid(a, t2.Token)() })
	if !verifies(a, c.Token) || !verifies(b, c.Token) {
		t.Fatal("clara's token revoked with ben's")
	}
}

// TestTokenCapAcrossNodes: the per-user cap counts the tokens issued on
// every node, and the oldest goes everywhere.
func TestTokenCapAcrossNodes(t *testing.T) {
	nc := natstest.Start(t, 3)
	a := newAuthNode(t, "a", []string{nc.Nodes[0].URL}, auth.Options{})
	b := newAuthNode(t, "b", []string{nc.Nodes[1].URL}, auth.Options{})
	const perUser = 50 // auth's maxTokensPerUser
	var toks []string
	for range perUser {
		toks = append(toks, login(t, a, "ben", "192.0.2.10:5000").Token)
	}
	eventually(t, "a's tokens mirrored on b", func() bool { return verifies(b, toks[perUser-1]) })
	latest := login(t, b, "ben", "192.0.2.10:5000")
	eventually(t, "the oldest token gone on a", invalid(a, toks[0]))
	for _, tok := range append(toks[1:], latest.Token) {
		if !verifies(a, tok) || !verifies(b, tok) {
			t.Fatal("a token other than the oldest was dropped")
		}
	}
}

// TestThrottleAcrossNodes: five failures spread over three nodes lock the
// address out on every node, as five on one would.
func TestThrottleAcrossNodes(t *testing.T) {
	nc := natstest.Start(t, 3)
	var nodes []*authNode
	for i, name := range []string{"a", "b", "c"} {
		nodes = append(nodes, newAuthNode(t, name, []string{nc.Nodes[i].URL}, auth.Options{}))
	}
	const addr = "198.51.100.7:4000"
	for i := range auth.DefaultMaxFailures {
		_, err := nodes[i%3].auth.Login("ben", "wrong", addr)
		if !errors.Is(err, auth.ErrBadCredentials) {
			t.Fatalf("failure %d on %s: %v", i+1, nodes[i%3].node.Name, err)
		}
	}
	for _, n := range nodes {
		_, err := n.auth.Login("ben", "neb", addr) // the right password: still refused
		var thr *auth.ThrottledError
		if !errors.As(err, &thr) || thr.RetryAfter <= 0 {
			t.Fatalf("after %d failures over 3 nodes, login on %s: %v, want throttled",
				auth.DefaultMaxFailures, n.node.Name, err)
		}
	}
	// The address is locked for every user name, on every node.
	var thr *auth.ThrottledError
	if _, err := nodes[2].auth.Login("clara", "aralc", addr); !errors.As(err, &thr) {
		t.Fatalf("another user from the locked address: %v, want throttled", err)
	}
}

// TestTrustAcrossNodes: an address a user logged in from on one node is
// trusted for him on another: failures of others on his name do not lock
// him out there.
func TestTrustAcrossNodes(t *testing.T) {
	nc := natstest.Start(t, 3)
	a := newAuthNode(t, "a", []string{nc.Nodes[0].URL}, auth.Options{})
	b := newAuthNode(t, "b", []string{nc.Nodes[1].URL}, auth.Options{})
	const desk = "192.0.2.20:1000"
	login(t, a, "ben", desk)
	// A guesser on ben's name from many addresses, on both nodes.
	for i := range 2 * auth.DefaultMaxFailures {
		n := []*authNode{a, b}[i%2]
		_, err := n.auth.Login("ben", "guess", fmt.Sprintf("203.0.113.%d:1", i+1))
		var thr *auth.ThrottledError
		if !errors.Is(err, auth.ErrBadCredentials) && !errors.As(err, &thr) {
			t.Fatalf("guess %d: %v", i, err)
		}
	}
	login(t, b, "ben", desk) // trusted: not slowed by the guesses
}

// TestCorruptEntries: a value in a bucket that is not what a node wrote
// is an error naming the bucket and the key; the nodes go on.
func TestCorruptEntries(t *testing.T) {
	nc := natstest.Start(t, 3)
	a := newAuthNode(t, "a", []string{nc.Nodes[0].URL}, auth.Options{})
	ctx := context.Background()
	const hash = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"
	if _, err := a.shared.tokens.Put(ctx, hash, []byte(`{"user": "ben", "expires": `)); err != nil {
		t.Fatal(err)
	}
	_, _, err := a.shared.Token(ctx, hash)
	if err == nil || !containsAll(err.Error(), a.shared.tokens.Bucket(), hash) {
		t.Fatalf("Token of a corrupt entry: %v, want an error naming bucket and key", err)
	}
	// A node starting now mirrors past the corrupt entry.
	b := newAuthNode(t, "b", []string{nc.Nodes[1].URL}, auth.Options{})
	g := login(t, a, "ben", "192.0.2.10:5000")
	if !verifies(b, g.Token) {
		t.Fatal("token not valid on a node that mirrored a corrupt entry")
	}

	key := loginKey("a:192.0.2.99")
	if _, err := a.shared.logins.Put(ctx, key, []byte("not json")); err != nil {
		t.Fatal(err)
	}
	_, err = a.shared.Logins(ctx, []string{"a:192.0.2.99"})
	if err == nil || !containsAll(err.Error(), a.shared.logins.Bucket(), key) {
		t.Fatalf("Logins of a corrupt entry: %v, want an error naming bucket and key", err)
	}
	// Logins from that address still work and are still counted: the
	// corrupt record is replaced.
	if _, err := b.auth.Login("clara", "wrong", "192.0.2.99:1"); !errors.Is(err, auth.ErrBadCredentials) {
		t.Fatalf("login with a corrupt shared record: %v", err)
	}
	recs, err := a.shared.Logins(ctx, []string{"a:192.0.2.99"})
	if err != nil || len(recs["a:192.0.2.99"].Fails) != 1 {
		t.Fatalf("record after the failure: %+v, %v; want one failure", recs, err)
	}
}

func containsAll(s string, parts ...string) bool {
	for _, p := range parts {
		if !strings.Contains(s, p) {
			return false
		}
	}
	return true
}

// TestNATSServerKilled: one of three NATS servers killed (kill -9) while
// two nodes log in, refresh and revoke: nothing is lost, both nodes agree.
func TestNATSServerKilled(t *testing.T) {
	nc := natstest.Start(t, 3)
	// a prefers the server that dies; both know all three.
	a := newAuthNode(t, "a", nc.URLs(), auth.Options{})
	b := newAuthNode(t, "b", []string{nc.Nodes[1].URL, nc.Nodes[2].URL}, auth.Options{})
	before := login(t, a, "ben", "192.0.2.10:5000")
	eventually(t, "token mirrored on b", func() bool { return verifies(b, before.Token) })

	victim := a.node.NC.ConnectedUrl()
	for _, nd := range nc.Nodes {
		if nd.URL == victim {
			nd.Kill()
		}
	}
	eventually(t, "a back on another NATS server", a.node.NC.IsConnected)
	t.Cleanup(func() {
		if t.Failed() {
			for _, nd := range nc.Nodes {
				t.Logf("%s:\n%s", nd.Name, nd.Log())
			}
		}
	})

	after := login(t, a, "clara", "192.0.2.11:5000")
	eventually(t, "token issued after the kill valid on b", func() bool { return verifies(b, after.Token) })
	if !verifies(a, before.Token) || !verifies(b, before.Token) {
		t.Fatal("token issued before the kill lost")
	}
	r, err := b.auth.Refresh(before.Token)
	if err != nil {
		t.Fatalf("Refresh on b after the kill: %v", err)
	}
	eventually(t, "refresh on b seen by a's mirror", func() bool {
		return invalid(a, before.Token)() && verifies(a, r.Token)
	})
	if _, err := a.auth.Revoke(after.Token); err != nil {
		t.Fatal(err)
	}
	eventually(t, "revoke on a seen by b", invalid(b, after.Token))
}

// TestNoNATSLink: a node whose only NATS server is gone still logs users
// in, verifies the tokens it holds and throttles on its own; what it did
// reaches the other nodes once the link is back.
func TestNoNATSLink(t *testing.T) {
	nc := natstest.Start(t, 3)
	a := newAuthOnly(t, "a", nc.Nodes[0].URL, auth.Options{})
	b := newAuthNode(t, "b", []string{nc.Nodes[1].URL}, auth.Options{})
	before := login(t, b, "ben", "192.0.2.10:5000")
	eventually(t, "b's token mirrored on a", func() bool { return verifies(a, before.Token) })

	nc.Nodes[0].Kill()
	eventually(t, "a without NATS", func() bool { return !a.node.NC.IsConnected() })

	start := time.Now()
	during := login(t, a, "clara", "192.0.2.11:5000")
	if d := time.Since(start); d > sharedTimeoutForTest {
		t.Errorf("login without NATS took %v", d) // fails fast, not per request timeout
	}
	if !verifies(a, during.Token) || !verifies(a, before.Token) {
		t.Fatal("a cannot verify its tokens without NATS")
	}
	// Failing open to the node's own throttle: it still locks out.
	const addr = "198.51.100.9:1"
	for range auth.DefaultMaxFailures {
		if _, err := a.auth.Login("ben", "wrong", addr); !errors.Is(err, auth.ErrBadCredentials) {
			t.Fatalf("failure without NATS: %v", err)
		}
	}
	var thr *auth.ThrottledError
	if _, err := a.auth.Login("ben", "neb", addr); !errors.As(err, &thr) {
		t.Fatalf("without NATS, after %d failures: %v, want throttled", auth.DefaultMaxFailures, err)
	}
	// A revoke of b's token on a, while cut off, also reaches b later.
	if _, err := a.auth.Revoke(before.Token); err != nil {
		t.Fatal(err)
	}
	if !verifies(b, before.Token) || verifies(b, during.Token) {
		t.Fatal("b learned of a's changes without a link") // nothing could carry them
	}

	nc.Nodes[0].Start()
	eventually(t, "token issued without NATS valid on b", func() bool { return verifies(b, during.Token) })
	eventually(t, "revoke made without NATS seen by b", invalid(b, before.Token))
}

// sharedTimeoutForTest is well under auth's per-call timeout times the
// calls of a login: a login without a link must not wait for timeouts.
const sharedTimeoutForTest = time.Second
