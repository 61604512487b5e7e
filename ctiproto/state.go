package ctiproto

import "sort"

// ConnKey names one device's connection in one call.
type ConnKey struct{ Call, Device string }

// CallState is a user's devices and calls in progress, built from the
// user's events alone. The server keeps one per user and sends it as the
// snapshot, so a snapshot always agrees with the seq it is sent with; a
// client keeps one and applies the events it receives, so both sides fold
// events the same way. Not safe for concurrent use.
type CallState struct {
	devices map[string]*Device
	calls   map[ConnKey]*Call
	// arrived numbers the connections in the order they became known:
	// calls that start within one millisecond (the wire's precision) keep
	// that order, where call ids, being random, would shuffle them.
	arrived map[ConnKey]uint64
	next    uint64
	parked  map[string]*Parked // by slot (switchboard.go)
}

// NewCallState starts a state from a snapshot (devices and calls).
func NewCallState(devices []Device, calls []Call) *CallState {
	cs := &CallState{
		devices: make(map[string]*Device, len(devices)),
		calls:   make(map[ConnKey]*Call, len(calls)),
		arrived: make(map[ConnKey]uint64, len(calls)),
	}
	for _, d := range devices {
		cs.devices[d.Device] = &d
	}
	for _, c := range calls {
		cs.add(&c)
	}
	return cs
}

// Changes reports whether ev tells something new. A connection's end can
// be reported twice (by the exchange and by the server, which clears
// devices picked up elsewhere and calls a restarted exchange lost), and
// a call can be announced by a reconciliation while its own events are
// still on their way; the second report of the same fact is not news.
func (cs *CallState) Changes(ev *Event) bool {
	c, known := cs.calls[ConnKey{ev.Call, ev.Device}]
	switch ev.Type {
	case EventPresence, EventQueueChanged:
		// A colleague's device: nothing of the user's own calls and
		// devices. A desk of a user who watches from another desk gets
		// it too (the subscription is the user's), and must not take it
		// for a call.
		return false
	case EventDeviceState, EventExchangeState:
		return true
	case EventNote:
		return known && c.Note != ev.Note
	case EventParked, EventUnparked:
		return cs.parkChanges(ev)
	case EventDiverted:
		// For an unknown connection too: a call that reached the device
		// without ringing there (forwarded, do-not-disturb) is news for a
		// calls list. Exchanges report a diversion once.
		return true
	case EventCleared, EventTransferred:
		return known
	case EventDelivered, EventInitiated, EventOriginated:
		return !known || c.State != ev.State
	case EventEstablished:
		return !known || !c.Answered || c.State != ev.State
	}
	return true
}

// Apply folds one event into the state.
func (cs *CallState) Apply(ev *Event) {
	switch ev.Type {
	case EventDeviceState:
		cs.applyDevice(ev)
	case EventExchangeState, EventPresence, EventQueueChanged:
	case EventNote:
		if c, ok := cs.calls[ConnKey{ev.Call, ev.Device}]; ok {
			c.Note = ev.Note // "" removes it
		}
	case EventParked, EventUnparked:
		cs.applyPark(ev)
	case EventCleared, EventDiverted:
		cs.remove(ConnKey{ev.Call, ev.Device})
	case EventTransferred:
		cs.applyTransfer(ev)
	default:
		cs.applyCall(ev)
	}
}

func (cs *CallState) applyDevice(ev *Event) {
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
	// A device-state tells the device's whole state: absent capabilities
	// mean the welcome's apply again.
	d.Capabilities = ev.Capabilities
}

func (cs *CallState) applyCall(ev *Event) {
	k := ConnKey{ev.Call, ev.Device}
	c, ok := cs.calls[k]
	if !ok {
		c = &Call{Call: ev.Call, Device: ev.Device, Since: ev.Time}
		cs.add(c)
	}
	if c.State != ev.State {
		c.Since = ev.Time
	}
	c.State = ev.State
	if ev.Direction != "" {
		c.Direction = ev.Direction
	}
	if ev.Other != nil {
		c.Other = keepContact(c.Other, *ev.Other)
	}
	if ev.Queue != nil { // the queue stays with the connection: events after delivered may omit it
		q := *ev.Queue
		c.Queue = &q
	}
	if ev.Note != "" { // only a note event removes a note
		c.Note = ev.Note
	}
	if ev.Type == EventEstablished && !c.Answered {
		// Answered at the far end of a call this device placed: its state
		// stays connected, but the talk starts now.
		c.Answered, c.Since = true, ev.Time
	}
}

