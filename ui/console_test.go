package ui

import (
	"context"
	"encoding/base64"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/deskline/deskline/app"
	"github.com/deskline/deskline/app/journal"
	"github.com/deskline/deskline/app/settings"
	"github.com/deskline/deskline/app/tokens"
	"github.com/deskline/deskline/contacts"
	"github.com/deskline/deskline/ctiproto"
	"github.com/deskline/deskline/internal/testoffice"
	"github.com/deskline/deskline/internal/testoffice/testdesk"
	"github.com/deskline/deskline/pbx"
	"github.com/deskline/deskline/pbx/sim"
)

// popBook is the screen pop's test address book: Jane Doe (Acme, with
// photo, note and three numbers) and Bob Baker (extension 203).
const popBook = "testdata/pop.vcf"

// popJaneNumber is Jane Doe's work number as the exchange sends it.
const popJaneNumber = "+49 30 1234567"

// popPNG is the 8×8 photo of pop.vcf.
const popPNG = "iVBORw0KGgoAAAANSUhEUgAAAAgAAAAICAIAAABLbSncAAAAPklEQVR4nGLRyt/KgA0wIXOOFUpjkYCIwuWYMNVC2FAJq/6ncAkImwmND1fBgtUcq/6nTFjdysDAAAgAAP//8DUTB/ze/ngAAAAASUVORK5CYII="

// popRing starts an office with ann's desk on pop.vcf, rings 201 from
// Jane and renders the ringing state.
func popRing(t *testing.T) (*testoffice.Office, *app.Desk, *UI, string) {
	t.Helper()
	o := testoffice.Start(t, nil)
	d := testdesk.Open(t, o, "ann", popBook)
	u, _ := newTestUI(t, d)
	id := o.Ring("201", popJaneNumber, "ACME Switchboard")
	waitRender(t, u, "ringing", ringing(id))
	return o, d, u, id
}

// card returns the console's card for key (a call id, or "failed/"+entry
// id), failing when there is none.
func card(t *testing.T, u *UI, key string) *callCard {
	t.Helper()
	c := u.console.cards[key]
	if c == nil {
		t.Fatalf("no card %q in %v", key, u.console.order)
	}
	return c
}

// onlyCard returns the console's one card, failing unless there is exactly one.
func onlyCard(t *testing.T, u *UI) *callCard {
	t.Helper()
	if n := len(u.console.order); n != 1 {
		t.Fatalf("%d cards, want 1 (%v)", n, u.console.order)
	}
	return u.console.cards[u.console.order[0]]
}

// consoleClosed fails unless the console is off screen and holds no window.
func consoleClosed(t *testing.T, u *UI) {
	t.Helper()
	if u.console.win.shown() {
		t.Fatalf("console still shown with %v", u.console.order)
	}
	for _, w := range u.fy.Driver().AllWindows() {
		if w.Title() == consoleTitle {
			t.Fatal("a hidden console keeps its window (and its GL context)")
		}
	}
}

func TestConsoleShowsContact(t *testing.T) {
	_, _, u, id := popRing(t)
	c := onlyCard(t, u)
	if w := u.console.win.window(); w == nil || w.Title() != consoleTitle {
		t.Fatalf("console not shown")
	}
	for what, got := range map[string][2]string{
		"name":    {c.name.Text, "Jane Doe"},
		"number":  {c.numberLine.Text, "+49 30 1234567 · work"},
		"company": {c.company.Text, "Acme GmbH, Purchasing · Head of Purchasing"},
		"note":    {c.note.Text, "Key account since 2019. Prefers calls before noon; ask about the Berlin rollout before quoting."},
		"where":   {c.where.Text, "Ringing on 201 (Ann)"},
		"marker":  {c.marker.Text, "WAITING"},
	} {
		if got[0] != got[1] {
			t.Errorf("%s: %q, want %q", what, got[0], got[1])
		}
	}
	if c.key != id || c.kind != cardRinging {
		t.Errorf("card %q kind %d", c.key, c.kind)
	}
	if c.photo.Resource == nil || !strings.HasPrefix(c.photo.Resource.Name(), "photo-") {
		t.Errorf("photo %v, want the contact's", c.photo.Resource)
	}
	if c.answer.Disabled() || c.decline.Disabled() || c.forward.Disabled() {
		t.Error("a ringing call needs enabled Answer, Decline and Forward")
	}
	if got := u.console.shownNames(); len(got) != 1 || got[0] != "Jane Doe" {
		t.Errorf("shownNames %v", got)
	}
}

