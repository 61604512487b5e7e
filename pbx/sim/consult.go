package sim

import (
	"context"
	"fmt"
	"time"

	"github.com/deskline/deskline/pbx"
)

// consultation is an announced transfer in progress: dev holds held and
// talks (or rings) in call.
type consultation struct {
	dev  *device
	held *call // the call put on hold; gone when its other party hung up
	call *call // the consultation, from dev to the target
	done bool  // completed: ending call must not retrieve held
}

// heldLeg is dev's connection in the held call, nil when that call is over.
func (x *Exchange) heldLeg(k *consultation) *leg {
	if x.calls[k.held.id] != k.held {
		return nil
	}
	if l := k.held.find(k.dev.info.ID); l != nil && l.state != pbx.StateCleared {
		return l
	}
	return nil
}

// Consult holds device's call and calls to from device in a new call
// (originated at device, then to rings as for any call). Events: held
// (device, and the other party if an extension), originated, delivered
// at to. When to does not answer within noAnswer (if > 0; the exchange's
// NoAnswerTimeout applies too), the consultation is cleared with cause
// no-answer and the held call retrieved. A destination that cannot ring
// now (busy, do-not-disturb, unreachable, refusing) is pbx.ErrBusy and
// nothing changes; so is a device already consulting
// (pbx.ErrInvalidState).
func (x *Exchange) Consult(ctx context.Context, id pbx.CallID, device, to string, noAnswer time.Duration) (pbx.CallID, error) {
	if err := x.refuses(device, pbx.SvcConsult); err != nil {
		return "", err
	}
	c, l, err := x.begin(ctx, id, device)
	if err != nil {
		return "", fmt.Errorf("sim: consult %s at %s with %s: %w", id, device, to, err)
	}
	defer x.unlock()
	nc, err := x.consult(c, l, to, noAnswer)
	if err != nil {
		return "", fmt.Errorf("sim: consult %s at %s with %s: %w", id, device, to, err)
	}
	return nc.id, nil
}

func (x *Exchange) consult(c *call, l *leg, to string, noAnswer time.Duration) (*call, error) {
	switch {
	case l.dev == nil:
		return nil, fmt.Errorf("not an extension: %w", pbx.ErrNoSuchDevice)
	case x.consults[l.party.Number] != nil:
		return nil, fmt.Errorf("%s is already consulting: complete or cancel that first: %w", l.party.Number, pbx.ErrInvalidState)
	case !c.answered || (l.state != pbx.StateConnected && l.state != pbx.StateHeld):
		return nil, invalidState(l, "connected or held in an answered call")
	case c.park != nil || c.cons != nil:
		return nil, fmt.Errorf("call %s is part of a consultation already: %w", c.id, pbx.ErrInvalidState)
	}
	num, err := x.dialable(to)
	if err != nil {
		return nil, err
	}
	nc := x.newCall()
	nc.target = x.partyFor(num)
	a := nc.newLeg()
	*a = leg{party: l.dev.party(), dev: l.dev, state: pbx.StateConnected, dir: pbx.Outgoing,
		other: nc.target, since: x.clock.Now()}
	nc.a = a
	if cause := x.canRing(nc, num); cause != pbx.CauseNone {
		delete(x.calls, nc.id)
		return nil, fmt.Errorf("%s cannot take a call now (%s): %w", num, cause, pbx.ErrBusy)
	}
	if l.state == pbx.StateConnected {
		x.holdOrRetrieve(c, l, pbx.StateHeld, pbx.EvHeld)
	}
	k := &consultation{dev: l.dev, held: c, call: nc}
	x.consults[l.party.Number] = k
	c.cons, nc.cons = k, k
	x.tell(a, legEvent(pbx.EvOriginated, nc, a))
	x.ring(nc, num)
	if x.calls[nc.id] == nc && noAnswer > 0 {
		x.schedule(nc, nil, noAnswer, timerNoAnswer)
	}
	return nc, nil
}

// canRing is why a call c to num would fail at once, none if it rings.
func (x *Exchange) canRing(c *call, num string) pbx.Cause {
	r := x.resolve(c, num)
	if r.cause != pbx.CauseNone || r.grp == nil {
		return r.cause
	}
	for _, m := range r.grp.members {
		if refusal(c, m) == pbx.CauseNone {
			return pbx.CauseNone
		}
	}
	return pbx.CauseBusy
}

// consultation finds device's consultation that call id belongs to.
func (x *Exchange) consultation(ctx context.Context, id pbx.CallID, device string) (*consultation, error) {
	if err := x.lock(ctx); err != nil {
		return nil, err
	}
	c, _, err := x.findLeg(id, device)
	if err == nil && (c.cons == nil || c.cons.dev.info.ID != device) {
		err = fmt.Errorf("%s has no consultation with call %s: %w", device, id, pbx.ErrInvalidState)
	}
	if err != nil {
		x.mu.Unlock()
		return nil, err
	}
	return c.cons, nil
}

