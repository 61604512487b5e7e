package server

import (
	"strings"
	"testing"
	"time"

	"github.com/deskline/deskline/ctiproto"
	"github.com/deskline/deskline/pbx"
)

const invoice = "Wants the March invoice; called twice already"

// The reception notes why a caller calls and transfers the call: the
// colleague's desk pops it with the note, the note rides on every later
// event and snapshot of the call, and either side may change or remove
// it; each change reaches both desks.
func TestNoteTravelsWithTheTransfer(t *testing.T) {
	e := newEnv(t)
	ann, bob := e.login("ann"), e.login("bob")
	call := e.ring("201", "+4930777", "Max")
	ann.expectEvent(ctiproto.EventDelivered, "201")
	ann.do(&ctiproto.CallCommand{Type: ctiproto.TypeAnswer, ID: "a", Call: call, Device: "201"})
	waitEvent(t, ann, ctiproto.EventEstablished, "201")

	ann.do(&ctiproto.SetNote{ID: "n", Call: call, Device: "201", Note: invoice})
	if ev := waitEvent(t, ann, ctiproto.EventNote, "201"); ev.Call != call || ev.Note != invoice {
		t.Fatalf("ann's note event %s", dump(ev))
	}
	if res, _ := ann.do(&ctiproto.Simple{Type: ctiproto.TypeSnapshot, ID: "s"}); len(res.Calls) != 1 || res.Calls[0].Note != invoice {
		t.Fatalf("ann's snapshot lacks the note: %s", dump(res))
	}
	ann.do(&ctiproto.Redirect{Type: ctiproto.TypeTransfer, ID: "t", Call: call, Device: "201", To: "203"})
	if ev := waitEvent(t, ann, ctiproto.EventCleared, "201"); ev.Note != invoice {
		t.Errorf("ann's clear (her call list) lacks the note: %s", dump(ev))
	}
	d := bob.expectEvent(ctiproto.EventDelivered, "203")
	if d.Note != invoice {
		t.Fatalf("bob's pop lacks the note: %s", dump(d))
	}
	bob.do(&ctiproto.CallCommand{Type: ctiproto.TypeAnswer, ID: "a", Call: d.Call, Device: "203"})
	if ev := waitEvent(t, bob, ctiproto.EventEstablished, "203"); ev.Note != invoice {
		t.Errorf("bob's established lacks the note: %s", dump(ev))
	}
	bob.do(&ctiproto.SetNote{ID: "n2", Call: d.Call, Device: "203", Note: ""})
	if ev := waitEvent(t, bob, ctiproto.EventNote, "203"); ev.Note != "" {
		t.Fatalf("the removal says %q", ev.Note)
	}
	if res, _ := bob.do(&ctiproto.Simple{Type: ctiproto.TypeSnapshot, ID: "s"}); len(res.Calls) != 1 || res.Calls[0].Note != "" {
		t.Fatalf("bob's snapshot after the removal: %s", dump(res))
	}
}

// A note set in an internal call reaches the other party's desk at once,
// and resumes like every event.
func TestNoteReachesEveryParty(t *testing.T) {
	e := newEnv(t)
	ann, bob := e.login("ann"), e.login("bob")
	res, _ := ann.do(&ctiproto.MakeCall{ID: "m", Device: "201", To: "203"})
	call := res.Call
	e.simAPI("/v1/sim/answer", map[string]string{"call": call, "device": "201"}, nil)
	d := waitEvent(t, bob, ctiproto.EventDelivered, "203")
	bob.do(&ctiproto.CallCommand{Type: ctiproto.TypeAnswer, ID: "a", Call: d.Call, Device: "203"})
	waitEvent(t, ann, ctiproto.EventEstablished, "201")

	seq := bob.welcome.Seq
	bob.conn.Close() // bob's desk is away while the note comes
	ann.do(&ctiproto.SetNote{ID: "n", Call: call, Device: "201", Note: "about the offsite"})
	back := e.resume(bob.welcome.Token, &ctiproto.Resume{Epoch: bob.welcome.Epoch, Seq: seq})
	for {
		ev := back.expectEventAny()
		if ev.Type == ctiproto.EventNote {
			if ev.Device != "203" || ev.Call != d.Call || ev.Note != "about the offsite" {
				t.Fatalf("bob's replayed note %s", dump(ev))
			}
			break
		}
	}
}

