package ui

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/deskline/deskline/app"
	"github.com/deskline/deskline/app/tokens"
	"github.com/deskline/deskline/internal/testoffice"
	"github.com/deskline/deskline/internal/testoffice/testdesk"
)

// Every kind of link trouble has its own plain sentence naming the
// server; the cause's text (for logs) never shows.
func TestProblemWords(t *testing.T) {
	cause := errors.New("dial tcp 10.1.2.3:8720: connect: connection refused")
	seen := map[string]app.LinkProblem{}
	for _, k := range []app.LinkProblem{app.LinkRefused, app.LinkTimedOut, app.LinkNameNotFound, app.LinkUnreachable,
		app.LinkUntrusted, app.LinkTLS, app.LinkNotDeskline, app.LinkNoAnswer, app.LinkClosed, app.LinkThrottled, app.LinkOther} {
		e := &app.LinkError{Problem: k, Host: "cti.example:8720", Err: cause}
		text := problemText(e)
		if !strings.Contains(text, "cti.example:8720") || strings.Contains(text, "dial tcp") {
			t.Errorf("%s: %q", k, text)
		}
		if other, dup := seen[text]; dup {
			t.Errorf("%s and %s read the same: %q", k, other, text)
		}
		seen[text] = k
		if got := userText(e); got != text {
			t.Errorf("%s: userText %q, want the same words %q", k, got, text)
		}
	}
	if got := problemText(&app.LinkError{Problem: app.LinkRefused, Host: "h:1"}); !strings.HasPrefix(got, "Cannot reach the Deskline server at h:1") {
		t.Errorf("refused: %q", got)
	}
	// With several servers, every one tried is named.
	round := &app.LinkError{Problem: app.LinkRefused, Host: "c:1", Tried: []string{"a:1", "b:1"}}
	if got, want := problemText(round), "Cannot reach the Deskline server at c:1: it refuses connections (not running, or the wrong port); also tried a:1, b:1"; got != want {
		t.Errorf("a round: %q, want %q", got, want)
	}
}

// The countdown to the next attempt is in whole seconds, rounded up.
func TestRetryCountdown(t *testing.T) {
	now := testNow
	for _, tc := range []struct {
		at   time.Time
		want string
	}{
		{now.Add(7200 * time.Millisecond), "retrying in 8 s"},
		{now.Add(8 * time.Second), "retrying in 8 s"},
		{now.Add(300 * time.Millisecond), "retrying in 1 s"},
		{now, "retrying now"},
		{now.Add(-time.Second), "retrying now"},
		{time.Time{}, "retrying now"},
	} {
		if got := retryText(tc.at, now); got != tc.want {
			t.Errorf("retryText(%v) = %q, want %q", tc.at.Sub(now), got, tc.want)
		}
	}
}

// Keyring trouble reads in plain words, without the D-Bus paths of the
// causes, and says what it means for the user.
func TestKeyringWords(t *testing.T) {
	causes := []error{
		errors.New("failed to unlock correct collection '/org/freedesktop/secrets/aliases/default'"),
		errors.New("The name org.freedesktop.secrets was not provided by any .service files"),
		errors.New("exec: \"dbus-launch\": executable file not found in $PATH"),
		errors.New("something odd"),
	}
	for _, c := range causes {
		nk := &tokens.NoKeyringError{Err: c}
		text := keyringText(nk.Problem())
		if text == "" || strings.Contains(text, "/org/") || strings.Contains(text, "freedesktop") ||
			!strings.Contains(text, "password at every start") {
			t.Errorf("%v: %q", c, text)
		}
	}
	if keyringText("") != "" {
		t.Error("a working keyring has something to say")
	}
	if got := keyringText(tokens.KeyringLocked); !strings.Contains(got, "locked") {
		t.Errorf("locked: %q", got)
	}
}

