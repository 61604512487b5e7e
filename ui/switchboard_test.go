package ui

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/deskline/deskline/app"
	"github.com/deskline/deskline/ctiproto"
	"github.com/deskline/deskline/internal/testoffice"
	"github.com/deskline/deskline/internal/testoffice/testdesk"
	"github.com/deskline/deskline/pbx"
)

// reception starts the test office with a switchboard and opens it as
// rita (reception phone 202, watches everyone with their callers).
func reception(t *testing.T) (*testoffice.Office, *UI) {
	t.Helper()
	o := testoffice.StartReception(t, nil)
	d := testdesk.Open(t, o, "rita")
	if err := d.Client.ShowPresence(context.Background(), true); err != nil {
		t.Fatal(err)
	}
	u, _ := newTestUI(t, d)
	waitRender(t, u, "colleagues", func(s app.State) bool { return len(s.Switchboard.Colleagues) == 5 })
	u.switchboard.show()
	return o, u
}

// press types key into the switchboard's filter, where the keyboard is.
func press(u *UI, k fyne.KeyName) { u.switchboard.filter.TypedKey(&fyne.KeyEvent{Name: k}) }

// tileOf returns dev's tile, failing when there is none.
func tileOf(t *testing.T, u *UI, dev string) *tile {
	t.Helper()
	tl := u.switchboard.tiles[dev]
	if tl == nil {
		t.Fatalf("no tile for %s in %v", dev, u.switchboard.order)
	}
	return tl
}

// click taps dev's tile (right: a right-click).
func click(t *testing.T, u *UI, dev string, right bool) {
	t.Helper()
	for _, o := range tileOf(t, u, dev).box.Objects {
		if a, ok := o.(*tapArea); ok {
			if right {
				test.TapSecondary(a)
			} else {
				test.Tap(a)
			}
			return
		}
	}
	t.Fatal("tile without a tap area")
}

// answered waits until rita talks on a call from Jane and returns it.
func ringAndAnswer(t *testing.T, o *testoffice.Office, u *UI) string {
	t.Helper()
	id := o.Ring("202", "+4930999", "Jane Doe")
	waitRender(t, u, "ringing at 202", ringing(id))
	press(u, fyne.KeyF2)
	waitRender(t, u, "answered", talking(id))
	return id
}

func talking(id string) func(app.State) bool {
	return func(s app.State) bool {
		c, ok := s.CallByID(id)
		return ok && c.State == ctiproto.StateConnected && c.Answered && len(s.Calls) == 1
	}
}

func colleagueStatus(dev, status string) func(app.State) bool {
	return func(s app.State) bool { c, _ := s.Switchboard.Colleague(dev); return c.Status == status }
}

func info(u *UI) string { return u.switchboard.info.Text }

// The grid: every phone by name, state in words, live.
func TestSwitchboardGridFollowsPresence(t *testing.T) {
	o, u := reception(t)
	v := u.switchboard
	if got := strings.Join(v.order, ","); got != "201,203,204,205,202" {
		t.Fatalf("grid %s, want by name: Ann, Bob, Carl, Carl's softphone, Reception", got)
	}
	if f := tileOf(t, u, "203").face; f != [3]string{"Bob", "Free", "203"} {
		t.Fatalf("bob's tile %q", f)
	}
	id := o.Ring("203", "+4930999", "Jane Doe")
	waitRender(t, u, "203 ringing", colleagueStatus("203", ctiproto.StatusRinging))
	tl := tileOf(t, u, "203")
	if !strings.HasPrefix(tl.face[1], "Ringing ") || tl.face[2] != "203 · Jane Doe" || !tl.pickup.Visible() {
		t.Fatalf("ringing tile %q, pick up shown %v", tl.face, tl.pickup.Visible())
	}
	if err := o.Sim.HangupRemote(context.Background(), pbx.CallID(id)); err != nil {
		t.Fatal(err)
	}
	waitRender(t, u, "203 free", colleagueStatus("203", ctiproto.StatusIdle))
	if tl.face[1] != "Free" || tl.pickup.Visible() {
		t.Fatalf("tile after the call %q", tl.face)
	}
}

