package ami

import (
	"context"
	"errors"
	"fmt"
	"time"
)

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
