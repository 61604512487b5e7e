package sim

import "github.com/deskline/deskline/pbx"

// The transitions below are shared by services, control actions and
// timers. All run with x.mu held and only emit; they never fail.

// originate: the click-to-dial caller picked up; now its destination
// rings.
func (x *Exchange) originate(c *call) {
	c.stopTimers() // the pick-up and the initiated ring's no-answer
	a := c.a
	a.state, a.since, a.other = pbx.StateConnected, x.clock.Now(), c.target
	x.tell(a, legEvent(pbx.EvOriginated, c, a))
	x.ring(c, c.target.Number)
}

// answer: the alerting called leg l answers. Both parties get established
// (AnsweredBy l); the other members of a ring group are cleared with
// cause picked-up-elsewhere.
func (x *Exchange) answer(c *call, l *leg) {
	c.stopTimers()
	c.answered = true
	l.state, l.since = pbx.StateConnected, x.clock.Now()
	c.a.other = l.party
	for _, e := range []*leg{l, c.a} {
		ev := legEvent(pbx.EvEstablished, c, e)
		ev.AnsweredBy = l.party.Number
		x.tell(e, ev)
	}
	for _, m := range c.b {
		if m != l {
			x.clearLeg(c, m, pbx.CausePickedUpElsewhere)
		}
	}
	c.b = append(c.b[:0], l)
}

// reject: the alerting called leg l refuses the call. In a ring group the
// others keep ringing; when no one is left the caller fails with cause
// rejected.
func (x *Exchange) reject(c *call, l *leg) {
	x.clearLeg(c, l, pbx.CauseRejected)
	c.b = removeLeg(c.b, l)
	if len(c.b) == 0 {
		x.fail(c, pbx.CauseRejected)
	}
}

// fail ends a call that could not reach its destination: the caller gets
// failed and then cleared with cause; anyone still ringing is cleared with
// it too.
func (x *Exchange) fail(c *call, cause pbx.Cause) {
	a := c.a
	a.state, a.since = pbx.StateFailed, x.clock.Now()
	ev := legEvent(pbx.EvFailed, c, a)
	ev.Cause = cause
	x.tell(a, ev)
	x.release(c, nil, cause)
}

// release ends the call: first (if any) is cleared first, then the caller,
// then the called legs, all with cause.
func (x *Exchange) release(c *call, first *leg, cause pbx.Cause) {
	if first != nil {
		x.clearLeg(c, first, cause)
	}
	if c.a != first {
		x.clearLeg(c, c.a, cause)
	}
	for _, l := range c.b {
		if l != first {
			x.clearLeg(c, l, cause)
		}
	}
	x.end(c)
}

// clearLeg moves l to cleared and says so.
func (x *Exchange) clearLeg(c *call, l *leg, cause pbx.Cause) {
	l.state, l.since = pbx.StateCleared, x.clock.Now()
	ev := legEvent(pbx.EvCleared, c, l)
	ev.Cause = cause
	x.tell(l, ev)
}

// removeLeg deletes l from ls, keeping the order.
func removeLeg(ls []*leg, l *leg) []*leg {
	for i, e := range ls {
		if e == l {
			return append(ls[:i], ls[i+1:]...)
		}
	}
	return ls
}
