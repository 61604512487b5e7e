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
var V2Members = []string{"queue", "capabilities", "auto_answer", "slot", "parked"}

// EncodeFor encodes m as the version subprotocol speaks it: for v1,
// without the members v2 added. m itself is not changed.
func EncodeFor(subprotocol string, m Message) ([]byte, error) {
	if subprotocol == SubprotocolV1 {
		if IsV2Type(m.MessageType()) {
			return nil, fmt.Errorf("ctiproto: %s is a deskline.v2 message: not for a v1 connection", m.MessageType())
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
	case *Event:
		if m.Queue == nil && m.Capabilities == nil && m.Slot == "" {
			return m
		}
		c := *m
		c.Queue, c.Capabilities, c.Slot = nil, nil, ""
		return &c
	case *Welcome:
		devices, calls, changed := v1Lists(m.Devices, m.Calls)
		caps, dropped := v1Capabilities(m.Capabilities)
		if changed || dropped || m.Parked != nil {
			c := *m
			c.Devices, c.Calls, c.Capabilities, c.Parked = devices, calls, caps, nil
			return &c
		}
	case *Result:
		if devices, calls, changed := v1Lists(m.Devices, m.Calls); changed || m.Slot != "" || m.Parked != nil {
			c := *m
			c.Devices, c.Calls, c.Slot, c.Parked = devices, calls, "", nil
			return &c
		}
	}
	return m
}

// v1Capabilities is caps without the services v2 added (a strict v1
// client refuses an unknown value), and whether any was left out.
func v1Capabilities(caps []string) ([]string, bool) {
	if !slices.ContainsFunc(caps, func(s string) bool { return !v1Services[s] }) {
		return caps, false
	}
	out := make([]string, 0, len(caps))
	for _, s := range caps {
		if v1Services[s] {
			out = append(out, s)
		}
	}
	return out, true
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
