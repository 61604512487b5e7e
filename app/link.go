package app

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"

	"github.com/deskline/deskline/ctiproto"
)

// errDeadLink ends a connection on which nothing arrived for two ping
// intervals: a half-open TCP connection looks alive to the kernel for
// minutes, the user must know within one.
var errDeadLink = errors.New("app: no frame from the server for two ping intervals")

// link is one WebSocket connection. connect's goroutine is its only
// reader, writeLoop its only writer; others hand frames to out.
type link struct {
	conn     *websocket.Conn
	out      chan []byte
	done     chan struct{}
	once     sync.Once
	cause    error // why the client closed it; set once, before done closes
	interval time.Duration
	// When the last keepalive ping was sent and answered (unix ns): a
	// server that still pings but no longer answers commands is dead too.
	pingSent, pingAnswered atomic.Int64
	pending                map[string]chan reply // guarded by Client.mu
	next                   uint64                // guarded by Client.mu
}

// reply is the answer to one request.
type reply struct {
	res *ctiproto.Result
	err error
}

// outQueue bounds the frames waiting for the writer; commands come from
// one person's clicks, a full queue means the link is stuck.
const outQueue = 64

func (l *link) close() { l.closeWith(nil) }

// closeWith closes the link and records why (first reason wins).
func (l *link) closeWith(cause error) {
	l.once.Do(func() {
		l.cause = cause
		close(l.done)
		l.conn.Close()
	})
}

// keepalivePrefix marks the ids of the client's own ping commands.
const keepalivePrefix = "keepalive-"

// errRefusedProtocol is a server that answered the WebSocket upgrade with
// 400: too old, or not a Deskline server.
var errRefusedProtocol = errors.New("app: the server refused the protocols " + strings.Join(ctiproto.Subprotocols, ", ") + " (too old or not a Deskline server)")

// errProtocol is a server that did not agree to a version we speak.
var errProtocol = errors.New("app: the server does not speak " + strings.Join(ctiproto.Subprotocols, " or "))

// connect runs one connection to ep: dial, hello, welcome, then events
// until the link ends. welcomed says whether the server let us in.
func (c *Client) connect(ctx context.Context, ep endpoint, several bool, cred credential) (welcomed bool, err error) {
	dctx, cancel := context.WithTimeout(ctx, dialTimeout)
	conn, resp, err := c.dialerFor(ep, several).DialContext(dctx, ep.url, nil)
	cancel()
	if err != nil {
		if resp != nil && resp.StatusCode == http.StatusBadRequest {
			return false, errRefusedProtocol
		}
		return false, err
	}
	// v1 (a server of an earlier release) works too: it sends no member
	// v2 added, and the desk does without what they tell.
	if !ctiproto.Speaks(conn.Subprotocol()) {
		// Never send a password to a peer that did not agree to the protocol.
		conn.Close()
		return false, errProtocol
	}
	conn.SetReadLimit(maxServerFrame)
	l := &link{conn: conn, out: make(chan []byte, outQueue), done: make(chan struct{}),
		pending: make(map[string]chan reply)}
	defer l.close()
	go func() {
		select {
		case <-ctx.Done():
			// The client stops (quit, new settings): say so, and the server
			// logs a normal close rather than a lost link. WriteControl may
			// run beside the writer.
			conn.WriteControl(websocket.CloseMessage,
				websocket.FormatCloseMessage(websocket.CloseNormalClosure, "client stopped"), time.Now().Add(writeWait))
			l.close()
		case <-l.done:
		}
	}()
	w, err := c.hello(l, cred)
	if err != nil {
		return false, err
	}
	l.interval = c.pingInterval(w)
	c.mu.Lock()
	c.state.Server = ep.name // published with the welcome
	c.mu.Unlock()
	c.welcomed(l, w, cred)
	conn.SetPingHandler(func(data string) error {
		conn.SetReadDeadline(time.Now().Add(2 * l.interval))
		return conn.WriteControl(websocket.PongMessage, []byte(data), time.Now().Add(writeWait))
	})
	go c.writeLoop(l)
	err = c.readLoop(l)
	c.linkLost(l)
	<-l.done // the reader's error may be the echo of a deliberate close
	if l.cause != nil {
		err = l.cause
	}
	return true, err
}

