package natstest

import (
	"fmt"
	"io"
	"net"
	"strings"
	"sync"
	"testing"
)

// Proxy forwards TCP connections to one NATS server, so a test (or the
// load tool's partition mode) can cut a client off (a network partition)
// without touching the server: Cut closes every forwarded connection and
// refuses new ones until Heal. While cut, no byte passes either way.
type Proxy struct {
	URL    string // nats://127.0.0.1:port, for the client cut off
	target string
	ln     net.Listener

	mu    sync.Mutex
	cut   bool
	conns map[net.Conn]bool // both ends of every forwarded connection
	wg    sync.WaitGroup    // the accept loop and the forwarders
}

// NewProxy forwards to the server at url (nats://host:port) until the
// test ends.
func NewProxy(t testing.TB, url string) *Proxy {
	t.Helper()
	p, err := StartProxy(url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.Close)
	return p
}

// StartProxy forwards to the server at url (nats://host:port) until
// Close.
func StartProxy(url string) (*Proxy, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("natstest: proxy to %s: %w", url, err)
	}
	p := &Proxy{URL: "nats://" + ln.Addr().String(), target: strings.TrimPrefix(url, "nats://"), ln: ln,
		conns: make(map[net.Conn]bool)}
	p.wg.Go(p.accept)
	return p, nil
}

// Proxies makes a proxy to every server of c; their URLs are a client's
// server list.
func (c *Cluster) Proxies(t testing.TB) ([]*Proxy, []string) {
	var ps []*Proxy
	var urls []string
	for _, nd := range c.Nodes {
		p := NewProxy(t, nd.URL)
		ps, urls = append(ps, p), append(urls, p.URL)
	}
	return ps, urls
}

// Cut closes every forwarded connection and refuses new ones.
func (p *Proxy) Cut() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.cut = true
	for c := range p.conns {
		if tc, ok := c.(*net.TCPConn); ok {
			tc.SetLinger(0) // reset: nothing still buffered goes out
		}
		c.Close()
	}
	clear(p.conns)
}

// Heal accepts connections again.
func (p *Proxy) Heal() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.cut = false
}

// Close stops the proxy and ends every connection through it.
func (p *Proxy) Close() {
	p.ln.Close()
	p.Cut()
	p.wg.Wait()
}

func (p *Proxy) accept() {
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		p.wg.Go(func() { p.forward(c) })
	}
}

func (p *Proxy) forward(c net.Conn) {
	if !p.track(c) {
		c.Close()
		return
	}
	defer p.untrack(c)
	s, err := net.Dial("tcp", p.target)
	if err != nil {
		return
	}
	if !p.track(s) {
		s.Close()
		return
	}
	defer p.untrack(s)
	done := make(chan struct{})
	go func() { io.Copy(s, c); s.Close(); c.Close(); close(done) }()
	io.Copy(c, s)
	c.Close()
	s.Close()
	<-done
}

// track adds c to the forwarded connections, unless the proxy is cut.
func (p *Proxy) track(c net.Conn) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.cut {
		return false
	}
	p.conns[c] = true
	return true
}

// untrack closes c and forgets it: a long run's ended connections do not
// pile up.
func (p *Proxy) untrack(c net.Conn) {
	c.Close()
	p.mu.Lock()
	delete(p.conns, c)
	p.mu.Unlock()
}
