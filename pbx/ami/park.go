package ami

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/deskline/deskline/pbx"
)

// Parking on Asterisk (res_parking), built to Asterisk 22's manager
// documentation: Action: Park (Channel, TimeoutChannel, ParkingSpace)
// parks the far party of the device's call, and the events ParkedCall,
// UnParkedCall, ParkedCallTimeOut and ParkedCallGiveUp (ParkeeChannel,
// ParkeeUniqueid, ParkeeLinkedid, ParkeeCallerIDNum/Name,
// ParkerDialString, ParkingSpace, ParkingDuration; UnParkedCall adds
// RetrieverChannel) say what happens in the slots. No capture of them
// exists here: the tests feed messages of that documented shape.
//
// Only the parking spaces of Config.ParkSlots count. At every (re)connect
// the ParkedCalls action (same fields; needs the write class call) lists
// the calls parked meanwhile (queue_sync.go readParked).

// Park parks the far party of device's call in slot (the first free one
// of Config.ParkSlots when ""). TimeoutChannel is device's own channel:
// Asterisk treats it as the parker (as the phone's park key would), rings
// it back when the call waits past the lot's parkingtime, and hangs it up
// once the far party is parked; its desk hears transferred to the slot.
func (x *Exchange) Park(ctx context.Context, call pbx.CallID, device, slot string) (string, error) {
	if len(x.cfg.ParkSlots) == 0 {
		return "", fmt.Errorf("ami: park: no park_slots configured: %w", pbx.ErrNotSupported)
	}
	slot, err := x.m.freeSlot(x.cfg.ParkSlots, slot)
	if err != nil {
		return "", err
	}
	leg, far, err := x.m.farParty(call, device)
	if err != nil {
		return "", err
	}
	in := intent{kind: intentTransfer, to: slot, by: device}
	err = x.act(ctx, "park in "+slot, leg.uid, in,
		NewAction("Park", "Channel", far, "TimeoutChannel", leg.name, "ParkingSpace", slot))
	if err != nil {
		return "", err
	}
	return slot, nil
}

// Unpark has device's phone ring and, once it is picked up, dial the
// parking space, which connects it to the parked caller (click-to-dial to
// the slot: Asterisk cannot take a SIP phone off-hook). The desk sees the
// click-to-dial's call; the parked call's unparked follows when Asterisk
// hands it over. It returns the click-to-dial's call id.
func (x *Exchange) Unpark(ctx context.Context, slot, device string, want pbx.CallID) (pbx.CallID, error) {
	if !slices.Contains(x.cfg.ParkSlots, slot) {
		return "", fmt.Errorf("ami: unpark: %q is not one of park_slots: %w", slot, pbx.ErrInvalidNumber)
	}
	if call, ok := x.m.parkedIn(slot); !ok || (want != "" && call != want) {
		return "", fmt.Errorf("ami: unpark %s: %w", slot, pbx.ErrSlotEmpty)
	}
	return x.MakeCall(ctx, device, slot)
}

// Parked lists the calls seen parked in Config.ParkSlots, by slot.
func (x *Exchange) Parked(context.Context) ([]pbx.ParkedCall, error) {
	x.m.mu.Lock()
	defer x.m.mu.Unlock()
	var out []pbx.ParkedCall
	for _, s := range x.cfg.ParkSlots {
		if p, ok := x.m.parked[s]; ok {
			out = append(out, p)
		}
	}
	return out, nil
}

// freeSlot checks slot, or picks the first free one for "".
func (m *mapper) freeSlot(slots []string, slot string) (string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if slot == "" {
		for _, s := range slots {
			if _, taken := m.parked[s]; !taken {
				return s, nil
			}
		}
		return "", fmt.Errorf("ami: park: %w", pbx.ErrNoFreeSlot)
	}
	if !slices.Contains(slots, slot) {
		return "", fmt.Errorf("ami: park: %q is not one of park_slots: %w", slot, pbx.ErrInvalidNumber)
	}
	if _, taken := m.parked[slot]; taken {
		return "", fmt.Errorf("ami: park: slot %s: %w", slot, pbx.ErrSlotTaken)
	}
	return slot, nil
}

