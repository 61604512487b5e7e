package server

import (
	"testing"

	"github.com/deskline/deskline/ctiproto"
)

// Events the server makes itself carry direction and other like the
// exchange's own (issue 12 item 18), so a journal written from the last
// event keeps the caller.

// expectCaller fails unless ev names the incoming caller number.
func expectCaller(t *testing.T, ev *ctiproto.Event, number, name string) {
	t.Helper()
	if ev.Direction != ctiproto.DirectionIncoming || ev.Other == nil || ev.Other.Number != number || ev.Other.Name != name {
		t.Fatalf("%s with cause %s: direction %q other %+v, want incoming from %s %q",
			ev.Type, ev.Cause, ev.Direction, ev.Other, number, name)
	}
}

func TestPickedUpElsewhereNamesTheCaller(t *testing.T) {
	e := newEnv(t)
	ann, bob := e.login("ann"), e.login("bob")
	call := e.ring("600", "+4940111", "Max Muster")
	ann.expectEvent(ctiproto.EventDelivered, "201")
	bob.expectEvent(ctiproto.EventDelivered, "203")
	bob.do(&ctiproto.CallCommand{Type: ctiproto.TypeAnswer, ID: "a", Call: call, Device: "203"})
	ev := ann.expectEvent(ctiproto.EventCleared, "201")
	if ev.Cause != ctiproto.CausePickedUpElsewhere {
		t.Fatalf("cause = %q", ev.Cause)
	}
	expectCaller(t, ev, "+4940111", "Max Muster")
}

func TestExchangeRestartedClearNamesTheCaller(t *testing.T) {
	e := newEnv(t)
	ann := e.login("ann")
	e.ring("201", "+4930100", "Jane Doe")
	ann.expectEvent(ctiproto.EventDelivered, "201")
	e.sim.Outage("PBX restarting", true)
	ann.expectEvent(ctiproto.EventExchangeState, "")
	e.sim.Restore()
	ann.expectEvent(ctiproto.EventExchangeState, "")
	ev := ann.expectEvent(ctiproto.EventCleared, "201")
	if ev.Cause != ctiproto.CauseExchangeRestarted {
		t.Fatalf("cause = %q", ev.Cause)
	}
	expectCaller(t, ev, "+4930100", "Jane Doe")
}
