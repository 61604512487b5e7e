package server

import (
	"testing"

	"github.com/deskline/deskline/ctiproto"
)

// An outside caller rings ann's desk phone; ann answers from the app; the
// caller hangs up. Both of ann's sessions see every step.
func TestIncomingCallAnsweredThenRemoteHangup(t *testing.T) {
	e := newEnv(t)
	a1, a2 := e.login("ann"), e.login("ann")
	call := e.ring("201", "+49 30 1234567", "Jane Doe")

	for _, c := range []*client{a1, a2} {
		ev := c.expectEvent(ctiproto.EventDelivered, "201")
		if ev.Call != call || ev.State != "alerting" || ev.Direction != "incoming" ||
			ev.Other == nil || ev.Other.Number != "+49301234567" || ev.Other.Name != "Jane Doe" || ev.Time.IsZero() {
			t.Fatalf("delivered = %+v", ev)
		}
	}
	a1.do(&ctiproto.CallCommand{Type: ctiproto.TypeAnswer, ID: "ans", Call: call, Device: "201"})
	if ev := a2.expectEvent(ctiproto.EventEstablished, "201"); ev.AnsweredBy != "201" {
		t.Fatalf("answered_by = %q", ev.AnsweredBy)
	}
	e.simAPI("/v1/sim/hangup", map[string]string{"call": call}, nil)
	for _, c := range []*client{a1, a2} {
		ev := waitEvent(t, c, ctiproto.EventCleared, "201")
		if ev.Cause != "normal" {
			t.Errorf("cleared cause = %q, want normal", ev.Cause)
		}
	}
}

// waitEvent skips events until one of typ at device.
func waitEvent(t *testing.T, c *client, typ, device string) *ctiproto.Event {
	t.Helper()
	for i := 0; i < 50; i++ {
		switch m := c.next().(type) {
		case *ctiproto.Event:
			if m.Type == typ && m.Device == device {
				return m
			}
		}
	}
	t.Fatalf("no %s at %s", typ, device)
	return nil
}

func TestRejectAndDeflect(t *testing.T) {
	e := newEnv(t)
	ann, bob := e.login("ann"), e.login("bob")
	call := e.ring("201", "+4989555", "")
	ann.expectEvent(ctiproto.EventDelivered, "201")
	ann.do(&ctiproto.Redirect{Type: ctiproto.TypeDeflect, ID: "d", Call: call, Device: "201", To: "203"})
	ev := waitEvent(t, ann, ctiproto.EventDiverted, "201")
	if ev.To != "203" || ev.Cause != "deflected" {
		t.Fatalf("diverted = %+v", ev)
	}
	got := bob.expectEvent(ctiproto.EventDelivered, "203")
	if got.Other == nil || got.Other.Number != "+4989555" {
		t.Fatalf("bob sees caller %+v", got.Other)
	}
	bob.do(&ctiproto.CallCommand{Type: ctiproto.TypeClear, ID: "rej", Call: call, Device: "203"})
	if ev := waitEvent(t, bob, ctiproto.EventCleared, "203"); ev.Cause != "rejected" {
		t.Fatalf("cleared cause = %q, want rejected", ev.Cause)
	}
}

func TestHoldRetrieveTransfer(t *testing.T) {
	e := newEnv(t)
	ann, bob := e.login("ann"), e.login("bob")
	call := e.ring("201", "+4930777", "Max")
	ann.expectEvent(ctiproto.EventDelivered, "201")
	ann.do(&ctiproto.CallCommand{Type: ctiproto.TypeAnswer, ID: "a", Call: call, Device: "201"})
	waitEvent(t, ann, ctiproto.EventEstablished, "201")
	ann.do(&ctiproto.CallCommand{Type: ctiproto.TypeHold, ID: "h", Call: call, Device: "201"})
	if ev := waitEvent(t, ann, ctiproto.EventHeld, "201"); ev.State != "held" {
		t.Fatalf("held state %q", ev.State)
	}
	ann.do(&ctiproto.CallCommand{Type: ctiproto.TypeRetrieve, ID: "r", Call: call, Device: "201"})
	waitEvent(t, ann, ctiproto.EventRetrieved, "201")
	ann.do(&ctiproto.Redirect{Type: ctiproto.TypeTransfer, ID: "t", Call: call, Device: "201", To: "203"})
	tr := waitEvent(t, ann, ctiproto.EventTransferred, "201")
	if tr.To != "203" {
		t.Fatalf("transferred to %q", tr.To)
	}
	if ev := waitEvent(t, ann, ctiproto.EventCleared, "201"); ev.Cause != "transferred" {
		t.Fatalf("cleared cause %q", ev.Cause)
	}
	d := bob.expectEvent(ctiproto.EventDelivered, "203")
	if d.Other == nil || d.Other.Number != "+4930777" {
		t.Fatalf("bob's delivered other = %+v", d.Other)
	}
	// The snapshot agrees: ann has no call, bob has one ringing.
	if res, _ := ann.do(&ctiproto.Simple{Type: ctiproto.TypeSnapshot, ID: "s"}); len(res.Calls) != 0 {
		t.Fatalf("ann's snapshot still has calls: %+v", res.Calls)
	}
	res, _ := bob.do(&ctiproto.Simple{Type: ctiproto.TypeSnapshot, ID: "s"})
	if len(res.Calls) != 1 || res.Calls[0].State != "alerting" || *res.Seq != bob.seq {
		t.Fatalf("bob's snapshot = %+v seq %d (client at %d)", res.Calls, *res.Seq, bob.seq)
	}
}