// Typing filters the grid; Enter with a call in hand transfers it to the
// first match (blind); a busy colleague is named first.
func TestSwitchboardFilterAndEnterTransfers(t *testing.T) {
	o, u := reception(t)
	v := u.switchboard
	id := ringAndAnswer(t, o, u)
	test.Type(v.filter, "bo")
	if got := strings.Join(v.order, ","); got != "203" || v.sel != "203" {
		t.Fatalf("filtered %s, selected %s", got, v.sel)
	}
	if v.header.Text != "4 of 5 colleagues free · 1 match" { // rita's own phone is busy
		t.Errorf("header %q", v.header.Text)
	}
	press(u, fyne.KeyEscape)
	if v.filter.Text != "" || len(v.order) != 5 || !v.win.shown() {
		t.Fatalf("Escape: filter %q, %d tiles, shown %v", v.filter.Text, len(v.order), v.win.shown())
	}
	test.Type(v.filter, "bob")
	v.filter.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	waitRender(t, u, "the call went to bob", gone(id))
	waitRender(t, u, "bob's phone rings", colleagueStatus("203", ctiproto.StatusRinging))
	if info(u) != "Transferred to Bob." || v.filter.Text != "" || len(v.order) != 5 {
		t.Errorf("after the transfer: info %q, filter %q, %d tiles", info(u), v.filter.Text, len(v.order))
	}
}

// A click on a tile with a call in hand is a blind transfer; a colleague
// who is not free is named first, and a second click goes on.
func TestSwitchboardClickTransfersAndWarns(t *testing.T) {
	o, u := reception(t)
	busy := o.Ring("201", "+4930111", "Max")
	waitRender(t, u, "ann's phone rings", colleagueStatus("201", ctiproto.StatusRinging))
	id := ringAndAnswer(t, o, u)
	click(t, u, "201", false)
	if !strings.HasPrefix(info(u), "Ann has a call ringing. Press again") {
		t.Fatalf("no warning before transferring to a busy colleague: %q", info(u))
	}
	if _, ok := u.switchboard.state.CallByID(id); !ok {
		t.Fatal("the call went before the second click")
	}
	click(t, u, "203", false) // changed her mind: bob is free
	waitRender(t, u, "the call went to bob", gone(id))
	if err := o.Sim.HangupRemote(context.Background(), pbx.CallID(busy)); err != nil {
		t.Fatal(err)
	}
}

// Announce, go back to the caller, announce again and complete, with
// the keys; the consult bar shows while announcing.
func TestSwitchboardConsultCancelComplete(t *testing.T) {
	o, u := reception(t)
	v := u.switchboard
	id := ringAndAnswer(t, o, u)
	v.selectTile("203", v.order)
	announce := func() {
		t.Helper()
		press(u, fyne.KeyF6)
		s := waitRender(t, u, "consulting", func(s app.State) bool {
			c, _ := s.CallByID(id)
			return s.Switchboard.Consult != nil && c.State == ctiproto.StateHeld
		})
		if !v.consult.Visible() || v.consultLine.Text != "Announcing Jane Doe to Bob" {
			t.Fatalf("consult bar shown %v: %q", v.consult.Visible(), v.consultLine.Text)
		}
		if v.calls.buttons[fyne.KeyF7].Disabled() || !v.calls.buttons[fyne.KeyF5].Disabled() {
			t.Fatal("while announcing, Complete works and Transfer waits")
		}
		s = waitRender(t, u, "bob's phone rings", colleagueStatus("203", ctiproto.StatusRinging))
		if !v.calls.buttons[fyne.KeyF12].Disabled() {
			t.Fatal("Pick up offered for the user's own announcement ringing at Bob's")
		}
		k := s.Switchboard.Consult
		if err := o.Sim.Answer(context.Background(), pbx.CallID(k.Consulted), "203"); err != nil {
			t.Fatal(err)
		}
		waitRender(t, u, "bob answered", func(s app.State) bool { c, _ := s.CallByID(k.Consulted); return c.Answered })
	}
	announce()
	press(u, fyne.KeyF8)
	waitRender(t, u, "back to the caller", func(s app.State) bool { return talking(id)(s) && s.Switchboard.Consult == nil })
	if v.consult.Visible() {
		t.Fatal("consult bar stays after going back")
	}
	announce()
	press(u, fyne.KeyF7)
	waitRender(t, u, "handed over", func(s app.State) bool { return len(s.Calls) == 0 && s.Switchboard.Consult == nil })
}

