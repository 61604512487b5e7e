package ami

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"time"
)

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