func (c *Client) pingInterval(w *ctiproto.Welcome) time.Duration {
	switch {
	case c.opts.PingInterval > 0:
		return c.opts.PingInterval
	case w.Limits.PingSeconds > 0:
		return time.Duration(w.Limits.PingSeconds) * time.Second
	}
	return defaultPing
}

// hello logs in on a fresh connection and returns the welcome.
func (c *Client) hello(l *link, cred credential) (*ctiproto.Welcome, error) {
	h := &ctiproto.Hello{ID: "hello", Token: cred.token, Client: c.opts.ClientName}
	if cred.token == "" {
		h.User, h.Password = c.opts.User, cred.password
	}
	c.mu.Lock()
	if c.epoch != "" {
		h.Resume = &ctiproto.Resume{Epoch: c.epoch, Seq: c.seq}
	}
	// Only a v2 server knows presence; a v1 one drops a hello with it.
	h.Presence = c.watch.show && l.conn.Subprotocol() != ctiproto.SubprotocolV1
	c.mu.Unlock()
	frame, err := ctiproto.Encode(h)
	if err != nil {
		return nil, err
	}
	l.conn.SetWriteDeadline(time.Now().Add(writeWait))
	if err := l.conn.WriteMessage(websocket.TextMessage, frame); err != nil {
		return nil, err
	}
	l.conn.SetReadDeadline(time.Now().Add(welcomeTimeout))
	_, data, err := l.conn.ReadMessage()
	if err != nil {
		return nil, err
	}
	m, err := ctiproto.Decode(data)
	if err != nil {
		return nil, fmt.Errorf("app: bad welcome from the server: %w", err)
	}
	switch m := m.(type) {
	case *ctiproto.Welcome:
		return m, nil
	case *ctiproto.Error:
		return nil, actionError("login", m)
	}
	return nil, fmt.Errorf("app: server answered the hello with %s", m.MessageType())
}

// readLoop reads until the link ends. Any frame, and the server's pings,
// prove the link alive for two more intervals.
func (c *Client) readLoop(l *link) error {
	for {
		l.conn.SetReadDeadline(time.Now().Add(2 * l.interval))
		_, data, err := l.conn.ReadMessage()
		if err != nil {
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				return errDeadLink
			}
			return err
		}
		m, err := ctiproto.Decode(data)
		if err != nil {
			// A frame we cannot read is logged and skipped; a gap it
			// leaves in seq is repaired by a snapshot.
			c.log.Warn("bad frame from the server", "err", err)
			continue
		}
		c.handle(l, m)
	}
}

// writeLoop is the link's only writer. It also sends a ping command every
// interval, so the server's answer keeps proving the link alive.
func (c *Client) writeLoop(l *link) {
	tick := time.NewTicker(l.interval)
	defer tick.Stop()
	ping := &ctiproto.Simple{Type: ctiproto.TypePing}
	for n := 0; ; n++ {
		var frame []byte
		select {
		case frame = <-l.out:
		case <-tick.C:
			sent, answered := l.pingSent.Load(), l.pingAnswered.Load()
			if sent > answered && time.Since(time.Unix(0, sent)) > l.interval {
				l.closeWith(errDeadLink) // the server no longer answers commands
				return
			}
			ping.ID = fmt.Sprint(keepalivePrefix, n)
			frame, _ = ctiproto.Encode(ping)
			if answered >= sent {
				l.pingSent.Store(time.Now().UnixNano())
			}
		case <-l.done:
			return
		}
		l.conn.SetWriteDeadline(time.Now().Add(writeWait))
		if err := l.conn.WriteMessage(websocket.TextMessage, frame); err != nil {
			l.close()
			return
		}
	}
}

// linkLost fails every request still waiting on l.
func (c *Client) linkLost(l *link) {
	l.close()
	c.mu.Lock()
	defer c.mu.Unlock()
	c.lostAt = time.Now()
	if c.link == l {
		c.link = nil
	}
	for id, ch := range l.pending {
		ch <- reply{err: ErrConnectionLost}
		delete(l.pending, id)
	}
}
