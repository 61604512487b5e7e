package ami

import "github.com/deskline/deskline/pbx"

// hangup ends a channel. What Deskline hears depends on how far the
// device's connection had got, what the connector had asked for, and why
// the far end went away.
func (m *mapper) hangup(msg Message, out *batch) {
	uid := msg.Get("Uniqueid")
	c := m.chans[uid]
	if c == nil {
		return
	}
	delete(m.chans, uid)
	m.movedHungUp(uid, msg, out)
	defer m.forgetRedirects(uid) // after settle has taken what it needs
	m.forgetQueue(uid)
	if o := m.originates[uid]; o != nil {
		m.forget(o)
	}
	// A call with no channel left is over: nobody can dial on in it, so
	// what it remembers goes (else a transfer whose target had already
	// hung up would be remembered until the next reconnect).
	switch {
	case c.intent.kind == intentTransfer && !m.ended(c.linked):
		m.movedBy[c.linked] = c.intent.by
	case m.movedBy[c.linked] != "" && m.ended(c.linked):
		delete(m.movedBy, c.linked)
	}
	lost := m.lostToShutdown(c.linked)
	c.update(msg)
	q := atoi(msg.Get("Cause"))
	if d := m.chans[c.dialer]; d != nil && !d.answered {
		if k := farEndCause(c, q); k != pbx.CauseNone {
			d.failCause = k // more precise than Dial's status, which arrives first
		}
	}
	if c.device == "" || c.conn == "" || c.conn == pbx.StateCleared {
		return
	}
	cause := func(k pbx.Cause) func(*pbx.Event) { return func(e *pbx.Event) { e.Cause = k } }
	switch {
	case lost:
		out.emit(m, c, pbx.EvCleared, pbx.StateCleared, cause(pbx.CauseExchangeRestarted))
	case c.intent.kind == intentTransfer:
		handed := func(e *pbx.Event) {
			if c.intent.handed != (pbx.Party{}) {
				e.Other = c.intent.handed
			}
		}
		m.settle(c, out, func(out *batch) {
			out.emit(m, c, pbx.EvTransferred, pbx.StateCleared, func(e *pbx.Event) {
				e.Cause, e.By, e.To, e.NewCall = pbx.CauseTransferred, c.intent.by, c.intent.to, c.call()
				handed(e)
			})
			out.emit(m, c, pbx.EvCleared, pbx.StateCleared, func(e *pbx.Event) {
				e.Cause = pbx.CauseTransferred
				handed(e)
			})
		})
	case c.intent.kind == intentPickup && c.conn == pbx.StateAlerting:
		m.settle(c, out, func(out *batch) {
			out.emit(m, c, pbx.EvCleared, pbx.StateCleared, cause(pbx.CausePickedUpElsewhere))
		})
	case c.intent.kind == intentDeflect && c.conn == pbx.StateAlerting:
		m.settle(c, out, func(out *batch) {
			out.emit(m, c, pbx.EvDiverted, pbx.StateCleared, func(e *pbx.Event) {
				e.Cause, e.To = pbx.CauseDeflected, c.intent.to
			})
		})
	case c.conn == pbx.StateAlerting || c.conn == pbx.StateInitiated:
		out.emit(m, c, pbx.EvCleared, pbx.StateCleared, cause(ringingCause(c, q)))
	case !c.answered && (c.kind == legOut || c.kind == legOriginate || c.moved) && c.intent.kind != intentClear:
		if k := placedCause(c, q); k != pbx.CauseNormal {
			out.emit(m, c, pbx.EvFailed, pbx.StateFailed, cause(k))
			out.emit(m, c, pbx.EvCleared, pbx.StateCleared, cause(k))
			return
		}
		out.emit(m, c, pbx.EvCleared, pbx.StateCleared, cause(pbx.CauseNormal))
	default:
		out.emit(m, c, pbx.EvCleared, pbx.StateCleared, cause(pbx.CauseNormal))
	}
}

// ringingCause is why a phone that was ringing (a call to it, or its own
// leg of a click-to-dial) stopped.
func ringingCause(c *channel, q int) pbx.Cause {
	if c.intent.kind == intentClear {
		if c.conn == pbx.StateAlerting {
			return pbx.CauseRejected
		}
		return pbx.CauseNormal
	}
	switch q {
	case q850Busy, q850Rejected: // the user pressed reject (SIP 486/603)
		return pbx.CauseRejected
	case q850AnsweredElse:
		return pbx.CausePickedUpElsewhere
	case q850NoResponse, q850NoAnswer:
		return pbx.CauseNoAnswer
	case q850NoRoute, q850Unavailable:
		return pbx.CauseUnreachable
	default: // 16, 127: the caller gave up
		return pbx.CauseNormal
	}
}

// farEndCause is what the hang-up of a dialled channel tells its caller:
// a Deskline phone that rejects is "rejected", anything else is read from
// the Q.850 cause. CauseNone when it says nothing about a failure.
func farEndCause(dest *channel, q int) pbx.Cause {
	if dest.device != "" && dest.conn == pbx.StateAlerting && (q == q850Busy || q == q850Rejected) {
		return pbx.CauseRejected
	}
	if k := hangupCause(q); k != pbx.CauseNormal && k != pbx.CausePickedUpElsewhere {
		return k
	}
	return pbx.CauseNone
}

// placedCause is why a call the device placed ended before the far end
// answered: what the far end's hang-up or Dial's status said, else the
// device channel's own cause. The far end's cause comes first: a number
// that does not exist (404, cause 1) shows as DialStatus NOANSWER.
func placedCause(c *channel, q int) pbx.Cause {
	if c.failCause != pbx.CauseNone {
		return c.failCause
	}
	if k := hangupCause(q); k != pbx.CausePickedUpElsewhere {
		return k
	}
	return pbx.CauseNormal
}

// ended reports whether no channel of the call is left.
func (m *mapper) ended(linked string) bool {
	for _, p := range m.chans {
		if p.linked == linked {
			return false
		}
	}
	return true
}
