package app

import (
	"context"
	"strings"
	"time"

	"github.com/deskline/deskline/app/journal"
	"github.com/deskline/deskline/ctiproto"
)

// resync holds the events that arrive while a snapshot, asked for after
// a gap in seq, is on its way.
type resync struct {
	pending []*ctiproto.Event
	// afterParts: the snapshot came, its presence list's parts have not
	// all come yet; pending waits for the last (presencePart).
	afterParts bool
}

// welcomed takes the welcome: the token it carries is kept, the state is
// replaced by its snapshot, or kept when the server resumes us (the
// missed events follow).
func (c *Client) welcomed(l *link, w *ctiproto.Welcome, cred credential) {
	if w.Token != "" {
		c.storeToken(w.Token)
	}
	var entries []journal.Entry
	c.mu.Lock()
	switch {
	case cred.token != "" && cred.token == c.rejected:
		// Logged out while this attempt was under way.
		c.mu.Unlock()
		l.closeWith(errDeliberate)
		return
	case cred.token != "" && c.password != "":
		// The user typed a password meanwhile: use it.
		c.mu.Unlock()
		l.closeWith(errDeliberate)
		return
	case cred.password != "" && cred.gen == c.pwGen:
		c.password = ""
		c.finishLoginLocked(nil)
	}
	refresh := false
	if w.Token != "" {
		c.lastRefresh = time.Now()
	} else if time.Since(c.lastRefresh) > refreshEvery {
		refresh = true
	}
	c.link = l
	c.state.Status, c.state.Reason, c.state.RetryAt, c.state.Problem = StatusConnected, "", time.Time{}, nil
	if c.onStatus != nil {
		c.onStatus(StatusConnected, "")
	}
	c.state.User, c.state.DisplayName, c.state.Reception = w.User, w.DisplayName, w.Reception
	c.state.Directory = cleanBooks(w.Directory)
	c.photos.forgetFailures() // a photo that failed on the last link may come on this one
	c.state.Exchange = ExchangeStatus{Available: w.Exchange.Available, Reason: w.Exchange.Reason}
	c.state.Capabilities = make(map[string]bool, len(w.Capabilities))
	for _, s := range w.Capabilities {
		c.state.Capabilities[s] = true
	}
	if !w.Resumed {
		entries = c.resetLocked(w.Devices, w.Calls, w.Parked, w.Epoch, w.Seq)
		if w.Presence != nil || w.Queues != nil {
			c.takePresenceLocked(w.Presence, w.Queues, w.PresenceParts, w.Seq)
		} else {
			c.forgetPresenceLocked() // not watching (any more): watchAfterWelcome asks again
		}
	}
	c.settle(entries)
	c.watchAfterWelcome()
	c.log.Info("connected", "user", w.User, "resumed", w.Resumed, "resync", w.Resync, "seq", w.Seq)
	if refresh {
		go c.refreshToken()
	}
}

// refreshToken swaps the device token for a fresh one, so that a desk in
// use never reaches the token's expiry.
func (c *Client) refreshToken() {
	res, err := c.request(context.Background(), &ctiproto.Simple{Type: ctiproto.TypeRefreshToken})
	if err != nil || res.Token == "" {
		c.log.Warn("token refresh failed; will retry at the next connection", "err", err)
		return
	}
	c.storeToken(res.Token)
	c.mu.Lock()
	c.lastRefresh = time.Now()
	c.mu.Unlock()
}

// resetLocked replaces the state with a snapshot. Calls that vanished
// while we could not see them ended then: they go to the journal.
func (c *Client) resetLocked(devices []ctiproto.Device, calls []ctiproto.Call, parked []ctiproto.Parked, epoch string, seq uint64) []journal.Entry {
	c.cs = ctiproto.NewCallState(devices, calls)
	c.cs.SetParked(parked)
	c.epoch, c.seq = epoch, seq
	return c.syncRecordsLocked(calls)
}

// handle dispatches one frame from the server.
func (c *Client) handle(l *link, m ctiproto.Message) {
	switch m := m.(type) {
	case *ctiproto.Event:
		c.event(l, m)
	case *ctiproto.Result:
		if m.Presence != nil || m.Queues != nil { // watch, or a snapshot while watching
			c.resultLists(l, m)
		}
		c.answer(l, m.ID, reply{res: m})
	case *ctiproto.PresenceList:
		c.presencePart(l, m)
	case *ctiproto.Error:
		c.answer(l, m.ID, reply{err: actionError("", m)})
	default:
		c.log.Warn("unexpected frame from the server", "type", m.MessageType())
	}
}

