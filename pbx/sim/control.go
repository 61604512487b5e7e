package sim

import (
	"context"
	"fmt"

	"github.com/deskline/deskline/pbx"
)

// The control API plays what the CTI server cannot command: callers from
// outside, people dialling on their handsets, far ends hanging up, phones
// coming and going. Demos, tests and load tools use it.

// Ring places a call from an external caller (from; an empty number is a
// withheld one) to extension or group to. to's forwarding, DND,
// registration and behaviour apply as for any call. It returns the call's
// id even when the call fails at once (busy, …): the failure shows as
// events of the extensions involved, if any. to not being an extension or
// group is pbx.ErrNoSuchDevice; a malformed or internal from is
// pbx.ErrInvalidNumber.
func (x *Exchange) Ring(ctx context.Context, to string, from pbx.Party) (pbx.CallID, error) {
	if err := x.lock(ctx); err != nil {
		return "", fmt.Errorf("sim: ring %s from %q: %w", to, from.Number, err)
	}
	defer x.unlock()
	if x.devices[to] == nil && x.groups[to] == nil {
		return "", fmt.Errorf("sim: ring %s: not an extension or group: %w", to, pbx.ErrNoSuchDevice)
	}
	num, err := x.callerNumber(from.Number)
	if err != nil {
		return "", fmt.Errorf("sim: ring %s: %w", to, err)
	}
	c := x.newCall()
	a := c.newLeg()
	*a = leg{party: pbx.Party{Number: num, Name: from.Name}, state: pbx.StateConnected,
		dir: pbx.Outgoing, other: x.partyFor(to), since: x.clock.Now()}
	c.a = a
	x.ring(c, to)
	return c.id, nil
}

// Call is device from dialling to on its handset: no click-to-dial ring
// first, from gets originated at once and to is rung. Errors as MakeCall.
func (x *Exchange) Call(ctx context.Context, from, to string) (pbx.CallID, error) {
	if err := x.lock(ctx); err != nil {
		return "", fmt.Errorf("sim: call from %s to %s: %w", from, to, err)
	}
	defer x.unlock()
	d, num, err := x.caller(from, to)
	if err != nil {
		return "", fmt.Errorf("sim: call from %s to %s: %w", from, to, err)
	}
	c := x.newCall()
	c.target = x.partyFor(num)
	a := c.newLeg()
	*a = leg{party: d.party(), dev: d, state: pbx.StateConnected, dir: pbx.Outgoing,
		other: c.target, since: x.clock.Now()}
	c.a = a
	x.tell(a, legEvent(pbx.EvOriginated, c, a))
	x.ring(c, num)
	return c.id, nil
}

// HangupRemote is the far end hanging up: every connection of the call is
// cleared with cause normal (calling side first). For an internal call it
// ends the call all the same.
func (x *Exchange) HangupRemote(ctx context.Context, id pbx.CallID) error {
	if err := x.lock(ctx); err != nil {
		return fmt.Errorf("sim: remote hangup of %s: %w", id, err)
	}
	defer x.unlock()
	c := x.calls[id]
	if c == nil {
		return fmt.Errorf("sim: remote hangup of %s: %w", id, pbx.ErrNoSuchCall)
	}
	x.release(c, nil, pbx.CauseNormal)
	return nil
}

// SetBehaviour changes how the person at device reacts. It applies from
// the next call that rings there (or is click-to-dialled from there).
func (x *Exchange) SetBehaviour(device string, b Behaviour) error {
	if err := b.check("behaviour of " + device); err != nil {
		return err
	}
	if err := x.lock(context.Background()); err != nil {
		return fmt.Errorf("sim: set behaviour of %s: %w", device, err)
	}
	defer x.unlock()
	d := x.devices[device]
	if d == nil {
		return fmt.Errorf("sim: set behaviour of %s: %w", device, pbx.ErrNoSuchDevice)
	}
	d.beh = b
	return nil
}

// SetExternal changes how external number number behaves (as
// Config.Externals; it is normalized first). It applies from the next
// call to it.
func (x *Exchange) SetExternal(number string, b Behaviour) error {
	if err := b.check("behaviour of " + number); err != nil {
		return err
	}
	if err := x.lock(context.Background()); err != nil {
		return fmt.Errorf("sim: set external %s: %w", number, err)
	}
	defer x.unlock()
	num, err := normalize(number)
	if err != nil {
		return fmt.Errorf("sim: set external: %v: %w", err, pbx.ErrInvalidNumber)
	}
	if x.devices[num] != nil || x.groups[num] != nil {
		return fmt.Errorf("sim: set external %s: an extension or group: %w", num, pbx.ErrInvalidNumber)
	}
	x.externals[num] = b
	return nil
}

// SetRegistered registers (on) or unregisters device's phone and emits
// device-state. Calls to an unregistered device fail with cause
// unreachable, ring groups skip it and it cannot place calls; calls it is
// already in go on.
func (x *Exchange) SetRegistered(ctx context.Context, device string, on bool) error {
	if err := x.lock(ctx); err != nil {
		return fmt.Errorf("sim: set registered of %s: %w", device, err)
	}
	defer x.unlock()
	d := x.devices[device]
	if d == nil {
		return fmt.Errorf("sim: set registered of %s: %w", device, pbx.ErrNoSuchDevice)
	}
	d.info.Registered = on
	x.emitDeviceState(d)
	return nil
}

// Outage plays the link to the exchange failing, or the PBX going down:
// an exchange-state event (available false, reason) goes out and every
// service, query and control call fails with pbx.ErrUnavailable until
// Restore. With lose, every call in progress is dropped without a single
// event, as a restarting PBX loses them: the CTI server must notice that
// on Restore and clear them on the desktops.
func (x *Exchange) Outage(reason string, lose bool) {
	if reason == "" {
		reason = "exchange unreachable"
	}
	x.mu.Lock()
	defer x.unlock()
	if x.closed || x.down != "" {
		return
	}
	x.down = reason
	if lose {
		for _, c := range x.calls {
			x.end(c)
		}
	}
	x.emit(pbx.Event{Kind: pbx.EvExchangeState, Available: false, Reason: reason})
}

// Restore ends an Outage: an exchange-state event (available true) goes out
// and services work again.
func (x *Exchange) Restore() {
	x.mu.Lock()
	defer x.unlock()
	if x.closed || x.down == "" {
		return
	}
	x.down = ""
	x.emit(pbx.Event{Kind: pbx.EvExchangeState, Available: true})
}
