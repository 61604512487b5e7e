package ui

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/deskline/deskline/app"
	"github.com/deskline/deskline/ctiproto"
	"github.com/deskline/deskline/pbx"
)

// F4 while the announcement still rings at Bob's hangs up the
// announcement only: the caller stays, and the user is back with them.
func TestSwitchboardF4DuringAnnouncementKeepsCaller(t *testing.T) {
	o, u := reception(t)
	v := u.switchboard
	id := ringAndAnswer(t, o, u)
	v.selectTile("203", v.order)
	press(u, fyne.KeyF6)
	waitRender(t, u, "bob rings", func(s app.State) bool {
		c, _ := s.Switchboard.Colleague("203")
		return s.Switchboard.Consult != nil && c.Status == ctiproto.StatusRinging && len(s.Calls) == 2
	})
	b := v.calls.buttons
	if b[fyne.KeyF4].Disabled() || !b[fyne.KeyF5].Disabled() || !b[fyne.KeyF3].Disabled() {
		t.Error("while the announcement rings: Hang up works, Transfer and Hold wait")
	}
	if strings.HasPrefix(b[fyne.KeyF3].Text, "Retrieve") {
		t.Errorf("F3 offers %q for the caller on hold while announcing", b[fyne.KeyF3].Text)
	}
	press(u, fyne.KeyF4)
	s := waitRender(t, u, "a call ended", func(s app.State) bool { return len(s.Calls) < 2 })
	if _, ok := s.CallByID(id); !ok {
		t.Fatalf("F4 during the announcement hung up the caller: %+v", s.Calls)
	}
	waitRender(t, u, "back with the caller", func(s app.State) bool {
		c, _ := s.Switchboard.Colleague("203")
		return talking(id)(s) && s.Switchboard.Consult == nil && c.Status != ctiproto.StatusRinging
	})
}

// While the user dials a colleague with a caller on hold, F4 ends the
// call being dialled, and F5, Enter and a click on a tile never put the
// caller on hold through.
func TestSwitchboardDiallingWithCallerOnHold(t *testing.T) {
	o, u := reception(t)
	v := u.switchboard
	id := ringAndAnswer(t, o, u)
	press(u, fyne.KeyF3)
	waitRender(t, u, "held", func(s app.State) bool { c, _ := s.CallByID(id); return c.State == ctiproto.StateHeld })
	u.act("dial", func(ctx context.Context, c *app.Client) error {
		target, err := c.PrepareDial("203")
		if err == nil {
			_, err = c.Dial(ctx, target)
		}
		return err
	}, nil)
	s := waitRender(t, u, "dialling bob", func(s app.State) bool { return len(s.Calls) == 2 })
	dialled := s.Calls[slices.IndexFunc(s.Calls, func(c app.Call) bool { return c.ID != id })]
	b := v.calls.buttons
	if !b[fyne.KeyF5].Disabled() || !b[fyne.KeyF3].Disabled() || b[fyne.KeyF4].Disabled() {
		t.Error("while dialling: Hang up works, Transfer and Hold wait")
	}
	if b[fyne.KeyF3].Text != keyLabel("Hold", fyne.KeyF3) {
		t.Errorf("F3 says %q while dialling", b[fyne.KeyF3].Text)
	}
	v.selectTile("201", v.order)
	press(u, fyne.KeyF5)
	press(u, fyne.KeyReturn)
	click(t, u, "204", false)
	if c, ok := u.client().State().CallByID(id); !ok || c.State != ctiproto.StateHeld {
		t.Fatalf("the caller on hold went somewhere while the user dialled: %+v", c)
	}
	if info(u) != diallingNow {
		t.Errorf("info %q", info(u))
	}
	press(u, fyne.KeyF4)
	s = waitRender(t, u, "the dialled call ended", gone(dialled.ID))
	if c, ok := s.CallByID(id); !ok || c.State != ctiproto.StateHeld {
		t.Fatalf("F4 while dialling took the caller on hold: %+v", s.Calls)
	}
}