func TestConsoleAnswerTurnsTheCardLive(t *testing.T) {
	_, _, u, id := popRing(t)
	c := onlyCard(t, u)
	test.Tap(c.answer)
	waitRender(t, u, "answered on 201", popConnectedOn(id, "201"))
	if c2 := onlyCard(t, u); c2 != c || c.kind != cardLive || c.marker.Text != "LIVE" || c.where.Text != "Talking on 201" {
		t.Fatalf("after answer: same card %v, kind %d, marker %q, where %q", c2 == c, c.kind, c.marker.Text, c.where.Text)
	}
	test.Tap(c.hold)
	waitRender(t, u, "held", cwState(id, ctiproto.StateHeld))
	if c.kind != cardHeld || c.marker.Text != "ON HOLD" || c.hold.Text != "Retrieve" || c.hold.Disabled() {
		t.Fatalf("held: kind %d marker %q button %q", c.kind, c.marker.Text, c.hold.Text)
	}
	test.Tap(c.hold)
	waitRender(t, u, "retrieved", cwState(id, ctiproto.StateConnected))
	test.Tap(c.hangUp)
	waitRender(t, u, "hung up", gone(id))
	consoleClosed(t, u)
}

func TestConsoleDecline(t *testing.T) {
	_, d, u, id := popRing(t)
	test.Tap(onlyCard(t, u).decline)
	waitRender(t, u, "declined", gone(id))
	consoleClosed(t, u)
	deadline := time.Now().Add(5 * time.Second)
	for {
		for _, e := range d.Journal.Entries() {
			if strings.HasPrefix(e.ID, id+"/201/") {
				if e.Outcome != journal.OutcomeRejected {
					t.Fatalf("journal outcome %q, want rejected", e.Outcome)
				}
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("no journal entry for %s: %+v", id, d.Journal.Entries())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestConsoleClosesWhenCallerHangsUp(t *testing.T) {
	o, _, u, id := popRing(t)
	if err := o.Sim.HangupRemote(context.Background(), pbx.CallID(id)); err != nil {
		t.Fatal(err)
	}
	waitRender(t, u, "cleared", gone(id))
	consoleClosed(t, u)
	if names := u.console.shownNames(); len(names) != 0 {
		t.Errorf("shownNames %v after the call ended", names)
	}
}

func TestConsoleClosesWhenPickedUpElsewhere(t *testing.T) {
	o := testoffice.Start(t, nil)
	d := testdesk.Open(t, o, "ann", popBook)
	u, _ := newTestUI(t, d)
	id := o.Ring("600", popJaneNumber, "")
	waitRender(t, u, "ringing", ringing(id))
	onlyCard(t, u)
	if err := o.Sim.Answer(context.Background(), pbx.CallID(id), "203"); err != nil {
		t.Fatal(err)
	}
	waitRender(t, u, "picked up by bob", gone(id))
	consoleClosed(t, u)
}

// A receptionist with three callers: they wait oldest first, Enter
// answers the one who waited longest, answering the next holds the first,
// Swap goes back in one click; every call stays visible throughout.
func TestConsoleThreeCallers(t *testing.T) {
	o := testoffice.Start(t, nil)
	d := testdesk.Open(t, o, "ann", popBook)
	u, _ := newTestUI(t, d)
	first := o.Ring("201", popJaneNumber, "")
	waitRender(t, u, "first", ringing(first))
	second := o.Ring("201", "+49 89 7654321", "Max Muster")
	third := o.Ring("201", "+49 40 555", "Eva Early")
	waitRender(t, u, "three ringing", func(s app.State) bool { return len(s.Ringing()) == 3 })
	if got := u.console.shownNames(); strings.Join(got, ",") != "Jane Doe,Max Muster,Eva Early" {
		t.Fatalf("callers %v, want the longest waiting first", got)
	}
	if u.console.header.Text != "3 callers waiting" {
		t.Errorf("header %q", u.console.header.Text)
	}
	u.console.win.window().Canvas().OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyReturn})
	waitRender(t, u, "first answered", popConnectedOn(first, "201"))
	if got := u.console.order; strings.Join(got, ",") != strings.Join([]string{second, third, first}, ",") {
		t.Errorf("order %v: callers waiting first, then the live call", got)
	}
	test.Tap(card(t, u, second).answer)
	waitRender(t, u, "second live, first held", func(s app.State) bool {
		return popConnectedOn(second, "201")(s) && cwState(first, ctiproto.StateHeld)(s)
	})
	held := card(t, u, first)
	if held.kind != cardHeld || held.hold.Text != "Swap" {
		t.Fatalf("first call: kind %d, button %q; want held with Swap", held.kind, held.hold.Text)
	}
	if card(t, u, second).kind != cardLive || card(t, u, third).kind != cardRinging {
		t.Fatal("second must be live, third still waiting")
	}
	if u.console.header.Text != "1 caller waiting · 1 live call · 1 on hold" {
		t.Errorf("header %q", u.console.header.Text)
	}
	test.Tap(held.hold) // Swap
	waitRender(t, u, "swapped", func(s app.State) bool {
		return popConnectedOn(first, "201")(s) && cwState(second, ctiproto.StateHeld)(s)
	})
	if got := u.console.order; got[0] != third || got[1] != first || got[2] != second {
		t.Errorf("order %v after the swap: waiting, live, held", got)
	}
	if !u.console.win.shown() {
		t.Fatal("the console went away with three calls")
	}
	snapshot(t, "console_three.xml", u.console.win.window().Canvas())
}

// The waiting time is large and turns to the warning colour at 15 s and
// the danger colour at 30 s.
func TestConsoleWaitingTimeEscalates(t *testing.T) {
	u, _ := newTestUI(t, popOfflineDesk(t))
	u.Render(popState(popJane("c1", 7)))
	c := onlyCard(t, u)
	for _, tc := range []struct {
		secs int
		text string
		imp  widget.Importance
	}{{0, "0:07", widget.MediumImportance}, {8, "0:15", widget.WarningImportance}, {23, "0:30", widget.DangerImportance}} {
		u.now = func() time.Time { return testNow.Add(time.Duration(tc.secs) * time.Second) }
		u.console.tick()
		if c.timer.Text != tc.text || c.timer.Importance != tc.imp {
			t.Errorf("+%ds: timer %q importance %d, want %q %d", tc.secs, c.timer.Text, c.timer.Importance, tc.text, tc.imp)
		}
	}
	if c.timer.SizeName != SizeNameCallerName || c.name.SizeName != SizeNameCallerName || c.numberLine.SizeName != SizeNameCallerNumber {
		t.Error("the waiting time and the caller's name must be in large text")
	}
}

// Closing the console is "not now": the calls ring on, the console stays
// closed for them, and opens for the next new call showing every caller,
// the one who waited longest first (Enter answers them, not the newest).
// "Calls (N)" in the tray counts them all and opens it.
func TestConsoleCloseIsNotNow(t *testing.T) {
	u, _ := newTestUI(t, popOfflineDesk(t))
	s := popState(popJane("c1", 7))
	u.Render(s)
	u.console.win.window().Canvas().OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyEscape})
	consoleClosed(t, u)
	u.Render(s)
	consoleClosed(t, u)
	if calls := menuItem(t, u.tray.menu, "Calls ("); calls.Label != "Calls (1)" || calls.Disabled {
		t.Errorf("tray item %q (disabled %v), want it to count the caller and open the console", calls.Label, calls.Disabled)
	}
	u.Render(popState(popJane("c1", 8), popCaller("c2", "+49 89 7654321", "Max Muster", 1)))
	if got := u.console.shownNames(); strings.Join(got, ",") != "Jane Doe,Max Muster" {
		t.Fatalf("after a new call: %v, want every caller, the longest waiting first", got)
	}
	u.console.win.window().Canvas().OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyEscape})
	u.console.show() // from the tray
	if got := u.console.shownNames(); len(got) != 2 {
		t.Errorf("opened from the tray: %v", got)
	}
}

