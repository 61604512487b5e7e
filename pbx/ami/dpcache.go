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
	// reading is set while refreshDialplan reads; again asks it to read
	// once more (reloads that come in a burst cost one more read, not one
	// each).
	reading, again bool
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
// invalidated meanwhile (gen). A dialplan that cannot be read for good
// (the manager account may not, or it is too large) is kept as unknown
// (asking again at every transfer would not make it readable) and logged
// once; one that failed for the moment (a timeout, a context missing
// halfway through a reload) is unknown for this transfer only.
func (x *Exchange) loadDialplan(ctx context.Context, c *conn, gen uint64) *dialplan {
	d, err := readDialplan(ctx, c, x.cfg.Context)
	if errors.Is(err, ErrClosed) || ctx.Err() != nil {
		return nil // the link or the caller gave up: nothing learnt
	}
	if err != nil {
		d = &dialplan{context: x.cfg.Context, unknown: err.Error()}
		if !unreadable(err) {
			x.cfg.Log.Info("ami: reading the dialplan failed; read again at the next transfer", "context", x.cfg.Context, "err", err)
			return d
		}
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

// unreadable reports whether a failed dialplan read will fail again until
// Asterisk's configuration changes: the manager account lacks the write
// class, or the dialplan is larger than Deskline reads.
func unreadable(err error) bool {
	var ae *ActionError
	return errors.As(err, &ae) && ae.Message == "Permission denied" || errors.Is(err, errTooManyContexts)
}

// refreshDialplan reads the dialplan again in the background, after a
// (re)connect or a reload, so the next transfer does not wait for it.
func (x *Exchange) refreshDialplan() {
	x.dp.invalidate()
	x.dp.mu.Lock()
	if x.dp.reading {
		x.dp.again = true
		x.dp.mu.Unlock()
		return
	}
	c, done, err := x.session()
	if err != nil {
		x.dp.mu.Unlock()
		return
	}
	x.dp.reading = true
	x.dp.mu.Unlock()
	go func() {
		defer done() // Close waits for this read
		for {
			x.dp.mu.Lock()
			gen := x.dp.gen
			x.dp.again = false
			x.dp.mu.Unlock()
			ctx, cancel := context.WithTimeout(context.Background(), syncTimeout)
			x.loadDialplan(ctx, c, gen)
			cancel()
			x.dp.mu.Lock()
			if !x.dp.again {
				x.dp.reading = false
				x.dp.mu.Unlock()
				return
			}
			x.dp.mu.Unlock()
			// Again, on the link as it is now (it may have been replaced).
			next, nextDone, err := x.session()
			if err != nil {
				x.dp.mu.Lock()
				x.dp.reading = false
				x.dp.mu.Unlock()
				return
			}
			c = next
			nextDone() // this goroutine is counted once already
		}
	}()
}
