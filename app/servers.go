package app

import (
	"context"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/gorilla/websocket"
)

// The desk's server addresses and the order it tries them in. The nodes
// of a Deskline cluster are equal (same epoch, same per-user seqs), so
// the desk takes the first that lets it in, and when its node goes it
// moves on to the next at once: a dead node costs one failed dial, and
// only a whole round of failures costs a backoff. A host name with
// several addresses (one DNS name for the cluster) counts as that many
// nodes; each is dialled by address, while TLS is still verified
// against the name.

// maxAddrsPerName bounds the nodes taken from one DNS answer: a round
// tries each once, and an answer of hundreds of addresses (a misconfigured
// record) would make a round last minutes before the user is told.
const maxAddrsPerName = 16

// lookupTimeout bounds resolving one name at the start of a round; a
// stuck resolver then costs what a dial by name would (the dial by name
// reports it).
const lookupTimeout = 5 * time.Second

// endpoint is one place to dial: a server URL and, where its host name
// was resolved, one of the name's addresses.
type endpoint struct {
	url  string // the server URL as configured
	host string // its host:port as written in the URL
	// addr is the address dialled (ip:port); "" dials by name (an IP in
	// the URL, a proxy that resolves the name, a failed lookup whose
	// error the dial then reports).
	addr string
	name string // how the user sees it: host:port, and the address when the name has several
}

// same reports whether e and o are the same node of the same URL.
func (e endpoint) same(o endpoint) bool { return e.url == o.url && e.addr == o.addr }

// servers is the rotation over the desk's endpoints; used by the run
// loop only.
type servers struct {
	urls   []string // server_url first: its URL keys the device token
	lookup func(ctx context.Context, host string) ([]string, error)
	proxy  func(*http.Request) (*url.URL, error) // nil: no proxy
	ring   []endpoint                            // this round's endpoints in order; nil: resolve anew
	at     int                                   // ring index of the next attempt
	tried  []string                              // names of the endpoints that failed this round
	last   endpoint                              // the one that let the desk in last
	// quick counts links in a row that ended soon after the welcome:
	// nodes that let the desk in and drop it at once. As many as there
	// are endpoints make a whole round (a backoff), or a desk would log
	// in to them in a tight loop.
	quick int
}

func newServers(urls []string, lookup func(context.Context, string) ([]string, error), proxy func(*http.Request) (*url.URL, error)) *servers {
	if lookup == nil {
		lookup = net.DefaultResolver.LookupHost
	}
	return &servers{urls: urls, lookup: lookup, proxy: proxy}
}

// next is the endpoint of the next attempt. A new round (the first, after
// a backoff, after a link that worked) resolves the names again and
// starts with the endpoint that let the desk in last.
func (s *servers) next(ctx context.Context) endpoint {
	if s.ring == nil {
		s.ring = s.resolve(ctx)
		s.at = max(s.index(s.last), 0)
	}
	return s.ring[s.at]
}

// worked records that ep let the desk in: when its link ends, a round
// starts with the endpoints after it. lasted says the link lasted (not
// a drop right after the welcome).
func (s *servers) worked(ep endpoint, lasted bool) {
	s.quick++
	if lasted {
		s.quick = 0
	}
	s.last, s.tried, s.ring = ep, nil, nil
}

// failed records that an attempt at ep failed or its link ended; the next
// attempt goes to the endpoint after it. When the whole round has failed
// it returns the names tried, in order (time for a backoff), else nil.
func (s *servers) failed(ctx context.Context, ep endpoint) (round []string) {
	if s.ring == nil { // its link had worked: a new round starts after it
		s.ring = s.resolve(ctx)
	}
	s.tried = append(s.tried, ep.name)
	if i := s.index(ep); i >= 0 {
		s.at = (i + 1) % len(s.ring)
	} else {
		s.at %= len(s.ring)
	}
	if len(s.tried) < len(s.ring) && s.quick < len(s.ring) {
		return nil
	}
	round = s.tried
	s.tried, s.ring, s.quick = nil, nil, 0
	return round
}

