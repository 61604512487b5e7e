package ctiproto

import "slices"

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
var V2Members = []string{"queue", "capabilities", "auto_answer"}

// EncodeFor encodes m as the version subprotocol speaks it: for v1,
// without the members v2 added. m itself is not changed.
func EncodeFor(subprotocol string, m Message) ([]byte, error) {
	if subprotocol == SubprotocolV1 {
		m = v1Form(m)
	}
	return Encode(m)
}

// HasV2Members reports whether m carries a member v1 lacks, that is
// whether EncodeFor writes it differently for v1 and v2.
func HasV2Members(m Message) bool { return v1Form(m) != m }

// v1Form is m without the members of V2Members; m itself when it has
// none, else a copy.
func v1Form(m Message) Message {
	switch m := m.(type) {
	case *Event:
		if m.Queue == nil && m.Capabilities == nil {
			return m
		}
		c := *m
		c.Queue, c.Capabilities = nil, nil
		return &c
	case *Welcome:
		if devices, calls, changed := v1Lists(m.Devices, m.Calls); changed {
			c := *m
			c.Devices, c.Calls = devices, calls
			return &c
		}
	case *Result:
		if devices, calls, changed := v1Lists(m.Devices, m.Calls); changed {
			c := *m
			c.Devices, c.Calls = devices, calls
			return &c
		}
	}
	return m
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
	if !slices.ContainsFunc(calls, func(c Call) bool { return c.Queue != nil }) {
		return calls, false
	}
	out := slices.Clone(calls)
	for i := range out {
		out[i].Queue = nil
	}
	return out, true
}
