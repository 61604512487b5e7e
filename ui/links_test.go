package ui

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/deskline/deskline/app"
	"github.com/deskline/deskline/app/settings"
	"github.com/deskline/deskline/ctiproto"
	"github.com/deskline/deskline/internal/cut"
	"github.com/deskline/deskline/internal/testoffice"
	"github.com/deskline/deskline/internal/testoffice/testdesk"
	"github.com/deskline/deskline/pbx"
)

// linkOffice starts an office and a UI over ann's connected desk, with a
// clock the test moves (u.now). The UI is closed at the end, so a link's
// patience timer firing later touches nothing.
func linkOffice(t *testing.T) (*testoffice.Office, *UI, *time.Time) {
	t.Helper()
	o := testoffice.Start(t, nil)
	d := testdesk.Open(t, o, "ann", dialBook)
	u, _ := newTestUI(t, d)
	t.Cleanup(u.Close)
	now := testNow
	u.now = func() time.Time { return now }
	return o, u, &now
}

// atOnce switches dial_links_at_once on for the desk, as Settings does.
func atOnce(u *UI) { u.Desk().Settings.DialLinksAtOnce = true }

// linkConnecting renders a state in which the connection is not up yet.
var linkConnecting = app.State{Status: app.StatusConnecting, Reason: "connecting to the server"}

// linkReady renders the desk's state once it can dial.
func linkReady(t *testing.T, u *UI) {
	t.Helper()
	waitRender(t, u, "ready to dial", func(s app.State) bool {
		return s.Status == app.StatusConnected && s.Can(ctiproto.TypeMakeCall) && len(s.Devices) > 0
	})
}

// exchangeCalls lists the calls the exchange has, as "device direction
// number", e.g. "201 outgoing 0301234567".
func exchangeCalls(t *testing.T, o *testoffice.Office) []string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	calls, err := o.Sim.Calls(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, c := range calls {
		out = append(out, fmt.Sprintf("%s %s %s", c.Device, c.Direction, c.Other.Number))
	}
	return out
}

// noCalls checks, after a while for anything dialled to arrive, that the
// exchange has no call.
func noCalls(t *testing.T, o *testoffice.Office, what string) {
	t.Helper()
	time.Sleep(300 * time.Millisecond)
	if calls := exchangeCalls(t, o); len(calls) != 0 {
		t.Errorf("%s: the exchange has calls %q, want none", what, calls)
	}
}

// With dial_links_at_once, a link handed over while the app connects
// waits, says it will dial, and is dialled once the connection is up:
// exactly once.
func TestLinkWhileConnectingDialsOnceConnected(t *testing.T) {
	o, u, _ := linkOffice(t)
	atOnce(u)
	u.Render(linkConnecting)
	test.AssertNotificationSent(t, fyne.NewNotification("Deskline is connecting", "It dials tel:+49-30-1234567 once connected."), func() {
		u.HandleLink(" tel:+49-30-1234567\n")
	})
	if len(u.links) != 1 || u.links[0].text != "tel:+49-30-1234567" || !u.links[0].at.Equal(testNow) {
		t.Fatalf("pending links %+v, want the link, at the test's now", u.links)
	}
	noCalls(t, o, "while connecting")
	if u.dial.win.shown() {
		t.Error("the dial window opened for a link that waits")
	}

	linkReady(t, u)
	if len(u.links) != 0 {
		t.Errorf("links still pending once connected: %+v", u.links)
	}
	s := waitRender(t, u, "the call", func(s app.State) bool { return len(s.Calls) > 0 })
	u.Render(s) // the next states: nothing is dialled again
	linkReady(t, u)
	time.Sleep(300 * time.Millisecond)
	calls := exchangeCalls(t, o)
	if want := "201 " + string(pbx.Outgoing) + " +49301234567"; len(calls) != 1 || calls[0] != want {
		t.Fatalf("exchange calls %q, want exactly [%q]", calls, want)
	}
	if !u.console.win.shown() {
		t.Error("the call window did not open for the dialled link")
	}
}