// parkedIn is the call parked in slot, if any.
func (m *mapper) parkedIn(slot string) (pbx.CallID, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	p, ok := m.parked[slot]
	return p.Call, ok
}

// parkEvent follows a parking space. Called with m.mu held.
func (m *mapper) parkEvent(msg Message, out *batch) {
	slot := msg.Get("ParkingSpace")
	if slot == "" || !m.slots[slot] {
		return
	}
	if msg.Event() == "ParkedCall" {
		p := m.parkedCall(msg, out.now)
		if old, ok := m.parked[slot]; ok && old.Call == p.Call {
			return // Asterisk repeats events (and ParkedCalls lists them again)
		}
		m.parked[slot] = p
		m.parkOut(pbx.EvParked, p, "", pbx.CauseNone, out)
		return
	}
	p, ok := m.parked[slot]
	if !ok {
		return
	}
	delete(m.parked, slot)
	by, cause := "", pbx.CauseNone
	switch msg.Event() {
	case "UnParkedCall":
		by = m.deviceOf(msg.Get("RetrieverChannel"))
	case "ParkedCallTimeOut":
		cause = pbx.CauseNoAnswer
	case "ParkedCallGiveUp":
		cause = pbx.CauseNormal
	}
	m.parkOut(pbx.EvUnparked, p, by, cause, out)
}

// parkedCall reads a ParkedCall event, or an item of ParkedCalls (the
// same fields). Called with m.mu held.
func (m *mapper) parkedCall(msg Message, now time.Time) pbx.ParkedCall {
	call := msg.Get("ParkeeLinkedid")
	if c := m.chans[msg.Get("ParkeeUniqueid")]; c != nil {
		call = string(c.call())
	}
	since := now
	if d, err := strconv.Atoi(msg.Get("ParkingDuration")); err == nil && d > 0 {
		since = since.Add(-time.Duration(d) * time.Second)
	}
	return pbx.ParkedCall{Slot: msg.Get("ParkingSpace"), Call: pbx.CallID(call),
		Caller:   party(msg.Get("ParkeeCallerIDNum"), msg.Get("ParkeeCallerIDName")),
		ParkedBy: m.byEndpoint[strings.ToLower(endpointOf(msg.Get("ParkerDialString")))], Since: since}
}

// parkedFrom replaces the parked calls with what ParkedCalls lists now,
// in Config.ParkSlots only. Nobody is told here: the server compares
// Parked with what desks were told once the link is up. An item without
// a parked channel is skipped and logged.
func (m *mapper) parkedFrom(items []Message) {
	m.mu.Lock()
	defer m.mu.Unlock()
	now, old := m.now(), m.parked
	m.parked = make(map[string]pbx.ParkedCall, len(old))
	for _, it := range items {
		slot := it.Get("ParkingSpace")
		if it.Event() != "ParkedCall" || !m.slots[slot] {
			continue
		}
		if it.Get("ParkeeUniqueid") == "" && it.Get("ParkeeLinkedid") == "" {
			m.warn("ami: skipped a parked call without its channel", "action", "ParkedCalls", "slot", slot)
			continue
		}
		p := m.parkedCall(it, now)
		if prev, ok := old[slot]; ok && prev.Call == p.Call {
			p.Since = prev.Since // known since it was parked: to the second, not rounded
		}
		m.parked[slot] = p
	}
}

// parkOut tells the parking device's desk; a call parked by someone
// Deskline does not know is followed but told to nobody.
func (m *mapper) parkOut(kind pbx.EventKind, p pbx.ParkedCall, by string, cause pbx.Cause, out *batch) {
	if p.ParkedBy == "" {
		return
	}
	out.list = append(out.list, pbx.Event{Kind: kind, Time: out.now, Call: p.Call, Device: p.ParkedBy,
		By: by, Cause: cause, Park: &p})
}
