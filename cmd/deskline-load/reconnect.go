package main

import (
	"errors"
	"io"
	"math/rand/v2"
	"net"
	"syscall"
	"time"

	"github.com/deskline/deskline/ctiproto"
	"github.com/gorilla/websocket"
)

// Reconnection backoff: quick enough that a storm or restart measures
// the server, gentle enough that N clients retrying while the port is
// closed do not take the CPU the restarting server needs.
const (
	backoffMin = 50 * time.Millisecond
	backoffMax = time.Second
)

// run is the client's reader: it reads until the connection ends, then,
// when the fleet reconnects, logs in again (token, resume) and goes on.
func (c *client) run(f *fleet) {
	for {
		err := c.read(f)
		c.current().Close() // a failed connection keeps its socket until closed
		if f.stopping.Load() {
			return
		}
		if !f.reconnect {
			c.endErr = err
			return
		}
		c.ends[endReason(err)]++
		if err := c.redial(f); err != nil {
			if !f.stopping.Load() {
				c.endErr = err
			}
			return
		}
		if f.stopping.Load() { // close may have missed the new connection
			c.current().Close()
			return
		}
	}
}

// read reads frames until the connection ends. A stalled client (slow
// mode) stops after a frame until its stall is lifted.
func (c *client) read(f *fleet) error {
	conn := c.current()
	for {
		_, data, err := conn.ReadMessage()
		if err != nil {
			return err
		}
		c.handle(data, time.Now(), f.phase.Load())
		if ch := c.stalled(); ch != nil {
			select {
			case <-ch:
			case <-f.ctx.Done():
			}
		}
	}
}

func (c *client) stalled() chan struct{} {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.stall
}

// redial reconnects with backoff until it works, the fleet stops, or
// reconnectLimit passes, each attempt on the next node (cluster). A
// refused token falls back to the password, as the tray app asks the
// user for it.
func (c *client) redial(f *fleet) error {
	deadline := time.Now().Add(reconnectLimit)
	wait := backoffMin
	for {
		retry, err := c.tryDial(f.ctx, f.nextURL(c))
		if err == nil {
			return nil
		}
		if tokenRefused(err) {
			c.token = ""
			c.logins.Fallback++
			continue
		}
		if f.ctx.Err() != nil || time.Now().After(deadline) {
			return err
		}
		sleep(f.ctx, max(retry, jitter(wait)))
		wait = min(2*wait, backoffMax)
	}
}

// tokenRefused says whether the server refused the client's token.
func tokenRefused(err error) bool {
	var e *ctiproto.Error
	return errors.As(err, &e) && (e.Code == ctiproto.CodeTokenInvalid || e.Code == ctiproto.CodeTokenExpired)
}

// jitter spreads retries over [d/2, d).
func jitter(d time.Duration) time.Duration {
	return d/2 + rand.N(d/2+1)
}

// drop closes the client's TCP connection abruptly (RST, no close frame),
// as a pulled cable or a crashed laptop does.
func (c *client) drop() {
	conn := c.current()
	if tc, ok := conn.NetConn().(*net.TCPConn); ok {
		tc.SetLinger(0)
	}
	conn.NetConn().Close()
}

// endReason names why a connection ended, without addresses, so that
// the report can count them.
func endReason(err error) string {
	var ce *websocket.CloseError
	switch {
	case errors.As(err, &ce):
		return closeCode(err)
	case errors.Is(err, net.ErrClosed):
		return "closed by the tool"
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return "EOF without close frame"
	case errors.Is(err, syscall.ECONNRESET):
		return "connection reset"
	}
	return err.Error()
}
