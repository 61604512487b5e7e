package server

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/deskline/deskline/ctiproto"
	"github.com/deskline/deskline/pbx/sim"
	"github.com/deskline/deskline/server/config"
	"github.com/gorilla/websocket"
)

// The switchboard on a real server, real WebSockets and the simulated
// exchange. ann owns 201 and 202, so she may act on both (a user may act
// on her own devices and those her watch groups let her watch:
// hub.mayActOn); bob owns 203, carl 204.

// expectTypes reads events until it has seen one of each wanted
// "type@device" in that order, skipping others; it returns them.
func expectTypes(t *testing.T, c *client, want ...string) []*ctiproto.Event {
	t.Helper()
	var out []*ctiproto.Event
	for _, w := range want {
		typ, dev, _ := strings.Cut(w, "@")
		out = append(out, waitEvent(t, c, typ, dev))
	}
	return out
}

// ann takes a call ringing at her desk phone to her softphone. The pop at
// the softphone names the caller before (delivered) and after
// (established); the desk phone's ringing is withdrawn.
func TestPickupOverTheWire(t *testing.T) {
	e := newEnv(t)
	ann := e.login("ann")
	if !slices.Contains(ann.welcome.Capabilities, ctiproto.TypePickup) {
		t.Fatalf("capabilities %v lack pickup", ann.welcome.Capabilities)
	}
	call := e.ring("201", "+49 30 1234567", "Jane Doe")
	ann.expectEvent(ctiproto.EventDelivered, "201")
	res, _ := ann.do(&ctiproto.Pickup{ID: "p", Device: "202", From: "201"})
	if res.Call != call {
		t.Fatalf("pickup result call %q, want %q", res.Call, call)
	}
	evs := expectTypes(t, ann, "delivered@202", "established@202", "cleared@201")
	for _, ev := range evs[:2] {
		if ev.Call != call || ev.Other == nil || ev.Other.Name != "Jane Doe" {
			t.Fatalf("picker's %s: %s", ev.Type, dump(ev))
		}
	}
	if evs[2].Cause != ctiproto.CausePickedUpElsewhere {
		t.Fatalf("201's ringing ended with %q", evs[2].Cause)
	}
}

// The reception (a watch group over every device) takes a call ringing
// at a colleague's phone, and a call a colleague parked; a colleague
// outside the group may do neither. The note set before the pickup comes
// with the call.
func TestPickupByAWatcher(t *testing.T) {
	e := newEnv(t, withWatch(config.WatchGroup{Name: "reception", Users: []string{"ann"}, Devices: []string{"*"}, ShowParties: true}),
		withSim(func(c *sim.Config) { c.ParkSlots = []string{"701"} }))
	ann, bob, carl := e.login("ann"), e.login("bob"), e.login("carl")
	call := e.ring("203", "+49 30 1234567", "Jane Doe")
	bob.expectEvent(ctiproto.EventDelivered, "203")
	bob.do(&ctiproto.SetNote{ID: "n", Call: call, Device: "203", Note: "for the reception"})
	carl.send(&ctiproto.Pickup{ID: "p", Device: "204", From: "203"})
	if err := carl.expectError(ctiproto.CodeForbidden); err.Field != "from" {
		t.Errorf("carl's pickup refused with %s", dump(err))
	}
	res, _ := ann.do(&ctiproto.Pickup{ID: "p", Device: "201", From: "203"})
	if res.Call != call {
		t.Fatalf("pickup result call %q, want %q", res.Call, call)
	}
	d := waitEvent(t, ann, ctiproto.EventDelivered, "201")
	if d.Other == nil || d.Other.Name != "Jane Doe" || d.Note != "for the reception" {
		t.Fatalf("the reception's pop: %s", dump(d))
	}
	if ev := waitEvent(t, bob, ctiproto.EventCleared, "203"); ev.Cause != ctiproto.CausePickedUpElsewhere {
		t.Fatalf("bob's ringing ended with %s", dump(ev))
	}
}

