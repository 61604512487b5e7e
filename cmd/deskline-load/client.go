package main

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/deskline/deskline/ctiproto"
	"github.com/gorilla/websocket"
)

// client is one desktop: a WebSocket logged in as one user. Like the tray
// app it keeps the token from its first (password) login, the epoch and
// the last seq, and the calls it shows. Its reader goroutine owns every
// field but those marked otherwise.
type client struct {
	idx  int
	slow bool         // slow mode: this client stops reading for a while
	src  *net.TCPAddr // its source address; nil: the kernel's choice (sources.go)

	mu      sync.Mutex // guards conn, stall, perCall and tracked
	conn    *websocket.Conn
	stall   chan struct{}  // when set, the reader stops after its next frame until it is closed
	perCall map[string]int // restart mode: events per call in the current epoch
	tracked map[string]int // restart mode: calls made after everyone was back, and their events

	expected  atomic.Int64 // events the load made for this client's device
	delivered atomic.Int64 // events received with a new seq
	backAt    atomic.Int64 // unix ns of the last welcome
	node      atomic.Int32 // index in fleet.nodes of the node it dials (cluster_clients.go)

	token, epoch string
	lastSeq      uint64
	replayTo     uint64 // events up to this seq are a resume's replay
	known        map[string]string
	lat          [numPhases][]time.Duration
	lost         int64 // seqs skipped
	dup          int64 // events whose seq was not above the last one
	badFrames    int64 // frames that did not decode
	others       int64 // frames that are not events (results, errors)
	reconciled   int64 // calls cleared because the exchange restarted (a cluster's new holder)
	replayed     int64 // events replayed after a resume: no latency sample
	lastRecv     time.Time
	endErr       error          // why the connection ended while it should not have
	ends         map[string]int // why connections ended that were resumed, by close code or error
	logins       loginCounts
	frameBytes   map[string]*frameSize // event frames received, by type
	pres         *presenceState        // a watcher's (-watchers), else nil
}

// frameSize sums the sizes of frames of one type.
type frameSize struct{ bytes, n int64 }

func (f *frameSize) add(n int) { f.bytes += int64(n); f.n++ }

// mean is the average size, to a tenth of a byte.
func (f *frameSize) mean() float64 {
	if f.n == 0 {
		return 0
	}
	return math.Round(10*float64(f.bytes)/float64(f.n)) / 10
}

// loginCounts are the client's welcomes by kind.
type loginCounts struct {
	Password, Token, Fallback int // Fallback: password after a refused token
	Resumed                   int
	Resync                    map[string]int // refused resumes, by reason
}

// Dialing and login limits per client.
const (
	handshakeTimeout = 10 * time.Second
	welcomeTimeout   = 15 * time.Second
	// maxThrottled bounds the hello attempts answered with throttled or
	// server-busy. The server checks at most 4 passwords per address at
	// once (server/logingate.go) and tells the rest to retry in a second:
	// with -dialers 50 over a few source addresses a client may be told
	// so many times in a row before its turn comes.
	maxThrottled = 30
)

var dialer = websocket.Dialer{
	Subprotocols:     []string{ctiproto.Subprotocol},
	HandshakeTimeout: handshakeTimeout,
	ReadBufferSize:   1024, // events are a few hundred bytes
	WriteBufferSize:  512,  // the hello is the only frame sent
}

func newClient(i int, slow bool) *client {
	return &client{idx: i, slow: slow, known: map[string]string{}, ends: map[string]int{},
		frameBytes: map[string]*frameSize{}, logins: loginCounts{Resync: map[string]int{}}}
}

// dialFirst connects client i for the first time, with its password,
// retrying when the server throttles logins.
func dialFirst(ctx context.Context, url string, c *client) error {
	for attempt := 1; ; attempt++ {
		retry, err := c.tryDial(ctx, url)
		if err == nil || retry == 0 || attempt == maxThrottled {
			return err
		}
		sleep(ctx, retry)
	}
}

// tryDial is one connection attempt: with the token once the client has
// one, resuming from its epoch and seq once it has them. retry > 0 means
// throttled: try again after that long.
func (c *client) tryDial(ctx context.Context, url string) (retry time.Duration, err error) {
	rcvBuf := 0
	if c.slow {
		rcvBuf = slowRcvBuf
	}
	conn, resp, err := wsDialer(c.src, rcvBuf).DialContext(ctx, url, http.Header{})
	if err != nil {
		return 0, fmt.Errorf("client %s: dial: %w", userName(c.idx), err)
	}
	resp.Body.Close()
	if conn.Subprotocol() != ctiproto.Subprotocol {
		conn.Close()
		return 0, fmt.Errorf("client %s: server chose subprotocol %q", userName(c.idx), conn.Subprotocol())
	}
	w, retry, err := login(conn, c.hello())
	if err != nil {
		conn.Close()
		return retry, fmt.Errorf("client %s: %w", userName(c.idx), err)
	}
	c.welcomed(w, time.Now())
	c.mu.Lock()
	c.conn = conn
	c.mu.Unlock()
	return 0, nil
}