// A second Enter while the first answer is on its way does not answer the
// next caller.
func TestConsoleDoubleEnterAnswersOnce(t *testing.T) {
	u, _ := newTestUI(t, popOfflineDesk(t))
	u.Render(popState(popJane("c1", 9), popCaller("c2", "+49 89 7654321", "Max Muster", 1)))
	first, second := card(t, u, "c1"), card(t, u, "c2")
	first.busy = true // the answer is on its way
	first.sync(u.console.state)
	u.console.win.window().Canvas().OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if second.busy || second.errLine.Visible() {
		t.Fatal("a second Enter answered the next caller")
	}
}

// A call from one of the user's phones to another shows once: as a
// caller waiting at the phone it rings, with Answer.
func TestConsoleCallBetweenMyPhones(t *testing.T) {
	u, _ := newTestUI(t, popOfflineDesk(t))
	s := popState()
	s.Devices = append(s.Devices, app.Device{ID: "202", Name: "Back office"})
	out := app.Call{ID: "x", Device: "201", State: ctiproto.StateConnected, Direction: ctiproto.DirectionOutgoing,
		Number: "202", Display: "Back office", Since: testNow}
	in := app.Call{ID: "x", Device: "202", State: ctiproto.StateAlerting, Direction: ctiproto.DirectionIncoming,
		Number: "201", Display: "Front desk", Since: testNow}
	s.Calls = []app.Call{out, in}
	u.Render(s)
	c := onlyCard(t, u)
	if c.kind != cardRinging || c.answer.Disabled() || u.console.header.Text != "1 caller waiting" {
		t.Fatalf("card kind %d, header %q", c.kind, u.console.header.Text)
	}
}

// With the screen pop off the console does not open for a ringing call,
// but once open (a call answered, or from the tray) it shows callers
// waiting too.
func TestConsolePopOffStillListsCallers(t *testing.T) {
	d := popOfflineDesk(t)
	d.Settings.Popup.Enabled = false
	u, _ := newTestUI(t, d)
	u.Render(popState(popCaller("c2", "+49 89 7654321", "Max Muster", 1)))
	consoleClosed(t, u)
	u.console.show()
	if got := u.console.shownNames(); len(got) != 1 {
		t.Fatalf("opened: callers %v", got)
	}
}

