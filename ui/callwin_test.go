package ui

import (
	"context"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/deskline/deskline/app"
	"github.com/deskline/deskline/ctiproto"
	"github.com/deskline/deskline/internal/testoffice"
	"github.com/deskline/deskline/internal/testoffice/testdesk"
)

// cwConnected rings ann's 201 from Jane, answers and renders the
// connected call: the call window opens by itself.
func cwConnected(t *testing.T) (*testoffice.Office, *app.Desk, *UI, string) {
	t.Helper()
	o, d, u, id := popRing(t)
	if u.call.visible {
		t.Fatal("the call window opened for a call that only rings")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := d.Client.Answer(ctx, id); err != nil {
		t.Fatal(err)
	}
	waitRender(t, u, "connected", popConnectedOn(id, "201"))
	if !u.call.visible || u.call.w.Title() != "Deskline: calls" {
		t.Fatalf("call window visible %v after the call got connected", u.call.visible)
	}
	return o, d, u, id
}

// cwRow returns the row of call id at 201.
func cwRow(t *testing.T, u *UI, id string) *callRow {
	t.Helper()
	r := u.call.rows[id+"@201"]
	if r == nil {
		t.Fatalf("no row for %s in %v", id, u.call.order)
	}
	return r
}

// cwState reports whether call id is in state at 201.
func cwState(id, state string) func(app.State) bool {
	return func(s app.State) bool {
		for _, c := range s.Calls {
			if c.ID == id && c.Device == "201" && c.State == state {
				return true
			}
		}
		return false
	}
}

func TestCallWindowHoldRetrieveHangUp(t *testing.T) {
	_, _, u, id := cwConnected(t)
	r := cwRow(t, u, id)
	if r.name.Text != "Jane Doe" || !strings.HasPrefix(r.status.Text, "Talking ") {
		t.Errorf("row %q / %q", r.name.Text, r.status.Text)
	}
	test.Tap(r.hold)
	waitRender(t, u, "held", cwState(id, ctiproto.StateHeld))
	if r.hold.Text != "Retrieve" || !strings.HasPrefix(r.status.Text, "On hold ") || r.hold.Disabled() {
		t.Errorf("held: button %q (disabled %v), status %q", r.hold.Text, r.hold.Disabled(), r.status.Text)
	}
	test.Tap(r.hold)
	waitRender(t, u, "retrieved", cwState(id, ctiproto.StateConnected))
	if r.hold.Text != "Hold" {
		t.Errorf("retrieved: button %q", r.hold.Text)
	}
	test.Tap(r.hangUp)
	waitRender(t, u, "hung up", gone(id))
	if u.call.visible || len(u.call.rows) != 0 {
		t.Errorf("call window still shown (%v) with %d rows after the last call", u.call.visible, len(u.call.rows))
	}
}

func TestCallWindowTransferToSuggestion(t *testing.T) {
	o, _, u, id := cwConnected(t)
	bob := testdesk.Open(t, o, "bob")
	r := cwRow(t, u, id)
	if !r.transfer.Disabled() {
		t.Error("Transfer enabled with no target")
	}
	test.Type(r.target, "Bob")
	if n := len(r.suggestions.Objects); n != 1 {
		t.Fatalf("%d suggestions for Bob, want 1", n)
	}
	b := r.suggestions.Objects[0].(*widget.Button)
	if b.Text != "Bob Baker · 203 · work" {
		t.Errorf("suggestion %q", b.Text)
	}
	test.Tap(b)
	if r.target.Text != "203" || r.picked != "203" || len(r.suggestions.Objects) != 0 {
		t.Fatalf("after the pick: entry %q, picked %q, %d suggestions", r.target.Text, r.picked, len(r.suggestions.Objects))
	}
	if r.transfer.Disabled() {
		t.Fatal("Transfer disabled with a target")
	}
	test.Tap(r.transfer)
	if r.errLabel.Visible() {
		t.Fatalf("transfer failed: %s", r.errLabel.Text)
	}
	waitRender(t, u, "transferred away", gone(id))
	testdesk.WaitState(t, bob.Client, "ringing at bob", ringing(id))
	if u.call.visible {
		t.Error("call window still shown after the call was transferred away")
	}
}

func TestCallWindowTransferByKeyboard(t *testing.T) {
	_, _, u, id := cwConnected(t)
	r := cwRow(t, u, id)
	test.Type(r.target, "bob")
	r.target.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn}) // picks Bob Baker
	if r.target.Text != "203" || r.picked != "203" {
		t.Fatalf("Enter on a name: entry %q, picked %q", r.target.Text, r.picked)
	}
	test.Type(r.target, "4") // editing drops the pick: now 2034, nobody
	if r.picked != "" || r.pickedLabel.Visible() {
		t.Errorf("edited: picked %q, label %q", r.picked, r.pickedLabel.Text)
	}
	r.target.SetText("204")
	r.target.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn}) // a number: transfers
	waitRender(t, u, "transferred to 204", gone(id))
}