// bob may not take ann's calls: forbidden, and the call rings on at 201.
// A call answered meanwhile cannot be picked up; nothing is lost.
func TestPickupRefusedOverTheWire(t *testing.T) {
	e := newEnv(t)
	ann, bob := e.login("ann"), e.login("bob")
	call := e.ring("201", "+49 30 1234567", "Jane Doe")
	ann.expectEvent(ctiproto.EventDelivered, "201")

	bob.send(&ctiproto.Pickup{ID: "p", Device: "203", From: "201", Call: call})
	if err := bob.expectError(ctiproto.CodeForbidden); err.Field != "from" {
		t.Fatalf("forbidden field %q", err.Field)
	}
	bob.send(&ctiproto.Pickup{ID: "p2", Device: "201", From: "203"})
	if err := bob.expectError(ctiproto.CodeForbidden); err.Field != "device" {
		t.Fatalf("forbidden field %q", err.Field)
	}
	ann.do(&ctiproto.CallCommand{Type: ctiproto.TypeAnswer, ID: "a", Call: call, Device: "201"})
	ann.expectEvent(ctiproto.EventEstablished, "201")
	ann.send(&ctiproto.Pickup{ID: "p3", Device: "202", From: "201", Call: call})
	if err := ann.expectError(ctiproto.CodeInvalidState); !strings.Contains(err.Message, "no longer rings") {
		t.Fatalf("message %q", err.Message)
	}
	ann.send(&ctiproto.Pickup{ID: "p4", Device: "202", From: "201"})
	if err := ann.expectError(ctiproto.CodeNotFound); err.Field != "call" {
		t.Fatalf("not-found field %q", err.Field)
	}
	// The call is still ann's, connected.
	res, _ := ann.do(&ctiproto.Simple{Type: ctiproto.TypeSnapshot, ID: "s"})
	if len(res.Calls) != 1 || res.Calls[0].State != ctiproto.StateConnected || res.Calls[0].Device != "201" {
		t.Fatalf("snapshot calls %+v", res.Calls)
	}
}

// A desk speaking deskline.v1 is offered none of the switchboard and
// cannot use it.
func TestSwitchboardNotForV1(t *testing.T) {
	e := newEnv(t, withSim(func(c *sim.Config) { c.ParkSlots = []string{"701"} }))
	old := e.dialVersion(ctiproto.SubprotocolV1)
	w := old.hello(&ctiproto.Hello{ID: "h", User: "ann", Password: "secret"})
	for _, c := range w.Capabilities {
		if ctiproto.IsV2Type(c) {
			t.Errorf("v1 welcome offers %s", c)
		}
	}
	b, _ := ctiproto.Encode(&ctiproto.Pickup{ID: "p", Device: "202", From: "201"})
	old.conn.WriteMessage(websocket.TextMessage, b)
	if err, ok := old.next().(*ctiproto.Error); !ok || err.Code != ctiproto.CodeUnknownType {
		t.Fatalf("v1 pickup: %s", dump(err))
	}
}

// answered has Jane call 201 and ann answer; it returns the call.
func answered(t *testing.T, e *testEnv, ann *client) string {
	t.Helper()
	call := e.ring("201", "+49 30 1234567", "Jane Doe")
	ann.expectEvent(ctiproto.EventDelivered, "201")
	ann.do(&ctiproto.CallCommand{Type: ctiproto.TypeAnswer, ID: "a", Call: call, Device: "201"})
	ann.expectEvent(ctiproto.EventEstablished, "201")
	return call
}

// ann announces Jane to bob, then hands her over: bob's desk is told he
// now talks to Jane, in Jane's call.
func TestConsultCompleteOverTheWire(t *testing.T) {
	e := newEnv(t)
	ann, bob := e.login("ann"), e.login("bob")
	held := answered(t, e, ann)
	res, _ := ann.do(&ctiproto.Redirect{Type: ctiproto.TypeConsult, ID: "k", Call: held, Device: "201", To: "203"})
	cons := res.Call
	if cons == "" || cons == held {
		t.Fatalf("consult result call %q", cons)
	}
	expectTypes(t, ann, "held@201", "originated@201")
	if ev := bob.expectEvent(ctiproto.EventDelivered, "203"); ev.Call != cons || ev.Other.Number != "201" {
		t.Fatalf("bob's pop: %s", dump(ev))
	}
	// Completing before bob answers is refused; the consultation goes on.
	ann.send(&ctiproto.CallCommand{Type: ctiproto.TypeConsultComplete, ID: "c0", Call: cons, Device: "201"})
	ann.expectError(ctiproto.CodeInvalidState)
	bob.do(&ctiproto.CallCommand{Type: ctiproto.TypeAnswer, ID: "a", Call: cons, Device: "203"})
	ann.do(&ctiproto.CallCommand{Type: ctiproto.TypeConsultComplete, ID: "c", Call: held, Device: "201"})
	ev := waitEvent(t, bob, ctiproto.EventTransferred, "203")
	if ev.Call != cons || ev.NewCall != held || ev.Other == nil || ev.Other.Name != "Jane Doe" || ev.State != ctiproto.StateConnected {
		t.Fatalf("bob's transferred: %s", dump(ev))
	}
	for _, want := range []string{held, cons} {
		if ev := waitEvent(t, ann, ctiproto.EventCleared, "201"); ev.Call != want || ev.Cause != ctiproto.CauseTransferred {
			t.Fatalf("ann's cleared: %s", dump(ev))
		}
	}
	res, _ = bob.do(&ctiproto.Simple{Type: ctiproto.TypeSnapshot, ID: "s"})
	if len(res.Calls) != 1 || res.Calls[0].Call != held || res.Calls[0].Other.Name != "Jane Doe" {
		t.Fatalf("bob's calls after the transfer: %+v", res.Calls)
	}
}