// Typing a transfer target keeps the console open although all it shows
// is an answered call.
func TestConsoleStaysWhileTransferring(t *testing.T) {
	u, _ := newTestUI(t, popOfflineDesk(t))
	u.Render(popState(cwTalking("c1", 0)))
	test.Tap(onlyCard(t, u).transfer)
	u.now = func() time.Time { return testNow.Add(time.Minute) }
	u.console.tick()
	if !u.console.win.shown() {
		t.Fatal("closed under the user's hands while typing a transfer target")
	}
}

// An error of a call's last state does not stay once the state changed.
func TestConsoleErrorGoesWithTheState(t *testing.T) {
	d := popOfflineDesk(t)
	d.Settings.Popup.CloseAfterAnswer = false
	u, _ := newTestUI(t, d)
	u.Render(popState(popJane("c1", 7)))
	c := onlyCard(t, u)
	test.Tap(c.answer) // the offline client refuses
	if !c.errLine.Visible() {
		t.Fatal("no error shown")
	}
	u.Render(popState(cwTalking("c1", 0))) // answered on the handset
	if c.errLine.Visible() {
		t.Errorf("the failed answer's error %q stays on the live call", c.errLine.Text)
	}
}

func TestConsoleNotifiesOncePerCall(t *testing.T) {
	o := testoffice.Start(t, nil)
	d := testdesk.Open(t, o, "ann", popBook)
	u, _ := newTestUI(t, d)
	var id string
	var s app.State
	want := &fyne.Notification{Title: "Call from Jane Doe", Content: "+49 30 1234567 · Acme GmbH, Purchasing · on 201 (Ann)"}
	test.AssertNotificationSent(t, want, func() {
		id = o.Ring("201", popJaneNumber, "")
		s = waitRender(t, u, "ringing", ringing(id))
	})
	test.AssertNotificationSent(t, nil, func() { u.Render(s); u.console.tick() })
	d.Settings.Popup.Notify = false
	test.AssertNotificationSent(t, nil, func() {
		other := o.Ring("201", "+49 89 7654321", "")
		waitRender(t, u, "second ringing", ringing(other))
	})
}

func TestConsolePopDisabledShowsNoWindow(t *testing.T) {
	d := popOfflineDesk(t)
	d.Settings.Popup.Enabled = false
	u, _ := newTestUI(t, d)
	test.AssertNotificationSent(t, &fyne.Notification{Title: "Call from Jane Doe",
		Content: "+49 30 1234567 · Acme GmbH, Purchasing · on 201 (Front desk)"}, func() {
		u.Render(popState(popJane("c1", 7)))
	})
	consoleClosed(t, u)
	u.Render(popState(cwTalking("c1", 0))) // answered on the handset: shown now
	if onlyCard(t, u).kind != cardLive {
		t.Fatal("the answered call is not shown")
	}
}

func TestConsoleButtonsFollowCapabilities(t *testing.T) {
	u, _ := newTestUI(t, popOfflineDesk(t))
	s := popState(popJane("c1", 7))
	delete(s.Capabilities, ctiproto.TypeAnswer)
	delete(s.Capabilities, ctiproto.TypeDeflect)
	u.Render(s)
	c := onlyCard(t, u)
	if !c.answer.Disabled() || !c.forward.Disabled() || c.decline.Disabled() {
		t.Error("Answer and Forward must be greyed out without the service, Decline not")
	}
	s.Status = app.StatusDisconnected
	u.Render(s)
	if !c.decline.Disabled() {
		t.Error("Decline enabled while disconnected")
	}
	u.Render(popState(cwTalking("c1", 3)))
	s = popState(cwTalking("c1", 3))
	delete(s.Capabilities, ctiproto.TypeHold)
	delete(s.Capabilities, ctiproto.TypeTransfer)
	u.Render(s)
	if !c.hold.Disabled() || !c.transfer.Disabled() || c.hangUp.Disabled() {
		t.Error("Hold and Transfer must be greyed out without the service, Hang up not")
	}
}

