package ctiproto

import (
	"slices"
	"time"
)

// The switchboard (issue 15, PROTOCOL.md section 15): pickup, announced
// (consult) transfer and park. All of it is deskline.v2 only: the types
// below are V2Types, and a v1 connection neither sends nor receives them.

// Request types of the switchboard.
const (
	TypePickup          = "pickup"           // take a call ringing at another device (Pickup)
	TypeConsult         = "consult"          // hold the call and call to (a Redirect)
	TypeConsultComplete = "consult-complete" // hand the held party over to the consulted one (a CallCommand)
	TypeConsultCancel   = "consult-cancel"   // hang up the consultation, retrieve the held call (a CallCommand)
	TypeConsultSwap     = "consult-swap"     // hold the one, retrieve the other (a CallCommand)
	TypePark            = "park"             // park the call in a slot (Park)
	TypeUnpark          = "unpark"           // take the call parked in a slot to a device (Unpark)
)

// Event types of the switchboard.
const (
	EventParked   = "parked"   // a call was parked (Event.Slot, Other = who waits)
	EventUnparked = "unparked" // it left its slot: retrieved (By), recalled (cause no-answer) or hung up (cause normal)
)

// Pickup takes the call ringing at device From to Device: the call Call
// when given, else the one ringing there longest.
type Pickup struct {
	ID     string `json:"id"`
	Device string `json:"device"`
	From   string `json:"from"`
	Call   string `json:"call,omitempty"`
}

// Park parks Call, which Device is in, in Slot (the next free one when
// Slot is empty); the result names the slot.
type Park struct {
	ID     string `json:"id"`
	Call   string `json:"call"`
	Device string `json:"device"`
	Slot   string `json:"slot,omitempty"`
}

// Unpark takes the call parked in Slot to Device.
type Unpark struct {
	ID     string `json:"id"`
	Slot   string `json:"slot"`
	Device string `json:"device"`
}

// Parked is a call waiting in a park slot, as the welcome and the
// snapshot list it.
type Parked struct {
	Slot     string    `json:"slot"`
	Call     string    `json:"call"`
	Other    Party     `json:"other"`     // who waits
	ParkedBy string    `json:"parked_by"` // the device that parked it, rung back on recall
	Since    time.Time `json:"since"`     // when it was parked
}

func (*Pickup) MessageType() string { return TypePickup }
func (*Park) MessageType() string   { return TypePark }
func (*Unpark) MessageType() string { return TypeUnpark }

// switchboardSpecs are the spec table's entries for the switchboard.
func switchboardSpecs() []*spec {
	return []*spec{
		{typ: TypePickup, kind: request, new: func() Message { return new(Pickup) }},
		{typ: TypeConsult, kind: request, new: newRedirect},
		{typ: TypeConsultComplete, kind: request, new: newCallCommand},
		{typ: TypeConsultCancel, kind: request, new: newCallCommand},
		{typ: TypeConsultSwap, kind: request, new: newCallCommand},
		{typ: TypePark, kind: request, new: func() Message { return new(Park) }},
		{typ: TypeUnpark, kind: request, new: func() Message { return new(Unpark) }},
		{typ: EventParked, kind: event, new: newEvent, check: checkEvent,
			extra: []string{"call", "device", "slot"}, optional: []string{"other"}},
		{typ: EventUnparked, kind: event, new: newEvent, check: checkEvent,
			extra: []string{"call", "device", "slot"}, optional: []string{"other", "by", "cause"}},
	}
}

// ParkedCalls lists the parked calls the state knows, by slot.
func (cs *CallState) ParkedCalls() []Parked {
	out := make([]Parked, 0, len(cs.parked))
	for _, p := range cs.parked {
		out = append(out, *p)
	}
	slices.SortFunc(out, func(a, b Parked) int {
		if a.Slot < b.Slot {
			return -1
		}
		if a.Slot > b.Slot {
			return 1
		}
		return 0
	})
	return out
}

// SetParked replaces the parked calls (a snapshot).
func (cs *CallState) SetParked(ps []Parked) {
	cs.parked = make(map[string]*Parked, len(ps))
	for _, p := range ps {
		cs.parked[p.Slot] = &p
	}
}

// applyPark folds parked and unparked into the state.
func (cs *CallState) applyPark(ev *Event) {
	if ev.Type == EventUnparked {
		if p := cs.parked[ev.Slot]; p != nil && p.Call == ev.Call {
			delete(cs.parked, ev.Slot)
		}
		return
	}
	if cs.parked == nil {
		cs.parked = make(map[string]*Parked)
	}
	p := &Parked{Slot: ev.Slot, Call: ev.Call, ParkedBy: ev.Device, Since: ev.Time}
	if ev.Other != nil {
		p.Other = *ev.Other
	}
	cs.parked[ev.Slot] = p
}

// parkChanges reports whether a parked or unparked event is news.
func (cs *CallState) parkChanges(ev *Event) bool {
	p := cs.parked[ev.Slot]
	if ev.Type == EventUnparked {
		return p != nil && p.Call == ev.Call
	}
	return p == nil || p.Call != ev.Call
}
