package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/deskline/deskline/ctiproto"
	"github.com/deskline/deskline/server/simapi"
	"github.com/gorilla/websocket"
)

// The baseline server: a minimal gorilla/websocket broadcast server with
// no CTI logic, the floor Deskline is compared against. Per connection it
// has one reader and one writer goroutine and a buffered send channel, as
// in gorilla's chat example. It speaks just enough ctiproto for the load
// clients: any hello is welcomed (no password check, no token, no resume),
// and the sim API's ring and hangup send the device's user the frames
// Deskline would send (same JSON shape and members, per-user seq, time
// stamped when the call event happens). /healthz counts connections.

// Limits as in the chat example.
const (
	bWriteWait  = 10 * time.Second
	bPongWait   = 60 * time.Second
	bPingPeriod = bPongWait * 9 / 10
	bSendBuffer = ctiproto.DefaultSendQueue // as Deskline's send queue: a full one drops the client
	bReadLimit  = ctiproto.DefaultMaxMessageBytes
)

type bServer struct {
	epoch    string
	upgrader websocket.Upgrader
	conns    atomic.Int64

	mu    sync.Mutex
	users map[string]*bUser // by device
	calls map[string]bCall  // calls ringing, by id
	next  int
	// watchers are the users who sent watch (-watchers): every ring and
	// hang-up is a presence event for each, encoded once (as Deskline).
	watchers map[*bUser]bool
	started  time.Time
}

// bUser is one user's seq and connections.
type bUser struct {
	mu    sync.Mutex
	seq   uint64
	conns map[*bConn]struct{}
}

type bCall struct{ device, from, name string }

type bConn struct {
	ws   *websocket.Conn
	send chan []byte
	once sync.Once
	done chan struct{}
}

// baselineServerMain serves the baseline on addr until SIGTERM.
func baselineServerMain(addr string, stderr io.Writer) int {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		fmt.Fprintf(stderr, "baseline server: %v\n", err)
		return 1
	}
	b := &bServer{epoch: fmt.Sprintf("b-%x", time.Now().UnixNano()), users: map[string]*bUser{}, calls: map[string]bCall{},
		watchers: map[*bUser]bool{}, started: time.Now().Truncate(ctiproto.TimePrecision)}
	b.upgrader = websocket.Upgrader{Subprotocols: []string{ctiproto.Subprotocol}, ReadBufferSize: 1024, WriteBufferSize: 1024}
	hs := &http.Server{Handler: b.routes(), ReadHeaderTimeout: 10 * time.Second}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer stop()
	go func() { <-ctx.Done(); hs.Close() }()
	if err := hs.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		fmt.Fprintf(stderr, "baseline server: %v\n", err)
		return 1
	}
	return 0
}

func (b *bServer) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /v1/ws", b.serveWS)
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, map[string]any{"status": "ok", "connections": b.conns.Load()})
	})
	mux.HandleFunc(simapi.Ring.Pattern(), b.ring)
	mux.HandleFunc(simapi.Hangup.Pattern(), b.hangup)
	mux.HandleFunc(simapi.Calls.Pattern(), b.listCalls)
	return mux
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(v)
}

// user returns device's user, made on first use.
func (b *bServer) user(device string) *bUser {
	b.mu.Lock()
	defer b.mu.Unlock()
	u := b.users[device]
	if u == nil {
		u = &bUser{conns: map[*bConn]struct{}{}}
		b.users[device] = u
	}
	return u
}

// publish numbers ev with the user's next seq and queues it on every
// connection of the user; a full queue drops the connection.
func (u *bUser) publish(ev *ctiproto.Event) {
	u.mu.Lock()
	defer u.mu.Unlock()
	u.seq++
	ev.Seq = u.seq
	frame, err := ctiproto.Encode(ev)
	if err != nil {
		return
	}
	for c := range u.conns {
		select {
		case c.send <- frame:
		default:
			delete(u.conns, c)
			c.close()
		}
	}
}

// publishTemplate queues tpl with the user's next seq, as publish does.
func (u *bUser) publishTemplate(tpl *ctiproto.EventTemplate) {
	u.mu.Lock()
	defer u.mu.Unlock()
	u.seq++
	frame := tpl.Frame(u.seq)
	for c := range u.conns {
		select {
		case c.send <- frame:
		default:
			delete(u.conns, c)
			c.close()
		}
	}
}

func (c *bConn) close() { c.once.Do(func() { close(c.done) }) }

// deviceOf maps a load user (u0001…) to its device (2001…).
func deviceOf(user string) (string, bool) {
	n, err := strconv.Atoi(user[min(1, len(user)):])
	if err != nil || n < 1 {
		return "", false
	}
	return deviceID(n - 1), true
}