// keepContact is the party next, keeping the directory contact of the
// party was when next has none and is the same number: the match stays on
// the call (section 19), though a later event may come without it (the
// book refreshing, the server restarted with its source down).
func keepContact(was, next Party) Party {
	if next.Contact == nil && was.Contact != nil && next.Number == was.Number {
		next.Contact = was.Contact
	}
	return next
}

// applyTransfer handles both sides of a transfer: the transferring device
// leaves (its connection stays, state cleared, until its cleared event);
// a remaining device follows the call to its new id and new other party.
func (cs *CallState) applyTransfer(ev *Event) {
	k := ConnKey{ev.Call, ev.Device}
	c, ok := cs.calls[k]
	if !ok {
		return
	}
	if ev.State == StateCleared {
		c.State, c.Since = ev.State, ev.Time
		return
	}
	n := cs.arrived[k]
	cs.remove(k)
	if ev.NewCall != "" {
		c.Call = ev.NewCall
	}
	if ev.Other != nil {
		c.Other = keepContact(c.Other, *ev.Other)
	}
	cs.add(c)
	cs.arrived[ConnKey{c.Call, c.Device}] = n // it keeps its place
}

// add stores a connection that became known, in arrival order.
func (cs *CallState) add(c *Call) {
	k := ConnKey{c.Call, c.Device}
	cs.calls[k] = c
	cs.arrived[k] = cs.next
	cs.next++
}

func (cs *CallState) remove(k ConnKey) {
	delete(cs.calls, k)
	delete(cs.arrived, k)
}

// Call returns one connection, including one that has just been
// transferred away (state cleared).
func (cs *CallState) Call(call, device string) (Call, bool) {
	c, ok := cs.calls[ConnKey{call, device}]
	if !ok {
		return Call{}, false
	}
	return *c, true
}

// Device returns one device.
func (cs *CallState) Device(id string) (Device, bool) {
	d, ok := cs.devices[id]
	if !ok {
		return Device{}, false
	}
	return *d, true
}

// Remove forgets a connection without an event (reconciliation).
func (cs *CallState) Remove(call, device string) {
	cs.remove(ConnKey{call, device})
}

// Conns lists every connection, including those transferred away.
func (cs *CallState) Conns() []Call {
	out := make([]Call, 0, len(cs.calls))
	for _, c := range cs.calls {
		out = append(out, *c)
	}
	cs.sortCalls(out)
	return out
}

// Snapshot copies the state out as a welcome or snapshot carries it:
// sorted, without connections that have already left.
func (cs *CallState) Snapshot() ([]Device, []Call) {
	devices := make([]Device, 0, len(cs.devices))
	for _, d := range cs.devices {
		devices = append(devices, *d)
	}
	sort.Slice(devices, func(i, j int) bool { return devices[i].Device < devices[j].Device })
	calls := make([]Call, 0, len(cs.calls))
	for _, c := range cs.calls {
		if c.State != StateCleared {
			calls = append(calls, *c)
		}
	}
	cs.sortCalls(calls)
	return devices, calls
}

// sortCalls orders calls oldest first, then in the order they became
// known, then by id and device: stable output for people and tests.
func (cs *CallState) sortCalls(calls []Call) {
	sort.Slice(calls, func(i, j int) bool {
		if !calls[i].Since.Equal(calls[j].Since) {
			return calls[i].Since.Before(calls[j].Since)
		}
		ai, aj := cs.arrived[ConnKey{calls[i].Call, calls[i].Device}], cs.arrived[ConnKey{calls[j].Call, calls[j].Device}]
		if ai != aj {
			return ai < aj
		}
		if calls[i].Call != calls[j].Call {
			return calls[i].Call < calls[j].Call
		}
		return calls[i].Device < calls[j].Device
	})
}
