package ctiproto

import (
	"encoding/json"
	"fmt"
)

// presenceListSlack is room left in every frame EncodeSplit makes, on top
// of what it counts: the digits of a part number, a comma, rounding.
const presenceListSlack = 256

// EncodeSplit encodes m, a welcome or a result, as the version
// subprotocol speaks it, in frames of at most max bytes each where its
// presence list makes it bigger (PROTOCOL.md section 15, "Lists that do
// not fit in a frame"): the first frame is m with as much of the list as
// fits and presence_parts set, each following one a PresenceList with
// the next part, all as of m's seq. A message that fits, or that has no
// presence list (v1 never has one), is one frame, as Encode makes it.
// m itself is not changed.
func EncodeSplit(subprotocol string, m Message, max int) ([][]byte, error) {
	frame, err := EncodeFor(subprotocol, m)
	if err != nil || len(frame) <= max || subprotocol == SubprotocolV1 {
		return [][]byte{frame}, err
	}
	var list []Presence
	var seq uint64
	var head func(part []Presence, parts int) Message
	switch m := m.(type) {
	case *Welcome:
		list, seq = m.Presence, m.Seq
		head = func(part []Presence, parts int) Message {
			c := *m
			c.Presence, c.PresenceParts = part, parts
			return &c
		}
	case *Result:
		if m.Seq == nil {
			return [][]byte{frame}, nil
		}
		list, seq = m.Presence, *m.Seq
		head = func(part []Presence, parts int) Message {
			c := *m
			c.Presence, c.PresenceParts = part, parts
			return &c
		}
	}
	if len(list) == 0 {
		return [][]byte{frame}, nil // too big for other reasons: not ours to split
	}
	sizes := make([]int, len(list))
	for i := range list {
		b, err := json.Marshal(&list[i]) // escapes more than Encode: never shorter
		if err != nil {
			return nil, fmt.Errorf("ctiproto: encode presence: %w", err)
		}
		sizes[i] = len(b) + 1 // and a comma
	}
	// The head's room: the message without the list, plus the list's member.
	bare, err := EncodeFor(subprotocol, head(nil, 1<<30))
	if err != nil {
		return nil, err
	}
	room := max - presenceListSlack - len(bare) - len(`,"presence":[]`)
	cut := fill(sizes, 0, room)
	var parts [][]Presence
	partRoom := max - presenceListSlack - len(fmt.Sprintf(`{"type":%q,"seq":%d,"part":%d,"presence":[]}`, TypePresenceList, seq, 1<<30))
	for i := cut; i < len(list); {
		j := fill(sizes, i, partRoom)
		if j == i {
			return nil, fmt.Errorf("ctiproto: encode: presence of %q does not fit in a frame", list[i].Device)
		}
		parts = append(parts, list[i:j])
		i = j
	}
	frames := make([][]byte, 0, 1+len(parts))
	var first []Presence
	if cut > 0 {
		first = list[:cut]
	}
	f, err := EncodeFor(subprotocol, head(first, len(parts)))
	if err != nil {
		return nil, err
	}
	frames = append(frames, f)
	for i, p := range parts {
		f, err := EncodeFor(subprotocol, &PresenceList{Seq: seq, Part: i + 1, Presence: p})
		if err != nil {
			return nil, err
		}
		frames = append(frames, f)
	}
	for _, f := range frames {
		if len(f) > max {
			return nil, fmt.Errorf("ctiproto: encode: a presence frame of %d bytes, max %d", len(f), max)
		}
	}
	return frames, nil
}

// fill is the end of the longest run of sizes from i whose sum fits room.
func fill(sizes []int, i, room int) int {
	for ; i < len(sizes) && sizes[i] <= room; i++ {
		room -= sizes[i]
	}
	return i
}