// Swap, cancel; a busy target; someone else's call; complete after the
// caller hung up: clear errors, no call lost.
func TestConsultCancelAndRefusals(t *testing.T) {
	e := newEnv(t)
	ann, bob := e.login("ann"), e.login("bob")
	if err := e.sim.SetBehaviour("204", sim.Behaviour{Busy: true}); err != nil {
		t.Fatal(err)
	}
	held := answered(t, e, ann)
	ann.send(&ctiproto.Redirect{Type: ctiproto.TypeConsult, ID: "k0", Call: held, Device: "201", To: "204"})
	ann.expectError(ctiproto.CodeBusy)
	bob.send(&ctiproto.Redirect{Type: ctiproto.TypeConsult, ID: "k1", Call: held, Device: "201", To: "203"})
	if err := bob.expectError(ctiproto.CodeForbidden); err.Field != "device" {
		t.Fatalf("field %q", err.Field)
	}
	bob.send(&ctiproto.CallCommand{Type: ctiproto.TypeConsultCancel, ID: "k2", Call: held, Device: "203"})
	bob.expectError(ctiproto.CodeNotFound)

	res, _ := ann.do(&ctiproto.Redirect{Type: ctiproto.TypeConsult, ID: "k", Call: held, Device: "201", To: "203"})
	cons := res.Call
	bob.expectEvent(ctiproto.EventDelivered, "203")
	bob.do(&ctiproto.CallCommand{Type: ctiproto.TypeAnswer, ID: "a", Call: cons, Device: "203"})
	ann.do(&ctiproto.CallCommand{Type: ctiproto.TypeConsultSwap, ID: "sw", Call: cons, Device: "201"})
	expectTypes(t, ann, "held@201", "retrieved@201")
	ann.do(&ctiproto.CallCommand{Type: ctiproto.TypeConsultCancel, ID: "x", Call: cons, Device: "201"})
	if ev := waitEvent(t, bob, ctiproto.EventCleared, "203"); ev.Call != cons {
		t.Fatalf("bob: %s", dump(ev))
	}
	// After the swap ann talked with Jane already: nothing to retrieve.
	if ev := waitEvent(t, ann, ctiproto.EventCleared, "201"); ev.Call != cons {
		t.Fatalf("ann: %s", dump(ev))
	}
	// Consult again; Jane hangs up; completing is refused and ann still
	// talks with bob.
	res, _ = ann.do(&ctiproto.Redirect{Type: ctiproto.TypeConsult, ID: "k3", Call: held, Device: "201", To: "203"})
	cons = res.Call
	waitEvent(t, bob, ctiproto.EventDelivered, "203")
	bob.do(&ctiproto.CallCommand{Type: ctiproto.TypeAnswer, ID: "a2", Call: cons, Device: "203"})
	e.simAPI("/v1/sim/hangup", map[string]string{"call": held}, nil)
	if ev := waitEvent(t, ann, ctiproto.EventCleared, "201"); ev.Call != held {
		t.Fatalf("ann: %s", dump(ev))
	}
	ann.send(&ctiproto.CallCommand{Type: ctiproto.TypeConsultComplete, ID: "c", Call: cons, Device: "201"})
	if err := ann.expectError(ctiproto.CodeInvalidState); !strings.Contains(err.Message, "hung up") {
		t.Fatalf("message %q", err.Message)
	}
	res, _ = bob.do(&ctiproto.Simple{Type: ctiproto.TypeSnapshot, ID: "s"})
	if len(res.Calls) != 1 || res.Calls[0].Call != cons || res.Calls[0].State != ctiproto.StateConnected {
		t.Fatalf("bob's calls: %+v", res.Calls)
	}
}

