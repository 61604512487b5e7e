package app

import (
	"context"
	"errors"
	"maps"
	"slices"
	"strings"

	"github.com/deskline/deskline/app/journal"
	"github.com/deskline/deskline/contacts"
	"github.com/deskline/deskline/ctiproto"
)

// watched is what the server tells a desk that shows presence, as it
// told it: the protocol's presence and queue states, by device and by
// queue number. Guarded by Client.mu.
type watched struct {
	show     bool // the desk shows presence (ShowPresence)
	watching bool // the server sends presence: a welcome or watch result carried it
	presence map[string]ctiproto.Presence
	queues   map[string]ctiproto.QueueState
	// parts counts the presence-list messages still to come after a
	// welcome or result that said presence_parts, as of partsSeq.
	parts, partsSeq, nextPart uint64
}

// ShowPresence makes this desk a switchboard (on) or a plain desk (off).
// On, it says so in every hello and watches every device the server lets
// the user watch, now if connected (a user who may watch nothing gets
// nothing, and no error). Off, it forgets what it had and stops asking;
// it does not end the user's subscription on the server (unwatch): the
// user's other desks may show presence, and would freeze without a word.
// The server then still sends this desk presence events, which it counts
// and ignores. It returns when the server has answered a watch, or at
// once. Calling it again with the same choice is harmless.
func (c *Client) ShowPresence(ctx context.Context, on bool) error {
	c.mu.Lock()
	c.watch.show = on
	if !on {
		c.forgetPresenceLocked()
		c.publishLocked()
	}
	need := on && !c.watch.watching && c.state.Status == StatusConnected && c.state.Capabilities[ctiproto.TypeWatch]
	c.mu.Unlock()
	if !need {
		return nil
	}
	err := c.watchAll(ctx)
	if errors.Is(err, ErrNotConnected) || errors.Is(err, ErrConnectionLost) {
		return nil // the link went meanwhile: the next welcome watches (watchAfterWelcome)
	}
	return err
}

// watchAll subscribes the user to every device they may watch; the
// result's lists replace what the desk had (takePresence, on the reader).
func (c *Client) watchAll(ctx context.Context) error {
	if err := c.can(ctiproto.TypeWatch); err != nil {
		return err
	}
	_, err := c.request(ctx, &ctiproto.Watch{})
	return err
}

// watchAfterWelcome watches when the desk shows presence but has no lists
// after a welcome: a new epoch or first login (the server forgot the
// subscription, or never had one), or a resume after the desk turned the
// switchboard on while cut off, or after a watch lost with its link.
func (c *Client) watchAfterWelcome() {
	c.mu.Lock()
	need := c.watch.show && !c.watch.watching && c.state.Capabilities[ctiproto.TypeWatch]
	c.mu.Unlock()
	if !need {
		return
	}
	go func() {
		if err := c.watchAll(context.Background()); err != nil {
			c.log.Warn("watching colleagues failed", "err", err)
		}
	}()
}

// takePresenceLocked replaces the presence and queue lists with those of
// a welcome or result (as of seq), of which parts more parts follow.
func (c *Client) takePresenceLocked(list []ctiproto.Presence, queues []ctiproto.QueueState, parts int, seq uint64) {
	c.watch.watching = true
	c.watch.presence = make(map[string]ctiproto.Presence, len(list))
	for _, p := range list {
		c.watch.presence[p.Device] = p
	}
	c.watch.queues = make(map[string]ctiproto.QueueState, len(queues))
	for _, q := range queues {
		c.watch.queues[q.Number] = q
	}
	c.watch.parts, c.watch.partsSeq, c.watch.nextPart = uint64(parts), seq, 1
}

// presencePart appends one part of a split presence list. A part out of
// turn means the list is broken: a snapshot repairs it.
func (c *Client) presencePart(l *link, m *ctiproto.PresenceList) {
	c.mu.Lock()
	w := &c.watch
	if w.parts == 0 || m.Seq != w.partsSeq || uint64(m.Part) != w.nextPart {
		c.mu.Unlock()
		c.log.Warn("presence list part out of turn, fetching a snapshot", "seq", m.Seq, "part", m.Part)
		c.resyncNow(l)
		return
	}
	for _, p := range m.Presence {
		w.presence[p.Device] = p
	}
	w.parts--
	w.nextPart++
	var entries []journal.Entry
	if r := c.resync; w.parts == 0 && r != nil && r.afterParts {
		c.resync = nil
		entries = c.applyPendingLocked(r.pending)
	}
	c.settle(entries)
}

