package app

import (
	"context"
	"crypto/tls"
	"encoding/pem"
	"errors"
	"io"
	"log"
	"net"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/deskline/deskline/app/tokens"
	"github.com/deskline/deskline/ctiproto"
	"github.com/deskline/deskline/internal/testoffice"
)

// cluster starts n offices that share their logins and device tokens, as
// the nodes of a cluster do. Each has its own exchange: a test rings on
// the node the desk is on. (Their epochs differ, so a desk that moves gets
// a snapshot; the cluster's own tests cover the resume with one epoch.)
func cluster(t *testing.T, n int) []*office {
	t.Helper()
	nodes := []*office{newOffice(t)}
	for range n - 1 {
		nodes = append(nodes, &office{Office: testoffice.Start(t, nil, testoffice.WithAuthOf(nodes[0].Office)), t: t})
	}
	return nodes
}

// clusterDesk is user's desk with every node's address, the first as
// server_url.
func clusterDesk(nodes []*office, user string, opts ...deskOption) *desk {
	var more []string
	for _, n := range nodes[1:] {
		more = append(more, n.url())
	}
	return nodes[0].desk(user, append([]deskOption{func(op *Options) { op.ServerURLs = more }}, opts...)...)
}

func connectedTo(addr string) func(State) bool {
	return func(s State) bool { return s.Status == StatusConnected && s.Server == addr }
}

// The desk's server goes away: the desk moves to the next one without a
// password, and the events of its new node reach it; its link cut, it
// moves on to the third. With the product's
// waits: the server's "going away" spreads its desks over up to
// defaultMinBackoff.
func TestMovesToAnotherServer(t *testing.T) {
	nodes := cluster(t, 3)
	ann := clusterDesk(nodes, "ann", func(op *Options) { op.MinBackoff, op.MaxBackoff = 0, 0 })
	ann.login()
	ann.waitFor("connected to the first", connectedTo(nodes[0].Addr))
	start := time.Now()
	nodes[0].stop()
	ann.waitFor("moved to the second", connectedTo(nodes[1].Addr))
	t.Logf("moved from %s to %s in %v", nodes[0].Addr, nodes[1].Addr, time.Since(start))
	call := string(nodes[1].ring("201", "+49301234567", ""))
	ann.waitFor("the call rung on the new node", func(s State) bool {
		r := s.Ringing()
		return len(r) == 1 && r[0].ID == call
	})
	// A link cut without a word (the network) moves the desk on too, at
	// once: no server asked it to spread out.
	start = time.Now()
	ann.dropLink()
	ann.waitFor("moved to the third", connectedTo(nodes[2].Addr))
	t.Logf("moved after a cut link in %v", time.Since(start))
	if n := ann.entered(StatusLoginRequired) + ann.entered(StatusDisconnected); n != 0 {
		t.Fatalf("asked for the password or went disconnected %d times on the way", n)
	}
	// One token for the cluster, under the first address.
	if tok, err := ann.Client.tokens.Get(nodes[0].url(), "ann"); err != nil || tok == "" {
		t.Fatalf("token under server_url: %v", err)
	}
	if _, err := ann.Client.tokens.Get(nodes[1].url(), "ann"); !errors.Is(err, tokens.ErrNotFound) {
		t.Fatalf("a token under the second address: %v", err)
	}
}

// A dead node costs the desk one refused dial, not a backoff: it goes
// from its lost node past the dead one to the third without ever showing
// "disconnected". When every node is down, the reason names each one
// tried, and the desk is back on the first node that returns.
func TestMoveSkipsDeadServer(t *testing.T) {
	nodes := cluster(t, 3)
	ann := clusterDesk(nodes, "ann")
	ann.login()
	ann.waitFor("connected to the first", connectedTo(nodes[0].Addr))
	nodes[1].stop()
	start := time.Now()
	nodes[0].stop()
	ann.waitFor("moved to the third", connectedTo(nodes[2].Addr))
	t.Logf("moved past a dead node in %v", time.Since(start))
	if n := ann.entered(StatusDisconnected); n != 0 {
		t.Fatalf("went disconnected %d times while a node was left", n)
	}
	call := string(nodes[2].ring("201", "+4989123456", ""))
	ann.waitFor("the call rung on the third node", func(s State) bool { return len(s.Ringing()) == 1 && s.Ringing()[0].ID == call })

	nodes[2].stop()
	s := ann.waitFor("every node down", func(s State) bool { return s.Status == StatusDisconnected })
	if p := s.Problem; p == nil || p.Host != nodes[1].Addr || !slices.Equal(p.Tried, []string{nodes[2].Addr, nodes[0].Addr}) {
		t.Fatalf("problem %+v, want %s after %s and %s", s.Problem, nodes[1].Addr, nodes[2].Addr, nodes[0].Addr)
	}
	for _, n := range nodes {
		if !strings.Contains(s.Reason, n.Addr) {
			t.Fatalf("reason %q does not name %s", s.Reason, n.Addr)
		}
	}
	nodes[1].restart(false)
	ann.waitFor("back on the node that returned", connectedTo(nodes[1].Addr))
}

