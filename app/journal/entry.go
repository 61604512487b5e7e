// Package journal is the tray app's call list: each ended call as an
// Entry (who, when, how it ended), newest first, bounded, kept in
// journal.json in the configuration folder and rewritten atomically on
// every change, with the count of missed calls not yet seen.
package journal

import (
	"errors"
	"fmt"
	"time"

	"github.com/deskline/deskline/ctiproto"
)

// Outcome is how a call in the journal ended, from the user's side.
type Outcome string

const (
	// OutcomeAnswered: an incoming call the user talked on.
	OutcomeAnswered Outcome = "answered"
	// OutcomeMissed: an incoming call nobody answered — the caller hung
	// up, or it rang out. These count in UnseenMissed.
	OutcomeMissed Outcome = "missed"
	// OutcomeOutgoing: a call the user placed that got through.
	OutcomeOutgoing Outcome = "outgoing"
	// OutcomeOutgoingFailed: a call the user placed that never connected
	// (busy, no answer, invalid number, unreachable; see Cause).
	OutcomeOutgoingFailed Outcome = "outgoing-failed"
	// OutcomeAnsweredElsewhere: rang here, a colleague picked it up. Not
	// missed: somebody took care of the caller.
	OutcomeAnsweredElsewhere Outcome = "answered-elsewhere"
	// OutcomeRejected: the user declined the call. Not missed either: the
	// user saw it and decided.
	OutcomeRejected Outcome = "rejected"
)

// Valid reports whether o is one of the outcomes above.
func (o Outcome) Valid() bool {
	switch o {
	case OutcomeAnswered, OutcomeMissed, OutcomeOutgoing, OutcomeOutgoingFailed,
		OutcomeAnsweredElsewhere, OutcomeRejected:
		return true
	}
	return false
}

// Entry is one call in the journal.
type Entry struct {
	ID        string    `json:"id"`             // call id + device: unique per call and device
	Start     time.Time `json:"start"`          // when it started ringing / was dialled
	End       time.Time `json:"end,omitzero"`   // when it ended
	Device    string    `json:"device"`         // the user's device it rang on or was placed from
	Direction string    `json:"direction"`      // ctiproto.DirectionIncoming or DirectionOutgoing
	Number    string    `json:"number"`         // the other party as the exchange gave it; "" = withheld
	Name      string    `json:"name,omitempty"` // best known name: contact, else caller id
	Outcome   Outcome   `json:"outcome"`
	Cause     string    `json:"cause,omitempty"`   // ctiproto cause of the end, if any
	Answered  time.Time `json:"answered,omitzero"` // zero if never answered
	Seen      bool      `json:"seen,omitempty"`    // a missed call the user has looked at
	// To is where the call went from the user's phone: the number or
	// extension it was transferred or forwarded (deflected) to; "" when
	// it ended here. Journals written before it existed read as "".
	To string `json:"to,omitempty"`
	// Note is the call's note when it ended here (set at a desk of any
	// party); "" for none, and in journals written before it existed.
	Note string `json:"note,omitempty"`
}

// Duration is the talk time: End - Answered, 0 if the call was never
// answered (or has not ended).
func (e Entry) Duration() time.Duration {
	if e.Answered.IsZero() || e.End.IsZero() || e.End.Before(e.Answered) {
		return 0
	}
	return e.End.Sub(e.Answered)
}

// CanCallBack reports whether the entry has a number to dial: a caller
// who withheld their number cannot be called back.
func (e Entry) CanCallBack() bool { return e.Number != "" }

// validate rejects entries the journal could not show or deduplicate.
func (e Entry) validate() error {
	var errs []error
	if e.ID == "" {
		errs = append(errs, errors.New("no id"))
	}
	if e.Start.IsZero() {
		errs = append(errs, errors.New("no start time"))
	}
	if e.Direction != ctiproto.DirectionIncoming && e.Direction != ctiproto.DirectionOutgoing {
		errs = append(errs, fmt.Errorf("direction %q is not incoming or outgoing", e.Direction))
	}
	if !e.Outcome.Valid() {
		errs = append(errs, fmt.Errorf("unknown outcome %q", e.Outcome))
	}
	if len(errs) > 0 {
		return fmt.Errorf("journal: entry %q: %w", e.ID, errors.Join(errs...))
	}
	return nil
}

// normalized drops the monotonic clock reading from the times, so that an
// entry compares equal to itself after a round trip through the file.
func (e Entry) normalized() Entry {
	e.Start, e.End, e.Answered = e.Start.Round(0), e.End.Round(0), e.Answered.Round(0)
	return e
}

// same reports whether e and o describe the same call identically.
func (e Entry) same(o Entry) bool {
	return e.ID == o.ID && e.Start.Equal(o.Start) && e.End.Equal(o.End) &&
		e.Device == o.Device && e.Direction == o.Direction && e.Number == o.Number &&
		e.Name == o.Name && e.Outcome == o.Outcome && e.Cause == o.Cause &&
		e.Answered.Equal(o.Answered) && e.Seen == o.Seen && e.To == o.To
}
