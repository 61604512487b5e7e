package sim

import (
	"time"

	"github.com/deskline/deskline/pbx"
)

// route is where a dialled number leads once forwarding is followed.
type route struct {
	hops  []*device // devices whose forwarding was followed, in order
	dev   *device   // the destination is an extension,
	grp   *group    // or a ring group,
	ext   string    // or an external number
	cause pbx.Cause // not none: the call fails with it
}

// resolve follows forwarding from num (normalized) and decides whether
// the destination can ring. Forwarding is followed before do-not-disturb
// or registration are looked at: it is done by the exchange, not the
// phone. A loop or more than maxForwardHops fails with cause failed, and
// then no diverted events are sent for the chain.
func (x *Exchange) resolve(c *call, num string) route {
	var r route
	for d := x.devices[num]; d != nil && d.info.ForwardTo != ""; d = x.devices[num] {
		if len(r.hops) == maxForwardHops || containsDevice(r.hops, d) {
			return route{cause: pbx.CauseFailed}
		}
		r.hops = append(r.hops, d)
		num = d.info.ForwardTo
	}
	switch {
	case x.devices[num] != nil:
		r.dev = x.devices[num]
		r.cause = refusal(c, r.dev)
	case x.groups[num] != nil:
		r.grp = x.groups[num]
	default:
		r.ext = num
		r.cause = x.externalBehaviour(num).refusal()
	}
	return r
}

// refusal is why extension d cannot ring for c, none if it can. Calling a
// device that is already in the call (yourself, say) is busy.
func refusal(c *call, d *device) pbx.Cause {
	switch {
	case c.has(d):
		return pbx.CauseBusy
	case d.info.DND:
		return pbx.CauseDoNotDisturb
	case !d.info.Registered:
		return pbx.CauseUnreachable
	}
	return d.beh.refusal()
}

func containsDevice(ds []*device, d *device) bool {
	for _, e := range ds {
		if e == d {
			return true
		}
	}
	return false
}

// externalBehaviour is how external number num behaves.
func (x *Exchange) externalBehaviour(num string) Behaviour {
	if b, ok := x.externals[num]; ok {
		return b
	}
	return x.externalB
}

// ring starts a ring phase of c towards num (normalized, dialable), with
// c.a as the caller: forwarded devices get diverted, the destination (every
// member that can ring, for a group) gets delivered, or the call fails.
func (x *Exchange) ring(c *call, num string) {
	r := x.resolve(c, num)
	for _, d := range r.hops {
		x.emit(pbx.Event{Kind: pbx.EvDiverted, Call: c.id, Device: d.info.ID, State: pbx.StateCleared,
			Direction: pbx.Incoming, Other: c.a.party, Cause: pbx.CauseForwarded, To: d.info.ForwardTo})
	}
	if r.cause == pbx.CauseDoNotDisturb && r.dev != nil {
		// The call reached the device and was refused there: its user is
		// told (a missed call), though nothing rang and nothing goes on.
		x.emit(pbx.Event{Kind: pbx.EvDiverted, Call: c.id, Device: r.dev.info.ID, State: pbx.StateCleared,
			Direction: pbx.Incoming, Other: c.a.party, Cause: pbx.CauseDoNotDisturb})
	}
	if r.cause == pbx.CauseNone {
		r.cause = x.alert(c, r)
	}
	if r.cause != pbx.CauseNone {
		x.fail(c, r.cause)
		return
	}
	if !c.hasDevice() {
		x.end(c)
		return
	}
	x.startRinging(c)
}

// alert adds the called legs of route r to c and emits delivered for
// each; it returns a cause when a group has no member that can ring
// (unreachable when none is registered, else busy).
func (x *Exchange) alert(c *call, r route) pbx.Cause {
	now := x.clock.Now()
	var queue *pbx.Queue
	if r.grp != nil { // the caller joins the group now; every member's pop says so
		queue = &pbx.Queue{Name: r.grp.name, Number: r.grp.number, Joined: now}
	}
	add := func(p pbx.Party, d *device, b Behaviour) {
		l := c.newLeg()
		*l = leg{party: p, dev: d, beh: b, state: pbx.StateAlerting, dir: pbx.Incoming, other: c.a.party, since: now, queue: queue}
		c.b = append(c.b, l)
		x.tell(l, legEvent(pbx.EvDelivered, c, l))
	}
	switch {
	case r.dev != nil:
		add(r.dev.party(), r.dev, Behaviour{})
	case r.ext != "":
		add(pbx.Party{Number: r.ext}, nil, x.externalBehaviour(r.ext))
	default:
		registered := false
		for _, m := range r.grp.members {
			registered = registered || m.info.Registered
			if refusal(c, m) == pbx.CauseNone {
				add(m.party(), m, Behaviour{})
			}
		}
		if len(c.b) == 0 && !registered {
			return pbx.CauseUnreachable
		}
		if len(c.b) == 0 {
			return pbx.CauseBusy
		}
	}
	return pbx.CauseNone
}

// timer kinds, for onTimer.
const (
	timerNoAnswer = iota // the ring phase is over: clear with no-answer
	timerAnswer          // the person at the leg answers
	timerPickUp          // click-to-dial: the caller picks up
	timerRecall          // a parked call waited long enough: ring who parked it
)

// schedule arranges for onTimer(kind) after d, unless c's epoch moves on
// first.
func (x *Exchange) schedule(c *call, l *leg, d time.Duration, kind int) {
	epoch := c.epoch
	t := x.clock.AfterFunc(d, func() { x.onTimer(c, l, epoch, kind) })
	c.timers = append(c.timers, t)
}

// startRinging arms the no-answer timeout and the automatic answers of
// the called legs.
func (x *Exchange) startRinging(c *call) {
	x.schedule(c, nil, x.noAnswer, timerNoAnswer)
	for _, l := range c.b {
		if d := l.behaviour().answerAfter(); d > 0 {
			x.schedule(c, l, d, timerAnswer)
		}
	}
}

// onTimer runs a timer's action if it still applies.
func (x *Exchange) onTimer(c *call, l *leg, epoch uint64, kind int) {
	x.mu.Lock()
	defer x.unlock()
	if x.closed || x.calls[c.id] != c || c.epoch != epoch {
		return
	}
	switch kind {
	case timerNoAnswer:
		x.release(c, nil, pbx.CauseNoAnswer)
	case timerAnswer:
		if l.state == pbx.StateAlerting {
			x.answer(c, l)
		}
	case timerPickUp:
		if l.state == pbx.StateInitiated {
			x.originate(c)
		}
	case timerRecall:
		if c.park != nil {
			x.recall(c)
		}
	}
}