// Closing the switchboard while a call rings opens the console for it
// (the switchboard had stood in for it); a new call raises the
// switchboard quietly.
func TestSwitchboardClosedWhileRingingShowsConsole(t *testing.T) {
	o, u := reception(t)
	var quiet []fyne.Window
	u.opts.QuietWindow = func(w fyne.Window) { quiet = append(quiet, w) }
	sw := u.switchboard.win.window()
	id := o.Ring("202", "+4930999", "Jane Doe")
	waitRender(t, u, "ringing at 202", ringing(id))
	if u.console.win.shown() {
		t.Fatal("the console opened over the switchboard")
	}
	if !slices.Contains(quiet, sw) {
		t.Error("the switchboard was raised without the ask not to take the keyboard")
	}
	press(u, fyne.KeyEscape)
	if u.switchboard.win.shown() {
		t.Fatal("Escape kept the switchboard")
	}
	if !u.console.win.shown() || !slices.Equal(u.console.shownNames(), []string{"Jane Doe"}) {
		t.Fatalf("the ringing call is in no window: console shown %v, %v", u.console.win.shown(), u.console.shownNames())
	}
}

// A switchboard the user types in is in front already: a new call does
// not raise it (a hide and a show would hand the keyboard away).
func TestSwitchboardWithTheKeyboardIsNotRaised(t *testing.T) {
	o, u := reception(t)
	var quiet []fyne.Window
	u.opts.QuietWindow = func(w fyne.Window) { quiet = append(quiet, w) }
	u.opts.Focused = func(w fyne.Window) bool { return w == u.switchboard.win.window() }
	id := o.Ring("202", "+4930999", "Jane Doe")
	waitRender(t, u, "ringing at 202", ringing(id))
	if len(quiet) != 0 || u.console.win.shown() {
		t.Fatalf("a focused switchboard was raised (%d quiet asks) or covered (console %v)", len(quiet), u.console.win.shown())
	}
}

// A held function key acts once: its repeats neither get past the
// warning about a colleague who is not free nor act on the next call.
func TestSwitchboardHeldKeyActsOnce(t *testing.T) {
	o, u := reception(t)
	v := u.switchboard
	busy := o.Ring("201", "+4930111", "Max")
	waitRender(t, u, "ann's phone rings", colleagueStatus("201", ctiproto.StatusRinging))
	id := ringAndAnswer(t, o, u)
	v.selectTile("201", v.order)
	v.filter.KeyDown(&fyne.KeyEvent{Name: fyne.KeyF5})
	press(u, fyne.KeyF5)
	press(u, fyne.KeyF5) // the key repeats
	if !strings.HasPrefix(info(u), "Ann has a call ringing. Press again") {
		t.Fatalf("held F5: %q", info(u))
	}
	if _, ok := u.client().State().CallByID(id); !ok {
		t.Fatal("holding F5 got past the warning")
	}
	v.filter.KeyUp(&fyne.KeyEvent{Name: fyne.KeyF5})
	v.filter.KeyDown(&fyne.KeyEvent{Name: fyne.KeyF5})
	press(u, fyne.KeyF5) // pressed again: goes on
	waitRender(t, u, "transferred to ann", gone(id))
	v.filter.KeyUp(&fyne.KeyEvent{Name: fyne.KeyF5})
	if err := o.Sim.HangupRemote(context.Background(), pbx.CallID(busy)); err != nil {
		t.Fatal(err)
	}
}