// The server goes down: the tray and the main window say so in plain
// words with the server's address, grey out what cannot work and offer
// Reconnect now, which reconnects before the wait is over once the
// server is back.
func TestServerDownTrayAndMainWindow(t *testing.T) {
	o := testoffice.Start(t, nil)
	d := testdesk.Open(t, o, "ann")
	u, _ := newTestUI(t, d)
	u.main.show()
	waitRender(t, u, "connected", func(s app.State) bool { return s.Status == app.StatusConnected })
	if u.main.reconnect.Visible() || u.main.dial.Disabled() || u.main.offline.Visible() {
		t.Fatal("connected: Reconnect shown, Dial off or an offline note")
	}
	o.Stop()
	// A refused attempt that waits more than a second: time to tap.
	s := waitRender(t, u, "refused, waiting", func(s app.State) bool {
		return s.Status == app.StatusDisconnected && s.Problem != nil && s.Problem.Problem == app.LinkRefused &&
			time.Until(s.RetryAt) > time.Second
	})
	m := u.tray.menu
	status := m.Items[0].Label
	if !strings.HasPrefix(status, "Cannot reach the Deskline server at "+o.Addr+": it refuses connections") ||
		!strings.Contains(status, " — retrying in ") || strings.Contains(status, "dial tcp") {
		t.Errorf("status line %q", status)
	}
	for _, name := range []string{"Dial…", "Dial clipboard…", "Do not disturb", "Forward calls…"} {
		if !menuItem(t, m, name).Disabled {
			t.Errorf("%s is enabled while offline", name)
		}
	}
	if note := menuItem(t, m, "Dialling, do not disturb and forwarding are off"); !note.Disabled {
		t.Error("the offline note is clickable")
	}
	reconnect := menuItem(t, m, "Reconnect now")
	if reconnect.Disabled || reconnect.Action == nil {
		t.Fatal("Reconnect now is off")
	}
	v := u.main
	// The same words in both, up to the countdown: it may tick between
	// the two reads.
	beforeCount := func(s string) string { r, _, _ := strings.Cut(s, " — retrying in "); return r }
	if !v.dial.Disabled() || !v.clip.Disabled() || !v.dnd.Disabled() || !v.fwd.Disabled() ||
		!v.reconnect.Visible() || !strings.Contains(v.offline.Text, "until Deskline is connected") ||
		beforeCount(v.status.Text) != beforeCount(status) {
		t.Errorf("main window offline: dial off %v, clip off %v, DND off %v, forwarding off %v, Reconnect shown %v, note %q, status %q",
			v.dial.Disabled(), v.clip.Disabled(), v.dnd.Disabled(), v.fwd.Disabled(), v.reconnect.Visible(), v.offline.Text, v.status.Text)
	}

	o.Restart(false)
	test.Tap(v.reconnect)
	waitRender(t, u, "reconnected", func(s app.State) bool { return s.Status == app.StatusConnected })
	if time.Now().After(s.RetryAt) {
		t.Errorf("connected only after the wait was over (%v): Reconnect now did not cut it short", s.RetryAt)
	}
	if v.reconnect.Visible() || v.dial.Disabled() || v.offline.Visible() {
		t.Error("connected again: Reconnect still shown, Dial off, or the offline note left")
	}
	for _, l := range labels(u.tray.menu) {
		if l == "Reconnect now" {
			t.Error("Reconnect now in the menu while connected")
		}
	}
}

// The countdown runs in the views while disconnected: each second of the
// clock words the wait anew.
func TestCountdownTicks(t *testing.T) {
	u, _ := newTestUI(t, nil)
	u.Render(app.State{Status: app.StatusDisconnected, Problem: &app.LinkError{Problem: app.LinkRefused, Host: "h:1"},
		RetryAt: time.Now().Add(5500 * time.Millisecond)})
	before := u.tray.menu.Items[0].Label
	u.state.RetryAt = u.state.RetryAt.Add(-2 * time.Second) // two seconds later, as the clock sees it
	u.tickLink()
	if after := u.tray.menu.Items[0].Label; !strings.HasSuffix(before, "retrying in 6 s") || !strings.HasSuffix(after, "retrying in 4 s") {
		t.Errorf("countdown %q then %q", before, after)
	}
}

// Without a token (no keyring, logged out) a small login window asks for
// the password; a wrong one is refused in words, the right one connects
// and closes it. The long settings form stays shut.
func TestLoginWindow(t *testing.T) {
	o := testoffice.Start(t, nil)
	d := testdesk.Open(t, o, "ann")
	u, _ := newTestUI(t, d)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := d.Client.Logout(ctx); err != nil {
		t.Fatal(err)
	}
	s := waitRender(t, u, "login required", func(s app.State) bool { return s.Status == app.StatusLoginRequired })
	v := u.login
	if !v.win.shown() || v.win.window().Title() != loginTitle || u.settings.win.shown() {
		t.Fatalf("login window shown %v, settings shown %v", v.win.shown(), u.settings.win.shown())
	}
	if v.user.Text != "ann" || !strings.Contains(v.where.Text, o.Addr) || v.win.window().Canvas().Focused() != v.password {
		t.Errorf("user %q, where %q, focus on the password %v", v.user.Text, v.where.Text, v.win.window().Canvas().Focused() == v.password)
	}
	menuItem(t, u.tray.menu, "Log in…")
	s.KeyringProblem = tokens.KeyringNoService // what a desk without a keyring adds
	u.Render(s)
	if !strings.HasPrefix(v.why.Text, "Logged out.\n") || !strings.Contains(v.why.Text, "No keyring is installed") {
		t.Errorf("why %q lacks the keyring's trouble", v.why.Text)
	}

	test.Type(v.password, "wrong")
	test.Tap(v.btn)
	if !v.win.shown() || !strings.Contains(v.result.Text, "wrong user or password") {
		t.Fatalf("wrong password: shown %v, result %q", v.win.shown(), v.result.Text)
	}
	v.password.SetText("")
	test.Type(v.password, testoffice.Password)
	v.password.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn}) // Enter logs in
	waitRender(t, u, "connected", func(s app.State) bool { return s.Status == app.StatusConnected })
	if v.win.shown() || v.password.Text != "" {
		t.Errorf("after the login: window shown %v, password left %q", v.win.shown(), v.password.Text)
	}
}