func TestConsoleWithheldAndCRM(t *testing.T) {
	d := popOfflineDesk(t)
	u, fy := newTestUI(t, d)
	u.Render(popState(popCaller("c1", "", "", 7)))
	c := onlyCard(t, u)
	if c.numberLine.Text != "Number withheld" || c.name.Text != "Unknown caller" {
		t.Errorf("withheld: %q / %q", c.name.Text, c.numberLine.Text)
	}
	if !c.copyNumber.Disabled() || !c.crm.Disabled() || c.crm.Text != "CRM: none set (Settings)" {
		t.Errorf("Copy number and Open in CRM need a number and a template (CRM button %q)", c.crm.Text)
	}
	if c.photo.Resource.Name() != theme.AccountIcon().Name() {
		t.Errorf("photo %q, want the neutral avatar", c.photo.Resource.Name())
	}
	d.Settings.CRMURL = "https://crm.example/find?phone={e164}&who={name}"
	u.Render(popState(popJane("c2", 7)))
	c = onlyCard(t, u)
	test.Tap(c.copyNumber)
	if got := fy.Clipboard().Content(); got != "+49 30 1234567" {
		t.Errorf("clipboard %q", got)
	}
	if got, want := c.crmURL(), "https://crm.example/find?phone=%2B49301234567&who=Jane+Doe"; got != want {
		t.Errorf("CRM URL %q, want %q", got, want)
	}
	if c.crm.Disabled() || c.crm.Text != "Open in CRM" {
		t.Error("Open in CRM disabled with a template")
	}
	test.Tap(c.crm)
	if c.errLine.Visible() {
		t.Errorf("Open in CRM: %s", c.errLine.Text)
	}
}

func TestConsoleActionErrorShowsInCard(t *testing.T) {
	u, _ := newTestUI(t, popOfflineDesk(t)) // its client is not connected
	u.Render(popState(popJane("c1", 7)))
	c := onlyCard(t, u)
	test.Tap(c.answer)
	if !c.errLine.Visible() || c.errLine.Text != "Not connected to the server" {
		t.Fatalf("error line %q (visible %v)", c.errLine.Text, c.errLine.Visible())
	}
	if c.answer.Disabled() {
		t.Error("Answer stays disabled after the action failed")
	}
}

func TestConsoleNoteIsShortened(t *testing.T) {
	long := strings.Repeat("word ", 60)
	if got := popNoteText(long); len([]rune(got)) > popNoteMax || !strings.HasSuffix(got, "…") {
		t.Errorf("long note kept as %q", got)
	}
	if got := popNoteText("a\nb\n\nc\nd"); got != "a b c…" {
		t.Errorf("four lines kept as %q", got)
	}
}

// A ringing call is forwarded to a colleague picked by name.
func TestConsoleForwardToContact(t *testing.T) {
	o, _, u, id := popRing(t)
	bob := testdesk.Open(t, o, "bob")
	c := onlyCard(t, u)
	test.Tap(c.forward)
	if c.picker == nil || !c.send.Disabled() {
		t.Fatal("Forward must open the target entry, Send waiting for a target")
	}
	test.Type(c.picker.entry, "bob")
	c.picker.entry.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn}) // picks Bob Baker
	if c.picker.entry.Text != "203" || c.picker.picked != "203" || c.send.Disabled() {
		t.Fatalf("after Enter on a name: entry %q, picked %q", c.picker.entry.Text, c.picker.picked)
	}
	test.Tap(c.send)
	if c.errLine.Visible() {
		t.Fatalf("forward failed: %s", c.errLine.Text)
	}
	waitRender(t, u, "forwarded away", gone(id))
	testdesk.WaitState(t, bob.Client, "ringing at bob", ringing(id))
	consoleClosed(t, u)
}

// A live call is transferred by typing a number and Enter.
func TestConsoleTransferByKeyboard(t *testing.T) {
	_, _, u, id := popRing(t)
	test.Tap(onlyCard(t, u).answer)
	waitRender(t, u, "answered", popConnectedOn(id, "201"))
	c := onlyCard(t, u)
	test.Tap(c.transfer)
	test.Type(c.picker.entry, "bob")
	if n := len(c.picker.suggestions.Objects); n != 1 {
		t.Fatalf("%d suggestions for bob, want 1", n)
	}
	c.picker.entry.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	test.Type(c.picker.entry, "4") // editing drops the pick: now 2034, nobody
	if c.picker.picked != "" || c.picker.pickedLabel.Visible() {
		t.Errorf("edited: picked %q", c.picker.picked)
	}
	c.picker.entry.SetText("204")
	c.picker.entry.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	waitRender(t, u, "transferred to 204", gone(id))
	consoleClosed(t, u)
}