// hello is the client's hello: token and resume once it has them.
func (c *client) hello() *ctiproto.Hello {
	h := &ctiproto.Hello{ID: "1", Client: "deskline-load"}
	if c.token != "" {
		h.Token = c.token
	} else {
		h.User, h.Password = userName(c.idx), loadPassword
	}
	if c.epoch != "" {
		h.Resume = &ctiproto.Resume{Epoch: c.epoch, Seq: c.lastSeq}
	}
	return h
}

// login sends the hello and reads the welcome.
func login(conn *websocket.Conn, h *ctiproto.Hello) (*ctiproto.Welcome, time.Duration, error) {
	hello, err := ctiproto.Encode(h)
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
		if m.Code == ctiproto.CodeThrottled || m.Code == ctiproto.CodeServerBusy {
			return nil, time.Duration(m.RetryAfterMS) * time.Millisecond, m
		}
		return nil, 0, fmt.Errorf("login refused: %w", m)
	}
	return nil, 0, fmt.Errorf("hello answered with %q, not welcome", m.MessageType())
}

// welcomed takes the welcome: a resume keeps the client's state and marks
// the replay that follows; anything else replaces it with the snapshot.
// A refused resume within the same epoch skipped events: they are lost.
func (c *client) welcomed(w *ctiproto.Welcome, now time.Time) {
	switch {
	case w.Token != "":
		c.token = w.Token
		c.logins.Password++
	default:
		c.logins.Token++
	}
	if w.Resumed {
		c.logins.Resumed++
		c.replayTo = w.Seq
	} else {
		if w.Resync != "" {
			c.logins.Resync[w.Resync]++
		}
		if c.epoch == w.Epoch && w.Seq > c.lastSeq {
			c.lost += int64(w.Seq - c.lastSeq)
		}
		c.epoch, c.lastSeq, c.replayTo = w.Epoch, w.Seq, 0
		c.snapshot(w.Calls)
	}
	c.backAt.Store(now.UnixNano())
}

// snapshot replaces the calls the client shows, as the tray app does.
func (c *client) snapshot(calls []ctiproto.Call) {
	clear(c.known)
	for _, call := range calls {
		if call.Device == deviceID(c.idx) {
			c.known[call.Call] = call.State
		}
	}
	c.mu.Lock()
	if c.perCall != nil {
		c.perCall = map[string]int{}
	}
	c.mu.Unlock()
}

// current is the client's connection now.
func (c *client) current() *websocket.Conn {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.conn
}

// handle takes one frame received at now, in phase.
func (c *client) handle(data []byte, now time.Time, phase int32) {
	if c.pres != nil && c.fastPresence(data, now) {
		return
	}
	m, err := ctiproto.Decode(data)
	if err != nil {
		c.badFrames++
		return
	}
	ev, ok := m.(*ctiproto.Event)
	if !ok {
		if c.pres != nil && c.pres.list(m, len(data)) {
			return
		}
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
	if ev.Type == ctiproto.EventPresence && c.pres != nil {
		c.frame(ev.Type, len(data))
		c.lastSeq, c.lastRecv = ev.Seq, now
		c.pres.event(ev, now)
		return
	}
	if ev.Seq <= c.replayTo {
		c.replayed++
	} else {
		c.lat[phase] = append(c.lat[phase], now.Sub(ev.Time))
	}
	c.frame(ev.Type, len(data))
	c.lastSeq = ev.Seq
	c.lastRecv = now
	c.apply(ev)
	c.delivered.Add(1)
}

// frame counts an event frame of typ and its size.
func (c *client) frame(typ string, size int) {
	fs := c.frameBytes[typ]
	if fs == nil {
		fs = &frameSize{}
		c.frameBytes[typ] = fs
	}
	fs.add(size)
}

// apply updates the calls the client shows.
func (c *client) apply(ev *ctiproto.Event) {
	if ev.Call == "" || ev.Device != deviceID(c.idx) {
		return
	}
	if ev.State == ctiproto.StateCleared {
		if ev.Cause == ctiproto.CauseExchangeRestarted {
			c.reconciled++
		}
		delete(c.known, ev.Call)
	} else {
		c.known[ev.Call] = ev.State
	}
	c.mu.Lock()
	if c.perCall != nil {
		c.perCall[ev.Call]++
	}
	c.mu.Unlock()
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