// Closed by the user, the login window does not come back by itself
// until a login is needed anew; the Log in… item opens it. Before the set-up
// there is no login window: the settings ask for server and user.
func TestLoginWindowClosed(t *testing.T) {
	o := testoffice.Start(t, nil)
	d := testdesk.Open(t, o, "ann")
	u, _ := newTestUI(t, d)
	need := app.State{Status: app.StatusLoginRequired, Reason: "logged out"}
	u.Render(need)
	u.login.win.window().Canvas().(interface{ OnTypedKey() func(*fyne.KeyEvent) }).OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyEscape})
	if u.login.win.shown() {
		t.Fatal("Escape left the login window open")
	}
	u.Render(need)
	if u.login.win.shown() {
		t.Fatal("the closed login window came back by itself")
	}
	menuItem(t, u.tray.menu, "Log in…").Action()
	if !u.login.win.shown() {
		t.Fatal("Log in… did not open it")
	}
	u.login.close()
	u.Render(app.State{Status: app.StatusConnecting})
	u.Render(need)
	if !u.login.win.shown() {
		t.Error("a login needed anew did not show the window")
	}

	demo, _ := newTestUI(t, d) // the demo logs in by itself
	demo.opts.Demo = &app.Demo{}
	demo.Render(need)
	if demo.login.win.shown() {
		t.Error("a login window in the demo, which logs in by itself")
	}
	menuItem(t, demo.tray.menu, "Log in…")

	u2, _ := newTestUI(t, nil)
	u2.Render(app.State{Status: app.StatusLoginRequired, Reason: "not set up yet"})
	if u2.login.win.shown() || u2.login.win.built() {
		t.Error("a login window before the set-up")
	}
}

// Forwarding from the tray: Forward calls… asks where (a number or a
// contact's name), Enter forwards on the real exchange, the menu shows
// where calls go, Stop forwarding (here from the main window) ends it.
func TestForwarding(t *testing.T) {
	o := testoffice.Start(t, nil)
	d := testdesk.Open(t, o, "ann", dialBook)
	u, _ := newTestUI(t, d)
	u.main.show()
	waitRender(t, u, "connected", func(s app.State) bool { return s.Status == app.StatusConnected })
	fwd := menuItem(t, u.tray.menu, "Forward calls…")
	if fwd.Disabled || fwd.Checked {
		t.Fatalf("Forward calls… disabled %v checked %v", fwd.Disabled, fwd.Checked)
	}
	fwd.Action()
	v := u.forward
	if !v.win.shown() || v.win.window().Title() != forwardTitle || v.win.window().Canvas().Focused() != v.entry || !v.btn.Disabled() {
		t.Fatalf("forward window shown %v, focus on the entry %v, Forward enabled with no number %v",
			v.win.shown(), v.win.window().Canvas().Focused() == v.entry, !v.btn.Disabled())
	}
	test.Type(v.entry, "Lennart")
	if !strings.Contains(v.preview.Text, "Lennart Krüger (+49 40 3344556)") || v.btn.Disabled() {
		t.Errorf("a contact's name: preview %q, Forward enabled %v", v.preview.Text, !v.btn.Disabled())
	}
	v.entry.SetText("")
	test.Type(v.entry, "0171 5550123")
	if !strings.Contains(v.preview.Text, "+49 171 5550123") {
		t.Errorf("preview %q", v.preview.Text)
	}
	v.entry.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	waitRender(t, u, "forwarding on", func(s app.State) bool { return forwardTarget(s) == "+491715550123" })
	if v.win.shown() {
		t.Error("the forward window stayed open")
	}
	fwd = menuItem(t, u.tray.menu, "Forwarding to ")
	if fwd.Label != "Forwarding to +49 171 5550123…" || !fwd.Checked {
		t.Errorf("tray item %q checked %v", fwd.Label, fwd.Checked)
	}
	menuItem(t, u.tray.menu, "Stop forwarding")
	if !u.main.fwd.Checked || u.main.fwd.Text != fwd.Label {
		t.Errorf("main window box %q checked %v", u.main.fwd.Text, u.main.fwd.Checked)
	}
	test.Tap(u.main.fwd) // off
	waitRender(t, u, "forwarding off", func(s app.State) bool { return forwardTarget(s) == "" })
	if fwd := menuItem(t, u.tray.menu, "Forward calls…"); fwd.Checked || u.main.fwd.Checked {
		t.Errorf("after stopping: tray checked %v, main window checked %v", fwd.Checked, u.main.fwd.Checked)
	}
	test.Tap(u.main.fwd) // on: asks where, forwards nothing yet
	if !v.win.shown() || u.main.fwd.Checked {
		t.Errorf("ticking the box: window shown %v, box checked before anything is forwarded %v", v.win.shown(), u.main.fwd.Checked)
	}
}
