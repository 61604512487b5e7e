package ctiproto

import (
	"bytes"
	"fmt"
	"strconv"
)

// EventTemplate is an event encoded once for many users, each of whom
// numbers it in their own sequence: Frame writes it with one user's seq by
// copying the bytes around the number, without encoding it again. A
// presence change fans out to every watcher of the device this way.
type EventTemplate struct {
	head []byte // up to and including `"seq":`
	tail []byte // from the byte after the seq's digits
}

// seqMark is the seq an event is encoded with to make a template: one
// digit, so the bytes around it are found exactly.
const seqMark = 1

// NewEventTemplate encodes ev (its Seq is ignored) as a template.
func NewEventTemplate(ev *Event) (*EventTemplate, error) {
	c := *ev
	c.Seq = seqMark
	b, err := Encode(&c)
	if err != nil {
		return nil, err
	}
	head := []byte(`{"type":` + strconv.Quote(ev.Type) + `,"seq":`)
	if !bytes.HasPrefix(b, head) || len(b) < len(head)+2 || b[len(head)] != '0'+seqMark || b[len(head)+1] != ',' {
		return nil, fmt.Errorf("ctiproto: template of %s: encoding does not start with its type and seq", ev.Type)
	}
	return &EventTemplate{head: b[:len(head)], tail: b[len(head)+1:]}, nil
}

// Frame is the event as the user whose sequence gave it seq gets it.
func (t *EventTemplate) Frame(seq uint64) []byte {
	b := make([]byte, 0, len(t.head)+20+len(t.tail))
	b = append(b, t.head...)
	b = strconv.AppendUint(b, seq, 10)
	return append(b, t.tail...)
}
