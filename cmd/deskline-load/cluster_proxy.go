package main

import (
	"fmt"
	"io"
	"net"
	"sync"
	"time"
)

// proxy is a TCP proxy on loopback in this process, between one
// deskline-server node and one NATS server, so that partition mode can
// cut the node off from NATS: cut closes every proxied connection and
// refuses new ones (accepts and closes them at once, as a firewall that
// resets), heal accepts again. The proxy's invariant: while cut, no byte
// passes either way.
type proxy struct {
	ln     net.Listener
	target string // host:port of the NATS server

	mu    sync.Mutex
	cut   bool
	conns map[net.Conn]struct{} // both ends of every proxied connection
	wg    sync.WaitGroup
}

// proxyDialTimeout bounds the dial to the NATS server behind the proxy:
// a NATS server that is down must not hold a node's connection attempt.
const proxyDialTimeout = 2 * time.Second

// startProxy listens on a free loopback port and forwards to target.
func startProxy(target string) (*proxy, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("proxy to %s: %w", target, err)
	}
	p := &proxy{ln: ln, target: target, conns: map[net.Conn]struct{}{}}
	p.wg.Go(p.accept)
	return p, nil
}

// addr is where the node connects instead of the NATS server.
func (p *proxy) addr() string { return p.ln.Addr().String() }

func (p *proxy) accept() {
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return // closed
		}
		p.wg.Go(func() { p.serve(c) })
	}
}

// serve connects c to the target and copies both ways until either ends.
func (p *proxy) serve(c net.Conn) {
	if !p.track(c) {
		c.Close()
		return
	}
	defer p.untrack(c)
	t, err := net.DialTimeout("tcp", p.target, proxyDialTimeout)
	if err != nil {
		return
	}
	if !p.track(t) {
		t.Close()
		return
	}
	defer p.untrack(t)
	done := make(chan struct{}, 2)
	pipe := func(dst, src net.Conn) {
		io.Copy(dst, src)
		done <- struct{}{}
	}
	go pipe(t, c)
	go pipe(c, t)
	<-done // one way ended: end both
	c.Close()
	t.Close()
	<-done
}

// track adds c to the proxied connections, unless the proxy is cut.
func (p *proxy) track(c net.Conn) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.cut {
		return false
	}
	p.conns[c] = struct{}{}
	return true
}

func (p *proxy) untrack(c net.Conn) {
	c.Close()
	p.mu.Lock()
	delete(p.conns, c)
	p.mu.Unlock()
}

// setCut cuts (closes every connection, refuses new ones) or heals.
func (p *proxy) setCut(cut bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.cut = cut
	if !cut {
		return
	}
	for c := range p.conns {
		if tc, ok := c.(*net.TCPConn); ok {
			tc.SetLinger(0) // RST: nothing buffered goes out after the cut
		}
		c.Close()
	}
}

// close stops the proxy and every connection through it.
func (p *proxy) close() {
	p.ln.Close()
	p.setCut(true)
	p.wg.Wait()
}