// Click-to-dial: ann's own phone rings first; when she picks up, bob's
// phone rings; bob answers; both see established.
func TestClickToDialInternal(t *testing.T) {
	e := newEnv(t)
	ann, bob := e.login("ann"), e.login("bob")
	res, _ := ann.do(&ctiproto.MakeCall{ID: "mc", Device: "201", To: "203"})
	if res.Call == "" {
		t.Fatal("make-call result has no call id")
	}
	ev := waitEvent(t, ann, ctiproto.EventInitiated, "201")
	if ev.Call != res.Call || ev.Other == nil || ev.Other.Number != "203" {
		t.Fatalf("initiated = %+v", ev)
	}
	ann.do(&ctiproto.CallCommand{Type: ctiproto.TypeAnswer, ID: "pick", Call: res.Call, Device: "201"})
	waitEvent(t, ann, ctiproto.EventOriginated, "201")
	bob.expectEvent(ctiproto.EventDelivered, "203")
	bob.do(&ctiproto.CallCommand{Type: ctiproto.TypeAnswer, ID: "a", Call: res.Call, Device: "203"})
	if ev := waitEvent(t, ann, ctiproto.EventEstablished, "201"); ev.AnsweredBy != "203" {
		t.Fatalf("answered_by = %q", ev.AnsweredBy)
	}
	ann.do(&ctiproto.CallCommand{Type: ctiproto.TypeClear, ID: "c", Call: res.Call, Device: "201"})
	waitEvent(t, ann, ctiproto.EventCleared, "201")
	waitEvent(t, bob, ctiproto.EventCleared, "203")
}

// A call to group 600 rings ann's 201 and bob's 203; bob answers; ann's
// popup must go away with cause picked-up-elsewhere, exactly once.
func TestPickedUpElsewhere(t *testing.T) {
	e := newEnv(t)
	ann, bob := e.login("ann"), e.login("bob")
	call := e.ring("600", "+4940111", "")
	ann.expectEvent(ctiproto.EventDelivered, "201")
	bob.expectEvent(ctiproto.EventDelivered, "203")
	bob.do(&ctiproto.CallCommand{Type: ctiproto.TypeAnswer, ID: "a", Call: call, Device: "203"})
	ev := ann.expectEvent(ctiproto.EventCleared, "201")
	if ev.Cause != "picked-up-elsewhere" {
		t.Fatalf("cause = %q", ev.Cause)
	}
	// Nothing more for ann: no duplicate clear.
	ann.send(&ctiproto.Simple{Type: ctiproto.TypePing, ID: "p"})
	if m := ann.next(); m.MessageType() != ctiproto.TypeResult {
		t.Fatalf("after the clear ann got %s", dump(m))
	}
}

func TestDoNotDisturbAndForwarding(t *testing.T) {
	e := newEnv(t)
	ann := e.login("ann")
	ann.do(&ctiproto.SetDND{ID: "dnd", Device: "201", On: true})
	ev := waitEvent(t, ann, ctiproto.EventDeviceState, "201")
	if ev.DND == nil || !*ev.DND {
		t.Fatalf("device-state = %+v", ev)
	}
	ann.do(&ctiproto.SetForwarding{ID: "fw", Device: "202", To: "203"})
	ev = waitEvent(t, ann, ctiproto.EventDeviceState, "202")
	if ev.ForwardTo == nil || *ev.ForwardTo != "203" {
		t.Fatalf("device-state = %+v", ev)
	}
	res, _ := ann.do(&ctiproto.Simple{Type: ctiproto.TypeSnapshot, ID: "s"})
	if len(res.Devices) != 2 || !res.Devices[0].DND || res.Devices[1].ForwardTo != "203" {
		t.Fatalf("snapshot devices = %+v", res.Devices)
	}
}