// Bad set-notes: someone else's device, a call the device is not in, a
// note too long or with a line break. Each is refused with its field and
// changes nothing.
func TestNoteBadInput(t *testing.T) {
	e := newEnv(t)
	ann := e.login("ann")
	call := e.ring("201", "+4930777", "Max")
	ann.expectEvent(ctiproto.EventDelivered, "201")
	for _, tc := range []struct {
		m     *ctiproto.SetNote
		code  string
		field string
	}{
		{&ctiproto.SetNote{ID: "1", Call: call, Device: "203", Note: "x"}, ctiproto.CodeForbidden, "device"},
		{&ctiproto.SetNote{ID: "2", Call: call, Device: "202", Note: "x"}, ctiproto.CodeNotFound, "call"},
		{&ctiproto.SetNote{ID: "3", Call: "no-such-call", Device: "201", Note: "x"}, ctiproto.CodeNotFound, "call"},
		{&ctiproto.SetNote{ID: "4", Call: call, Device: "201", Note: strings.Repeat("x", ctiproto.MaxNoteLength+1)}, ctiproto.CodeInvalidField, "note"},
		{&ctiproto.SetNote{ID: "5", Call: call, Device: "201", Note: "two\nlines"}, ctiproto.CodeInvalidField, "note"},
	} {
		ann.send(tc.m)
		if err := ann.expectError(tc.code); err.Field != tc.field {
			t.Errorf("set-note %s: error %s, want field %q", tc.m.ID, dump(err), tc.field)
		}
	}
	if res, _ := ann.do(&ctiproto.Simple{Type: ctiproto.TypeSnapshot, ID: "s"}); len(res.Calls) != 1 || res.Calls[0].Note != "" {
		t.Fatalf("a refused note changed the call: %s", dump(res))
	}
}

// A v1 desk of the same user never sees a note: in the note event's place
// it gets a restatement (no gap in seq), and its call events and calls
// carry no note member (rawClient.next checks every frame).
func TestNoteV1DeskSeesNothingNew(t *testing.T) {
	e := newEnv(t)
	cur := e.login("ann")
	old := e.dialVersion(ctiproto.SubprotocolV1)
	w := old.hello(&ctiproto.Hello{ID: "h", User: "ann", Password: "secret"})
	if strings.Contains(strings.Join(w.Capabilities, ","), ctiproto.TypeSetNote) {
		t.Errorf("the v1 welcome offers set-note: %v", w.Capabilities)
	}
	if !strings.Contains(strings.Join(cur.welcome.Capabilities, ","), ctiproto.TypeSetNote) {
		t.Errorf("the v2 welcome lacks set-note: %v", cur.welcome.Capabilities)
	}
	call := e.ring("201", "+4930777", "Max")
	cur.expectEvent(ctiproto.EventDelivered, "201")
	delivered, _ := old.next().(*ctiproto.Event)
	cur.do(&ctiproto.SetNote{ID: "n", Call: call, Device: "201", Note: invoice})
	note := waitEvent(t, cur, ctiproto.EventNote, "201")
	got, ok := old.next().(*ctiproto.Event)
	if !ok || got.Type == ctiproto.EventNote || got.Seq != delivered.Seq+1 || got.Seq != note.Seq {
		t.Fatalf("the v1 desk got %s after %s, want a restatement with seq %d", dump(got), dump(delivered), note.Seq)
	}
	e.simAPI("/v1/sim/hangup", map[string]string{"call": call}, nil)
	if ev := waitEvent(t, cur, ctiproto.EventCleared, "201"); ev.Note != invoice {
		t.Errorf("the v2 desk's clear lacks the note: %s", dump(ev))
	}
	if ev, ok := old.next().(*ctiproto.Event); !ok || ev.Type != ctiproto.EventCleared {
		t.Fatalf("the v1 desk got %s, want the clear", dump(ev))
	}
}

