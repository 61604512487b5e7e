package ami

import (
	"strconv"

	"github.com/deskline/deskline/pbx"
)

// Q.850 cause codes Asterisk reports in Hangup's Cause (and that the
// connector sends in Hangup actions).
const (
	q850Unallocated    = 1  // number does not exist (SIP 404)
	q850NoRoute        = 3  // no route: the endpoint is not registered
	q850Normal         = 16 // normal clearing
	q850Busy           = 17 // user busy (SIP 486: also a phone's "reject")
	q850NoResponse     = 18 // no user responding
	q850NoAnswer       = 19 // no answer from user (alerted)
	q850Unavailable    = 20 // subscriber absent
	q850Rejected       = 21 // call rejected (SIP 603)
	q850NumberChanged  = 22 // number changed
	q850AnsweredElse   = 26 // answered elsewhere (a group member picked up)
	q850OutOfOrder     = 27 // destination out of order
	q850InvalidFormat  = 28 // invalid number format
	q850Congestion     = 34 // no circuit available
	q850TempFailure    = 41 // temporary failure
	q850NetworkOutOrdr = 38 // network out of order
)

// hangupCause maps a Hangup's Q.850 cause onto a Deskline cause for a
// connection that had reached the far end or was simply ended: only the
// plain facts (busy, no answer, unreachable…) — what it means for a
// ringing phone is decided by the caller of this function.
func hangupCause(q int) pbx.Cause {
	switch q {
	case q850Busy:
		return pbx.CauseBusy
	case q850NoResponse, q850NoAnswer:
		return pbx.CauseNoAnswer
	case q850Rejected:
		return pbx.CauseRejected
	case q850AnsweredElse:
		return pbx.CausePickedUpElsewhere
	case q850Unallocated, q850NumberChanged, q850InvalidFormat:
		return pbx.CauseInvalidNumber
	case q850NoRoute, q850Unavailable, q850OutOfOrder, q850NetworkOutOrdr:
		return pbx.CauseUnreachable
	case q850Congestion, q850TempFailure:
		return pbx.CauseFailed
	default: // 0 unknown, 16 normal, 127 caller cancelled, and the rest
		return pbx.CauseNormal
	}
}

// dialStatusCause maps Dial's DialStatus onto a Deskline cause; ""
// for ANSWER and statuses that say nothing about a failure.
func dialStatusCause(s string) pbx.Cause {
	switch s {
	case "BUSY":
		return pbx.CauseBusy
	case "NOANSWER":
		return pbx.CauseNoAnswer
	case "CHANUNAVAIL":
		return pbx.CauseUnreachable
	case "CONGESTION", "INVALIDARGS":
		return pbx.CauseFailed
	default: // ANSWER, CANCEL, DONTCALL, TORTURE, RINGING, PROGRESS…
		return pbx.CauseNone
	}
}

// originateCause maps an OriginateResponse's Reason (Asterisk's
// control-frame numbers) onto a Deskline cause.
func originateCause(reason string) pbx.Cause {
	switch reason {
	case "0": // the channel could not be created: not registered, unknown endpoint
		return pbx.CauseUnreachable
	case "1": // hung up before answering
		return pbx.CauseRejected
	case "3": // ringing until Timeout
		return pbx.CauseNoAnswer
	case "5":
		return pbx.CauseBusy
	default: // 8 congestion, anything else
		return pbx.CauseFailed
	}
}

// atoi reads a numeric field; -1 when it is missing or not a number.
func atoi(s string) int {
	n, err := strconv.Atoi(s)
	if err != nil {
		return -1
	}
	return n
}
