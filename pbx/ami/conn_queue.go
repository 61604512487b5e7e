package ami

import (
	"fmt"
)

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
