package ctiproto

import (
	"fmt"
	"slices"
)

// Subprotocols are the versions this package speaks, most preferred
// first: a server offers them in this order and chooses the first one a
// client offers too; a client offers them in this order.
var Subprotocols = []string{SubprotocolV2, SubprotocolV1}

// Speaks reports whether subprotocol is a version this package speaks.
func Speaks(subprotocol string) bool { return slices.Contains(Subprotocols, subprotocol) }

// V2Members are the members deskline.v2 added to v1's messages, all
// optional (PROTOCOL.md §13). A v1 decoder is strict — an unknown member
// is an error — so a connection that speaks v1 gets its messages without
// them (EncodeFor).
var V2Members = []string{"queue", "capabilities", "auto_answer", "presence", "presence_parts", "note", "slot", "parked", "queues", "reception",
	"contact", "contacts", "image", "directory"}

// V2Types are the message types deskline.v2 added: a v1 connection never
// sends or gets one (EncodeFor refuses them; the server answers a v1
// client that sends one with unknown-type), and their members are new
// with them, not in V2Members.
var V2Types = []string{TypeWatch, TypeUnwatch, EventPresence, TypePresenceList, TypeSetNote, EventNote,
	TypePickup, TypeConsult, TypeConsultComplete, TypeConsultCancel, TypeConsultSwap,
	TypePark, TypeUnpark, EventParked, EventUnparked, EventQueueChanged,
	TypeSearch, TypeLookup, TypeGetPhoto}

// V2Values are the values deskline.v2 added to v1 members with a closed
// set of values, by member: EncodeFor leaves them out for v1.
var V2Values = map[string][]string{"capabilities": {TypeWatch, TypeSetNote,
	TypePickup, TypeConsult, TypePark, TypeUnpark}}

// IsV2Type reports whether typ is a message type v1 lacks.
func IsV2Type(typ string) bool { return slices.Contains(V2Types, typ) }

// EncodeFor encodes m as the version subprotocol speaks it: for v1,
// without the members and values v2 added; a type v2 added is an error
// for v1. m itself is not changed.
func EncodeFor(subprotocol string, m Message) ([]byte, error) {
	if subprotocol == SubprotocolV1 {
		if m != nil && IsV2Type(m.MessageType()) {
			return nil, fmt.Errorf("ctiproto: encode: %s is not part of %s", m.MessageType(), SubprotocolV1)
		}
		m = v1Form(m)
	}
	return Encode(m)
}

// HasV2Members reports whether m carries a member v1 lacks, that is
// whether EncodeFor writes it differently for v1 and v2.
func HasV2Members(m Message) bool { return IsV2Type(m.MessageType()) || v1Form(m) != m }

// v1Form is m without the members of V2Members; m itself when it has
// none, else a copy.
func v1Form(m Message) Message {
	switch m := m.(type) {
	case *Hello:
		if m.Presence {
			c := *m
			c.Presence = false
			return &c
		}
	case *Event:
		return v1Event(m)
	case *Welcome:
		devices, calls, changed := v1Lists(m.Devices, m.Calls)
		caps := v1Capabilities(m.Capabilities)
		if changed || m.Presence != nil || m.PresenceParts != 0 || m.Parked != nil || m.Queues != nil || m.Reception ||
			len(caps) != len(m.Capabilities) || m.Directory != nil {
			c := *m
			c.Devices, c.Calls, c.Capabilities, c.Presence, c.PresenceParts, c.Parked, c.Queues = devices, calls, caps, nil, 0, nil, nil
			c.Reception, c.Directory = false, nil
			return &c
		}
	case *Result:
		if devices, calls, changed := v1Lists(m.Devices, m.Calls); changed || m.Presence != nil || m.PresenceParts != 0 || m.Slot != "" ||
			m.Parked != nil || m.Queues != nil || m.Contacts != nil || m.Image != nil {
			c := *m
			c.Devices, c.Calls, c.Presence, c.PresenceParts, c.Slot, c.Parked, c.Queues = devices, calls, nil, 0, "", nil, nil
			c.Contacts, c.Image = nil, nil
			return &c
		}
	}
	return m
}

// v1Event is ev without v2 members; ev itself when it has none. The
// directory's contact on the other party goes with the rest.
func v1Event(ev *Event) Message {
	contact := ev.Other != nil && ev.Other.Contact != nil
	if ev.Queue == nil && ev.Capabilities == nil && ev.Note == "" && ev.Slot == "" && !contact {
		return ev
	}
	c := *ev
	c.Queue, c.Capabilities, c.Note, c.Slot = nil, nil, "", ""
	if contact {
		other := *ev.Other
		other.Contact = nil
		c.Other = &other
	}
	return &c
}

// v1Capabilities is caps without the values v2 added (watch); caps itself
// when it has none.
func v1Capabilities(caps []string) []string {
	added := V2Values["capabilities"]
	if !slices.ContainsFunc(caps, func(c string) bool { return slices.Contains(added, c) }) {
		return caps
	}
	return slices.DeleteFunc(slices.Clone(caps), func(c string) bool { return slices.Contains(added, c) })
}

// v1Lists are a snapshot's lists without v2 members, and whether any had one.
func v1Lists(devices []Device, calls []Call) ([]Device, []Call, bool) {
	devices, d := v1Devices(devices)
	calls, k := v1Calls(calls)
	return devices, calls, d || k
}

// v1Devices is devices without v2 members, and whether any had one.
func v1Devices(devices []Device) ([]Device, bool) {
	if !slices.ContainsFunc(devices, func(d Device) bool { return d.Capabilities != nil || d.AutoAnswer }) {
		return devices, false
	}
	out := slices.Clone(devices)
	for i := range out {
		out[i].Capabilities, out[i].AutoAnswer = nil, false
	}
	return out, true
}

// v1Calls is calls without v2 members, and whether any had one.
func v1Calls(calls []Call) ([]Call, bool) {
	if !slices.ContainsFunc(calls, func(c Call) bool { return c.Queue != nil || c.Note != "" || c.Other.Contact != nil }) {
		return calls, false
	}
	out := slices.Clone(calls)
	for i := range out {
		out[i].Queue, out[i].Note, out[i].Other.Contact = nil, "", nil
	}
	return out, true
}