// several reports whether there is more than one endpoint to try.
func (s *servers) several() bool { return len(s.ring) > 1 || len(s.urls) > 1 }

func (s *servers) index(ep endpoint) int {
	for i, e := range s.ring {
		if e.same(ep) {
			return i
		}
	}
	return -1
}

// resolve lists the endpoints of every URL, in the order configured, each
// node once.
func (s *servers) resolve(ctx context.Context) []endpoint {
	var ring []endpoint
	for _, raw := range s.urls {
		for _, ep := range s.endpoints(ctx, raw) {
			if !slices.ContainsFunc(ring, ep.same) {
				ring = append(ring, ep)
			}
		}
	}
	return ring
}

// endpoints are raw's nodes: one per address of its host name, or the URL
// by name (an IP in the URL, a proxy, or a name that does not resolve —
// the dial by name says why).
func (s *servers) endpoints(ctx context.Context, raw string) []endpoint {
	u, err := url.Parse(raw)
	if err != nil { // New checked every URL
		return []endpoint{{url: raw, host: raw, name: raw}}
	}
	byName := []endpoint{{url: raw, host: u.Host, name: u.Host}}
	if net.ParseIP(u.Hostname()) != nil || s.proxied(u) {
		return byName
	}
	lctx, cancel := context.WithTimeout(ctx, lookupTimeout)
	addrs, err := s.lookup(lctx, u.Hostname())
	cancel()
	if err != nil || len(addrs) == 0 {
		return byName
	}
	addrs = addrs[:min(len(addrs), maxAddrsPerName)]
	port := defaultPort(u)
	eps := make([]endpoint, 0, len(addrs))
	for _, a := range addrs {
		ep := endpoint{url: raw, host: u.Host, addr: net.JoinHostPort(a, port), name: u.Host}
		if len(addrs) > 1 {
			ep.name = u.Host + " (" + a + ")"
		}
		eps = append(eps, ep)
	}
	return eps
}

// proxied reports whether the dial to u goes through a proxy, which
// resolves the name itself: such a URL is dialled by name.
func (s *servers) proxied(u *url.URL) bool {
	if s.proxy == nil {
		return false
	}
	hu := *u
	hu.Scheme = strings.Replace(u.Scheme, "ws", "http", 1)
	p, err := s.proxy(&http.Request{URL: &hu})
	return err == nil && p != nil
}

// defaultPort is u's port, else the scheme's (80 for ws, 443 for wss).
func defaultPort(u *url.URL) string {
	if p := u.Port(); p != "" {
		return p
	}
	if strings.EqualFold(u.Scheme, "wss") {
		return "443"
	}
	return "80"
}

// connectTimeout bounds the TCP connect to one node when there are others
// to try: a node whose host is down (no refusal, just silence) must cost
// seconds, not the whole dialTimeout, before the desk moves on. A LAN or
// VPN connect takes well under a second.
const connectTimeout = 3 * time.Second

// dialerFor is the client's dialer aimed at ep: the TCP connect goes to
// ep's address, while the URL, and so the Host header and the TLS server
// name checked against the certificate, keep the host name. A proxy's
// address is dialled as it is.
func (c *Client) dialerFor(ep endpoint, several bool) *websocket.Dialer {
	d := c.dialer
	nd := &net.Dialer{}
	if several {
		nd.Timeout = connectTimeout
	}
	d.NetDialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
		if ep.addr != "" && addr == hostPort(ep.host, ep.url) {
			addr = ep.addr
		}
		return nd.DialContext(ctx, network, addr)
	}
	return &d
}

// hostPort is host with the URL scheme's port added when it has none, as
// the WebSocket dialer asks for it.
func hostPort(host, raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return host
	}
	return net.JoinHostPort(u.Hostname(), defaultPort(u))
}
