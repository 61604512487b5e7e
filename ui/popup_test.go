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

	"github.com/deskline/deskline/app"
	"github.com/deskline/deskline/contacts"
	"github.com/deskline/deskline/ctiproto"
	"github.com/deskline/deskline/internal/testoffice"
	"github.com/deskline/deskline/internal/testoffice/testdesk"
	"github.com/deskline/deskline/pbx"
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

// popOnlyCard returns the pop's one card, failing unless there is exactly one.
func popOnlyCard(t *testing.T, u *UI) *popCard {
	t.Helper()
	if n := len(u.pop.cards); n != 1 {
		t.Fatalf("%d cards, want 1 (%v)", n, u.pop.shownNames())
	}
	return u.pop.cards[0]
}

// popClosed fails unless the pop shows nothing.
func popClosed(t *testing.T, u *UI) {
	t.Helper()
	if len(u.pop.cards) != 0 || u.pop.visible {
		t.Fatalf("pop still shows %v (visible %v)", u.pop.shownNames(), u.pop.visible)
	}
}

func TestPopShowsContact(t *testing.T) {
	_, _, u, _ := popRing(t)
	c := popOnlyCard(t, u)
	if !u.pop.visible || u.pop.w.Title() != "Deskline: incoming call" {
		t.Fatalf("window visible %v, title %q", u.pop.visible, u.pop.w.Title())
	}
	for what, got := range map[string][2]string{
		"name":    {c.name.Text, "Jane Doe"},
		"number":  {c.numberLine.Text, "+49 30 1234567 · work"},
		"company": {c.company.Text, "Acme GmbH, Purchasing"},
		"title":   {c.title.Text, "Head of Purchasing"},
		"note":    {c.note.Text, "Key account since 2019. Prefers calls before noon; ask about the Berlin rollout before quoting."},
	} {
		if got[0] != got[1] {
			t.Errorf("%s: %q, want %q", what, got[0], got[1])
		}
	}
	if !strings.HasPrefix(c.status.Text, "Ringing ") || !strings.HasSuffix(c.status.Text, " on 201 (Ann)") {
		t.Errorf("status %q, want Ringing … on 201 (Ann)", c.status.Text)
	}
	if c.photo.Resource == nil || !strings.HasPrefix(c.photo.Resource.Name(), "photo-") {
		t.Errorf("photo %v, want the contact's", c.photo.Resource)
	}
	if c.answer.Disabled() || c.decline.Disabled() || !c.ringingButtons.Visible() || c.answeredButtons.Visible() {
		t.Error("a ringing call needs enabled Answer and Decline, no Hang up")
	}
	if got := u.pop.shownNames(); len(got) != 1 || got[0] != "Jane Doe" {
		t.Errorf("shownNames %v", got)
	}
}

func TestPopAnswer(t *testing.T) {
	_, _, u, id := popRing(t)
	c := popOnlyCard(t, u)
	test.Tap(c.answer)
	waitRender(t, u, "answered on 201", popConnectedOn(id, "201"))
	c = popOnlyCard(t, u)
	if !strings.HasPrefix(c.status.Text, "Answered on 201 · ") {
		t.Errorf("status %q, want Answered on 201 · …", c.status.Text)
	}
	if c.ringingButtons.Visible() || !c.answeredButtons.Visible() || c.hangUp.Disabled() {
		t.Error("an answered call needs Hang up in place of Answer and Decline")
	}
	// CloseAfterAnswer (on by default): the card stays 3 s, then goes.
	u.now = func() time.Time { return testNow.Add(2 * time.Second) }
	u.pop.tick()
	popOnlyCard(t, u)
	u.now = func() time.Time { return testNow.Add(3 * time.Second) }
	u.pop.tick()
	popClosed(t, u)
}

func TestPopAnsweredCardStaysWithoutCloseAfterAnswer(t *testing.T) {
	_, d, u, id := popRing(t)
	d.Settings.Popup.CloseAfterAnswer = false
	test.Tap(popOnlyCard(t, u).answer)
	waitRender(t, u, "answered on 201", popConnectedOn(id, "201"))
	u.now = func() time.Time { return testNow.Add(time.Minute) }
	u.pop.tick()
	test.Tap(popOnlyCard(t, u).hangUp)
	waitRender(t, u, "hung up", gone(id))
	popClosed(t, u)
}