// A right-click on a tile announces the call.
func TestSwitchboardRightClickAnnounces(t *testing.T) {
	o, u := reception(t)
	ringAndAnswer(t, o, u)
	click(t, u, "203", true)
	waitRender(t, u, "consulting", func(s app.State) bool { return s.Switchboard.Consult != nil })
	press(u, fyne.KeyF8)
	waitRender(t, u, "cancelled", func(s app.State) bool { return s.Switchboard.Consult == nil })
}

// A call ringing at Bob's is picked up from his tile, and by key.
func TestSwitchboardPickup(t *testing.T) {
	o, u := reception(t)
	id := o.Ring("203", "+4930999", "Jane Doe")
	waitRender(t, u, "203 ringing", colleagueStatus("203", ctiproto.StatusRinging))
	test.Tap(tileOf(t, u, "203").pickup)
	waitRender(t, u, "picked up", talking(id))
	press(u, fyne.KeyF4)
	waitRender(t, u, "hung up", gone(id))

	id = o.Ring("201", "+4930888", "Max")
	waitRender(t, u, "201 ringing", colleagueStatus("201", ctiproto.StatusRinging))
	u.switchboard.selectTile("201", u.switchboard.order)
	press(u, fyne.KeyF12)
	waitRender(t, u, "picked up by key", talking(id))
}

// Park by key, the parked list shows the caller, F11 takes it back;
// hold and retrieve by key on the way.
func TestSwitchboardParkAndUnpark(t *testing.T) {
	o, u := reception(t)
	v := u.switchboard
	id := ringAndAnswer(t, o, u)
	press(u, fyne.KeyF3)
	waitRender(t, u, "held", func(s app.State) bool { c, _ := s.CallByID(id); return c.State == ctiproto.StateHeld })
	if v.calls.buttons[fyne.KeyF3].Text != "Retrieve (F3)" {
		t.Fatalf("hold button %q on a held call", v.calls.buttons[fyne.KeyF3].Text)
	}
	press(u, fyne.KeyF3)
	waitRender(t, u, "retrieved", talking(id))
	press(u, fyne.KeyF10)
	s := waitRender(t, u, "parked", func(s app.State) bool { return len(s.Switchboard.Parked) == 1 && len(s.Calls) == 0 })
	slot := s.Switchboard.Parked[0].Slot
	if info(u) != parkedInText(slot) {
		t.Errorf("info %q", info(u))
	}
	if b, ok := v.calls.parked.Objects[0].(*keyButton); !ok || !strings.HasPrefix(b.Text, "› "+slot+" · Jane Doe (by you) · ") {
		t.Fatalf("parked row %#v", v.calls.parked.Objects[0])
	}
	press(u, fyne.KeyF11)
	waitRender(t, u, "taken back", func(s app.State) bool {
		return len(s.Switchboard.Parked) == 0 && len(s.Calls) == 1 && s.Calls[0].Answered
	})
}

