package server

import (
	"context"
	"maps"
	"slices"
	"time"

	"github.com/deskline/deskline/ctiproto"
	"github.com/deskline/deskline/pbx"
)

// reconcileTimeout bounds the state queries after the exchange comes back.
const reconcileTimeout = 10 * time.Second

// reconcile runs when the exchange is available again after an outage.
// Events may have been lost while the link was down (a restarted PBX loses
// its calls without a word), so the hub asks the exchange what is true
// now and tells each user the difference: calls that are gone are cleared
// with cause exchange-restarted (no ghost call ringing for ever), calls the
// user does not know are announced, changed devices get a device-state.
// Runs on the routing goroutine, so no exchange event interleaves.
func (h *hub) reconcile(now time.Time) {
	ctx, cancel := context.WithTimeout(context.Background(), reconcileTimeout)
	defer cancel()
	snap, err := pbx.TakeSnapshot(ctx, h.ex)
	if err != nil {
		h.log.Error("reconcile", "err", err)
		return
	}
	snap.Time = now
	h.reconcileWith(snap)
}

// reconcileWith tells each user the difference between what they were
// told and snap, the exchange's word on what is true now. In a cluster the
// snapshot comes from the log, taken by the node that holds the exchange.
func (h *hub) reconcileWith(snap pbx.Snapshot) {
	now := snap.Time
	live := make(map[ctiproto.ConnKey]pbx.Call, len(snap.Calls))
	for _, c := range snap.Calls {
		live[ctiproto.ConnKey{Call: string(c.Call), Device: c.Device}] = c
	}
	h.alerting = make(map[pbx.CallID]map[string]bool)
	for _, c := range snap.Calls {
		if c.State == pbx.StateAlerting {
			h.track(pbx.Event{Call: c.Call, Device: c.Device, State: c.State})
		}
	}
	for _, u := range h.users {
		for _, ev := range u.diff(live, snap.Calls, snap.Devices, now) {
			h.publish(u, ev, 0) // the server's own, after an outage
		}
	}
	if snap.Capabilities()[pbx.SvcPark] {
		h.reconcileParked(snap.Parked, now)
	}
	h.notes.reset(snap.Calls, now)
	// Queues: members added, removed or paused while the link was down.
	h.presence.reset(snap.Calls, snap.Devices, snap.Queues, now)
}

// reconcileParked tells each user the parked calls that came or went
// while the exchange was away: a call the user saw parked that is no
// longer in its slot is unparked with cause exchange-restarted (no ghost
// in a park slot), one parked meanwhile is parked.
func (h *hub) reconcileParked(parked []pbx.ParkedCall, now time.Time) {
	want := make(map[*userLog]map[string]pbx.ParkedCall)
	for _, p := range parked {
		for _, u := range h.seeing(p.ParkedBy) {
			if want[u] == nil {
				want[u] = make(map[string]pbx.ParkedCall)
			}
			want[u][p.Slot] = p
		}
	}
	for _, u := range h.users {
		for _, ev := range u.parkDiff(want[u], now) {
			h.publish(u, ev, 0) // the server's own, after an outage
		}
	}
}

// parkDiff lists the parked and unparked events that bring the user's
// parked calls to want (by slot).
func (u *userLog) parkDiff(want map[string]pbx.ParkedCall, now time.Time) []ctiproto.Event {
	u.mu.Lock()
	defer u.mu.Unlock()
	var evs []ctiproto.Event
	have := make(map[string]bool)
	for _, p := range u.state.ParkedCalls() {
		have[p.Slot] = true
		if w, ok := want[p.Slot]; ok && string(w.Call) == p.Call {
			continue
		}
		other := p.Other
		evs = append(evs, ctiproto.Event{Type: ctiproto.EventUnparked, Time: now, Call: p.Call, Device: p.ParkedBy,
			Slot: p.Slot, Other: &other, Cause: string(pbx.CauseExchangeRestarted)})
		have[p.Slot] = false
	}
	for _, slot := range slices.Sorted(maps.Keys(want)) {
		if p := want[slot]; !have[slot] {
			evs = append(evs, parkToWire(pbx.Event{Kind: pbx.EvParked, Time: p.Since, Call: p.Call, Device: p.ParkedBy, Park: &p}))
		}
	}
	return evs
}

// diff lists the events that bring the user's state to what the exchange
// reports.
func (u *userLog) diff(live map[ctiproto.ConnKey]pbx.Call, calls []pbx.Call, devs []pbx.DeviceInfo, now time.Time) []ctiproto.Event {
	u.mu.Lock()
	defer u.mu.Unlock()
	var evs []ctiproto.Event
	for _, c := range u.state.Conns() {
		if c.State == ctiproto.StateCleared {
			u.state.Remove(c.Call, c.Device) // transferred away; its clear was lost
			continue
		}
		if _, ok := live[ctiproto.ConnKey{Call: c.Call, Device: c.Device}]; !ok {
			evs = append(evs, ctiproto.Event{Type: ctiproto.EventCleared, Time: now, Call: c.Call,
				Device: c.Device, State: string(pbx.StateCleared), Cause: string(pbx.CauseExchangeRestarted)})
		}
	}
	// In the exchange's order, not the map's: in a cluster every node
	// must number these events alike.
	for _, c := range calls {
		if _, mine := u.state.Device(c.Device); !mine {
			continue
		}
		if have, ok := u.state.Call(string(c.Call), c.Device); !ok || have.State != string(c.State) {
			evs = append(evs, announce(c))
		}
	}
	for _, d := range devs {
		if have, ok := u.state.Device(d.ID); ok && !sameDevice(have, deviceToWire(d)) {
			evs = append(evs, toWire(pbx.Event{Kind: pbx.EvDeviceState, Time: now, Device: d.ID, DeviceState: &d}))
		}
	}
	return evs
}

// announce is the event that puts a connection the user did not know
// about into their state.
func announce(c pbx.Call) ctiproto.Event {
	ev := pbx.Event{Time: c.Since, Call: c.Call, Device: c.Device, State: c.State,
		Direction: c.Direction, Other: c.Other, Queue: c.Queue}
	switch {
	case c.State == pbx.StateAlerting:
		ev.Kind = pbx.EvDelivered
	case c.State == pbx.StateInitiated:
		ev.Kind = pbx.EvInitiated
	case c.State == pbx.StateHeld:
		ev.Kind, ev.By = pbx.EvHeld, c.Device
	case c.State == pbx.StateConnected && c.Answered:
		ev.Kind, ev.AnsweredBy = pbx.EvEstablished, c.Device
		if c.Direction == pbx.Outgoing && c.Other.Number != "" {
			ev.AnsweredBy = c.Other.Number // the far end answered my call
		}
	case c.State == pbx.StateConnected:
		ev.Kind = pbx.EvOriginated
	case c.State == pbx.StateFailed:
		ev.Kind, ev.Cause = pbx.EvFailed, pbx.CauseFailed
	default: // queued: waiting for the device, as good as ringing
		ev.Kind = pbx.EvDelivered
	}
	return toWire(ev)
}