func TestCallWindowTransferError(t *testing.T) {
	_, _, u, id := cwConnected(t)
	r := cwRow(t, u, id)
	test.Type(r.target, "not a number")
	// Nobody matches: Enter tries the text as a number and says why not.
	r.target.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if !r.errLabel.Visible() || !strings.Contains(r.errLabel.Text, "No phone number found") {
		t.Errorf("error %q (visible %v)", r.errLabel.Text, r.errLabel.Visible())
	}
	if r.transfer.Disabled() {
		t.Error("Transfer stays disabled after a failed attempt")
	}
}

func TestCallWindowDisabledWithoutCapabilities(t *testing.T) {
	u, _ := newTestUI(t, popOfflineDesk(t))
	talking := cwTalking("c1", 83)
	s := popState(talking)
	delete(s.Capabilities, ctiproto.TypeHold)
	delete(s.Capabilities, ctiproto.TypeTransfer)
	u.Render(s)
	r := cwRow(t, u, "c1")
	if !r.hold.Disabled() || !r.transfer.Disabled() || !r.target.Disabled() {
		t.Error("Hold and Transfer must be disabled when the exchange cannot")
	}
	if r.hangUp.Disabled() {
		t.Error("Hang up disabled although the exchange can clear")
	}
	held := talking
	held.State = ctiproto.StateHeld
	s = popState(held)
	delete(s.Capabilities, ctiproto.TypeRetrieve)
	u.Render(s)
	if r.hold.Text != "Retrieve" || !r.hold.Disabled() {
		t.Errorf("held without retrieve: %q disabled %v", r.hold.Text, r.hold.Disabled())
	}
	delete(s.Capabilities, ctiproto.TypeClear)
	u.Render(s)
	if !r.hangUp.Disabled() {
		t.Error("Hang up enabled although the exchange cannot clear")
	}
}

func TestCallWindowOpensAndHides(t *testing.T) {
	u, _ := newTestUI(t, popOfflineDesk(t))
	u.Render(popState(popJane("c1", 3)))
	if u.call.visible {
		t.Fatal("opened for a call that rings")
	}
	talking := cwTalking("c1", 0)
	u.Render(popState(talking))
	if !u.call.visible {
		t.Fatal("not opened when the call got connected")
	}
	u.call.w.Canvas().OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyEscape})
	held := talking
	held.State = ctiproto.StateHeld
	u.Render(popState(held))
	u.Render(popState(talking))
	if u.call.visible {
		t.Fatal("reopened after the user closed it, for a retrieve")
	}
	u.Render(popState())
	dial := app.Call{ID: "c2", Device: "201", State: ctiproto.StateInitiated, Direction: ctiproto.DirectionOutgoing,
		Number: "+49301234567", Display: "Jane Doe", Since: testNow.Add(-5 * time.Second)}
	u.Render(popState(dial))
	if !u.call.visible {
		t.Fatal("not opened for click-to-dial")
	}
	if got := cwRow(t, u, "c2").status.Text; got != "Calling… 0:05 — pick up your phone" {
		t.Errorf("click-to-dial status %q", got)
	}
	u.Render(popState())
	if u.call.visible {
		t.Error("still shown with no calls left")
	}
}

func TestCallWindowStateWords(t *testing.T) {
	base := app.Call{Since: testNow.Add(-83 * time.Second), Answered: true}
	for _, tc := range []struct {
		state, dir string
		answered   bool
		want       string
	}{
		{ctiproto.StateConnected, ctiproto.DirectionIncoming, true, "Talking 1:23"},
		{ctiproto.StateHeld, ctiproto.DirectionIncoming, true, "On hold 1:23"},
		{ctiproto.StateInitiated, ctiproto.DirectionOutgoing, false, "Calling… 1:23 — pick up your phone"},
		{ctiproto.StateConnected, ctiproto.DirectionOutgoing, false, "Calling… 1:23 — ringing at the other end"},
		{ctiproto.StateFailed, ctiproto.DirectionOutgoing, false, "Call failed"},
	} {
		c := base
		c.State, c.Direction, c.Answered = tc.state, tc.dir, tc.answered
		if got := callStateText(c, testNow); got != tc.want {
			t.Errorf("%s %s: %q, want %q", tc.dir, tc.state, got, tc.want)
		}
	}
}

func TestCallWindowNotSetUp(t *testing.T) {
	u, _ := newTestUI(t, nil)
	u.call.show()
	if !u.call.visible || !u.call.empty.Visible() {
		t.Fatal("show() must open the window, saying there are no calls")
	}
	if !strings.HasPrefix(u.call.link.Text, "Not set up yet: open Settings") {
		t.Errorf("link line %q", u.call.link.Text)
	}
	u.call.tick() // no rows, no client: nothing to do, nothing to crash
}