// F2 answers the caller who has waited longest, not the newest.
func TestSwitchboardAnswersLongestWaiting(t *testing.T) {
	o, u := reception(t)
	first := o.Ring("202", "+4930111", "First")
	waitRender(t, u, "first", ringing(first))
	second := o.Ring("202", "+4930222", "Second")
	waitRender(t, u, "second", ringing(second))
	press(u, fyne.KeyF2)
	waitRender(t, u, "the first answered", func(s app.State) bool {
		c, _ := s.CallByID(first)
		return c.Answered && c.State == ctiproto.StateConnected
	})
	if got := u.switchboard.calls.rows.Objects; len(got) != 2 {
		t.Fatalf("%d call rows, want 2", len(got))
	}
}

// The note typed on the call in hand goes with it: Bob's pop shows it.
func TestSwitchboardNoteTravels(t *testing.T) {
	o, u := reception(t)
	bob := testdesk.Open(t, o, "bob")
	id := ringAndAnswer(t, o, u)
	note := u.switchboard.calls.note
	if note.Disabled() {
		t.Fatal("note field disabled with a call in hand")
	}
	test.Type(note, "Wants the March invoice")
	note.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	waitRender(t, u, "the note", func(s app.State) bool { c, _ := s.CallByID(id); return c.Note == "Wants the March invoice" })
	u.switchboard.selectTile("203", u.switchboard.order)
	press(u, fyne.KeyF5)
	s := testdesk.WaitState(t, bob.Client, "bob's pop", func(s app.State) bool { return len(s.Ringing()) == 1 })
	if got := s.Ringing()[0].Note; got != "Wants the March invoice" {
		t.Fatalf("bob's call has the note %q", got)
	}
	bu, _ := newTestUI(t, bob)
	bu.Render(s)
	if c := onlyCard(t, bu); c.note.Text != "Note: Wants the March invoice" {
		t.Fatalf("bob's pop shows the note %q", c.note.Text)
	}
}

// F1 shows the keys; Escape closes them, not the window.
func TestSwitchboardHelp(t *testing.T) {
	_, u := reception(t)
	press(u, fyne.KeyF1)
	if !u.switchboard.helpShown() {
		t.Fatal("F1 shows no help")
	}
	press(u, fyne.KeyEscape)
	if u.switchboard.helpShown() || !u.switchboard.win.shown() {
		t.Fatal("Escape should close the help and keep the window")
	}
	press(u, fyne.KeyEscape)
	if u.switchboard.win.shown() {
		t.Fatal("Escape with nothing to close keeps the window")
	}
}

// Arrows move the selection: Down by a row, Right by one.
func TestSwitchboardArrows(t *testing.T) {
	_, u := reception(t)
	v := u.switchboard
	if v.sel != "201" {
		t.Fatalf("first selection %q", v.sel)
	}
	v.typedKey(&fyne.KeyEvent{Name: fyne.KeyRight})
	if v.sel != "203" {
		t.Fatalf("Right selected %q", v.sel)
	}
	press(u, fyne.KeyDown) // one row of three tiles at 1100 pixels less the calls column
	if want := v.order[min(1+v.columns(), len(v.order)-1)]; v.sel != want {
		t.Fatalf("Down selected %q, want %q (%d columns)", v.sel, want, v.columns())
	}
}

