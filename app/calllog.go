package app

import (
	"fmt"
	"strings"
	"time"

	"github.com/deskline/deskline/app/journal"
	"github.com/deskline/deskline/ctiproto"
)

// callRecord follows one of the user's connections from its first event
// to its end, for the journal.
type callRecord struct {
	call, device string
	start        time.Time
	answered     time.Time
	direction    string
	number, name string
	// contact is the company directory's name for the number, as the
	// server last sent it; "" for none.
	contact string
	cause   string
	to      string // where it was transferred or deflected to
	note    string // the call's note, as last told
	// twin is how the call ended at another of the user's phones where it
	// rang too (deflected, declined there), when that ring was folded
	// into this record (see foldLocked).
	twin *callRecord
}

// trackLocked updates the record of ev's connection and returns the
// journal entry when the connection ends. Called before ev is applied.
func (c *Client) trackLocked(ev *ctiproto.Event) []journal.Entry {
	if ev.Call == "" {
		return nil
	}
	k := ctiproto.ConnKey{Call: ev.Call, Device: ev.Device}
	r := c.records[k]
	if ev.Type == ctiproto.EventNote {
		if r != nil {
			r.note = ev.Note // "" removes it
		}
		return nil
	}
	ends := ev.Type == ctiproto.EventCleared || ev.Type == ctiproto.EventDiverted ||
		(ev.Type == ctiproto.EventTransferred && ev.State == ctiproto.StateCleared)
	if r == nil && ends && ev.Type != ctiproto.EventDiverted {
		return nil // already recorded (a transfer ends the connection before its clear)
	}
	// A diverted for a connection never seen: the call reached the device
	// without ringing there (forwarding, do-not-disturb); it is recorded,
	// so the list of missed calls is complete.
	if r == nil {
		r = &callRecord{call: ev.Call, device: ev.Device, start: ev.Time, direction: ev.Direction}
		if r.direction == "" {
			r.direction = ctiproto.DirectionIncoming
		}
		c.records[k] = r
	}
	if ev.Other != nil {
		if ev.Other.Number != r.number {
			r.contact = ""
		}
		r.number, r.name = ev.Other.Number, ev.Other.Name
		if dc := ev.Other.Contact; dc != nil {
			// Kept when a later event of the call carries none.
			r.contact = dc.Name
		}
	}
	if ev.Note != "" {
		r.note = ev.Note
	}
	switch ev.Type {
	case ctiproto.EventEstablished:
		if r.answered.IsZero() {
			r.answered = ev.Time
		}
	case ctiproto.EventFailed:
		r.cause = ev.Cause
	case ctiproto.EventTransferred:
		if ev.State == ctiproto.StateCleared {
			r.to = ev.To
			delete(c.records, k) // transferred away: done here
			return []journal.Entry{c.entryLocked(r, ev.Time, ctiproto.CauseTransferred)}
		}
		if ev.NewCall != "" && ev.NewCall != ev.Call {
			delete(c.records, k) // the call goes on under its new id
			r.call = ev.NewCall
			c.records[ctiproto.ConnKey{Call: ev.NewCall, Device: ev.Device}] = r
		}
	case ctiproto.EventCleared, ctiproto.EventDiverted:
		if ev.Type == ctiproto.EventDiverted {
			r.to = ev.To
		}
		delete(c.records, k)
		if c.foldLocked(r, ev.Cause) {
			return nil
		}
		return []journal.Entry{c.entryLocked(r, ev.Time, ev.Cause)}
	}
	return nil
}

// foldLocked folds the ended ring r of an incoming call into the record
// of another of the user's phones still in the same call, and reports
// whether it did: a call that rang at the desk phone and the softphone is
// one call in the journal (one missed call, not two), told by the phone
// where it went on or ended last. What happened at r (declined,
// deflected) is kept for it.
func (c *Client) foldLocked(r *callRecord, cause string) bool {
	if r.direction != ctiproto.DirectionIncoming || !r.answered.IsZero() {
		return false
	}
	for _, o := range c.records {
		// Only into another ring of the same call: a call from the user's
		// desk phone to their own softphone is two entries, the call
		// placed and the ring, and the ring must not vanish into the other.
		if o.call == r.call && o.device != r.device && o.direction == ctiproto.DirectionIncoming {
			if cause != "" && cause != ctiproto.CausePickedUpElsewhere && o.twin == nil {
				r.cause = cause
				o.twin = r
			}
			return true
		}
	}
	return false
}

