package app

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"reflect"
	"testing"
)

// fakeLookup answers for names in m, else "no such host".
func fakeLookup(m map[string][]string) func(context.Context, string) ([]string, error) {
	return func(_ context.Context, host string) ([]string, error) {
		if a, ok := m[host]; ok {
			return a, nil
		}
		return nil, errors.New("no such host")
	}
}

func names(eps []endpoint) []string {
	var n []string
	for _, e := range eps {
		n = append(n, e.name)
	}
	return n
}

// Every URL's nodes in the order configured: an IP as it is, a name with
// several addresses as that many nodes, a name that does not resolve by
// name (the dial says why), each node once.
func TestServersResolve(t *testing.T) {
	s := newServers([]string{"wss://cti.example:8443/v1/ws", "ws://10.0.0.9:8720/v1/ws", "wss://one.example/v1/ws",
		"wss://gone.example/v1/ws", "wss://cti.example:8443/v1/ws"},
		fakeLookup(map[string][]string{"cti.example": {"10.0.0.1", "10.0.0.2", "2001:db8::3"}, "one.example": {"10.0.0.4"}}), nil)
	ring := s.resolve(context.Background())
	want := []string{"cti.example:8443 (10.0.0.1)", "cti.example:8443 (10.0.0.2)", "cti.example:8443 (2001:db8::3)",
		"10.0.0.9:8720", "one.example", "gone.example"}
	if !reflect.DeepEqual(names(ring), want) {
		t.Fatalf("ring %q\nwant %q", names(ring), want)
	}
	if ring[2].addr != "[2001:db8::3]:8443" || ring[3].addr != "" || ring[4].addr != "10.0.0.4:443" || ring[5].addr != "" {
		t.Fatalf("addresses %+v", ring)
	}
	// Through a proxy the proxy resolves: the name is dialled as it is.
	proxy := func(*http.Request) (*url.URL, error) { return url.Parse("http://proxy.example:3128") }
	if ring := newServers([]string{"wss://cti.example:8443/v1/ws"}, fakeLookup(map[string][]string{"cti.example": {"10.0.0.1", "10.0.0.2"}}), proxy).
		resolve(context.Background()); len(ring) != 1 || ring[0].addr != "" {
		t.Fatalf("behind a proxy: %+v", ring)
	}
}

// The rotation: a lost node sends the next attempt to the next node at
// once; only a whole round of failures ends a round (the backoff); a new
// round starts with the node that let the desk in last.
func TestServersRotation(t *testing.T) {
	ctx := context.Background()
	s := newServers([]string{"ws://a:1/v1/ws", "ws://b:1/v1/ws", "ws://c:1/v1/ws"}, fakeLookup(nil), nil)
	var got []string
	attempt := func(ok bool) []string {
		ep := s.next(ctx)
		got = append(got, ep.name)
		if ok {
			s.worked(ep, true)
			return nil
		}
		return s.failed(ctx, ep)
	}
	if r := attempt(false); r != nil { // a down
		t.Fatalf("round over after one of three: %q", r)
	}
	attempt(true) // b lets the desk in
	// b's link ends: c and a are tried at once, then the round is over.
	if r := s.failed(ctx, s.last); r != nil {
		t.Fatalf("round over at once: %q", r)
	}
	attempt(false)
	if r := attempt(false); !reflect.DeepEqual(r, []string{"b:1", "c:1", "a:1"}) {
		t.Fatalf("round %q, want b (lost), c, a", r)
	}
	attempt(false) // the next round starts with b, which worked last
	if want := []string{"a:1", "b:1", "c:1", "a:1", "b:1"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("attempts %q, want %q", got, want)
	}
	// One address: every failure is a whole round, as before the list.
	one := newServers([]string{"ws://a:1/v1/ws"}, fakeLookup(nil), nil)
	if r := one.failed(ctx, one.next(ctx)); !reflect.DeepEqual(r, []string{"a:1"}) || one.several() {
		t.Fatalf("one address: round %q", r)
	}
}