// sbState is a made-up reception state at testNow: rita at 202, seven
// colleagues in every state, calls, a queue, parked calls.
func sbState(calls ...app.Call) app.State {
	s := popState(calls...)
	for _, c := range []string{ctiproto.TypeConsult, ctiproto.TypePark, ctiproto.TypeUnpark, ctiproto.TypePickup, ctiproto.TypeSetNote} {
		s.Capabilities[c] = true
	}
	s.User, s.DisplayName, s.Reception = "rita", "Rita Reyes", true
	ago := func(secs int) time.Time { return testNow.Add(-time.Duration(secs) * time.Second) }
	s.Switchboard = app.Switchboard{Watching: true, Colleagues: []app.Colleague{
		{Device: "201", Name: "Ann Archer", Status: ctiproto.StatusInCall, Since: ago(83), Who: "Max Muster"},
		{Device: "203", Name: "Bob Baker", Status: ctiproto.StatusRinging, Since: ago(12), Who: "Jane Doe"},
		{Device: "204", Name: "Carl Cole", Status: ctiproto.StatusDND, Since: ago(1200), DND: true},
		{Device: "205", Name: "Carl's softphone", Status: ctiproto.StatusOffline, Since: ago(7200)},
		{Device: "206", Name: "Dora Diaz", Status: ctiproto.StatusForwarded, Since: ago(600), ForwardTo: "+49 170 5550100"},
		{Device: "207", Name: "Eva Early", Status: ctiproto.StatusOnHold, Since: ago(45), Who: "Paul Pry"},
		{Device: "208", Name: "Finn Ford", Status: ctiproto.StatusIdle, Since: ago(3000)},
	}}
	return s
}

// sbWaiting adds the Front desk queue (one caller past the limit) and
// two parked calls to s.
func sbWaiting(s app.State) app.State {
	ago := func(secs int) time.Time { return testNow.Add(-time.Duration(secs) * time.Second) }
	s.Switchboard.Queues = []app.WaitingQueue{{Number: "600", Name: "Front desk", Waiting: []app.WaitingCaller{
		{Call: "q1", Position: 1, Joined: ago(75), Who: "Jane Doe"}, {Call: "q2", Position: 2, Joined: ago(20)}}}}
	s.Switchboard.Parked = []app.ParkedCall{{Slot: "701", Call: "p1", Who: "Max Muster", ParkedBy: "202", Since: ago(30), Mine: true},
		{Slot: "702", Call: "p2", Who: "Paul Pry", ParkedBy: "201", Since: ago(90)}}
	return s
}

// sbOffline is the switchboard on a desk with no server, shown with s.
func sbOffline(t *testing.T, s app.State) *UI {
	t.Helper()
	u, _ := newTestUI(t, popOfflineDesk(t))
	u.switchboard.show()
	u.Render(s)
	return u
}

func TestSwitchboardMasters(t *testing.T) {
	u := sbOffline(t, sbState())
	test.AssertRendersToMarkup(t, "switchboard_grid.xml", u.switchboard.win.window().Canvas())
	snapshot(t, "switchboard_grid.xml", u.switchboard.win.window().Canvas())

	held := cwTalking("c1", 83)
	held.State = ctiproto.StateHeld
	bob := app.Call{ID: "c9", Device: "201", State: ctiproto.StateConnected, Direction: ctiproto.DirectionOutgoing,
		Number: "203", Display: "Bob Baker", Answered: true, Since: testNow.Add(-9 * time.Second)}
	s := sbState(held, bob)
	s.Switchboard.Consult = &app.Consultation{Device: "201", Held: "c1", Consulted: "c9", To: "203"}
	u = sbOffline(t, s)
	test.AssertRendersToMarkup(t, "switchboard_consult.xml", u.switchboard.win.window().Canvas())
	snapshot(t, "switchboard_consult.xml", u.switchboard.win.window().Canvas())

	recall := popCaller("c5", "+4989 7654321", "Max Muster", 4)
	s = sbWaiting(sbState(cwTalking("c1", 83), recall))
	s.Switchboard.Recalls = map[string]string{"c5": "701"}
	u = sbOffline(t, s)
	test.AssertRendersToMarkup(t, "switchboard_waiting.xml", u.switchboard.win.window().Canvas())
	snapshot(t, "switchboard_waiting.xml", u.switchboard.win.window().Canvas())
}