// A link that waited longer than linkPatience is not dialled by surprise:
// the dial window opens with it, and the user decides.
func TestLinkWaitingTooLongOpensTheDialWindow(t *testing.T) {
	o, u, now := linkOffice(t)
	atOnce(u)
	u.Render(linkConnecting)
	u.HandleLink("030 1234567")
	*now = now.Add(linkPatience / 2)
	u.expireLinks() // too early: it keeps waiting
	if len(u.links) != 1 || u.dial.win.shown() {
		t.Fatalf("after %v: %d links pending, dial window open %v", linkPatience/2, len(u.links), u.dial.win.shown())
	}
	*now = testNow.Add(linkPatience + time.Second)
	u.expireLinks() // what the patience timer does
	if len(u.links) != 0 {
		t.Errorf("expired links still pending: %+v", u.links)
	}
	if !u.dial.win.shown() || u.dial.entry.Text != "030 1234567" {
		t.Fatalf("dial window open %v with %q, want it open with the link", u.dial.win.shown(), u.dial.entry.Text)
	}
	linkReady(t, u)
	noCalls(t, o, "an expired link, once connected")
	if !u.dial.win.shown() || u.dial.entry.Text != "030 1234567" {
		t.Errorf("dial window open %v with %q after connecting", u.dial.win.shown(), u.dial.entry.Text)
	}
}

// A link while the user must log in cannot wait for a connection that
// will not come by itself, even with dial_links_at_once: the dial window
// opens at once and says so.
func TestLinkWhileLoginRequiredOpensTheDialWindow(t *testing.T) {
	o, u, _ := linkOffice(t)
	atOnce(u)
	u.Render(app.State{Status: app.StatusLoginRequired, Reason: "logged out"})
	u.HandleLink("callto:+49301234567")
	if !u.dial.win.shown() || u.dial.entry.Text != "callto:+49301234567" || len(u.links) != 0 {
		t.Fatalf("dial window open %v with %q, %d links pending", u.dial.win.shown(), u.dial.entry.Text, len(u.links))
	}
	if !u.dial.dialBtn.Disabled() || u.dial.problem.Text == "" {
		t.Errorf("Dial enabled %v, problem %q: want it off, saying why", !u.dial.dialBtn.Disabled(), u.dial.problem.Text)
	}
	noCalls(t, o, "a link while logged out")

	// Before the app is set up there is no client at all.
	u2, _ := newTestUI(t, nil)
	u2.HandleLink("tel:+49301234567")
	if !u2.dial.win.shown() || u2.dial.entry.Text != "tel:+49301234567" {
		t.Errorf("no desk: dial window open %v with %q", u2.dial.win.shown(), u2.dial.entry.Text)
	}
}

// A link that names no number opens the dial window with its text, to
// fix by hand; an empty one opens it empty.
func TestLinkBadOpensTheDialWindow(t *testing.T) {
	o, u, _ := linkOffice(t)
	linkReady(t, u)
	u.HandleLink("tel:")
	if !u.dial.win.shown() || u.dial.entry.Text != "tel:" {
		t.Fatalf("dial window open %v with %q, want it open with the link", u.dial.win.shown(), u.dial.entry.Text)
	}
	if u.dial.preview.Text == "" || !u.dial.dialBtn.Disabled() {
		t.Errorf("preview %q, Dial enabled %v: want what is wrong, and Dial off", u.dial.preview.Text, !u.dial.dialBtn.Disabled())
	}
	u.dial.hide()
	u.HandleLink("  ")
	if !u.dial.win.shown() || u.dial.entry.Text != "" {
		t.Errorf("empty link: dial window open %v with %q", u.dial.win.shown(), u.dial.entry.Text)
	}
	noCalls(t, o, "bad links")
}

// Started again without a link: the dial window where there is a tray,
// the main window where there is none.
func TestPresent(t *testing.T) {
	u, _ := newTestUI(t, nil)
	u.Present()
	if !u.dial.win.shown() || u.main.win.built() {
		t.Errorf("with a tray: dial window open %v, main window built %v", u.dial.win.shown(), u.main.win.built())
	}

	u, fy := newTestUI(t, nil)
	u.opts.TrayHost = false
	u.Present()
	if !u.main.win.built() || u.dial.win.built() {
		t.Fatalf("without a tray: main window built %v, dial window built %v", u.main.win.built(), u.dial.win.built())
	}
	found := false
	for _, w := range fy.Driver().AllWindows() {
		found = found || w == u.main.win.window() && w.Title() == mainTitle
	}
	if !found {
		t.Error("the main window is not among the app's windows")
	}
}

