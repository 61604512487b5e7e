package app

import (
	"github.com/deskline/deskline/app/journal"
	"github.com/deskline/deskline/ctiproto"
)

// maxFailed bounds the failed calls kept on screen: a failure stays until
// the user dismisses it, and past this many nobody is reading them; the
// oldest go first (every one stays in the journal).
const maxFailed = 20

// noteFailedLocked keeps the user's own calls that never connected
// (busy, no answer, unreachable…) for State.Failed, so the UI can say why
// until the user dismisses them. Called with c.mu held.
func (c *Client) noteFailedLocked(entries []journal.Entry) {
	for _, e := range entries {
		if e.Outcome != journal.OutcomeOutgoingFailed || e.Cause == "" || e.Cause == ctiproto.CauseNormal {
			continue // abandoned by the user: nothing to explain
		}
		c.failed = append(c.failed, e)
	}
	if n := len(c.failed) - maxFailed; n > 0 {
		c.failed = append(c.failed[:0:0], c.failed[n:]...)
	}
}

// DismissFailed takes a failed call off State.Failed (it stays in the
// journal). An id that is not there is no error: a second click races
// the first.
func (c *Client) DismissFailed(id string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for i, e := range c.failed {
		if e.ID == id {
			c.failed = append(c.failed[:i:i], c.failed[i+1:]...)
			c.publishLocked()
			return
		}
	}
}