// A parked call ringing back shows loud, in the banner and its row; a
// caller past a minute in the queue or a park slot escalates.
func TestSwitchboardRecallAndEscalation(t *testing.T) {
	recall := popCaller("c5", "+4989 7654321", "Max Muster", 4)
	s := sbWaiting(sbState(recall))
	s.Switchboard.Recalls = map[string]string{"c5": "701"}
	u := sbOffline(t, s)
	p := u.switchboard.calls
	if !p.recall.Visible() || p.recall.Text != "Parked caller rings back: Max Muster (park 701)" {
		t.Fatalf("recall banner %v %q", p.recall.Visible(), p.recall.Text)
	}
	if b := p.rows.Objects[0].(*keyButton); b.Importance != widget.DangerImportance || !strings.HasPrefix(b.Text, "RECALL from park 701: Max Muster") {
		t.Fatalf("recall row %q", b.Text)
	}
	want := map[string]widget.Importance{"1. Jane Doe · WAITING 1:15": widget.DangerImportance, "2. Caller · 0:20": widget.WarningImportance}
	for _, o := range p.queues.Objects[1:] {
		l := o.(*widget.Label)
		if imp, ok := want[l.Text]; !ok || imp != l.Importance {
			t.Errorf("queue row %q (%d)", l.Text, l.Importance)
		}
	}
	if b := p.parked.Objects[1].(*keyButton); b.Text != "702 · Paul Pry · WAITING 1:30" || b.Importance != widget.DangerImportance {
		t.Errorf("parked row %q", b.Text)
	}
	u.now = func() time.Time { return testNow.Add(time.Minute) }
	u.switchboard.tick()
	if b := p.parked.Objects[0].(*keyButton); b.Text != "› 701 · Max Muster (by you) · WAITING 1:30" {
		t.Errorf("after a minute %q", b.Text)
	}
	if f := tileOf(t, u, "203").face[1]; f != "Ringing 1:12" {
		t.Errorf("ringing tile after a minute %q", f)
	}
}

// While the server is away the header says so and the call buttons wait;
// the help still opens, and again after the window was closed.
func TestSwitchboardOffline(t *testing.T) {
	s := sbState(cwTalking("c1", 5))
	u := sbOffline(t, s)
	v := u.switchboard
	if v.calls.buttons[fyne.KeyF4].Disabled() {
		t.Fatal("hang up disabled while connected")
	}
	s.Status, s.Reason = app.StatusDisconnected, "server unreachable"
	u.Render(s)
	if v.header.Text != linkProblem(true, s) {
		t.Fatalf("header %q", v.header.Text)
	}
	for k, b := range v.calls.buttons {
		if k != fyne.KeyF1 && k != fyne.KeyInsert && !b.Disabled() {
			t.Errorf("%s enabled while disconnected", b.Text)
		}
	}
	test.Tap(v.calls.buttons[fyne.KeyF1])
	if !v.helpShown() {
		t.Fatal("no help")
	}
	v.win.hide()
	v.show()
	press(u, fyne.KeyF1)
	if !v.helpShown() {
		t.Fatal("no help after the window was closed and opened again")
	}
}

// The clock runs only while something on the switchboard counts time.
func TestSwitchboardClockOnlyForTime(t *testing.T) {
	u := sbOffline(t, sbState())
	v := u.switchboard
	idle := sbState()
	for i := range idle.Switchboard.Colleagues {
		idle.Switchboard.Colleagues[i].Status = ctiproto.StatusIdle
	}
	if v.needsClock(idle) {
		t.Error("a clock for an office where all are free")
	}
	for name, s := range map[string]app.State{"colleague in a call": sbState(), "a parked call": sbWaiting(idle),
		"a call of the user's": func() app.State { s := idle; s.Calls = []app.Call{cwTalking("c1", 1)}; return s }()} {
		if !v.needsClock(s) {
			t.Errorf("no clock with %s", name)
		}
	}
}