func TestCallWindowMaster(t *testing.T) {
	u, _ := newTestUI(t, popOfflineDesk(t))
	held := popCaller("c2", "+498912345678", "Max Muster", 0)
	held.State, held.Answered, held.Since = ctiproto.StateHeld, true, testNow.Add(-12*time.Second)
	u.Render(popState(cwTalking("c1", 83), held))
	test.AssertRendersToMarkup(t, "callwin_connected.xml", u.call.w.Canvas())
	snapshot(t, "callwin_connected.xml", u.call.w.Canvas())
}

// cwTalking is Jane Doe's call, answered at 201 secs seconds ago.
func cwTalking(id string, secs int) app.Call {
	c := popJane(id, secs)
	c.State, c.Answered = ctiproto.StateConnected, true
	return c
}

func TestCallWindowOutageStopsTheRow(t *testing.T) {
	u, _ := newTestUI(t, popOfflineDesk(t))
	for _, tc := range outages(cwTalking("c1", 83)) {
		u.now = func() time.Time { return testNow }
		u.Render(popState(cwTalking("c1", 83)))
		r := cwRow(t, u, "c1")
		test.Type(r.target, "204")
		if r.warn.Visible() || r.hangUp.Disabled() || r.hold.Disabled() || r.transfer.Disabled() {
			t.Fatalf("%s: before the outage: warning %q, buttons off", tc.name, r.warn.Text)
		}
		u.Render(tc.s)
		if !r.warn.Visible() || r.warn.Text != tc.want {
			t.Errorf("%s: warning %q (visible %v), want %q", tc.name, r.warn.Text, r.warn.Visible(), tc.want)
		}
		if !r.hangUp.Disabled() || !r.hold.Disabled() || !r.transfer.Disabled() {
			t.Errorf("%s: Hang up, Hold or Transfer enabled", tc.name)
		}
		if want := linkText(tc.s); u.call.link.Text != want {
			t.Errorf("%s: window line %q, want %q", tc.name, u.call.link.Text, want)
		}
		u.now = func() time.Time { return testNow.Add(10 * time.Second) }
		u.call.tick()
		if r.status.Text != "Talking 1:23" {
			t.Errorf("%s: the clock ran on: %q", tc.name, r.status.Text)
		}
		u.Render(popState(cwTalking("c1", 83)))
		if r.warn.Visible() || r.status.Text != "Talking 1:33" || r.hangUp.Disabled() || r.transfer.Disabled() {
			t.Errorf("%s: after the outage: warning %q, status %q, buttons off %v",
				tc.name, r.warn.Text, r.status.Text, r.hangUp.Disabled() || r.transfer.Disabled())
		}
		r.target.SetText("")
	}
}

// "Calls in progress (N)" counts what the call window lists, one per
// call: not the call ringing (the screen pop has it), not an internal
// call twice for being at two of the user's phones.
func TestCallsInProgressMatchesTheWindow(t *testing.T) {
	u, _ := newTestUI(t, popOfflineDesk(t))
	u.opts.NoTrayReason = "No tray here"
	u.main.show()
	s := popState(popJane("c1", 3))
	s.Devices = append(s.Devices, app.Device{ID: "202", Name: "Back office"})
	u.Render(s)
	if calls := menuItem(t, u.tray.menu, "Calls in progress"); calls.Label != "Calls in progress (0)" || !calls.Disabled {
		t.Errorf("ringing only: tray %q (disabled %v)", calls.Label, calls.Disabled)
	}
	if u.main.calls.Text != "Calls in progress (0)" || !u.main.calls.Disabled() {
		t.Errorf("ringing only: main window %q (disabled %v)", u.main.calls.Text, u.main.calls.Disabled())
	}
	out := app.Call{ID: "c2", Device: "201", State: ctiproto.StateConnected, Direction: ctiproto.DirectionOutgoing,
		Number: "202", Display: "Back office", Answered: true, Since: testNow}
	in := out
	in.Device, in.Direction, in.Display = "202", ctiproto.DirectionIncoming, "Front desk"
	s.Calls = append(s.Calls, out, in)
	u.Render(s)
	if calls := menuItem(t, u.tray.menu, "Calls in progress"); calls.Label != "Calls in progress (1)" || calls.Disabled {
		t.Errorf("one internal call: tray %q (disabled %v)", calls.Label, calls.Disabled)
	}
	if u.main.calls.Text != "Calls in progress (1)" || u.main.calls.Disabled() {
		t.Errorf("one internal call: main window %q", u.main.calls.Text)
	}
	if !u.call.visible || u.call.empty.Visible() {
		t.Error("the call window does not list the call the tray counts")
	}
	s.Calls = s.Calls[:1] // the internal call ends; Jane still rings
	u.Render(s)
	if u.call.visible {
		t.Error("the call window stays with only a ringing call left")
	}
	if calls := menuItem(t, u.tray.menu, "Calls in progress"); calls.Label != "Calls in progress (0)" {
		t.Errorf("after the call: tray %q", calls.Label)
	}
}