// CompleteConsult hands the held party over to the consulted one (who
// must have answered) and device leaves both calls. The caller's call
// keeps its id; the consulted party's connection moves to it. Events:
// device gets transferred (cleared, To = the consulted party) and
// cleared/transferred in each call; the consulted party gets transferred
// in its own state with Other = the caller and NewCall = the caller's
// call; the caller, if an extension, gets transferred with Other = the
// consulted party. When the caller hung up meanwhile it is
// pbx.ErrInvalidState and the consultation goes on.
func (x *Exchange) CompleteConsult(ctx context.Context, id pbx.CallID, device string) error {
	if err := x.refuses(device, pbx.SvcConsult); err != nil {
		return err
	}
	k, err := x.consultation(ctx, id, device)
	if err != nil {
		return fmt.Errorf("sim: complete consultation %s at %s: %w", id, device, err)
	}
	defer x.unlock()
	lh := x.heldLeg(k)
	if lh == nil {
		return fmt.Errorf("sim: complete consultation %s at %s: the held party has hung up: %w", id, device, pbx.ErrInvalidState)
	}
	nc := k.call
	if !nc.answered {
		return fmt.Errorf("sim: complete consultation %s at %s: %s has not answered yet (cancel, or wait): %w",
			id, device, nc.target.Number, pbx.ErrInvalidState)
	}
	c, lc := k.held, nc.a
	caller, target := c.peer(lh), nc.b[0]
	k.done = true
	delete(x.consults, device)
	c.cons, nc.cons = nil, nil

	// The transferer leaves both calls.
	lh.state, lc.state = pbx.StateCleared, pbx.StateCleared
	for _, p := range []struct {
		k *call
		l *leg
	}{{c, lh}, {nc, lc}} {
		ev := transferred(p.k, p.l, device, target.party.Number)
		ev.NewCall = c.id
		x.tell(p.l, ev)
		x.clearLeg(p.k, p.l, pbx.CauseTransferred)
	}
	// The stayers are told whom they talk to now.
	target.other, caller.other = caller.party, target.party
	ev := transferred(nc, target, device, caller.party.Number)
	ev.NewCall = c.id
	x.tell(target, ev)
	if caller.state == pbx.StateHeld { // the caller had put the transferer on hold
		caller.state = pbx.StateConnected
	}
	x.tell(caller, transferred(c, caller, device, target.party.Number))

	c.stopTimers()
	c.a, c.b, c.answered = caller, append(c.b[:0], target), true
	x.end(nc)
	return nil
}

// CancelConsult hangs up the consultation (device first, then the
// consulted party, cause normal) and retrieves the held call (retrieved,
// By = device).
func (x *Exchange) CancelConsult(ctx context.Context, id pbx.CallID, device string) error {
	if err := x.refuses(device, pbx.SvcConsult); err != nil {
		return err
	}
	k, err := x.consultation(ctx, id, device)
	if err != nil {
		return fmt.Errorf("sim: cancel consultation %s at %s: %w", id, device, err)
	}
	defer x.unlock()
	x.release(k.call, k.call.a, pbx.CauseNormal) // end → consultEnded retrieves
	return nil
}

// SwapConsult holds the call device talks in and retrieves the other:
// held, then retrieved, each as Hold and Retrieve tell them. Only once
// the consulted party has answered, and while the held party is there.
func (x *Exchange) SwapConsult(ctx context.Context, id pbx.CallID, device string) error {
	if err := x.refuses(device, pbx.SvcConsult); err != nil {
		return err
	}
	k, err := x.consultation(ctx, id, device)
	if err != nil {
		return fmt.Errorf("sim: swap consultation %s at %s: %w", id, device, err)
	}
	defer x.unlock()
	lh, nc := x.heldLeg(k), k.call
	switch {
	case lh == nil:
		return fmt.Errorf("sim: swap consultation %s at %s: the held party has hung up: %w", id, device, pbx.ErrInvalidState)
	case !nc.answered:
		return fmt.Errorf("sim: swap consultation %s at %s: %s has not answered yet: %w", id, device, nc.target.Number, pbx.ErrInvalidState)
	}
	talk, wait := nc, k.held
	lt, lw := nc.a, lh
	if lh.state == pbx.StateConnected {
		talk, wait, lt, lw = k.held, nc, lh, nc.a
	}
	if lt.state == pbx.StateConnected {
		x.holdOrRetrieve(talk, lt, pbx.StateHeld, pbx.EvHeld)
	}
	if lw.state == pbx.StateHeld {
		x.holdOrRetrieve(wait, lw, pbx.StateConnected, pbx.EvRetrieved)
	}
	return nil
}

// consultEnded runs when c, part of a consultation, ends. The
// consultation call ending without being completed (cancel, no answer,
// the target hung up or refused) retrieves the held call; the held call
// ending leaves the consultation to go on.
func (x *Exchange) consultEnded(c *call) {
	k := c.cons
	c.cons = nil
	if c != k.call || k.done {
		return
	}
	delete(x.consults, k.dev.info.ID)
	k.held.cons = nil
	if l := x.heldLeg(k); l != nil && l.state == pbx.StateHeld && x.down == "" {
		x.holdOrRetrieve(k.held, l, pbx.StateConnected, pbx.EvRetrieved)
	}
}