// The consulted colleague does not answer within the configured time:
// the consultation ends and Jane is retrieved.
func TestConsultTimeout(t *testing.T) {
	e := newEnv(t, withSwitchboard(Switchboard{ConsultTimeout: 200 * time.Millisecond}))
	ann := e.login("ann")
	held := answered(t, e, ann)
	res, _ := ann.do(&ctiproto.Redirect{Type: ctiproto.TypeConsult, ID: "k", Call: held, Device: "201", To: "203"})
	if ev := waitEvent(t, ann, ctiproto.EventCleared, "201"); ev.Call != res.Call || ev.Cause != ctiproto.CauseNoAnswer {
		t.Fatalf("consultation ended: %s", dump(ev))
	}
	if ev := waitEvent(t, ann, ctiproto.EventRetrieved, "201"); ev.Call != held {
		t.Fatalf("retrieved: %s", dump(ev))
	}
}

// Park into a slot, see it in events, the welcome and the snapshot, take
// it to another device; taken, empty and foreign slots are refused.
func TestParkOverTheWire(t *testing.T) {
	e := newEnv(t, withSim(func(c *sim.Config) { c.ParkSlots = []string{"701", "702"} }))
	ann, bob := e.login("ann"), e.login("bob")
	call := answered(t, e, ann)
	res, _ := ann.do(&ctiproto.Park{ID: "pk", Call: call, Device: "201"})
	if res.Slot != "701" {
		t.Fatalf("parked in %q", res.Slot)
	}
	ev := waitEvent(t, ann, ctiproto.EventParked, "201")
	if ev.Slot != "701" || ev.Call != call || ev.Other == nil || ev.Other.Name != "Jane Doe" {
		t.Fatalf("parked: %s", dump(ev))
	}
	// A desk that connects now sees it; so does a snapshot.
	if w := e.login("ann").welcome; len(w.Parked) != 1 || w.Parked[0].Slot != "701" || w.Parked[0].ParkedBy != "201" {
		t.Fatalf("welcome parked %+v", w.Parked)
	}
	if len(bob.welcome.Parked) != 0 {
		t.Fatalf("bob sees %+v", bob.welcome.Parked)
	}
	snap, _ := ann.do(&ctiproto.Simple{Type: ctiproto.TypeSnapshot, ID: "s"})
	if len(snap.Parked) != 1 || snap.Parked[0].Call != call {
		t.Fatalf("snapshot parked %+v", snap.Parked)
	}

	// bob may not take ann's parked call.
	bob.send(&ctiproto.Unpark{ID: "u0", Slot: "701", Device: "203"})
	if err := bob.expectError(ctiproto.CodeForbidden); err.Field != "slot" {
		t.Fatalf("field %q", err.Field)
	}
	ann.send(&ctiproto.Unpark{ID: "u1", Slot: "702", Device: "202"})
	if err := ann.expectError(ctiproto.CodeNotFound); err.Field != "slot" {
		t.Fatalf("field %q", err.Field)
	}
	ann.send(&ctiproto.Unpark{ID: "u2", Slot: "799", Device: "202"})
	if err := ann.expectError(ctiproto.CodeInvalidNumber); err.Field != "slot" {
		t.Fatalf("field %q", err.Field)
	}
	second := e.ring("202", "+49 40 5550199", "Max")
	waitEvent(t, ann, ctiproto.EventDelivered, "202")
	ann.do(&ctiproto.CallCommand{Type: ctiproto.TypeAnswer, ID: "a2", Call: second, Device: "202"})
	ann.send(&ctiproto.Park{ID: "pk2", Call: second, Device: "202", Slot: "701"})
	if err := ann.expectError(ctiproto.CodeBusy); err.Field != "slot" {
		t.Fatalf("field %q", err.Field)
	}
	ann.do(&ctiproto.CallCommand{Type: ctiproto.TypeClear, ID: "c2", Call: second, Device: "202"})

	res, _ = ann.do(&ctiproto.Unpark{ID: "u", Slot: "701", Device: "202"})
	if res.Call != call {
		t.Fatalf("unpark result %q", res.Call)
	}
	if ev := waitEvent(t, ann, ctiproto.EventUnparked, "201"); ev.By != "202" || ev.Slot != "701" {
		t.Fatalf("unparked: %s", dump(ev))
	}
	if ev := waitEvent(t, ann, ctiproto.EventEstablished, "202"); ev.Call != call || ev.Other.Name != "Jane Doe" {
		t.Fatalf("established: %s", dump(ev))
	}
	snap, _ = ann.do(&ctiproto.Simple{Type: ctiproto.TypeSnapshot, ID: "s2"})
	if len(snap.Parked) != 0 {
		t.Fatalf("still parked: %+v", snap.Parked)
	}
}