// While the switchboard is open a new call brings it to the front instead
// of opening the calls console over its grid (the switchboard lists the
// call with its own keys); once it is closed, the console pops as before.
func TestSwitchboardTakesTheConsolesPlace(t *testing.T) {
	o, u := reception(t)
	if !u.switchboard.win.shown() {
		t.Fatal("the reception's switchboard is not open")
	}
	id := o.Ring("202", "+4930999", "Jane Doe")
	waitRender(t, u, "ringing at 202", ringing(id))
	if u.console.win.shown() {
		t.Fatal("the console opened over the switchboard")
	}
	u.switchboard.win.hide()
	id2 := o.Ring("202", "+4930888", "Max")
	waitRender(t, u, "second ringing", ringing(id2))
	if !u.console.win.shown() {
		t.Fatal("without the switchboard the console pops as before")
	}
}

// The filter fills from typing anywhere in the window without holding
// the focus (a focused field's blinking cursor redraws the window every
// frame); Backspace takes the last character back.
func TestSwitchboardTypingFiltersUnfocused(t *testing.T) {
	_, u := reception(t)
	v := u.switchboard
	c := v.win.window().Canvas()
	if c.Focused() != nil {
		t.Fatalf("%T focused after show", c.Focused())
	}
	test.TypeOnCanvas(c, "carlx")
	if v.filter.Text != "carlx" || len(v.order) != 0 {
		t.Fatalf("filter %q, %d tiles", v.filter.Text, len(v.order))
	}
	c.OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyBackspace})
	if v.filter.Text != "carl" || strings.Join(v.order, ",") != "204,205" {
		t.Fatalf("after Backspace: filter %q, tiles %v", v.filter.Text, v.order)
	}
	click(t, u, "205", false)
	if v.sel != "205" || c.Focused() != nil {
		t.Fatalf("click: selected %q, focused %T", v.sel, c.Focused())
	}
}

// Insert pins the selected colleague first, with a star, and the pin is
// kept in the desk's folder for the next start.
func TestSwitchboardFavourites(t *testing.T) {
	_, u := reception(t)
	v := u.switchboard
	v.selectTile("204", v.order)
	press(u, fyne.KeyInsert)
	if got := strings.Join(v.order, ","); got != "204,201,203,205,202" {
		t.Fatalf("grid %s, want Carl first", got)
	}
	if f := tileOf(t, u, "204").face[0]; f != "★ Carl" {
		t.Fatalf("favourite's name %q", f)
	}
	again, err := app.LoadFavourites(u.Desk().Dir)
	if err != nil || !again.Has("204") {
		t.Fatalf("not kept: %v", err)
	}
	press(u, fyne.KeyInsert)
	if got := strings.Join(v.order, ","); got != "201,203,204,205,202" || tileOf(t, u, "204").face[0] != "Carl" {
		t.Fatalf("unpinned: grid %s", got)
	}
}

// drag moves the pointer as Fyne's window driver reports it, from the
// middle of the user's call row row to the middle of dev's tile, and
// drops there.
func drag(t *testing.T, u *UI, row int, dev string) {
	t.Helper()
	p := &u.switchboard.calls
	area := findDragArea(u.switchboard.win.window().Canvas().Content())
	if area == nil {
		t.Fatal("no drag area over the calls")
	}
	d := fyne.CurrentApp().Driver()
	r := p.rows.Objects[row]
	start := fyne.NewPos(r.Position().X+10, r.Position().Y+r.Size().Height/2)
	target := tileOf(t, u, dev).box
	end := d.AbsolutePositionForObject(target).Add(fyne.NewPos(target.Size().Width/2, target.Size().Height/2)).
		Subtract(d.AbsolutePositionForObject(area))
	step := fyne.NewDelta(5, 5)
	area.Dragged(&fyne.DragEvent{PointEvent: fyne.PointEvent{Position: start.Add(step)}, Dragged: step})
	area.Dragged(&fyne.DragEvent{PointEvent: fyne.PointEvent{Position: end}, Dragged: fyne.NewDelta(end.X-start.X, end.Y-start.Y)})
	area.DragEnd()
}

