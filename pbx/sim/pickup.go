package sim

import (
	"context"
	"fmt"

	"github.com/deskline/deskline/pbx"
)

// Pickup takes the call ringing at from to device. With an empty id it
// takes the call that has rung at from longest. Events, in order:
// delivered at device (the pop: Other = the caller, Queue as at from),
// established at device and at the caller (AnsweredBy = device), then
// cleared with cause picked-up-elsewhere at from and at every other
// device still ringing for the call. A call that no longer rings at from
// is pbx.ErrInvalidState (answered meanwhile) or pbx.ErrNoSuchCall (gone,
// or nothing rings there); device must be registered and not from itself.
func (x *Exchange) Pickup(ctx context.Context, id pbx.CallID, device, from string) (pbx.CallID, error) {
	if err := x.refuses(device, pbx.SvcPickup); err != nil {
		return "", err
	}
	if err := x.lock(ctx); err != nil {
		return "", fmt.Errorf("sim: pickup at %s from %s: %w", device, from, err)
	}
	defer x.unlock()
	c, rung, err := x.pickable(id, device, from)
	if err != nil {
		return "", fmt.Errorf("sim: pickup at %s from %s: %w", device, from, err)
	}
	x.takeOver(c, x.devices[device], rung.queue)
	return c.id, nil
}

// pickable finds the call device may pick up from from, and from's leg.
func (x *Exchange) pickable(id pbx.CallID, device, from string) (*call, *leg, error) {
	d, f := x.devices[device], x.devices[from]
	switch {
	case d == nil:
		return nil, nil, fmt.Errorf("no device %q: %w", device, pbx.ErrNoSuchDevice)
	case f == nil:
		return nil, nil, fmt.Errorf("no device %q: %w", from, pbx.ErrNoSuchDevice)
	case d == f:
		return nil, nil, fmt.Errorf("a device cannot pick up its own call (answer it): %w", pbx.ErrInvalidState)
	case !d.info.Registered:
		return nil, nil, fmt.Errorf("phone of %s not registered: %w", device, pbx.ErrInvalidState)
	}
	var c *call
	if id != "" {
		c = x.calls[id]
		if c == nil || c.find(from) == nil || c.park != nil {
			return nil, nil, fmt.Errorf("no call %s at %s: %w", id, from, pbx.ErrNoSuchCall)
		}
	} else {
		for _, k := range x.calls {
			if l := k.find(from); l != nil && l.state == pbx.StateAlerting && l.dir == pbx.Incoming &&
				(c == nil || k.seq < c.seq) {
				c = k
			}
		}
		if c == nil {
			return nil, nil, fmt.Errorf("nothing rings at %s: %w", from, pbx.ErrNoSuchCall)
		}
	}
	rung := c.find(from)
	if rung.state != pbx.StateAlerting || rung.dir != pbx.Incoming {
		return nil, nil, fmt.Errorf("call %s no longer rings at %s (%s): %w", c.id, from, rung.state, pbx.ErrInvalidState)
	}
	if c.a != nil && c.a.dev == d {
		return nil, nil, fmt.Errorf("%s is the caller of %s: %w", device, c.id, pbx.ErrInvalidState)
	}
	return c, rung, nil
}

// takeOver connects c's caller to d at once: d gets delivered (the pop,
// with queue) and the call is answered there; everyone else still ringing
// (or d's own ringing leg, when it was rung too) is cleared with cause
// picked-up-elsewhere.
func (x *Exchange) takeOver(c *call, d *device, queue *pbx.Queue) {
	l := c.find(d.info.ID)
	if l == nil || l.state != pbx.StateAlerting {
		l = c.newLeg()
		*l = leg{party: d.party(), dev: d, state: pbx.StateAlerting, dir: pbx.Incoming,
			other: c.a.party, since: x.clock.Now(), queue: queue}
		c.b = append(c.b, l)
		x.tell(l, legEvent(pbx.EvDelivered, c, l))
	}
	x.answer(c, l)
}