// A parked call nobody takes rings back the device that parked it.
func TestParkRecallOverTheWire(t *testing.T) {
	e := newEnv(t, withSim(func(c *sim.Config) {
		c.ParkSlots = []string{"701"}
		c.ParkTime = 200 * time.Millisecond
	}))
	ann := e.login("ann")
	call := answered(t, e, ann)
	ann.do(&ctiproto.Park{ID: "pk", Call: call, Device: "201", Slot: "701"})
	if ev := waitEvent(t, ann, ctiproto.EventUnparked, "201"); ev.Cause != ctiproto.CauseNoAnswer {
		t.Fatalf("unparked: %s", dump(ev))
	}
	if ev := waitEvent(t, ann, ctiproto.EventDelivered, "201"); ev.Call != call || ev.Other.Name != "Jane Doe" {
		t.Fatalf("recall: %s", dump(ev))
	}
}

// A user's v1 desk never gets a parked or unparked event: in its place
// it gets a restatement of its device (no gap in seq, PROTOCOL.md
// section 13), while the user's v2 desk gets them.
func TestParkedEventsSkipV1(t *testing.T) {
	e := newEnv(t, withSim(func(c *sim.Config) { c.ParkSlots = []string{"701"} }))
	ann := e.login("ann")
	old := e.dialVersion(ctiproto.SubprotocolV1)
	w := old.hello(&ctiproto.Hello{ID: "h", User: "ann", Password: "secret"})
	if w.Parked != nil {
		t.Fatalf("v1 welcome with parked %+v", w.Parked)
	}
	call := answered(t, e, ann)
	ann.do(&ctiproto.Park{ID: "pk", Call: call, Device: "201"})
	parked := waitEvent(t, ann, ctiproto.EventParked, "201")
	e.ring("202", "+4940111", "Max")
	ev := ann.expectEvent(ctiproto.EventDelivered, "202")
	seq := w.Seq
	for {
		m := old.next()
		got, ok := m.(*ctiproto.Event)
		if !ok || ctiproto.IsV2Type(got.Type) || got.Seq != seq+1 {
			t.Fatalf("v1 desk got %s after seq %d", dump(m), seq)
		}
		seq = got.Seq
		if got.Seq == parked.Seq && (got.Type != ctiproto.EventDeviceState || got.Device != "201") {
			t.Fatalf("in the parked event's place the v1 desk got %s, want a restatement of 201", dump(got))
		}
		if got.Seq == ev.Seq {
			if got.Type != ctiproto.EventDelivered {
				t.Fatalf("v1 desk after the park: %s", dump(got))
			}
			break
		}
	}
}

// A restart that loses a parked call leaves no ghost in its slot: the
// desk is told the call left with cause exchange-restarted, and the
// snapshot lists no parked call; the slot takes a call again.
func TestParkedCallLostInARestart(t *testing.T) {
	e := newEnv(t, withSim(func(c *sim.Config) { c.ParkSlots = []string{"701"} }))
	ann := e.login("ann")
	call := answered(t, e, ann)
	ann.do(&ctiproto.Park{ID: "pk", Call: call, Device: "201", Slot: "701"})
	waitEvent(t, ann, ctiproto.EventParked, "201")
	e.sim.Outage("PBX restarting", true)
	e.sim.Restore()
	ev := waitEvent(t, ann, ctiproto.EventUnparked, "201")
	if ev.Call != call || ev.Slot != "701" || ev.Cause != ctiproto.CauseExchangeRestarted {
		t.Fatalf("unparked after the restart: %s", dump(ev))
	}
	if res, _ := ann.do(&ctiproto.Simple{Type: ctiproto.TypeSnapshot, ID: "s"}); len(res.Parked) != 0 {
		t.Fatalf("snapshot after the restart still parks %+v", res.Parked)
	}
	again := answered(t, e, ann)
	if res, _ := ann.do(&ctiproto.Park{ID: "pk2", Call: again, Device: "201", Slot: "701"}); res.Slot != "701" {
		t.Fatalf("park after the restart: %s", dump(res))
	}
}
