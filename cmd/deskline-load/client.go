package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/deskline/deskline/ctiproto"
	"github.com/gorilla/websocket"
)

// client is one desktop: a WebSocket logged in as one user. Its reader
// goroutine owns every field but expected and delivered.
type client struct {
	idx  int
	conn *websocket.Conn

	expected  atomic.Int64 // events the load made for this client's device
	delivered atomic.Int64 // events received with a new seq

	lastSeq   uint64
	latencies []time.Duration
	lost      int64 // seqs skipped
	dup       int64 // events whose seq was not above the last one
	badFrames int64 // frames that did not decode
	others    int64 // frames that are not events (results, errors)
	lastRecv  time.Time
	endErr    error // why the connection ended while it should not have
}

// Dialing and login limits per client.
const (
	handshakeTimeout = 10 * time.Second
	welcomeTimeout   = 15 * time.Second
	maxThrottled     = 5 // hello attempts answered with throttled
)

var dialer = websocket.Dialer{
	Subprotocols:     []string{ctiproto.Subprotocol},
	HandshakeTimeout: handshakeTimeout,
	ReadBufferSize:   1024, // events are a few hundred bytes
	WriteBufferSize:  512,  // the hello is the only frame sent
}

// dialClient connects client i and logs it in with its password,
// retrying when the server throttles logins.
func dialClient(ctx context.Context, url string, i int) (*client, error) {
	for attempt := 1; ; attempt++ {
		c, retry, err := tryDial(ctx, url, i)
		if err == nil || retry == 0 || attempt == maxThrottled {
			return c, err
		}
		sleep(ctx, retry)
	}
}

// tryDial is one connection attempt; retry > 0 means throttled: try again
// after that long.
func tryDial(ctx context.Context, url string, i int) (*client, time.Duration, error) {
	conn, resp, err := dialer.DialContext(ctx, url, http.Header{})
	if err != nil {
		return nil, 0, fmt.Errorf("client %s: dial: %w", userName(i), err)
	}
	resp.Body.Close()
	if conn.Subprotocol() != ctiproto.Subprotocol {
		conn.Close()
		return nil, 0, fmt.Errorf("client %s: server chose subprotocol %q", userName(i), conn.Subprotocol())
	}
	w, retry, err := login(conn, userName(i))
	if err != nil {
		conn.Close()
		return nil, retry, fmt.Errorf("client %s: %w", userName(i), err)
	}
	return &client{idx: i, conn: conn, lastSeq: w.Seq}, 0, nil
}

// login sends the hello and reads the welcome.
func login(conn *websocket.Conn, user string) (*ctiproto.Welcome, time.Duration, error) {
	hello, err := ctiproto.Encode(&ctiproto.Hello{ID: "1", User: user, Password: loadPassword, Client: "deskline-load"})
	if err != nil {
		return nil, 0, err
	}
	conn.SetWriteDeadline(time.Now().Add(welcomeTimeout))
	if err := conn.WriteMessage(websocket.TextMessage, hello); err != nil {
		return nil, 0, fmt.Errorf("hello: %w", err)
	}
	conn.SetReadDeadline(time.Now().Add(welcomeTimeout))
	_, data, err := conn.ReadMessage()
	if err != nil {
		return nil, 0, fmt.Errorf("reading the welcome: %w", err)
	}
	conn.SetReadDeadline(time.Time{})
	m, err := ctiproto.Decode(data)
	if err != nil {
		return nil, 0, fmt.Errorf("the hello's answer does not decode: %w", err)
	}
	switch m := m.(type) {
	case *ctiproto.Welcome:
		return m, 0, nil
	case *ctiproto.Error:
		if m.Code == ctiproto.CodeThrottled {
			return nil, time.Duration(m.RetryAfterMS) * time.Millisecond, m
		}
		return nil, 0, fmt.Errorf("login refused: %w", m)
	}
	return nil, 0, fmt.Errorf("hello answered with %q, not welcome", m.MessageType())
}

// read is the client's reader: it runs until the connection ends.
// stopping tells an expected end (the tool closing) from a failure.
func (c *client) read(stopping *atomic.Bool) {
	for {
		_, data, err := c.conn.ReadMessage()
		if err != nil {
			if !stopping.Load() {
				c.endErr = err
			}
			return
		}
		c.handle(data, time.Now())
	}
}

// handle takes one frame received at now.
func (c *client) handle(data []byte, now time.Time) {
	m, err := ctiproto.Decode(data)
	if err != nil {
		c.badFrames++
		return
	}
	ev, ok := m.(*ctiproto.Event)
	if !ok {
		c.others++
		return
	}
	switch {
	case ev.Seq <= c.lastSeq:
		c.dup++
		return
	case ev.Seq > c.lastSeq+1:
		c.lost += int64(ev.Seq - c.lastSeq - 1)
	}
	c.latencies = append(c.latencies, now.Sub(ev.Time))
	c.lastSeq = ev.Seq
	c.lastRecv = now
	c.delivered.Add(1)
}

// closeCode names how a connection ended: its WebSocket close code, or
// the error when it ended without one.
func closeCode(err error) string {
	var ce *websocket.CloseError
	if errors.As(err, &ce) {
		return fmt.Sprintf("close %d %s", ce.Code, ce.Text)
	}
	return err.Error()
}
