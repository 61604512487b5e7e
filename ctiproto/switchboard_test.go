package ctiproto

import (
	"strings"
	"testing"
)

// A v1 connection never sees the switchboard: no v2 type, no v2 value of
// capabilities, no parked list.
func TestSwitchboardIsV2Only(t *testing.T) {
	w := &Welcome{ID: "1", User: "anna", Session: "s", Epoch: "e", Devices: []Device{}, Calls: []Call{},
		Capabilities: []string{TypeMakeCall, TypePickup, TypeConsult, TypeHold, TypePark, TypeUnpark},
		Parked:       []Parked{{Slot: "701", Call: "c-1", Other: *jane, ParkedBy: "201", Since: t1}}}
	b, err := EncodeFor(SubprotocolV1, w)
	if err != nil {
		t.Fatal(err)
	}
	if s := string(b); !strings.Contains(s, `"capabilities":["make-call","hold"]`) || strings.Contains(s, "parked") {
		t.Errorf("v1 welcome: %s", b)
	}
	if !HasV2Members(w) || len(w.Capabilities) != 6 {
		t.Errorf("the welcome itself changed, or HasV2Members missed it: %+v", w)
	}
	ev := &Event{Type: EventParked, Seq: 1, Time: t1, Call: "c-1", Device: "201", Slot: "701"}
	if _, err := EncodeFor(SubprotocolV1, ev); err == nil || !HasV2Members(ev) {
		t.Errorf("parked encoded for v1: %v", err)
	}
	if _, err := EncodeFor(SubprotocolV2, ev); err != nil {
		t.Error(err)
	}
}

// CallState follows parked calls, so the server's snapshot and a
// client's state agree; a repeated report is not news.
func TestCallStateParked(t *testing.T) {
	cs := NewCallState(nil, nil)
	park := &Event{Type: EventParked, Seq: 1, Time: t1, Call: "c-1", Device: "201", Slot: "701", Other: jane}
	if !cs.Changes(park) {
		t.Fatal("parked is not news")
	}
	cs.Apply(park)
	if cs.Changes(park) {
		t.Error("the same parked twice is news")
	}
	ps := cs.ParkedCalls()
	if len(ps) != 1 || ps[0].Slot != "701" || ps[0].ParkedBy != "201" || ps[0].Other != *jane || !ps[0].Since.Equal(t1) {
		t.Fatalf("parked = %+v", ps)
	}
	other := &Event{Type: EventUnparked, Seq: 2, Time: t1, Call: "c-9", Device: "201", Slot: "701"}
	if cs.Changes(other) {
		t.Error("unparked of another call is news")
	}
	un := &Event{Type: EventUnparked, Seq: 2, Time: t1, Call: "c-1", Device: "201", Slot: "701", By: "203"}
	if !cs.Changes(un) {
		t.Fatal("unparked is not news")
	}
	cs.Apply(un)
	if len(cs.ParkedCalls()) != 0 || cs.Changes(un) {
		t.Fatalf("still parked: %+v", cs.ParkedCalls())
	}
}