// The warning waits for the second press on the same call, for a few
// seconds: a press for the next call, or a late one, warns again.
func TestSwitchboardWarningIsForOneCallAndExpires(t *testing.T) {
	o, u := reception(t)
	v := u.switchboard
	o.Ring("201", "+4930111", "Max")
	waitRender(t, u, "ann's phone rings", colleagueStatus("201", ctiproto.StatusRinging))
	first := ringAndAnswer(t, o, u)
	v.selectTile("201", v.order)
	press(u, fyne.KeyF5)
	if err := o.Sim.HangupRemote(context.Background(), pbx.CallID(first)); err != nil {
		t.Fatal(err)
	}
	waitRender(t, u, "the first call ended", gone(first))
	next := ringAndAnswer(t, o, u)
	v.say(widget.LowImportance, "")
	press(u, fyne.KeyF5)
	if _, ok := u.client().State().CallByID(next); !ok || !strings.HasPrefix(info(u), "Ann has a call ringing") {
		t.Fatalf("the first call's warning let the next call through: %q", info(u))
	}
	u.now = func() time.Time { return testNow.Add(pendingPatience) }
	v.say(widget.LowImportance, "")
	press(u, fyne.KeyF5)
	if _, ok := u.client().State().CallByID(next); !ok || !strings.HasPrefix(info(u), "Ann has a call ringing") {
		t.Fatalf("a press long after the warning went on: %q", info(u))
	}
	press(u, fyne.KeyF5)
	waitRender(t, u, "transferred", gone(next))
}

// Enter on a button reached with Tab presses the button.
func TestSwitchboardEnterPressesFocusedButton(t *testing.T) {
	o, u := reception(t)
	v := u.switchboard
	id := ringAndAnswer(t, o, u)
	v.selectTile("203", v.order)
	c := v.win.window().Canvas()
	c.Focus(v.calls.buttons[fyne.KeyF3])
	c.Focused().TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	s := waitRender(t, u, "held, not transferred", func(s app.State) bool {
		c, ok := s.CallByID(id)
		return !ok || c.State == ctiproto.StateHeld
	})
	if _, ok := s.CallByID(id); !ok {
		t.Fatal("Enter on the Hold button transferred the call")
	}
}

// Typing selects the first match, not a colleague selected before who
// still matches further down.
func TestSwitchboardFilterSelectsFirstMatch(t *testing.T) {
	_, u := reception(t)
	v := u.switchboard
	v.selectTile("205", v.order)
	test.TypeOnCanvas(v.win.window().Canvas(), "carl")
	if strings.Join(v.order, ",") != "204,205" || v.sel != "204" {
		t.Fatalf("grid %v, selected %s, want Carl (204)", v.order, v.sel)
	}
}

// The parked call selected for F11 stays selected when a call is parked
// before it in the list.
func TestSwitchboardParkSelectionBySlot(t *testing.T) {
	s := sbWaiting(sbState())
	u := sbOffline(t, s)
	v := u.switchboard
	v.typedKey(&fyne.KeyEvent{Name: fyne.KeyPageDown})
	if b := v.calls.parked.Objects[1].(*keyButton); !strings.HasPrefix(b.Text, "› 702") {
		t.Fatalf("Page Down selected %q", b.Text)
	}
	s.Switchboard.Parked = append([]app.ParkedCall{{Slot: "700", Call: "p0", Who: "Ona", Since: testNow}}, s.Switchboard.Parked...)
	u.Render(s)
	for i, want := range []string{"700", "701", "› 702"} {
		if b := v.calls.parked.Objects[i].(*keyButton); !strings.HasPrefix(b.Text, want) {
			t.Errorf("parked row %d %q, want %s…", i, b.Text, want)
		}
	}
	if got := v.parkedSelection(s); got != "702" {
		t.Errorf("F11 takes back %s, want 702", got)
	}
}

// F5 without a call in hand puts nothing through and calls nobody;
// Enter calls the selected colleague.
func TestSwitchboardF5WithoutCall(t *testing.T) {
	_, u := reception(t)
	v := u.switchboard
	v.selectTile("203", v.order)
	press(u, fyne.KeyF5)
	if info(u) != noCallText || len(u.client().State().Calls) != 0 {
		t.Fatalf("F5 with no call: %q, calls %+v", info(u), u.client().State().Calls)
	}
	press(u, fyne.KeyReturn)
	waitRender(t, u, "calling bob", func(s app.State) bool { return len(s.Calls) == 1 && s.Calls[0].Number == "203" })
}