// findDragArea finds the drag area in the object tree under o.
func findDragArea(o fyne.CanvasObject) *dragArea {
	switch o := o.(type) {
	case *dragArea:
		return o
	case *fyne.Container:
		for _, c := range o.Objects {
			if a := findDragArea(c); a != nil {
				return a
			}
		}
	case *container.Scroll:
		return findDragArea(o.Content)
	}
	return nil
}

// A call dragged from its row onto a colleague's tile goes to them:
// blind while it is the user's, sent on while it rings; a busy
// colleague is named first and a second drop goes on.
func TestSwitchboardDragCallOntoTile(t *testing.T) {
	o, u := reception(t)
	ringID := o.Ring("202", "+4930777", "Ringing Rita")
	waitRender(t, u, "ringing", ringing(ringID))
	drag(t, u, 0, "203")
	waitRender(t, u, "sent on to Bob", func(s app.State) bool {
		c, _ := s.Switchboard.Colleague("203")
		return c.Status == ctiproto.StatusRinging && len(s.Calls) == 0
	})
	id := o.Ring("202", "+4930999", "Jane Doe")
	waitRender(t, u, "ringing", ringing(id))
	u.act("answer", func(ctx context.Context, c *app.Client) error { return c.Answer(ctx, id) }, nil)
	waitRender(t, u, "talking", func(s app.State) bool { return len(s.Calls) == 1 && s.Calls[0].Answered })
	drag(t, u, 0, "203") // Bob's phone still rings with the first call: not free
	if got := u.switchboard.info.Text; !strings.Contains(got, "has a call ringing") {
		t.Fatalf("after a drop on a colleague who is not free: %q", got)
	}
	drag(t, u, 0, "203")
	waitRender(t, u, "transferred", func(s app.State) bool { return len(s.Calls) == 0 })
}

// Colleagues' changes reach the grid at most every colleaguesEvery (a
// busy office would have the window drawn again for each), while a
// change of the user's own calls shows at once. (The put-off drawing is
// run here by the test: Fyne's test driver runs fyne.Do on the caller's
// goroutine, so the timer's own would race with the test.)
func TestSwitchboardColleaguesAtMostEveryFifthSecond(t *testing.T) {
	_, u := reception(t)
	v := u.switchboard
	u.opts.Synchronous = false // render as the running app does
	defer func() { u.opts.Synchronous = true }()
	ringing := func(s app.State, dev string) app.State {
		s.Switchboard.Colleagues = slices.Clone(s.Switchboard.Colleagues)
		for i := range s.Switchboard.Colleagues {
			if s.Switchboard.Colleagues[i].Device == dev {
				s.Switchboard.Colleagues[i].Status = ctiproto.StatusRinging
			}
		}
		return s
	}
	status := func(dev string) string { return tileOf(t, u, dev).col.Status }
	s := u.state
	v.render(s) // drawn now: the clock starts
	s1 := ringing(s, "203")
	v.render(s1)
	if status("203") == ctiproto.StatusRinging || v.later == nil {
		t.Fatal("a colleague's change right after the last drawing was drawn at once, or never put off")
	}
	s2 := s1
	s2.Calls = []app.Call{{ID: "c-1", Device: "202", State: ctiproto.StateAlerting, Direction: ctiproto.DirectionIncoming, Display: "Jane"}}
	v.render(s2)
	if status("203") != ctiproto.StatusRinging {
		t.Fatal("a change of the user's own calls did not draw at once (with the colleague's change)")
	}
	v.render(ringing(s2, "201"))
	if status("201") == ctiproto.StatusRinging {
		t.Fatal("drawn at once again")
	}
	if !v.later.Stop() {
		t.Fatal("no drawing put off")
	}
	v.syncLater()
	if status("201") != ctiproto.StatusRinging {
		t.Fatal("the put-off drawing did not draw the colleague's change")
	}
}
