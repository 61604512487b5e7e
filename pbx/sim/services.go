package sim

import (
	"context"
	"fmt"

	"github.com/deskline/deskline/pbx"
)

// begin locks the exchange and finds device's connection in call id. On
// error the lock is not held.
func (x *Exchange) begin(ctx context.Context, id pbx.CallID, device string) (*call, *leg, error) {
	if err := x.lock(ctx); err != nil {
		return nil, nil, err
	}
	c, l, err := x.findLeg(id, device)
	if err != nil {
		x.mu.Unlock()
		return nil, nil, err
	}
	return c, l, nil
}

// invalidState is the error for a service the connection's state forbids.
func invalidState(l *leg, want string) error {
	return fmt.Errorf("connection is %s, needs %s: %w", l.state, want, pbx.ErrInvalidState)
}

// MakeCall is click-to-dial: device rings first (initiated, Other = to);
// once picked up (Answer, or its Behaviour.PickUpAfter) it gets
// originated and to is rung. An unknown device is pbx.ErrNoSuchDevice, a
// device without a registered phone pbx.ErrInvalidState, a number that
// leads nowhere pbx.ErrInvalidNumber.
func (x *Exchange) MakeCall(ctx context.Context, device, to string) (pbx.CallID, error) {
	if err := x.refuses(device, pbx.SvcMakeCall); err != nil {
		return "", err
	}
	if err := x.lock(ctx); err != nil {
		return "", fmt.Errorf("sim: make call from %s to %s: %w", device, to, err)
	}
	defer x.unlock()
	d, num, err := x.caller(device, to)
	if err != nil {
		return "", fmt.Errorf("sim: make call from %s to %s: %w", device, to, err)
	}
	c := x.newCall()
	c.target = x.partyFor(num)
	a := c.newLeg()
	*a = leg{party: d.party(), dev: d, state: pbx.StateInitiated, dir: pbx.Outgoing,
		other: c.target, since: x.clock.Now()}
	c.a = a
	x.tell(a, legEvent(pbx.EvInitiated, c, a))
	x.schedule(c, nil, x.noAnswer, timerNoAnswer)
	if d.beh.PickUpAfter > 0 {
		x.schedule(c, a, d.beh.PickUpAfter, timerPickUp)
	}
	return c.id, nil
}

// caller checks that device can place a call to number to and returns
// the device and the normalized number.
func (x *Exchange) caller(device, to string) (*device, string, error) {
	d := x.devices[device]
	if d == nil {
		return nil, "", fmt.Errorf("no device %q: %w", device, pbx.ErrNoSuchDevice)
	}
	if !d.info.Registered {
		return nil, "", fmt.Errorf("phone of %s not registered: %w", device, pbx.ErrInvalidState)
	}
	num, err := x.dialable(to)
	if err != nil {
		return nil, "", err
	}
	return d, num, nil
}

// Answer picks up a call ringing at device (alerting), or, for
// click-to-dial, the caller's own ringing phone (initiated). device may
// also be an external party of the call, to play the far end.
func (x *Exchange) Answer(ctx context.Context, id pbx.CallID, device string) error {
	if err := x.refuses(device, pbx.SvcAnswer); err != nil {
		return err
	}
	c, l, err := x.begin(ctx, id, device)
	if err != nil {
		return fmt.Errorf("sim: answer %s at %s: %w", id, device, err)
	}
	defer x.unlock()
	switch l.state {
	case pbx.StateInitiated:
		x.originate(c)
	case pbx.StateAlerting:
		x.answer(c, l)
	default:
		return fmt.Errorf("sim: answer %s at %s: %w", id, device, invalidState(l, "alerting or initiated"))
	}
	return nil
}

