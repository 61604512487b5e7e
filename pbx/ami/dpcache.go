package ami

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/deskline/deskline/pbx"
)

// dpCache keeps the dialplan read for the transfer check (dialplan.go)
// from one (re)connect or dialplan reload to the next.
type dpCache struct {
	mu     sync.Mutex
	d      *dialplan // nil: to be read
	gen    uint64    // counts invalidations: a read begun before one is not kept
	warned bool      // the fallback was logged (once per process)
}

// invalidate forgets the dialplan: Asterisk reloaded, or the link is new.
func (dc *dpCache) invalidate() {
	dc.mu.Lock()
	dc.d = nil
	dc.gen++
	dc.mu.Unlock()
}

// reachable refuses, with pbx.ErrInvalidNumber, a number the configured
// context cannot reach. A dialplan that cannot be read refuses nothing:
// the hang-up that follows a Redirect to nowhere is reported instead
// (redirect.go).
func (x *Exchange) reachable(ctx context.Context, num string) error {
	d := x.dialplan(ctx)
	if d == nil {
		return nil
	}
	if reach, sure := d.reaches(num); !sure || reach {
		return nil
	}
	note := ""
	if d.invalidHandler() {
		note = " (a caller sent there would only hear its invalid-number handler)"
	}
	return fmt.Errorf("%w: %s: the dialplan of context %q has no extension for it%s",
		pbx.ErrInvalidNumber, num, d.context, note)
}

// dialplan returns the cached dialplan, reading it first when needed; nil
// when there is no link.
func (x *Exchange) dialplan(ctx context.Context) *dialplan {
	x.dp.mu.Lock()
	d, gen := x.dp.d, x.dp.gen
	x.dp.mu.Unlock()
	if d != nil {
		return d
	}
	c, done, err := x.session()
	if err != nil {
		return nil
	}
	defer done()
	return x.loadDialplan(ctx, c, gen)
}

// loadDialplan reads the dialplan over c and keeps it unless it was
// invalidated meanwhile (gen). A dialplan that cannot be read is kept as
// unknown (asking again at every transfer would not make it readable),
// and logged once.
func (x *Exchange) loadDialplan(ctx context.Context, c *conn, gen uint64) *dialplan {
	d, err := readDialplan(ctx, c, x.cfg.Context)
	if errors.Is(err, ErrClosed) || ctx.Err() != nil {
		return nil // the link or the caller gave up: nothing learnt
	}
	if err != nil {
		d = &dialplan{context: x.cfg.Context, unknown: err.Error()}
	}
	x.dp.mu.Lock()
	defer x.dp.mu.Unlock()
	if err != nil && !x.dp.warned {
		x.dp.warned = true
		x.cfg.Log.Warn("ami: cannot read the dialplan: transfers and deflects to numbers the context lacks are "+
			"found only when Asterisk hangs the caller up (the manager account needs write = reporting; see docs/asterisk.md)",
			"context", x.cfg.Context, "err", err)
	}
	if x.dp.gen == gen {
		x.dp.d = d
	}
	return d
}

// refreshDialplan reads the dialplan again after Asterisk reloaded it, so
// the next transfer does not wait for it.
func (x *Exchange) refreshDialplan() {
	x.dp.invalidate()
	c, done, err := x.session()
	if err != nil {
		return
	}
	x.dp.mu.Lock()
	gen := x.dp.gen
	x.dp.mu.Unlock()
	go func() {
		defer done()
		ctx, cancel := context.WithTimeout(context.Background(), syncTimeout)
		defer cancel()
		x.loadDialplan(ctx, c, gen)
	}()
}