// Notes do not outlive their calls: a call without a note is forgotten
// when its last user's device leaves; one with a note is kept noteKeep
// (the call may come back, as a blind transfer does) and then forgotten;
// a transfer to a new call id carries the note over; after an outage the
// parties are what the exchange reports.
func TestNotesAreForgotten(t *testing.T) {
	u := &userLog{name: "ann"}
	n := newCallNotes(map[string]*userLog{"201": u, "203": u})
	t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	ev := func(kind pbx.EventKind, call pbx.CallID, dev string, st pbx.ConnState, at time.Duration) pbx.Event {
		return pbx.Event{Kind: kind, Call: call, Device: dev, State: st, Time: t0.Add(at)}
	}
	n.follow(ev(pbx.EvDelivered, "c1", "201", pbx.StateAlerting, 0))
	n.follow(ev(pbx.EvCleared, "c1", "201", pbx.StateCleared, time.Second))
	if len(n.byCall) != 0 {
		t.Fatalf("a call without a note is kept after its last party left: %v", n.byCall)
	}
	n.follow(ev(pbx.EvEstablished, "c2", "201", pbx.StateConnected, 0))
	n.byCall["c2"].text = "note"
	tr := ev(pbx.EvTransferred, "c2", "201", pbx.StateCleared, 2*time.Second)
	tr.NewCall = "c3"
	n.follow(tr)
	if n.byCall["c2"] == nil || n.byCall["c3"] == nil || n.byCall["c3"].text != "note" || n.orphans != 2 {
		t.Fatalf("after the transfer: %d orphans, calls %v", n.orphans, n.byCall)
	}
	n.follow(ev(pbx.EvDelivered, "c3", "203", pbx.StateAlerting, 3*time.Second))
	if n.orphans != 1 || n.byCall["c3"].alone != (time.Time{}) {
		t.Fatalf("the call came back to a desk: %d orphans", n.orphans)
	}
	n.follow(ev(pbx.EvDelivered, "c9", "203", pbx.StateAlerting, noteKeep+2*time.Second))
	if n.byCall["c2"] != nil || n.byCall["c3"] == nil || n.orphans != 0 {
		t.Fatalf("after noteKeep: %d orphans, calls %v", n.orphans, n.byCall)
	}
	n.reset([]pbx.Call{{Call: "c9", Device: "203", State: pbx.StateAlerting}}, t0.Add(noteKeep+3*time.Second))
	if n.byCall["c3"] == nil || n.orphans != 1 || len(n.byCall["c9"].parties) != 1 {
		t.Fatalf("after the outage: %d orphans, calls %v", n.orphans, n.byCall)
	}
	n.sweep(t0.Add(2*noteKeep + 4*time.Second))
	if len(n.byCall) != 1 || n.byCall["c9"] == nil {
		t.Fatalf("left after the sweep: %v", n.byCall)
	}
}

// A note set a moment after the call ended (the desk had not heard yet)
// is refused and leaves nothing behind.
func TestNoteOnAnEndedCallLeavesNothing(t *testing.T) {
	u := &userLog{name: "ann"}
	n := newCallNotes(map[string]*userLog{"201": u})
	t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	n.follow(pbx.Event{Kind: pbx.EvEstablished, Call: "c1", Device: "201", State: pbx.StateConnected, Time: t0})
	n.follow(pbx.Event{Kind: pbx.EvCleared, Call: "c1", Device: "201", State: pbx.StateCleared, Time: t0})
	if n.set(nil, "c1", "201", "too late", t0) || len(n.byCall) != 0 {
		t.Fatalf("a note on an ended call was kept: %v", n.byCall)
	}
}
