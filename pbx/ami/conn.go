package ami

import (
	"context"
	"crypto/md5"
	"crypto/tls"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"strconv"
	"strings"
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
	// eventMask are the event classes Deskline asks for: call (channel,
	// dial, bridge, hold and device state events), system (FullyBooted,
	// Shutdown) and agent (QueueCallerJoin, AgentCalled: which queue a
	// call came through, for the pop). Everything else, VarSet and
	// Newexten above all, would only cost bandwidth and parsing.
	eventMask = "call,system,agent"
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

// countWriter counts what one Write wrote, to tell a write that timed
// out before sending anything (the stream is intact) from one cut off
// in the middle of a message (it is not).
type countWriter struct {
	w io.Writer
	n int
}

func (cw *countWriter) Write(p []byte) (int, error) {
	n, err := cw.w.Write(p)
	cw.n += n
	return n, err
}

// dial connects to Asterisk, checks its banner and logs in. The whole of
// it is bounded by ctx and cfg.DialTimeout. The session asks for the call
// and system event classes only.
func dial(ctx context.Context, cfg *Config) (*conn, error) {
	conf := cfg.withDefaults()
	ctx, cancel := context.WithTimeout(ctx, conf.DialTimeout)
	defer cancel()

	var nc net.Conn
	var err error
	if conf.TLS != nil {
		d := &tls.Dialer{Config: conf.TLS}
		nc, err = d.DialContext(ctx, "tcp", conf.Addr)
	} else {
		var d net.Dialer
		nc, err = d.DialContext(ctx, "tcp", conf.Addr)
	}
	if err != nil {
		return nil, fmt.Errorf("ami: connecting to %s: %w", conf.Addr, err)
	}

	// The banner is read before the reader goroutine starts, under the
	// dial deadline; a cancelled ctx interrupts the read.
	dec := NewDecoder(nc)
	if dl, ok := ctx.Deadline(); ok {
		nc.SetReadDeadline(dl)
	}
	stop := context.AfterFunc(ctx, func() { nc.SetReadDeadline(time.Unix(1, 0)) })
	version, err := dec.Banner()
	if !stop() || err != nil {
		nc.Close()
		// The read deadline is the dial deadline, or now on cancel.
		if cause := ctx.Err(); cause != nil || errors.Is(err, os.ErrDeadlineExceeded) {
			if cause == nil {
				cause = context.DeadlineExceeded
			}
			return nil, fmt.Errorf("ami: %s: no banner within the dial timeout (%s): %w", conf.Addr, conf.DialTimeout, cause)
		}
		return nil, fmt.Errorf("ami: %s: %w", conf.Addr, err)
	}
	nc.SetReadDeadline(time.Time{})

	c := &conn{
		cfg:      &conf,
		log:      conf.Log,
		nc:       nc,
		dec:      dec,
		version:  version,
		wsem:     make(chan struct{}, 1),
		start:    time.Now(),
		ready:    make(chan struct{}, 1),
		closed:   make(chan struct{}),
		pending:  make(map[string]*pending),
		maxQueue: maxQueuedEvents,
	}
	c.cw.w = nc
	c.enc = NewEncoder(&c.cw)
	c.wg.Add(1)
	go c.readLoop()

	if err := c.login(ctx); err != nil {
		c.fail(err)
		c.wg.Wait()
		return nil, err
	}
	c.mu.Lock()
	c.up = true
	c.mu.Unlock()
	c.wg.Add(1)
	go c.keepAlive()
	// The banner's version is the manager protocol's (11.0.0 on Asterisk
	// 22), not Asterisk's: the Exchange logs that one from CoreSettings.
	c.log.Info("ami: logged in", "addr", conf.Addr, "user", conf.Username, "ami_protocol", version)
	return c, nil
}

// login authenticates (MD5 challenge or plain secret) with events off,
// then asks for the event classes Deskline needs.
func (c *conn) login(ctx context.Context) error {
	cfg := c.cfg
	login := NewAction("Login", "Username", cfg.Username)
	if cfg.Auth == AuthPlain {
		login.Add("Secret", cfg.Secret)
	} else {
		resp, err := c.action(ctx, NewAction("Challenge", "AuthType", "MD5"))
		if err != nil {
			var ae *ActionError
			if errors.As(err, &ae) {
				return fmt.Errorf("%w: Asterisk refused the MD5 challenge (%s); use auth = %q over TLS (tls = true)", ErrAuth, ae.Message, AuthPlain)
			}
			return err
		}
		challenge := resp.Get("Challenge")
		if challenge == "" {
			return fmt.Errorf("%w: Asterisk's challenge response has no Challenge", ErrAuth)
		}
		sum := md5.Sum([]byte(challenge + cfg.Secret))
		login.Add("AuthType", "MD5")
		login.Add("Key", hex.EncodeToString(sum[:]))
	}
	// Nothing but responses until we ask for our classes below.
	login.Add("Events", "off")
	if _, err := c.action(ctx, login); err != nil {
		var ae *ActionError
		if errors.As(err, &ae) {
			return fmt.Errorf("%w: user %q: Asterisk says %q", ErrAuth, cfg.Username, ae.Message)
		}
		return err
	}
	resp, err := c.action(ctx, NewAction("Events", "EventMask", eventMask))
	if err != nil {
		return err
	}
	if strings.EqualFold(resp.Get("Events"), "Off") {
		c.log.Warn("ami: the manager account may not read the call and system event classes; calls will not be seen (manager.conf: read = call,system)",
			"user", cfg.Username)
	}
	return nil
}

// action sends m with a fresh ActionID and returns Asterisk's response.
// It is bounded by ctx and cfg.ActionTimeout. "Response: Error" returns
// an *ActionError; a link that is gone, an error wrapping ErrClosed.
func (c *conn) action(ctx context.Context, m Message) (Message, error) {
	p, err := c.roundTrip(ctx, m, false, c.cfg.ActionTimeout)
	if err != nil {
		return Message{}, err
	}
	return p.resp, nil
}

// list sends a list action (CoreShowChannels, DeviceStateList, DBGet,
// Status…) and returns the events that carry its ActionID, up to the one
// with "EventList: Complete" (not included). A response without
// EventList means there is no list: no items. Bounded like action.
func (c *conn) list(ctx context.Context, m Message) ([]Message, error) {
	p, err := c.roundTrip(ctx, m, true, c.cfg.ActionTimeout)
	if err != nil {
		return nil, err
	}
	return p.items, nil
}

// roundTrip writes m with a fresh ActionID and waits for its answer.
func (c *conn) roundTrip(ctx context.Context, m Message, list bool, timeout time.Duration) (*pending, error) {
	name := m.Get(KeyAction)
	if name == "" {
		name = "action"
	}
	// The caller's message is not changed: its Fields may be shared.
	m = Message{Fields: append(make([]Field, 0, len(m.Fields)+1), m.Fields...)}
	// A caller may name the action itself (Originate: its OriginateResponse
	// must be matched before the answer returns); else a fresh id.
	id := m.ActionID()
	if id == "" {
		id = "dl-" + strconv.FormatUint(c.ids.Add(1), 10)
		m.Set(KeyActionID, id)
	}
	if err := Check(m); err != nil {
		return nil, fmt.Errorf("ami: %s: %w", name, err)
	}

	wait := timeout
	if dl, ok := ctx.Deadline(); ok && time.Until(dl) < wait {
		wait = time.Until(dl)
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	p := &pending{action: name, list: list, done: make(chan struct{})}
	c.mu.Lock()
	if c.closeErr != nil {
		c.mu.Unlock()
		return nil, c.closedErr(name)
	}
	c.pending[id] = p
	c.mu.Unlock()
	defer func() {
		c.mu.Lock()
		if c.pending[id] == p {
			delete(c.pending, id)
		}
		c.mu.Unlock()
	}()

	if err := c.write(ctx, name, m, wait); err != nil {
		return nil, err
	}
	select {
	case <-p.done:
		return p, p.err
	case <-c.closed:
		select {
		case <-p.done: // answered just before the link went
			return p, p.err
		default:
			return nil, c.closedErr(name)
		}
	case <-ctx.Done():
		return nil, c.ctxErr(ctx, name, wait)
	}
}

// ctxErr words the end of ctx for an action.
func (c *conn) ctxErr(ctx context.Context, name string, wait time.Duration) error {
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return fmt.Errorf("ami: %s: no answer within %s: %w", name, wait.Round(time.Millisecond), context.DeadlineExceeded)
	}
	return fmt.Errorf("ami: %s: %w", name, context.Cause(ctx))
}

// write sends one action, one writer at a time, bounded by writeWait
// and ctx. A write that fails part way has broken the stream, so it
// ends the link.
func (c *conn) write(ctx context.Context, name string, m Message, wait time.Duration) error {
	select {
	case c.wsem <- struct{}{}:
	case <-c.closed:
		return c.closedErr(name)
	case <-ctx.Done():
		return c.ctxErr(ctx, name, wait)
	}
	defer func() { <-c.wsem }()
	select {
	case <-c.closed:
		return c.closedErr(name)
	default:
	}
	dl, byCtx := time.Now().Add(writeWait), false
	if d, ok := ctx.Deadline(); ok && d.Before(dl) {
		dl, byCtx = d, true
	}
	c.nc.SetWriteDeadline(dl)
	c.cw.n = 0
	err := c.enc.Encode(m)
	if err == nil {
		return nil
	}
	if c.cw.n == 0 && byCtx && errors.Is(err, os.ErrDeadlineExceeded) {
		// Nothing was sent before the caller's deadline: the stream is
		// intact, only this action failed.
		return fmt.Errorf("ami: %s: not sent within %s: %w", name, wait.Round(time.Millisecond), context.DeadlineExceeded)
	}
	c.fail(fmt.Errorf("writing %s: %w", name, err))
	return c.closedErr(name)
}

// readLoop is the conn's reader goroutine (one per conn): it decodes
// what Asterisk sends and routes it (dispatch) until the link is gone.
// It never blocks on anything but the network.
func (c *conn) readLoop() {
	defer c.wg.Done()
	for {
		m, err := c.dec.Decode()
		if err != nil {
			var se *SyntaxError
			if errors.As(err, &se) {
				c.touch()
				c.log.Warn("ami: skipped a malformed message", "addr", c.cfg.Addr, "line", se.Line, "reason", se.Msg)
				continue
			}
			switch {
			case errors.Is(err, io.EOF):
				err = errPeerClosed
			case errors.Is(err, io.ErrUnexpectedEOF):
				err = fmt.Errorf("closed by Asterisk in the middle of a message: %w", err)
			default:
				err = fmt.Errorf("reading: %w", err)
			}
			c.fail(err)
			return
		}
		c.touch()
		c.dispatch(m)
	}
}

// touch notes that a message arrived, for keepAlive.
func (c *conn) touch() { c.lastRecv.Store(int64(time.Since(c.start))) }

// dispatch routes one message: a response to its waiting action (or
// nowhere), an event with a running list's ActionID to that list, every
// other event to the queue.
func (c *conn) dispatch(m Message) {
	_, isEvent := m.Lookup(KeyEvent)
	_, isResponse := m.Lookup(KeyResponse)
	id := m.ActionID()

	c.mu.Lock()
	defer c.mu.Unlock()
	var p *pending
	if id != "" {
		p = c.pending[id]
	}
	switch {
	case isEvent && p != nil && p.list:
		if strings.EqualFold(m.Get(KeyEventList), "Complete") {
			c.finishLocked(id, p, nil)
			return
		}
		p.itemBytes += m.size()
		if len(p.items) >= c.maxQueue || p.itemBytes > maxQueuedBytes {
			c.failLocked(fmt.Errorf("list %s returned more than %d items or %d bytes", p.action, c.maxQueue, maxQueuedBytes))
			return
		}
		p.items = append(p.items, m)
	case isEvent:
		// Including OriginateResponse, which carries its Originate's
		// ActionID (and a Response field) but answers long after it.
		c.enqueueLocked(m)
	case isResponse && p == nil:
		c.log.Debug("ami: dropped a response nobody waits for", "message", m.String())
	case isResponse && p.started:
		c.log.Debug("ami: dropped a second response to a list", "message", m.String())
	case isResponse:
		p.resp = m
		switch {
		case strings.EqualFold(m.Response(), "Error"):
			c.finishLocked(id, p, &ActionError{Action: p.action, Message: m.Get(KeyMessage)})
		case p.list && strings.EqualFold(m.Get(KeyEventList), "start"):
			p.started = true // the items follow
		default:
			c.finishLocked(id, p, nil)
		}
	default:
		c.log.Warn("ami: skipped a message that is neither event nor response", "message", m.String())
	}
}

// finishLocked completes a pending action.
func (c *conn) finishLocked(id string, p *pending, err error) {
	p.err = err
	delete(c.pending, id)
	close(p.done)
}

// enqueueLocked queues an unsolicited event and wakes the consumer.
func (c *conn) enqueueLocked(m Message) {
	if c.overflowed {
		return // closed for falling behind: the queue is gone
	}
	c.queuedBytes += m.size()
	if len(c.queue) >= c.maxQueue || c.queuedBytes > maxQueuedBytes {
		c.queue, c.overflowed = nil, true // the Exchange resynchronises: free it now
		c.failLocked(fmt.Errorf("the event consumer fell behind: more than %d events queued", c.maxQueue))
		return
	}
	if m.Event() == "Shutdown" {
		c.log.Info("ami: Asterisk is shutting down", "addr", c.cfg.Addr, "restart", m.Get("Restart"))
	}
	c.queue = append(c.queue, m)
	select {
	case c.ready <- struct{}{}:
	default:
	}
}

// next returns the unsolicited events that arrived since the last call,
// in arrival order, or nil. Wait for them on c.ready. After done, next
// still returns what arrived before the link went (Asterisk's Shutdown
// event among them), except when the link was closed because the
// consumer fell behind.
func (c *conn) next() []Message {
	c.mu.Lock()
	defer c.mu.Unlock()
	q := c.queue
	c.queue, c.queuedBytes = nil, 0
	return q
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

// keepAlive pings an idle link: when nothing has arrived for
// cfg.PingInterval it sends Ping, and a Ping unanswered within another
// interval means the link is dead (typically a half-open TCP connection
// after a network failure or a crashed Asterisk host): it is closed and
// err says so.
func (c *conn) keepAlive() {
	defer c.wg.Done()
	interval := c.cfg.PingInterval
	t := time.NewTimer(interval)
	defer t.Stop()
	for {
		select {
		case <-c.closed:
			return
		case <-t.C:
		}
		idle := time.Since(c.start) - time.Duration(c.lastRecv.Load())
		if idle < interval {
			t.Reset(interval - idle)
			continue
		}
		ctx, cancel := context.WithTimeout(context.Background(), interval)
		_, err := c.roundTrip(ctx, NewAction("Ping"), false, interval)
		cancel()
		switch {
		case err == nil:
		case errors.Is(err, ErrClosed):
			return
		case errors.Is(err, context.DeadlineExceeded):
			c.fail(fmt.Errorf("no answer to Ping within %s: the link is dead (half-open TCP?)", interval))
			return
		default:
			// An Error response still proves Asterisk is there.
			c.log.Debug("ami: Ping", "err", err)
		}
		t.Reset(interval)
	}
}