// Clear hangs up device's connection. While it rings (alerting) that is a
// rejection: device is cleared with cause rejected and the caller fails
// with it (in a ring group, the other members keep ringing). Otherwise the
// whole two-party call ends with cause normal, device first: this covers
// hanging up, abandoning a click-to-dial before pick-up and abandoning
// while the destination rings (the destination then sees cleared/normal
// while still alerting: a missed call).
func (x *Exchange) Clear(ctx context.Context, id pbx.CallID, device string) error {
	if err := x.refuses(device, pbx.SvcClear); err != nil {
		return err
	}
	c, l, err := x.begin(ctx, id, device)
	if err != nil {
		return fmt.Errorf("sim: clear %s at %s: %w", id, device, err)
	}
	defer x.unlock()
	if l.state == pbx.StateAlerting {
		x.reject(c, l)
	} else {
		x.release(c, l, pbx.CauseNormal)
	}
	return nil
}

// Hold puts an answered call on hold at device. device gets held (State
// held); the other party, if an extension, gets held too with its own
// state (connected) and By = device.
func (x *Exchange) Hold(ctx context.Context, id pbx.CallID, device string) error {
	if err := x.refuses(device, pbx.SvcHold); err != nil {
		return err
	}
	c, l, err := x.begin(ctx, id, device)
	if err != nil {
		return fmt.Errorf("sim: hold %s at %s: %w", id, device, err)
	}
	defer x.unlock()
	if !c.answered || l.state != pbx.StateConnected {
		return fmt.Errorf("sim: hold %s at %s: %w", id, device, invalidState(l, "connected in an answered call"))
	}
	x.holdOrRetrieve(c, l, pbx.StateHeld, pbx.EvHeld)
	return nil
}

// Retrieve takes a call device put on hold back; events mirror Hold with
// retrieved.
func (x *Exchange) Retrieve(ctx context.Context, id pbx.CallID, device string) error {
	if err := x.refuses(device, pbx.SvcRetrieve); err != nil {
		return err
	}
	c, l, err := x.begin(ctx, id, device)
	if err != nil {
		return fmt.Errorf("sim: retrieve %s at %s: %w", id, device, err)
	}
	defer x.unlock()
	if l.state != pbx.StateHeld {
		return fmt.Errorf("sim: retrieve %s at %s: %w", id, device, invalidState(l, "held"))
	}
	x.holdOrRetrieve(c, l, pbx.StateConnected, pbx.EvRetrieved)
	return nil
}

// holdOrRetrieve moves l to state and tells l and, in an answered call,
// the other party. (A party left holding after a transfer may retrieve
// while the new destination still rings; that one is not told.)
func (x *Exchange) holdOrRetrieve(c *call, l *leg, state pbx.ConnState, kind pbx.EventKind) {
	l.state, l.since = state, x.clock.Now()
	ev := legEvent(kind, c, l)
	ev.By = l.party.Number
	x.tell(l, ev)
	if c.answered {
		p := c.peer(l)
		ev = legEvent(kind, c, p)
		ev.By = l.party.Number
		x.tell(p, ev)
	}
}

// Transfer is single-step transfer: the other party of device's connection
// (connected or held, answered call) is sent on to to and device leaves.
// device gets transferred (State cleared, To, By = device, NewCall = the
// same id) and cleared/transferred; the remaining party, if an extension,
// gets transferred with Other = the new destination; to is then rung with
// the remaining party as caller, in the normal answer flow.
func (x *Exchange) Transfer(ctx context.Context, id pbx.CallID, device, to string) error {
	if err := x.refuses(device, pbx.SvcTransfer); err != nil {
		return err
	}
	c, l, err := x.begin(ctx, id, device)
	if err != nil {
		return fmt.Errorf("sim: transfer %s at %s to %s: %w", id, device, to, err)
	}
	defer x.unlock()
	if !c.answered || (l.state != pbx.StateConnected && l.state != pbx.StateHeld) {
		err = invalidState(l, "connected or held in an answered call")
		return fmt.Errorf("sim: transfer %s at %s to %s: %w", id, device, to, err)
	}
	num, err := x.dialable(to)
	if err != nil {
		return fmt.Errorf("sim: transfer %s at %s to %s: %w", id, device, to, err)
	}
	rem, target := c.peer(l), x.partyFor(num)
	l.state = pbx.StateCleared
	x.tell(l, transferred(c, l, l.party.Number, num))
	x.clearLeg(c, l, pbx.CauseTransferred)

	c.stopTimers()
	c.a, c.b, c.answered = rem, c.b[:0], false
	rem.other = target
	x.tell(rem, transferred(c, rem, l.party.Number, num))
	x.ring(c, num)
	return nil
}