func TestPopDecline(t *testing.T) {
	_, d, u, id := popRing(t)
	test.Tap(popOnlyCard(t, u).decline)
	waitRender(t, u, "declined", gone(id))
	popClosed(t, u)
	deadline := time.Now().Add(5 * time.Second)
	for {
		for _, e := range d.Journal.Entries() {
			if strings.HasPrefix(e.ID, id+"/201/") {
				if e.Outcome != app.OutcomeRejected {
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

func TestPopClosesWhenCallerHangsUp(t *testing.T) {
	o, _, u, id := popRing(t)
	if err := o.Sim.HangupRemote(context.Background(), pbx.CallID(id)); err != nil {
		t.Fatal(err)
	}
	waitRender(t, u, "cleared", gone(id))
	popClosed(t, u)
	if names := u.pop.shownNames(); len(names) != 0 {
		t.Errorf("shownNames %v after the call ended", names)
	}
}

func TestPopClosesWhenPickedUpElsewhere(t *testing.T) {
	o := testoffice.Start(t, nil)
	d := testdesk.Open(t, o, "ann", popBook)
	u, _ := newTestUI(t, d)
	id := o.Ring("600", popJaneNumber, "")
	waitRender(t, u, "ringing", ringing(id))
	popOnlyCard(t, u)
	if err := o.Sim.Answer(context.Background(), pbx.CallID(id), "203"); err != nil {
		t.Fatal(err)
	}
	waitRender(t, u, "picked up by bob", gone(id))
	popClosed(t, u)
}

func TestPopStacksAndDismissAll(t *testing.T) {
	o := testoffice.Start(t, nil)
	d := testdesk.Open(t, o, "ann", popBook)
	u, _ := newTestUI(t, d)
	first := o.Ring("201", popJaneNumber, "")
	waitRender(t, u, "first ringing", ringing(first))
	second := o.Ring("201", "+49 89 7654321", "Max Muster")
	s := waitRender(t, u, "both ringing", func(s app.State) bool { return ringing(first)(s) && ringing(second)(s) })
	if got := u.pop.shownNames(); len(got) != 2 || got[0] != "Max Muster" || got[1] != "Jane Doe" {
		t.Fatalf("shownNames %v, want the newest on top: [Max Muster Jane Doe]", got)
	}
	if !u.pop.header.Visible() || u.pop.count.Text != "2 calls" {
		t.Fatalf("header visible %v, count %q", u.pop.header.Visible(), u.pop.count.Text)
	}
	test.Tap(u.pop.dismissAll)
	popClosed(t, u)
	u.Render(s) // still ringing: dismissed cards do not come back
	popClosed(t, u)
	if len(d.Client.State().Ringing()) != 2 {
		t.Error("Dismiss all must not end the calls")
	}
}

func TestPopDismissOneCard(t *testing.T) {
	u, _ := newTestUI(t, popOfflineDesk(t))
	s := popState(popJane("c1", 7), popCaller("c2", "+4989 7654321", "Max Muster", 2))
	u.Render(s)
	if len(u.pop.cards) != 2 {
		t.Fatalf("%d cards, want 2", len(u.pop.cards))
	}
	test.Tap(u.pop.cards[0].dismiss)
	u.Render(s)
	if got := u.pop.shownNames(); len(got) != 1 || got[0] != "Jane Doe" {
		t.Fatalf("after dismissing the top card: %v", got)
	}
	if u.pop.header.Visible() {
		t.Error("Dismiss all shown for one card")
	}
}

func TestPopNotifiesOncePerCall(t *testing.T) {
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
	test.AssertNotificationSent(t, nil, func() { u.Render(s); u.pop.tick() })
	d.Settings.Popup.Notify = false
	test.AssertNotificationSent(t, nil, func() {
		other := o.Ring("201", "+49 89 7654321", "")
		waitRender(t, u, "second ringing", ringing(other))
	})
}

func TestPopDisabledShowsNoWindow(t *testing.T) {
	d := popOfflineDesk(t)
	d.Settings.Popup.Enabled = false
	u, _ := newTestUI(t, d)
	test.AssertNotificationSent(t, &fyne.Notification{Title: "Call from Jane Doe",
		Content: "+49 30 1234567 · Acme GmbH, Purchasing · on 201 (Front desk)"}, func() {
		u.Render(popState(popJane("c1", 7)))
	})
	if u.pop.w != nil || len(u.pop.cards) != 0 {
		t.Fatal("the pop opened although it is disabled")
	}
}

func TestPopAnswerDisabledWithoutCapability(t *testing.T) {
	u, _ := newTestUI(t, popOfflineDesk(t))
	s := popState(popJane("c1", 7))
	delete(s.Capabilities, ctiproto.TypeAnswer)
	u.Render(s)
	c := popOnlyCard(t, u)
	if !c.answer.Disabled() || !c.ringingButtons.Visible() {
		t.Error("Answer must be shown disabled when the exchange cannot answer")
	}
	if c.decline.Disabled() {
		t.Error("Decline disabled although the exchange can clear")
	}
	s.Status = app.StatusDisconnected
	u.Render(s)
	if !c.decline.Disabled() {
		t.Error("Decline enabled while disconnected")
	}
}

func TestPopTickAndWithheld(t *testing.T) {
	u, _ := newTestUI(t, popOfflineDesk(t))
	u.Render(popState(popCaller("c1", "", "", 7)))
	c := popOnlyCard(t, u)
	if c.numberLine.Text != "Number withheld" || c.name.Text != "Unknown caller" {
		t.Errorf("withheld: %q / %q", c.name.Text, c.numberLine.Text)
	}
	if !c.copyNumber.Disabled() || !c.crm.Disabled() {
		t.Error("Copy number and Open in CRM need a number and a template")
	}
	if c.photo.Resource.Name() != theme.AccountIcon().Name() {
		t.Errorf("photo %q, want the neutral avatar", c.photo.Resource.Name())
	}
	if c.status.Text != "Ringing 0:07 on 201 (Front desk)" {
		t.Errorf("status %q", c.status.Text)
	}
	u.now = func() time.Time { return testNow.Add(5 * time.Second) }
	u.pop.tick()
	if c.status.Text != "Ringing 0:12 on 201 (Front desk)" {
		t.Errorf("after tick: status %q", c.status.Text)
	}
}

func TestPopCopyAndCRM(t *testing.T) {
	d := popOfflineDesk(t)
	d.Settings.CRMURL = "https://crm.example/find?phone={e164}&who={name}"
	u, fy := newTestUI(t, d)
	u.Render(popState(popJane("c1", 7)))
	c := popOnlyCard(t, u)
	test.Tap(c.copyNumber)
	if got := fy.Clipboard().Content(); got != "+49 30 1234567" {
		t.Errorf("clipboard %q", got)
	}
	if got, want := c.crmURL(), "https://crm.example/find?phone=%2B49301234567&who=Jane+Doe"; got != want {
		t.Errorf("CRM URL %q, want %q", got, want)
	}
	if c.crm.Disabled() {
		t.Error("Open in CRM disabled with a template")
	}
	test.Tap(c.crm)
	if c.errLabel.Visible() {
		t.Errorf("Open in CRM: %s", c.errLabel.Text)
	}
	d.Settings.CRMURL = "https://{name}.example/"
	u.Render(popState(popJane("c1", 7)))
	if !c.crm.Disabled() {
		t.Error("Open in CRM enabled although the template cannot be filled")
	}
}

func TestPopActionErrorShowsInCard(t *testing.T) {
	u, _ := newTestUI(t, popOfflineDesk(t)) // its client is not connected
	u.Render(popState(popJane("c1", 7)))
	c := popOnlyCard(t, u)
	test.Tap(c.answer)
	if !c.errLabel.Visible() || c.errLabel.Text != "Not connected to the server" {
		t.Fatalf("error line %q (visible %v)", c.errLabel.Text, c.errLabel.Visible())
	}
	if c.answer.Disabled() {
		t.Error("Answer stays disabled after the action failed")
	}
	u.Render(popState(cwTalking("c1", 0)))
	if c.errLabel.Visible() {
		t.Error("the failed answer's error stays after the call was answered")
	}
}

func TestPopNoteIsShortened(t *testing.T) {
	long := strings.Repeat("word ", 60)
	if got := popNoteText(long); len([]rune(got)) > popNoteMax || !strings.HasSuffix(got, "…") {
		t.Errorf("long note kept as %q", got)
	}
	if got := popNoteText("a\nb\n\nc\nd"); got != "a b c…" {
		t.Errorf("four lines kept as %q", got)
	}
	if got := popNoteText("short"); got != "short" {
		t.Errorf("short note %q", got)
	}
}

func TestPopMasters(t *testing.T) {
	u, _ := newTestUI(t, popOfflineDesk(t))
	u.Render(popState(popJane("c1", 7)))
	test.AssertRendersToMarkup(t, "popup_one.xml", u.pop.w.Canvas())
	snapshot(t, "popup_one.xml", u.pop.w.Canvas())

	u2, _ := newTestUI(t, popOfflineDesk(t))
	u2.Render(popState(popJane("c1", 42), popCaller("c2", "", "", 3)))
	test.AssertRendersToMarkup(t, "popup_stack.xml", u2.pop.w.Canvas())
	snapshot(t, "popup_stack.xml", u2.pop.w.Canvas())
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
	s := app.DefaultSettings()
	s.HomeRegion, s.User, s.ServerURL = "DE", "ann", "ws://127.0.0.1:9/v1/ws"
	book, err := filepath.Abs(popBook)
	if err != nil {
		t.Fatal(err)
	}
	s.AddressBooks = []string{book}
	if err := app.SaveSettings(filepath.Join(dir, app.SettingsFileName), s); err != nil {
		t.Fatal(err)
	}
	d, err := app.OpenDesk(dir, app.NewMemoryStore(), nil)
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

func TestPopOutageStopsTheCard(t *testing.T) {
	d := popOfflineDesk(t)
	d.Settings.Popup.CloseAfterAnswer = false
	u, _ := newTestUI(t, d)
	for _, answered := range []bool{false, true} {
		call, status := popJane("c1", 7), "Ringing 0:07 on 201 (Front desk)"
		if answered {
			call, status = cwTalking("c1", 7), "Answered on 201 · 0:07"
		}
		for _, tc := range outages(call) {
			u.now = func() time.Time { return testNow }
			u.Render(popState(popJane("c1", 7))) // it pops while it rings
			u.Render(popState(call))
			c := popOnlyCard(t, u)
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
			u.now = func() time.Time { return testNow.Add(5 * time.Second) }
			u.pop.tick()
			if c.status.Text != status {
				t.Errorf("%s: the clock ran on: %q, want %q", tc.name, c.status.Text, status)
			}
			u.Render(popState(call)) // back: the clock catches up, the buttons work
			if c.warn.Visible() || c.status.Text == status {
				t.Errorf("%s: after the outage: warning %q, status %q", tc.name, c.warn.Text, c.status.Text)
			}
			if answered && c.hangUp.Disabled() || !answered && (c.answer.Disabled() || c.decline.Disabled()) {
				t.Errorf("%s: after the outage the buttons stay off", tc.name)
			}
			u.Render(popState()) // the call ends: the next round pops it anew
		}
	}
}

// The bundled demo address book (real vCards with photos) pops up each
// demo caller by the number form the exchange presents, with the card's
// company and photo.
func TestPopWithDemoBook(t *testing.T) {
	o := testoffice.Start(t, nil)
	d := testdesk.Open(t, o, "ann", demoBook)
	u, _ := newTestUI(t, d)
	for _, caller := range app.DemoCallers {
		id := o.Ring("201", caller.Number, "")
		waitRender(t, u, "ringing", ringing(id))
		c := u.pop.cards[0]
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