// A call the user placed that fails says why and stays until dismissed;
// Try again dials the number again.
func TestConsoleFailedCallStays(t *testing.T) {
	o := testoffice.Start(t, func(c *sim.Config) { c.External = sim.Behaviour{Busy: true} })
	d := testdesk.Open(t, o, "ann", popBook)
	u, _ := newTestUI(t, d)
	ctx := context.Background()
	target, err := d.Client.PrepareDial("+49 30 999")
	if err != nil {
		t.Fatal(err)
	}
	id, err := d.Client.Dial(ctx, target)
	if err != nil {
		t.Fatal(err)
	}
	waitRender(t, u, "dialling", func(s app.State) bool { _, ok := findCall(s, id); return ok })
	if c := onlyCard(t, u); c.kind != cardDialling || c.where.Text != "Your phone 201 rings — pick up to call" {
		t.Fatalf("dialling card: kind %d, %q", c.kind, c.where.Text)
	}
	if err := d.Client.Answer(ctx, id); err != nil { // the handset is picked up; the line is busy
		t.Fatal(err)
	}
	s := waitRender(t, u, "failed", func(s app.State) bool { return len(s.Calls) == 0 && len(s.Failed) == 1 })
	c := onlyCard(t, u)
	if c.kind != cardFailed || c.timer.Text != "Line busy" || c.marker.Text != "NOT CONNECTED" || c.retry.Disabled() {
		t.Fatalf("failed card: kind %d, %q, %q, retry disabled %v", c.kind, c.timer.Text, c.marker.Text, c.retry.Disabled())
	}
	snapshot(t, "console_failed.xml", u.console.win.window().Canvas())
	test.Tap(c.retry)
	waitRender(t, u, "dialled again", func(s app.State) bool { return len(s.Calls) == 1 })
	if len(d.Client.State().Failed) != 0 {
		t.Error("Try again leaves the failure")
	}
	_ = s
}

func TestConsoleFailureWords(t *testing.T) {
	for cause, want := range map[string]string{
		ctiproto.CauseBusy: "Line busy", ctiproto.CauseNoAnswer: "No answer", ctiproto.CauseUnreachable: "Number not reachable",
		ctiproto.CauseInvalidNumber: "Number does not exist", "something new": "Call failed",
	} {
		if got := failureWords(cause); got != want {
			t.Errorf("%s: %q, want %q", cause, got, want)
		}
	}
	u, _ := newTestUI(t, popOfflineDesk(t))
	s := popState()
	s.Failed = []journal.Entry{{ID: "f1", Number: "+4930999", Outcome: journal.OutcomeOutgoingFailed, Cause: ctiproto.CauseNoAnswer, Start: testNow}}
	u.Render(s)
	c := card(t, u, "failed/f1")
	test.Tap(c.dismiss)
	consoleClosed(t, u)
}

func TestConsoleMasters(t *testing.T) {
	u, _ := newTestUI(t, popOfflineDesk(t))
	u.Render(popState(popJane("c1", 7)))
	test.AssertRendersToMarkup(t, "console_one.xml", u.console.win.window().Canvas())
	snapshot(t, "console_one.xml", u.console.win.window().Canvas())

	u2, _ := newTestUI(t, popOfflineDesk(t))
	u2.Render(consoleSample())
	test.AssertRendersToMarkup(t, "console_calls.xml", u2.console.win.window().Canvas())
	snapshot(t, "console_calls.xml", u2.console.win.window().Canvas())
}

func TestConsoleOutageStopsTheCard(t *testing.T) {
	d := popOfflineDesk(t)
	d.Settings.Popup.CloseAfterAnswer = false
	u, _ := newTestUI(t, d)
	for _, answered := range []bool{false, true} {
		call, clock := popJane("c1", 7), "0:07"
		if answered {
			call = cwTalking("c1", 7)
		}
		for _, tc := range outages(call) {
			u.now = func() time.Time { return testNow }
			u.Render(popState(call))
			c := onlyCard(t, u)
			if c.warn.Visible() {
				t.Fatalf("%s: warning %q before the outage", tc.name, c.warn.Text)
			}
			u.Render(tc.s)
			if !c.warn.Visible() || c.warn.Text != tc.want {
				t.Errorf("%s: warning %q (visible %v), want %q", tc.name, c.warn.Text, c.warn.Visible(), tc.want)
			}
			if !c.answer.Disabled() || !c.decline.Disabled() || !c.hangUp.Disabled() {
				t.Errorf("%s: Answer, Decline or Hang up enabled", tc.name)
			}
			if want := linkText(tc.s); u.console.link.Text != want {
				t.Errorf("%s: console line %q, want %q", tc.name, u.console.link.Text, want)
			}
			u.now = func() time.Time { return testNow.Add(5 * time.Second) }
			u.console.tick()
			if c.timer.Text != clock {
				t.Errorf("%s: the clock ran on: %q, want %q", tc.name, c.timer.Text, clock)
			}
			u.Render(popState(call)) // back: the clock catches up, the buttons work
			if c.warn.Visible() || c.timer.Text == clock {
				t.Errorf("%s: after the outage: warning %q, timer %q", tc.name, c.warn.Text, c.timer.Text)
			}
			u.Render(popState()) // the call ends
		}
	}
}

// The bundled demo address book (real vCards with photos) shows each demo
// caller by the number form the exchange presents, with the card's
// company and photo.
func TestConsoleWithDemoBook(t *testing.T) {
	o := testoffice.Start(t, nil)
	d := testdesk.Open(t, o, "ann", demoBook)
	u, _ := newTestUI(t, d)
	for _, caller := range app.DemoCallers {
		id := o.Ring("201", caller.Number, "")
		waitRender(t, u, "ringing", ringing(id))
		c := card(t, u, id)
		if c.name.Text != caller.Name || c.company.Text == "" || c.photo.Resource == nil ||
			c.photo.Resource.Name() == theme.AccountIcon().Name() {
			t.Errorf("%s: card shows %q, company %q, photo %v", caller.Number, c.name.Text, c.company.Text, c.photo.Resource)
		}
		if err := o.Sim.HangupRemote(context.Background(), pbx.CallID(id)); err != nil {
			t.Fatal(err)
		}
		waitRender(t, u, "cleared", gone(id))
	}
}

