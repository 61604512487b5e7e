package server

import (
	"sort"

	"github.com/deskline/deskline/ctiproto"
)

// connKey names one device's connection in one call.
type connKey struct{ call, device string }

// callState is a user's view of their devices and calls in progress,
// rebuilt purely from the user's own events. It is what a snapshot sends,
// so a snapshot always agrees with the seq it is sent with. Not safe for
// concurrent use: its userLog's mutex guards it.
type callState struct {
	devices map[string]*ctiproto.Device
	calls   map[connKey]*ctiproto.Call
}

func newCallState(devices []ctiproto.Device) *callState {
	cs := &callState{
		devices: make(map[string]*ctiproto.Device, len(devices)),
		calls:   make(map[connKey]*ctiproto.Call),
	}
	for _, d := range devices {
		cs.devices[d.Device] = &d
	}
	return cs
}

// changes reports whether ev tells the user something new. Exchanges and
// the hub can both report a connection's end (the hub clears devices
// picked up elsewhere, reconciliation clears calls a restarted exchange
// lost), and reconciliation can announce a call whose own events are still
// on their way; the second report of the same fact is not news.
func (cs *callState) changes(ev *ctiproto.Event) bool {
	c, known := cs.calls[connKey{ev.Call, ev.Device}]
	switch ev.Type {
	case ctiproto.EventDeviceState, ctiproto.EventExchangeState:
		return true
	case ctiproto.EventCleared, ctiproto.EventDiverted, ctiproto.EventTransferred:
		return known
	case ctiproto.EventDelivered, ctiproto.EventInitiated, ctiproto.EventOriginated:
		return !known || c.State != ev.State
	case ctiproto.EventEstablished:
		return !known || !c.Answered || c.State != ev.State
	}
	return true
}

// apply folds one event into the state.
func (cs *callState) apply(ev *ctiproto.Event) {
	switch ev.Type {
	case ctiproto.EventDeviceState:
		cs.applyDevice(ev)
	case ctiproto.EventExchangeState:
	case ctiproto.EventCleared, ctiproto.EventDiverted:
		delete(cs.calls, connKey{ev.Call, ev.Device})
	case ctiproto.EventTransferred:
		cs.applyTransfer(ev)
	default:
		cs.applyCall(ev)
	}
}

func (cs *callState) applyDevice(ev *ctiproto.Event) {
	d, ok := cs.devices[ev.Device]
	if !ok {
		return
	}
	if ev.DND != nil {
		d.DND = *ev.DND
	}
	if ev.ForwardTo != nil {
		d.ForwardTo = *ev.ForwardTo
	}
	if ev.Registered != nil {
		d.Registered = *ev.Registered
	}
}

func (cs *callState) applyCall(ev *ctiproto.Event) {
	k := connKey{ev.Call, ev.Device}
	c, ok := cs.calls[k]
	if !ok {
		c = &ctiproto.Call{Call: ev.Call, Device: ev.Device, Since: ev.Time}
		cs.calls[k] = c
	}
	if c.State != ev.State {
		c.Since = ev.Time
	}
	c.State = ev.State
	if ev.Direction != "" {
		c.Direction = ev.Direction
	}
	if ev.Other != nil {
		c.Other = *ev.Other
	}
	if ev.Type == ctiproto.EventEstablished {
		c.Answered = true
	}
}

// applyTransfer handles both sides of a transfer: the transferring device
// leaves (state cleared); a remaining device follows the call to its new
// id and new other party.
func (cs *callState) applyTransfer(ev *ctiproto.Event) {
	k := connKey{ev.Call, ev.Device}
	c, ok := cs.calls[k]
	if !ok {
		return
	}
	if ev.State == ctiproto.StateCleared {
		// The device transferred the call away; its cleared follows.
		c.State, c.Since = ev.State, ev.Time
		return
	}
	delete(cs.calls, k)
	if ev.NewCall != "" {
		c.Call = ev.NewCall
	}
	if ev.Other != nil {
		c.Other = *ev.Other
	}
	cs.calls[connKey{c.Call, c.Device}] = c
}

// snapshot copies the state out, sorted for stable output.
func (cs *callState) snapshot() ([]ctiproto.Device, []ctiproto.Call) {
	devices := make([]ctiproto.Device, 0, len(cs.devices))
	for _, d := range cs.devices {
		devices = append(devices, *d)
	}
	sort.Slice(devices, func(i, j int) bool { return devices[i].Device < devices[j].Device })
	calls := make([]ctiproto.Call, 0, len(cs.calls))
	for _, c := range cs.calls {
		if c.State != ctiproto.StateCleared {
			calls = append(calls, *c)
		}
	}
	sort.Slice(calls, func(i, j int) bool {
		if !calls[i].Since.Equal(calls[j].Since) {
			return calls[i].Since.Before(calls[j].Since)
		}
		if calls[i].Call != calls[j].Call {
			return calls[i].Call < calls[j].Call
		}
		return calls[i].Device < calls[j].Device
	})
	return devices, calls
}

// seed adds a connection known from the exchange at start.
func (cs *callState) seed(c ctiproto.Call) {
	cs.calls[connKey{c.Call, c.Device}] = &c
}
