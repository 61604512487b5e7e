package ami

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
)

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
