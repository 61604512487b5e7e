package ami

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"sync"
	"sync/atomic"
	"time"
)

// Limits of one manager session. Each is a bound on what a broken or
// hostile peer (or a stuck consumer) can cost, far above what a working
// Asterisk needs.
const (
	// maxQueuedEvents caps the unsolicited events waiting for the
	// consumer, and the items one list action may collect. The reader must
	// never block on the consumer (Asterisk drops a manager client that
	// reads too slowly, and a blocked reader would also starve the
	// responses of running actions), so the queue grows as needed; past
	// this many the consumer has fallen hopelessly behind, and the link is
	// closed with an error saying so: the Exchange reconnects and
	// resynchronises, which is better than silently losing events. A busy
	// PBX with the call and system classes sends a few hundred events a
	// second, so this is minutes of backlog.
	maxQueuedEvents = 100_000
	// maxQueuedBytes caps the same queue, and a list, by size: a peer
	// sending large messages reaches it before the count (real events are
	// about 1 KB, so at the count limit the queue holds some 100 MB).
	maxQueuedBytes = 128 << 20
	// writeWait bounds writing one action. Asterisk reads its manager
	// sockets continuously; a write that cannot complete in this time
	// means the link is stuck.
	writeWait = 5 * time.Second
	// logoffWait bounds the best-effort Logoff of close: long enough for
	// Asterisk's Goodbye on a working link, short enough not to hold up a
	// shutdown when the link is dead.
	logoffWait = time.Second
)

var (
	// ErrAuth reports a login Asterisk refused (wrong user or secret, or
	// a host not permitted by the manager account). Retrying will not
	// help until the configuration changes.
	ErrAuth = errors.New("ami: authentication failed")
	// ErrClosed reports an action on a link that is gone; the error wraps
	// the reason as well.
	ErrClosed = errors.New("ami: connection closed")
)

// ActionError is an action Asterisk answered with "Response: Error".
type ActionError struct {
	Action  string // the action's name, e.g. "Originate"
	Message string // Asterisk's Message, e.g. "Originate failed"
}

func (e *ActionError) Error() string { return "ami: " + e.Action + ": " + e.Message }

// closedError is why a link is gone. It wraps ErrClosed and the cause.
type closedError struct {
	action string // the action that found the link gone, or ""
	cause  error
}

func (e *closedError) Error() string {
	s := "ami: "
	if e.action != "" {
		s += e.action + ": "
	}
	s += "connection closed"
	if e.cause != nil {
		s += ": " + e.cause.Error()
	}
	return s
}

func (e *closedError) Unwrap() []error {
	if e.cause == nil {
		return []error{ErrClosed}
	}
	return []error{ErrClosed, e.cause}
}

// Causes of a closed link.
var (
	errPeerClosed  = errors.New("closed by Asterisk")
	errLocalClosed = errors.New("closed by Deskline")
)

// conn is one logged-in manager session.
//
// It runs one reader goroutine, which decodes everything Asterisk sends
// and routes it: responses to the waiting action, list items to the
// running list, every other event to the event queue (see next). The
// reader never waits for anyone but the network. A second goroutine
// keeps the link alive (see keepAlive). Actions may be sent from any
// number of goroutines.
//
// One file per job: conn_dial.go (connect, banner, login),
// conn_action.go (the action round trip and the writer), conn_read.go
// (the reader and dispatch), conn_queue.go (the bounded event queue),
// conn_keepalive.go (Ping on an idle link); this file holds the limits,
// the errors, the state and the end of the link.
type conn struct {
	cfg     *Config
	log     *slog.Logger
	nc      net.Conn
	dec     *Decoder // used by the reader goroutine only (and dial before it)
	version string   // the manager protocol version from the banner, e.g. "11.0.0"

	// wsem is held while an action is written: one writer at a time,
	// acquired under the caller's context.
	wsem chan struct{}
	enc  *Encoder
	cw   countWriter

	ids      atomic.Uint64 // the last ActionID number handed out
	start    time.Time     // monotonic origin of lastRecv
	lastRecv atomic.Int64  // time since start when the last message (or malformed one) arrived

	// ready receives a token when events have been queued; the consumer
	// then calls next. It has room for one token, so a consumer that
	// wakes up may find next empty (the token was for events it already
	// took): that is fine.
	ready  chan struct{}
	closed chan struct{} // closed when the link is gone

	mu          sync.Mutex
	pending     map[string]*pending // running actions by ActionID
	queue       []Message           // unsolicited events not yet taken by next
	maxQueue    int                 // maxQueuedEvents (lowered by tests)
	queuedBytes int                 // the size of queue's messages
	closeErr    error               // why the link is gone, set once
	up          bool                // logged in: losing the link is worth a warning
	overflowed  bool                // closed because the consumer fell behind
	loggingOff  bool                // close sent Logoff: the peer's EOF is ours

	closeOnce sync.Once
	wg        sync.WaitGroup // the reader and keep-alive goroutines
}

// pending is one action waiting for its answer.
type pending struct {
	action string
	list   bool
	done   chan struct{} // closed once resp, items and err are final

	// Under conn.mu until done is closed.
	resp      Message
	items     []Message
	itemBytes int // the size of items, bounded like the event queue
	err       error
	started   bool // a list's "EventList: start" response has come
}

// done is closed when the link is gone; err then says why.
func (c *conn) done() <-chan struct{} { return c.closed }

// err says why the link is gone (nil before done). It wraps ErrClosed.
func (c *conn) err() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.closeErr
}

// closedErr is the error of an action on a link that is gone.
func (c *conn) closedErr(action string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	var cause error
	if ce, ok := c.closeErr.(*closedError); ok {
		cause = ce.cause
	}
	return &closedError{action: action, cause: cause}
}

// fail ends the link for cause; only the first cause counts.
func (c *conn) fail(cause error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.failLocked(cause)
}

func (c *conn) failLocked(cause error) {
	if c.closeErr != nil {
		return
	}
	if c.loggingOff {
		cause = errLocalClosed
	}
	c.closeErr = &closedError{cause: cause}
	c.nc.Close()
	close(c.closed)
	if c.up && cause != errLocalClosed {
		c.log.Warn("ami: link lost", "addr", c.cfg.Addr, "err", cause)
	}
}

// close logs off (best effort, bounded by logoffWait) and closes the
// link. It waits for the conn's goroutines to end. It is idempotent.
func (c *conn) close() error {
	c.closeOnce.Do(func() {
		select {
		case <-c.closed:
		default:
			c.mu.Lock()
			c.loggingOff = true
			c.mu.Unlock()
			ctx, cancel := context.WithTimeout(context.Background(), logoffWait)
			c.roundTrip(ctx, NewAction("Logoff"), false, logoffWait) // Goodbye or not
			cancel()
		}
		c.fail(errLocalClosed)
		c.wg.Wait()
	})
	return nil
}