// A host name with several addresses: each is tried in turn (the first
// is dead), and TLS is verified against the name, not the address
// dialled: the test certificate is for example.com and 127.0.0.1, so the
// same address under another name is refused.
func TestHostNameWithSeveralAddresses(t *testing.T) {
	o := newOffice(t)
	ts := httptest.NewUnstartedServer(o.Handler())
	ts.TLS = &tls.Config{MinVersion: tls.VersionTLS12}
	ts.Config.ErrorLog = log.New(io.Discard, "", 0) // the refused handshake is expected
	ts.StartTLS()
	defer ts.Close()
	ca := filepath.Join(t.TempDir(), "ca.pem")
	os.WriteFile(ca, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: ts.Certificate().Raw}), 0o600)
	_, port, _ := net.SplitHostPort(ts.Listener.Addr().String())
	// 127.0.0.2 is loopback too, with nothing listening on the port.
	lookup := fakeLookup(map[string][]string{"example.com": {"127.0.0.2", "127.0.0.1"}, "cluster.test": {"127.0.0.2", "127.0.0.1"}})

	ann := o.desk("ann", func(op *Options) {
		op.ServerURL, op.CAFile, op.LookupHost = "wss://example.com:"+port+ctiproto.Path, ca, lookup
	})
	start := time.Now()
	ann.login()
	ann.waitFor("connected past the dead address", connectedTo("example.com:"+port+" (127.0.0.1)"))
	t.Logf("logged in past a dead address in %v", time.Since(start))

	bob := o.desk("bob", func(op *Options) {
		op.ServerURL, op.CAFile, op.LookupHost = "wss://cluster.test:"+port+ctiproto.Path, ca, lookup
	})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	err := bob.Login(ctx, "secret")
	var le *LinkError
	if !errors.As(err, &le) || le.Problem != LinkUntrusted || le.Host != "cluster.test:"+port+" (127.0.0.1)" ||
		!slices.Equal(le.Tried, []string{"cluster.test:" + port + " (127.0.0.2)"}) {
		t.Fatalf("login under a name the certificate is not for: %v", err)
	}
}

// A bad further address is refused with its field and text.
func TestBadServerURLs(t *testing.T) {
	for _, c := range []struct {
		urls  []string
		field string
	}{
		{[]string{"https://b.example/v1/ws"}, "server_urls[0]"},
		{[]string{"wss://b.example/v1/ws", "b.example:8720"}, "server_urls[1]"},
		{[]string{"ws:///v1/ws"}, "server_urls[0]"},
	} {
		_, err := New(Options{ServerURL: "wss://a.example/v1/ws", ServerURLs: c.urls, User: "ann", Numbers: numbers(t)})
		var oe *OptionError
		if !errors.As(err, &oe) || oe.Field != c.field || !strings.Contains(err.Error(), c.urls[len(c.urls)-1]) {
			t.Errorf("%q: %v, want %s naming the entry", c.urls, err, c.field)
		}
	}
	// The password never travels in clear to any of them.
	c, err := New(Options{ServerURL: "ws://127.0.0.1:1/v1/ws", ServerURLs: []string{"ws://192.0.2.1:8720/v1/ws"}, User: "ann",
		Numbers: numbers(t), Tokens: tokens.NewMemory()})
	if err != nil {
		t.Fatal(err)
	}
	var pe *PasswordURLError
	if err := c.Login(context.Background(), "secret"); !errors.As(err, &pe) || pe.URL != "ws://192.0.2.1:8720/v1/ws" {
		t.Fatalf("password login with a remote ws:// node: %v", err)
	}
}