// A link is whatever another program passed: a huge one is quoted cut
// short in the notification, and still kept whole to dial.
func TestLinkQuotedShort(t *testing.T) {
	_, u, _ := linkOffice(t)
	atOnce(u)
	u.Render(linkConnecting)
	long := "tel:+49301234567;" + strings.Repeat("x", 5000)
	test.AssertNotificationSent(t, fyne.NewNotification("Deskline is connecting",
		"It dials "+cut.Runes(long, linkShown)+" once connected."), func() { u.HandleLink(long) })
	if len(u.links) != 1 || u.links[0].text != long {
		t.Fatalf("pending links: %d, want the whole link", len(u.links))
	}
}

// By default a link opens the dial window with its number normalised and
// chosen, dialling nothing; Enter dials it, once.
func TestLinkOpensTheDialWindowThenEnterDials(t *testing.T) {
	o, u, _ := linkOffice(t)
	linkReady(t, u)
	u.HandleLink("tel:+49-30-1234567")
	v := u.dial
	if !v.win.shown() || v.entry.Text != "+49 30 1234567" || v.target == nil || v.target.Dial != "+49301234567" {
		t.Fatalf("dial window open %v with %q, target %+v", v.win.shown(), v.entry.Text, v.target)
	}
	if len(u.links) != 0 {
		t.Errorf("links pending: %+v", u.links)
	}
	noCalls(t, o, "a link before Enter")
	dialPress(v, fyne.KeyReturn)
	waitRender(t, u, "the call", func(s app.State) bool { return len(s.Calls) > 0 })
	calls := exchangeCalls(t, o)
	if want := "201 " + string(pbx.Outgoing) + " +49301234567"; len(calls) != 1 || calls[0] != want {
		t.Fatalf("exchange calls %q, want exactly [%q]", calls, want)
	}
	if v.win.shown() || !u.console.win.shown() {
		t.Errorf("after dialling: dial window open %v, console open %v", v.win.shown(), u.console.win.shown())
	}
}

// By default a link while the app connects opens the dial window at
// once; it dials nothing, and Dial works once connected.
func TestLinkWhileConnectingOpensTheDialWindow(t *testing.T) {
	o, u, _ := linkOffice(t)
	u.Render(linkConnecting)
	u.HandleLink("callto:+49301234567")
	if !u.dial.win.shown() || u.dial.entry.Text != "+49 30 1234567" || len(u.links) != 0 {
		t.Fatalf("dial window open %v with %q, %d links pending", u.dial.win.shown(), u.dial.entry.Text, len(u.links))
	}
	if !u.dial.dialBtn.Disabled() {
		t.Error("Dial enabled while connecting")
	}
	linkReady(t, u)
	if u.dial.dialBtn.Disabled() {
		t.Errorf("Dial still off once connected: %q", u.dial.problem.Text)
	}
	noCalls(t, o, "a link, once connected, before Enter")
}

// With dial_links_at_once a link on a connected desk is dialled without
// the dial window, as before.
func TestLinkDialledAtOnceWhenSet(t *testing.T) {
	o, u, _ := linkOffice(t)
	atOnce(u)
	linkReady(t, u)
	u.HandleLink("tel:+49-30-1234567")
	waitRender(t, u, "the call", func(s app.State) bool { return len(s.Calls) > 0 })
	if calls := exchangeCalls(t, o); len(calls) != 1 {
		t.Fatalf("exchange calls %q, want one", calls)
	}
	if u.dial.win.shown() {
		t.Error("the dial window opened for a link dialled at once")
	}
}

// The setting's box in the settings window: off by default, and what it
// shows is what Save writes.
func TestDialLinksSettingBox(t *testing.T) {
	u, _ := newTestUI(t, nil)
	u.settings.show()
	v := u.settings
	if v.dialLinks.Checked || v.dialLinks.Text != dialLinksLabel {
		t.Fatalf("box %q checked %v, want it off by default", v.dialLinks.Text, v.dialLinks.Checked)
	}
	test.Tap(v.dialLinks)
	if s, _ := v.collect(settings.Default()); !s.DialLinksAtOnce {
		t.Error("a ticked box is not saved")
	}
}
