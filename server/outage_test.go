package server

import (
	"testing"

	"github.com/deskline/deskline/ctiproto"
)

// The exchange goes away: every user is told at once, commands fail with
// exchange-unavailable, a welcome says so. When it comes back after a
// restart that lost the calls, the ringing call is cleared on the desktop
// (no ghost popup) with cause exchange-restarted.
func TestExchangeOutageAndRestart(t *testing.T) {
	e := newEnv(t)
	ann, bob := e.login("ann"), e.login("bob")
	call := e.ring("201", "+4930100", "")
	ann.expectEvent(ctiproto.EventDelivered, "201")

	e.sim.Outage("PBX restarting", true)
	for _, c := range []*client{ann, bob} {
		ev := c.expectEvent(ctiproto.EventExchangeState, "")
		if ev.Available == nil || *ev.Available || ev.Reason != "PBX restarting" {
			t.Fatalf("exchange-state %+v", ev)
		}
	}
	ann.send(&ctiproto.MakeCall{ID: "m", Device: "201", To: "203"})
	if got := ann.expectError(ctiproto.CodeExchangeUnavailable); got.ID != "m" {
		t.Fatalf("error %+v", got)
	}
	late := e.login("bob")
	if late.welcome.Exchange.Available || late.welcome.Exchange.Reason != "PBX restarting" {
		t.Fatalf("welcome exchange %+v", late.welcome.Exchange)
	}

	e.sim.Restore()
	if ev := ann.expectEvent(ctiproto.EventExchangeState, ""); ev.Available == nil || !*ev.Available {
		t.Fatalf("exchange-state %+v", ev)
	}
	ev := ann.expectEvent(ctiproto.EventCleared, "201")
	if ev.Call != call || ev.Cause != "exchange-restarted" {
		t.Fatalf("ghost call not cleared: %+v", ev)
	}
	res, _ := ann.do(&ctiproto.Simple{Type: ctiproto.TypeSnapshot, ID: "s"})
	if len(res.Calls) != 0 {
		t.Fatalf("snapshot after restart %+v", res.Calls)
	}
	// Services work again.
	ann.do(&ctiproto.MakeCall{ID: "m2", Device: "201", To: "203"})
}

// An outage without loss changes nothing on the desktops but the status.
func TestExchangeOutageKeepsCalls(t *testing.T) {
	e := newEnv(t)
	ann := e.login("ann")
	e.ring("201", "+4930100", "")
	ann.expectEvent(ctiproto.EventDelivered, "201")
	e.sim.Outage("link flap", false)
	ann.expectEvent(ctiproto.EventExchangeState, "")
	e.sim.Restore()
	ann.expectEvent(ctiproto.EventExchangeState, "")
	res, evs := ann.do(&ctiproto.Simple{Type: ctiproto.TypeSnapshot, ID: "s"})
	if len(evs) != 0 || len(res.Calls) != 1 || res.Calls[0].State != "alerting" {
		t.Fatalf("after a lossless outage: events %d calls %+v", len(evs), res.Calls)
	}
}

// Events the exchange emits right after it returns are both in the
// reconciliation snapshot and in the event stream: the desktop must see
// the ringing call once, not twice.
func TestNoDuplicateAfterReconcile(t *testing.T) {
	e := newEnv(t)
	ann := e.login("ann")
	e.sim.Outage("flap", true)
	ann.expectEvent(ctiproto.EventExchangeState, "")
	e.sim.Restore()
	call := e.ring("201", "+4930100", "")
	ann.expectEvent(ctiproto.EventExchangeState, "")
	if ev := ann.expectEvent(ctiproto.EventDelivered, "201"); ev.Call != call {
		t.Fatalf("delivered %+v", ev)
	}
	e.simAPI("/v1/sim/hangup", map[string]string{"call": call}, nil)
	if ev := ann.expectEvent(ctiproto.EventCleared, "201"); ev.Cause != "normal" {
		t.Fatalf("after the delivered: %+v", ev)
	}
}