// answer hands a reply to the request waiting for it; replies nobody
// waits for (keep-alive pings, abandoned requests) are dropped.
func (c *Client) answer(l *link, id string, r reply) {
	if strings.HasPrefix(id, keepalivePrefix) {
		l.pingAnswered.Store(time.Now().UnixNano())
		return
	}
	c.mu.Lock()
	ch := l.pending[id]
	delete(l.pending, id)
	c.mu.Unlock()
	if ch != nil {
		ch <- r
	}
}

// event applies one event in seq order: a duplicate is ignored, a gap
// makes the client fetch a snapshot.
func (c *Client) event(l *link, ev *ctiproto.Event) {
	c.mu.Lock()
	switch {
	case c.resync != nil:
		c.resync.pending = append(c.resync.pending, ev)
		c.mu.Unlock()
		return
	case ev.Seq <= c.seq:
		c.mu.Unlock()
		return
	case ev.Seq > c.seq+1:
		c.log.Warn("gap in events, fetching a snapshot", "have", c.seq, "got", ev.Seq)
		c.resync = &resync{pending: []*ctiproto.Event{ev}}
		c.mu.Unlock()
		go c.fetchSnapshot(l)
		return
	case c.watch.parts > 0:
		c.log.Warn("event before the last presence list part, fetching a snapshot", "seq", ev.Seq)
		c.watch.parts = 0
		c.resync = &resync{pending: []*ctiproto.Event{ev}}
		c.mu.Unlock()
		go c.fetchSnapshot(l)
		return
	}
	c.settle(c.applyLocked(ev))
}

// applyLocked folds one in-order event into the state.
func (c *Client) applyLocked(ev *ctiproto.Event) []journal.Entry {
	c.seq = ev.Seq
	if c.onEvent != nil {
		c.onEvent(ev)
	}
	if ev.Type == ctiproto.EventExchangeState && ev.Available != nil {
		c.state.Exchange = ExchangeStatus{Available: *ev.Available, Reason: ev.Reason}
	}
	c.applyWatchedLocked(ev)
	c.noteRecallLocked(ev)
	if !c.cs.Changes(ev) {
		return nil
	}
	entries := c.trackLocked(ev)
	c.cs.Apply(ev)
	return entries
}

// resyncNow fetches a snapshot unless one is on its way.
func (c *Client) resyncNow(l *link) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.resync != nil {
		return
	}
	c.watch.parts = 0
	c.resync = &resync{}
	go c.fetchSnapshot(l)
}

// derefSeq is a result's seq, 0 when it has none.
func derefSeq(p *uint64) uint64 {
	if p == nil {
		return 0
	}
	return *p
}

// fetchSnapshot repairs a gap: the snapshot replaces the state, then the
// events that came meanwhile and are newer than it are applied.
func (c *Client) fetchSnapshot(l *link) {
	res, err := c.request(context.Background(), &ctiproto.Simple{Type: ctiproto.TypeSnapshot})
	c.mu.Lock()
	pending := c.resync.pending
	c.resync = nil
	if err != nil || res.Seq == nil {
		c.mu.Unlock()
		c.log.Warn("snapshot failed, reconnecting", "err", err)
		l.close() // the resume of the next connection repairs it
		return
	}
	// Events the snapshot already contains still tell the journal how calls
	// ended, and the exchange's state, which a snapshot does not carry.
	var entries []journal.Entry
	for _, ev := range pending {
		if ev.Seq > c.seq && ev.Seq <= *res.Seq {
			entries = append(entries, c.trackLocked(ev)...)
			if ev.Type == ctiproto.EventExchangeState && ev.Available != nil {
				c.state.Exchange = ExchangeStatus{Available: *ev.Available, Reason: ev.Reason}
			}
		}
	}
	entries = append(entries, c.resetLocked(res.Devices, res.Calls, res.Parked, c.epoch, *res.Seq)...)
	if c.watch.parts > 0 {
		// Newer events wait for the list's last part: applied before it,
		// their presence would be undone by an older part.
		c.resync = &resync{pending: pending, afterParts: true}
		c.settle(entries)
		return
	}
	c.settle(append(entries, c.applyPendingLocked(pending)...))
}

// applyPendingLocked applies the events that came while a snapshot was
// on its way and are newer than it, in seq order.
func (c *Client) applyPendingLocked(pending []*ctiproto.Event) []journal.Entry {
	var entries []journal.Entry
	for _, ev := range pending {
		if ev.Seq == c.seq+1 {
			entries = append(entries, c.applyLocked(ev)...)
		}
	}
	return entries
}