// transferred is the transferred event for l.
func transferred(c *call, l *leg, by, to string) pbx.Event {
	ev := legEvent(pbx.EvTransferred, c, l)
	ev.By, ev.To, ev.NewCall = by, to, c.id
	if l.state == pbx.StateCleared {
		ev.Cause = pbx.CauseTransferred
	}
	return ev
}

// Deflect sends a call ringing at device on to to: device gets diverted
// (State cleared, Cause deflected, To) and to is rung. In a ring group the
// other members are cleared with cause picked-up-elsewhere: the call was
// handled. Only while alerting.
func (x *Exchange) Deflect(ctx context.Context, id pbx.CallID, device, to string) error {
	if err := x.refuses(device, pbx.SvcDeflect); err != nil {
		return err
	}
	c, l, err := x.begin(ctx, id, device)
	if err != nil {
		return fmt.Errorf("sim: deflect %s at %s to %s: %w", id, device, to, err)
	}
	defer x.unlock()
	if l.state != pbx.StateAlerting {
		return fmt.Errorf("sim: deflect %s at %s to %s: %w", id, device, to, invalidState(l, "alerting"))
	}
	num, err := x.dialable(to)
	if err != nil {
		return fmt.Errorf("sim: deflect %s at %s to %s: %w", id, device, to, err)
	}
	l.state, l.since = pbx.StateCleared, x.clock.Now()
	ev := legEvent(pbx.EvDiverted, c, l)
	ev.Cause, ev.To = pbx.CauseDeflected, num
	x.tell(l, ev)
	for _, m := range c.b {
		if m != l {
			x.clearLeg(c, m, pbx.CausePickedUpElsewhere)
		}
	}
	c.stopTimers()
	clear(c.b)
	c.b = c.b[:0]
	x.ring(c, num)
	return nil
}

// SetDND turns do-not-disturb on or off. device gets device-state, even
// when nothing changed, so a client always sees the outcome. While on,
// calls to device fail with cause do-not-disturb (unless it forwards) and
// ring groups skip it; click-to-dial from it still works.
func (x *Exchange) SetDND(ctx context.Context, device string, on bool) error {
	if err := x.refuses(device, pbx.SvcDoNotDisturb); err != nil {
		return err
	}
	if err := x.lock(ctx); err != nil {
		return fmt.Errorf("sim: set dnd of %s: %w", device, err)
	}
	defer x.unlock()
	d := x.devices[device]
	if d == nil {
		return fmt.Errorf("sim: set dnd of %s: %w", device, pbx.ErrNoSuchDevice)
	}
	d.info.DND = on
	x.emitDeviceState(d)
	return nil
}

// SetForwarding sets unconditional forwarding of device to to ("" turns
// it off); device gets device-state. Forwarding takes effect before
// do-not-disturb and registration. A loop through several devices is
// allowed here and fails calls with cause failed; forwarding a device to
// itself is pbx.ErrInvalidNumber at once.
func (x *Exchange) SetForwarding(ctx context.Context, device, to string) error {
	if err := x.refuses(device, pbx.SvcForwarding); err != nil {
		return err
	}
	if err := x.lock(ctx); err != nil {
		return fmt.Errorf("sim: set forwarding of %s to %q: %w", device, to, err)
	}
	defer x.unlock()
	d := x.devices[device]
	if d == nil {
		return fmt.Errorf("sim: set forwarding of %s to %q: %w", device, to, pbx.ErrNoSuchDevice)
	}
	num := ""
	if to != "" {
		var err error
		if num, err = x.dialable(to); err != nil {
			return fmt.Errorf("sim: set forwarding of %s: %w", device, err)
		}
		if num == device {
			return fmt.Errorf("sim: set forwarding of %s to itself: %w", device, pbx.ErrInvalidNumber)
		}
	}
	d.info.ForwardTo = num
	x.emitDeviceState(d)
	return nil
}
