package server

import (
	"bufio"
	"errors"
	"net"
	"net/http"
	"sync"
	"syscall"
	"time"
)

// batchConn lets the session's writer hand the kernel all the frames it
// took from the outbox in one write, instead of one write system call
// per frame: a switchboard that watches 10,000 devices gets hundreds of
// presence events a second, and one write each cost three quarters of
// the server's CPU at 200 such watchers (BENCHMARKS.md, presence). The
// WebSocket library writes each frame to the connection at once; between
// begin and flush those writes are gathered here instead. Outside a batch
// (a single frame, a ping, the close) a write goes straight through. The
// buffer is borrowed from a pool for the batch only, so an idle
// connection holds none.
type batchConn struct {
	net.Conn
	mu       sync.Mutex
	batching bool
	buf      *[]byte
	// wait bounds each write of a batch (the writer's WriteWait). The
	// socket's own deadline may be another's by then: the reader answers
	// a ping with the WebSocket library's one second.
	wait time.Duration
}

// batchFlushAt is when a batch is written out before it ends: a replay of
// hundreds of events goes out in pieces of about this size.
const batchFlushAt = 64 << 10

var batchBufs = sync.Pool{New: func() any { b := make([]byte, 0, batchFlushAt+4<<10); return &b }}

func (c *batchConn) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.batching {
		return c.Conn.Write(p)
	}
	if c.buf == nil {
		c.buf = batchBufs.Get().(*[]byte)
	}
	*c.buf = append(*c.buf, p...)
	if len(*c.buf) >= batchFlushAt {
		return len(p), c.writeLocked()
	}
	return len(p), nil
}

// begin starts gathering writes; each write of the batch may take wait.
func (c *batchConn) begin(wait time.Duration) {
	c.mu.Lock()
	c.batching, c.wait = true, wait
	c.mu.Unlock()
}

// flush writes what was gathered and ends the batch.
func (c *batchConn) flush() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.batching = false
	err := c.writeLocked()
	if c.buf != nil {
		batchBufs.Put(c.buf)
		c.buf = nil
	}
	return err
}

func (c *batchConn) writeLocked() error {
	if c.buf == nil || len(*c.buf) == 0 {
		return nil
	}
	if err := c.Conn.SetWriteDeadline(time.Now().Add(c.wait)); err != nil {
		return err
	}
	_, err := c.Conn.Write(*c.buf)
	*c.buf = (*c.buf)[:0]
	return err
}

// SyscallConn is the socket's, for its options (limitUnsent).
func (c *batchConn) SyscallConn() (syscall.RawConn, error) {
	sc, ok := c.Conn.(syscall.Conn)
	if !ok {
		return nil, errors.New("server: connection has no socket")
	}
	return sc.SyscallConn()
}

// batchHijacker hands the WebSocket upgrader the hijacked connection
// wrapped in a batchConn, and a read buffer of its own that the upgrader
// keeps as the connection's (its ReadBufferSize is 0 for that): the
// session's reader asks it whether input is buffered (session.readFrames).
type batchHijacker struct {
	http.ResponseWriter
	conn *batchConn
	br   *bufio.Reader // nil when the HTTP server had read past the request
}

func (h *batchHijacker) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	nc, rw, err := http.NewResponseController(h.ResponseWriter).Hijack()
	if err != nil {
		return nil, nil, err
	}
	h.conn = &batchConn{Conn: nc}
	if rw.Reader.Buffered() > 0 {
		return h.conn, rw, nil // the upgrader refuses it: data before the handshake's end
	}
	h.br = bufio.NewReaderSize(h.conn, connReadBufferSize)
	return h.conn, bufio.NewReadWriter(h.br, rw.Writer), nil
}

// connReadBufferSize is the connection's read buffer: readBufferSize, but
// one byte more, since the upgrader takes over a hijacked reader only
// when it is larger than 256 bytes (else it allocates one of its own).
const connReadBufferSize = max(readBufferSize, 256) + 1

func (h *batchHijacker) Unwrap() http.ResponseWriter { return h.ResponseWriter }