// resultLists takes the presence and queue lists of a watch or snapshot
// result, on the reader (before the parts that may follow it). The server
// may queue a result behind events newer than its lists: taken, such a
// list would undo them, so a snapshot repairs it instead. A desk that
// turned presence off meanwhile ignores the answer.
func (c *Client) resultLists(l *link, m *ctiproto.Result) {
	c.mu.Lock()
	seq := derefSeq(m.Seq)
	switch {
	case !c.watch.show:
		c.mu.Unlock()
	case c.resync == nil && seq < c.seq:
		c.log.Info("presence list older than the events applied, fetching a snapshot", "list", seq, "have", c.seq)
		c.resync = &resync{}
		c.mu.Unlock()
		go c.fetchSnapshot(l)
	default:
		c.takePresenceLocked(m.Presence, m.Queues, m.PresenceParts, seq)
		c.publishLocked()
		c.mu.Unlock()
	}
}

// forgetPresenceLocked drops every list the server sent for watchers.
func (c *Client) forgetPresenceLocked() {
	c.watch.watching = false
	c.watch.presence, c.watch.queues = nil, nil
	c.watch.parts = 0
}

// applyWatchedLocked folds a presence or queue-changed event in.
func (c *Client) applyWatchedLocked(ev *ctiproto.Event) {
	switch {
	case ev.Type == ctiproto.EventPresence && ev.Presence != nil && c.watch.presence != nil:
		c.watch.presence[ev.Presence.Device] = *ev.Presence
	case ev.Type == ctiproto.EventQueueChanged && ev.QueueState != nil && c.watch.queues != nil:
		if ev.Change == ctiproto.QueueUnwatched {
			delete(c.watch.queues, ev.QueueState.Number)
			return
		}
		c.watch.queues[ev.QueueState.Number] = *ev.QueueState
	}
}

// rebuildSwitchboardLocked derives State.Switchboard.
func (c *Client) rebuildSwitchboardLocked() {
	b := &c.state.Switchboard
	b.Watching = c.watch.watching
	b.Colleagues = b.Colleagues[:0:0]
	for _, dev := range slices.Sorted(maps.Keys(c.watch.presence)) {
		b.Colleagues = append(b.Colleagues, c.colleague(c.watch.presence[dev]))
	}
	b.Queues = b.Queues[:0:0]
	for _, num := range slices.Sorted(maps.Keys(c.watch.queues)) {
		b.Queues = append(b.Queues, c.waitingQueue(c.watch.queues[num]))
	}
	b.Parked = b.Parked[:0:0]
	for _, p := range c.cs.ParkedCalls() {
		num := ctiproto.CleanText(p.Other.Number)
		b.Parked = append(b.Parked, ParkedCall{Slot: p.Slot, Call: p.Call, Number: num,
			Who: c.who(num, p.Other.Name, p.Other.Contact), ParkedBy: p.ParkedBy, Since: p.Since, Mine: c.state.Mine(p.ParkedBy)})
	}
	b.Consult = c.consultLocked()
	b.Recalls = c.recallsLocked()
}

// colleague is a presence as the switchboard shows it.
func (c *Client) colleague(p ctiproto.Presence) Colleague {
	col := Colleague{Device: p.Device, Name: ctiproto.CleanText(p.Name), Status: p.Status, Since: p.Since,
		DND: p.DND, ForwardTo: ctiproto.CleanText(p.ForwardTo), Direction: p.Direction}
	if p.Other != nil {
		col.Number, col.PartyName = ctiproto.CleanText(p.Other.Number), ctiproto.CleanText(p.Other.Name)
		col.Who = c.who(col.Number, col.PartyName, p.Other.Contact)
	}
	return col
}

// waitingQueue is a queue state as the switchboard shows it.
func (c *Client) waitingQueue(q ctiproto.QueueState) WaitingQueue {
	out := WaitingQueue{Number: ctiproto.CleanText(q.Number), Name: ctiproto.CleanText(q.Name)}
	for _, m := range q.Members {
		out.Members = append(out.Members, QueueMember{Device: m.Device, LoggedIn: m.LoggedIn})
	}
	for _, w := range q.Waiting {
		wc := WaitingCaller{Call: w.Call, Position: w.Position, Joined: w.Joined}
		if w.Caller != nil {
			wc.Number = ctiproto.CleanText(w.Caller.Number)
			wc.Who = c.who(wc.Number, w.Caller.Name, w.Caller.Contact)
		}
		out.Waiting = append(out.Waiting, wc)
	}
	return out
}

// who names a party as a pop does (partyName): the user's card for the
// number, else the company directory's contact the server sent (dc, may
// be nil), else the exchange's name, else the number.
func (c *Client) who(number, name string, dc *ctiproto.Contact) string {
	var contact *contacts.Contact
	if m := c.lookup(number); m != nil {
		contact = m.Contact
	} else if dc != nil {
		contact = DirectoryCard(cleanContact(*dc), nil)
	}
	return partyName(contact, strings.TrimSpace(ctiproto.CleanText(name)), number)
}