// syncRecordsLocked lines the records up with a snapshot: connections the
// snapshot lacks ended while the client could not see it, connections it
// has that the client never saw are followed from now on.
func (c *Client) syncRecordsLocked(calls []ctiproto.Call) []journal.Entry {
	live := make(map[ctiproto.ConnKey]ctiproto.Call, len(calls))
	for _, call := range calls {
		live[ctiproto.ConnKey{Call: call.Call, Device: call.Device}] = call
	}
	var out []journal.Entry
	// They ended while the client could not see: not before the link was
	// lost. That time is the end the journal shows, not the reconnect.
	lost := c.lostAt
	if lost.IsZero() {
		lost = time.Now()
	}
	for k, r := range c.records {
		if _, ok := live[k]; !ok {
			delete(c.records, k)
			end := lost
			if end.Before(r.start) {
				end = r.start
			}
			out = append(out, c.entryLocked(r, end, ""))
		}
	}
	for k, call := range live {
		if c.records[k] == nil {
			r := &callRecord{call: call.Call, device: call.Device, start: call.Since, direction: call.Direction,
				number: call.Other.Number, name: call.Other.Name}
			if call.Answered {
				r.answered = call.Since
			}
			if r.direction == "" {
				r.direction = ctiproto.DirectionIncoming
			}
			c.records[k] = r
		}
	}
	return out
}

// entryLocked turns an ended connection into a journal entry.
func (c *Client) entryLocked(r *callRecord, end time.Time, cause string) journal.Entry {
	if cause == "" {
		cause = r.cause
	}
	if t := r.twin; t != nil && r.answered.IsZero() && cause == ctiproto.CausePickedUpElsewhere {
		// Dealt with at the user's other phone (declined, deflected):
		// that is what happened to the call, not "answered elsewhere".
		cause, r = t.cause, &callRecord{call: r.call, device: t.device, start: r.start, direction: r.direction,
			number: r.number, name: r.name, contact: r.contact, to: t.to, note: r.note}
	}
	// As in State (view.go): the journal is shown too. The user's card
	// first, then the directory's contact, then the exchange's name.
	name := ctiproto.CleanText(r.name)
	if m := c.lookup(r.number); m != nil {
		name = m.Contact.DisplayName()
	} else if dn := strings.TrimSpace(ctiproto.CleanText(r.contact)); dn != "" {
		name = dn
	}
	return journal.Entry{
		// The start time keeps ids unique when a restarted exchange
		// hands out the same call ids again.
		ID:    fmt.Sprintf("%s/%s/%d", r.call, r.device, r.start.UnixNano()),
		Start: r.start, End: end, Device: r.device, Direction: r.direction,
		Number: ctiproto.CleanText(r.number), Name: name, Cause: cause, Answered: r.answered,
		Outcome: outcome(r, cause), To: r.to, Note: ctiproto.CleanText(r.note),
	}
}

// outcome classifies an ended connection for the journal.
func outcome(r *callRecord, cause string) journal.Outcome {
	if r.direction == ctiproto.DirectionOutgoing {
		if r.answered.IsZero() {
			return journal.OutcomeOutgoingFailed
		}
		return journal.OutcomeOutgoing
	}
	switch {
	case !r.answered.IsZero():
		return journal.OutcomeAnswered
	case cause == ctiproto.CausePickedUpElsewhere, cause == ctiproto.CauseForwarded:
		return journal.OutcomeAnsweredElsewhere
	case cause == ctiproto.CauseRejected, cause == ctiproto.CauseDeflected:
		return journal.OutcomeRejected // the user dealt with it: not missed
	}
	return journal.OutcomeMissed
}

// settle publishes a change, called with c.mu held, and releases it. The
// calls that ended go to the journal first, so a UI never sees a call
// vanish before its journal entry exists.
func (c *Client) settle(entries []journal.Entry) {
	c.noteFailedLocked(entries)
	if c.opts.Journal == nil || len(entries) == 0 {
		c.publishLocked()
		c.mu.Unlock()
		return
	}
	c.mu.Unlock()
	c.record(entries)
}

// record writes entries to the journal and publishes; called without
// c.mu, since the journal tells its own subscribers (the UI) at once.
func (c *Client) record(entries []journal.Entry) {
	for _, e := range entries {
		if err := c.opts.Journal.Add(e); err != nil {
			c.log.Error("journal", "err", err)
		}
	}
	c.mu.Lock()
	c.publishLocked() // the missed count may have changed
	c.mu.Unlock()
}
