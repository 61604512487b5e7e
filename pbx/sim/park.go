package sim

import (
	"context"
	"fmt"
	"slices"

	"github.com/deskline/deskline/pbx"
)

// Park puts the other party of device's answered call into slot (the
// first free one in configuration order when slot is "") and returns the
// slot. Events: device gets transferred (cleared, To = the slot) and
// cleared/transferred, the parked party, if an extension, transferred
// with Other = the slot; then parked (Device = device, Park = the slot,
// the caller, since). After Config.ParkTime the call rings device again
// (recall): unparked with cause no-answer, then delivered at device. An
// unknown slot is pbx.ErrInvalidNumber, a taken one pbx.ErrSlotTaken, none
// free pbx.ErrNoFreeSlot.
func (x *Exchange) Park(ctx context.Context, id pbx.CallID, device, slot string) (string, error) {
	if err := x.refuses(device, pbx.SvcPark); err != nil {
		return "", err
	}
	if len(x.slots) == 0 {
		return "", fmt.Errorf("sim: park: no park slots configured: %w", pbx.ErrNotSupported)
	}
	c, l, err := x.begin(ctx, id, device)
	if err != nil {
		return "", fmt.Errorf("sim: park %s at %s: %w", id, device, err)
	}
	defer x.unlock()
	if l.dev == nil || !c.answered || (l.state != pbx.StateConnected && l.state != pbx.StateHeld) {
		return "", fmt.Errorf("sim: park %s at %s: %w", id, device, invalidState(l, "connected or held in an answered call"))
	}
	if c.cons != nil {
		return "", fmt.Errorf("sim: park %s at %s: the call is part of a consultation: complete or cancel it first: %w", id, device, pbx.ErrInvalidState)
	}
	slot, err = x.freeSlot(slot)
	if err != nil {
		return "", fmt.Errorf("sim: park %s at %s: %w", id, device, err)
	}
	rem := c.peer(l)
	slotParty := pbx.Party{Number: slot, Name: "Park " + slot}
	l.state = pbx.StateCleared
	x.tell(l, transferred(c, l, device, slot))
	x.clearLeg(c, l, pbx.CauseTransferred)

	c.stopTimers()
	c.a, c.b, c.answered = rem, c.b[:0], false
	rem.other = slotParty
	if rem.state == pbx.StateHeld {
		rem.state = pbx.StateConnected
	}
	x.tell(rem, transferred(c, rem, device, slot))
	c.park = &pbx.ParkedCall{Slot: slot, Call: c.id, Caller: rem.party, ParkedBy: device, Since: x.clock.Now()}
	x.parked[slot] = c
	p := *c.park
	x.emit(pbx.Event{Kind: pbx.EvParked, Call: c.id, Device: device, Park: &p})
	x.schedule(c, nil, x.parkTime, timerRecall)
	return slot, nil
}

// freeSlot checks slot, or finds the first free one for "".
func (x *Exchange) freeSlot(slot string) (string, error) {
	if slot == "" {
		for _, s := range x.slots {
			if x.parked[s] == nil {
				return s, nil
			}
		}
		return "", pbx.ErrNoFreeSlot
	}
	switch {
	case !slices.Contains(x.slots, slot):
		return "", fmt.Errorf("%q is not a park slot: %w", slot, pbx.ErrInvalidNumber)
	case x.parked[slot] != nil:
		return "", fmt.Errorf("slot %s: %w", slot, pbx.ErrSlotTaken)
	}
	return slot, nil
}

// Unpark connects the call parked in slot to device: unparked (By =
// device), then delivered and established at device as with Pickup.
// An empty slot is pbx.ErrSlotEmpty, an unknown one pbx.ErrInvalidNumber.
func (x *Exchange) Unpark(ctx context.Context, slot, device string, want pbx.CallID) (pbx.CallID, error) {
	if err := x.refuses(device, pbx.SvcUnpark); err != nil {
		return "", err
	}
	if err := x.lock(ctx); err != nil {
		return "", fmt.Errorf("sim: unpark %s to %s: %w", slot, device, err)
	}
	defer x.unlock()
	d := x.devices[device]
	c := x.parked[slot]
	switch {
	case d == nil:
		return "", fmt.Errorf("sim: unpark %s: no device %q: %w", slot, device, pbx.ErrNoSuchDevice)
	case !slices.Contains(x.slots, slot):
		return "", fmt.Errorf("sim: unpark: %q is not a park slot: %w", slot, pbx.ErrInvalidNumber)
	case c == nil:
		return "", fmt.Errorf("sim: unpark %s: %w", slot, pbx.ErrSlotEmpty)
	case want != "" && c.id != want:
		return "", fmt.Errorf("sim: unpark %s: call %s has left it: %w", slot, want, pbx.ErrSlotEmpty)
	case !d.info.Registered:
		return "", fmt.Errorf("sim: unpark %s: phone of %s not registered: %w", slot, device, pbx.ErrInvalidState)
	case c.a.dev == d:
		return "", fmt.Errorf("sim: unpark %s: %s is the parked party: %w", slot, device, pbx.ErrInvalidState)
	}
	c.stopTimers()
	x.unparkEvent(c, device, pbx.CauseNone)
	x.takeOver(c, d, nil)
	return c.id, nil
}

// unparkEvent frees c's slot and says why it left: retrieved by by,
// recalled (no-answer) or hung up (normal).
func (x *Exchange) unparkEvent(c *call, by string, cause pbx.Cause) {
	p := *c.park
	c.park = nil
	delete(x.parked, p.Slot)
	x.emit(pbx.Event{Kind: pbx.EvUnparked, Call: c.id, Device: p.ParkedBy, By: by, Cause: cause, Park: &p})
}

// recall: the call waited its ParkTime; it rings the device that parked
// it. A device that cannot ring now (do-not-disturb, no phone, busy)
// would lose the caller: the call stays in its slot for another ParkTime
// instead, silently.
func (x *Exchange) recall(c *call) {
	by := c.park.ParkedBy
	if x.canRing(c, by) != pbx.CauseNone {
		x.schedule(c, nil, x.parkTime, timerRecall)
		return
	}
	x.unparkEvent(c, "", pbx.CauseNoAnswer)
	x.ring(c, by)
}

// Parked lists the parked calls in slot order.
func (x *Exchange) Parked(ctx context.Context) ([]pbx.ParkedCall, error) {
	if err := x.lock(ctx); err != nil {
		return nil, fmt.Errorf("sim: parked: %w", err)
	}
	defer x.unlock()
	var out []pbx.ParkedCall
	for _, s := range x.slots {
		if c := x.parked[s]; c != nil {
			out = append(out, *c.park)
		}
	}
	return out, nil
}
