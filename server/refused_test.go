package server

import (
	"testing"

	"github.com/deskline/deskline/ctiproto"
)

// A call that reaches a device but does not ring there, because the
// device forwards unconditionally or has do-not-disturb on, is still
// reported to the device's user with diverted and its cause, so a missed
// calls list is complete (issue 12 item 19).

func TestForwardedCallIsReported(t *testing.T) {
	e := newEnv(t)
	ann, bob := e.login("ann"), e.login("bob")
	ann.do(&ctiproto.SetForwarding{ID: "fw", Device: "201", To: "203"})
	waitEvent(t, ann, ctiproto.EventDeviceState, "201")
	call := e.ring("201", "+4930555", "Eve Example")
	ev := ann.expectEvent(ctiproto.EventDiverted, "201")
	if ev.Call != call || ev.Cause != ctiproto.CauseForwarded || ev.To != "203" || ev.State != ctiproto.StateCleared {
		t.Fatalf("diverted %+v", ev)
	}
	expectCaller(t, ev, "+4930555", "Eve Example")
	bob.expectEvent(ctiproto.EventDelivered, "203")
}

func TestDoNotDisturbCallIsReported(t *testing.T) {
	e := newEnv(t)
	bob := e.login("bob")
	bob.do(&ctiproto.SetDND{ID: "dnd", Device: "203", On: true})
	waitEvent(t, bob, ctiproto.EventDeviceState, "203")
	call := e.ring("203", "+4930556", "Eve Example")
	ev := bob.expectEvent(ctiproto.EventDiverted, "203")
	if ev.Call != call || ev.Cause != ctiproto.CauseDoNotDisturb || ev.To != "" || ev.State != ctiproto.StateCleared {
		t.Fatalf("diverted %+v", ev)
	}
	expectCaller(t, ev, "+4930556", "Eve Example")
	res, _ := bob.do(&ctiproto.Simple{Type: ctiproto.TypeSnapshot, ID: "s"})
	if len(res.Calls) != 0 {
		t.Fatalf("a refused call left a connection: %+v", res.Calls)
	}
}