// "Calls (N)" counts what the console shows, one per call: not an
// internal call twice for being at two of the user's phones.
func TestCallsInProgressMatchesTheConsole(t *testing.T) {
	u, _ := newTestUI(t, popOfflineDesk(t))
	u.opts.NoTrayReason = "No tray here"
	u.main.show()
	s := popState(popJane("c1", 3))
	s.Devices = append(s.Devices, app.Device{ID: "202", Name: "Back office"})
	u.Render(s)
	if calls := menuItem(t, u.tray.menu, "Calls ("); calls.Label != "Calls (1)" || calls.Disabled {
		t.Errorf("ringing only: tray %q (disabled %v)", calls.Label, calls.Disabled)
	}
	out := app.Call{ID: "c2", Device: "201", State: ctiproto.StateConnected, Direction: ctiproto.DirectionOutgoing,
		Number: "202", Display: "Back office", Answered: true, Since: testNow}
	in := out
	in.Device, in.Direction, in.Display = "202", ctiproto.DirectionIncoming, "Front desk"
	s.Calls = append(s.Calls, out, in)
	u.Render(s)
	if calls := menuItem(t, u.tray.menu, "Calls ("); calls.Label != "Calls (2)" || calls.Disabled {
		t.Errorf("a caller and one internal call: tray %q (disabled %v)", calls.Label, calls.Disabled)
	}
	if u.main.calls.Text != "Calls (2)" || u.main.calls.Disabled() {
		t.Errorf("one internal call: main window %q", u.main.calls.Text)
	}
	if n := len(u.console.order); n != 2 {
		t.Errorf("console shows %d cards, want the caller and the one internal call", n)
	}
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

// cwTalking is Jane Doe's call, answered at 201 secs seconds ago.
func cwTalking(id string, secs int) app.Call {
	c := popJane(id, secs)
	c.State, c.Answered = ctiproto.StateConnected, true
	return c
}

// findCall finds call id in s.
func findCall(s app.State, id string) (app.Call, bool) {
	for _, c := range s.Calls {
		if c.ID == id {
			return c, true
		}
	}
	return app.Call{}, false
}

// popConnectedOn reports whether call id is connected at device.
func popConnectedOn(id, device string) func(app.State) bool {
	return func(s app.State) bool {
		for _, c := range s.Calls {
			if c.ID == id && c.Device == device && c.State == ctiproto.StateConnected {
				return true
			}
		}
		return false
	}
}

// popOfflineDesk is a desk with pop.vcf whose client never runs, for
// made-up states: it has the normaliser, the books and the settings, and
// a client that is set up (so no view says "not set up") but not connected.
func popOfflineDesk(t *testing.T) *app.Desk {
	t.Helper()
	dir := t.TempDir()
	s := settings.Default()
	s.HomeRegion, s.User, s.ServerURL = "DE", "ann", "ws://127.0.0.1:9/v1/ws"
	book, err := filepath.Abs(popBook)
	if err != nil {
		t.Fatal(err)
	}
	s.AddressBooks = []string{book}
	if err := settings.Save(filepath.Join(dir, settings.FileName), s); err != nil {
		t.Fatal(err)
	}
	d, err := app.OpenDesk(dir, tokens.NewMemory(), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	return d
}

// popState is a connected state on device 201 with every capability and
// the given calls.
func popState(calls ...app.Call) app.State {
	caps := make(map[string]bool)
	for _, c := range []string{ctiproto.TypeMakeCall, ctiproto.TypeAnswer, ctiproto.TypeClear, ctiproto.TypeHold,
		ctiproto.TypeRetrieve, ctiproto.TypeTransfer, ctiproto.TypeDeflect, ctiproto.TypeSetDND} {
		caps[c] = true
	}
	return app.State{Status: app.StatusConnected, User: "ann", DisplayName: "Ann Archer",
		Exchange: app.ExchangeStatus{Available: true}, Capabilities: caps,
		Devices: []app.Device{{ID: "201", Name: "Front desk", Registered: true}}, Calls: calls}
}

// popCaller is an incoming call ringing at 201 for secs seconds.
func popCaller(id, number, name string, secs int) app.Call {
	c := app.Call{ID: id, Device: "201", State: ctiproto.StateAlerting, Direction: ctiproto.DirectionIncoming,
		Number: number, Name: name, Since: testNow.Add(-time.Duration(secs) * time.Second)}
	switch {
	case name != "":
		c.Display = name
	case number != "":
		c.Display = number
	default:
		c.Display = "Unknown caller"
	}
	return c
}

// popJane is Jane Doe of pop.vcf calling from her work number, made up
// with a fixed contact id so that masters do not depend on paths.
func popJane(id string, secs int) app.Call {
	photo, err := base64.StdEncoding.DecodeString(popPNG)
	if err != nil {
		panic(err)
	}
	work := contacts.Phone{Raw: popJaneNumber, Types: []string{"work", "voice"},
		Number: contacts.Number{Key: "+49301234567", Display: "+49 30 1234567"}}
	jane := &contacts.Contact{ID: "pop.vcf#jane-doe", FormattedName: "Jane Doe", Organization: "Acme GmbH",
		Department: "Purchasing", Title: "Head of Purchasing",
		Note:   "Key account since 2019. Prefers calls before noon; ask about the Berlin rollout before quoting.",
		Phones: []contacts.Phone{work}, Photo: &contacts.Photo{Data: photo, MediaType: "image/png"}}
	c := popCaller(id, "+49301234567", "ACME Switchboard", secs)
	c.Contact, c.Phone, c.Display = jane, &work, "Jane Doe"
	return c
}

// outages are the made-up states in which nothing can be done with a
// call: the telephone system is down, or the link to the server is lost
// (the calls stay in the state as last seen).
func outages(calls ...app.Call) []struct {
	name, want string
	s          app.State
} {
	pbxDown := popState(calls...)
	pbxDown.Exchange = app.ExchangeStatus{Reason: "PBX restarting"}
	lost := popState(calls...)
	lost.Status, lost.Reason = app.StatusDisconnected, "server unreachable"
	return []struct {
		name, want string
		s          app.State
	}{
		{"exchange down", "Telephone system unavailable — this call may have ended", pbxDown},
		{"link lost", "Connection lost — this call may have ended", lost},
	}
}

// consoleSample is a busy front desk: a caller waiting 18 s, a live call,
// one on hold and a call that found the line busy.
func consoleSample() app.State {
	held := popCaller("c3", "+498912345678", "Max Muster", 0)
	held.State, held.Answered, held.Since = ctiproto.StateHeld, true, testNow.Add(-45*time.Second)
	s := popState(popCaller("c2", "", "", 18), cwTalking("c1", 83), held)
	s.Failed = []journal.Entry{{ID: "f1", Number: "+4930999", Name: "Bavaria Trading", Outcome: journal.OutcomeOutgoingFailed,
		Cause: ctiproto.CauseBusy, Start: testNow.Add(-time.Minute)}}
	return s
}

// With CloseAfterAnswer (the default) the console closes 3 s after all it
// shows is answered calls; not while anything else waits, and not when
// the user opened it on purpose.
func TestConsoleClosesAfterAnswer(t *testing.T) {
	u, _ := newTestUI(t, popOfflineDesk(t))
	at := func(secs int) { u.now = func() time.Time { return testNow.Add(time.Duration(secs) * time.Second) } }
	u.Render(popState(popJane("c1", 3), popCaller("c2", "+4989 7654321", "Max Muster", 1)))
	u.Render(popState(cwTalking("c1", 0), popCaller("c2", "+4989 7654321", "Max Muster", 1)))
	at(10)
	u.console.tick()
	if !u.console.win.shown() {
		t.Fatal("closed while a caller still waits")
	}
	u.Render(popState(cwTalking("c1", 0))) // Max gave up: only the answered call is left
	at(12)
	u.console.tick()
	if !u.console.win.shown() {
		t.Fatal("closed before its 3 s")
	}
	at(13)
	u.console.tick()
	consoleClosed(t, u)
	u.console.show() // "Calls in progress": stays
	at(30)
	u.console.tick()
	if !u.console.win.shown() {
		t.Fatal("closed although the user opened it")
	}
}

// Closed, the console keeps its native window for consoleKeep (the next
// call opens it at once, where it was), then destroys it.
func TestConsoleKeepsItsWindowForAWhile(t *testing.T) {
	u, fy := newTestUI(t, popOfflineDesk(t))
	u.opts.Synchronous = false // the desktop's way; nothing here acts
	u.Render(popState(popJane("c1", 7)))
	w := u.console.win.w
	u.Render(popState())
	if u.console.win.shown() || u.console.win.w != w || u.console.win.expiry == nil {
		t.Fatal("the closed console did not keep its window for a while")
	}
	u.Render(popState(popJane("c2", 1)))
	if !u.console.win.shown() || u.console.win.w != w || u.console.win.expiry != nil {
		t.Fatal("the next call did not reuse the kept window")
	}
	u.Render(popState())
	u.console.win.stopExpiry() // as if consoleKeep passed:
	u.console.win.expire()
	for _, have := range fy.Driver().AllWindows() {
		if have.Title() == consoleTitle {
			t.Fatal("the kept window outlived its time")
		}
	}
}
