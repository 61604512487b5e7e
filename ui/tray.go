package ui

import (
	"context"
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"

	"github.com/deskline/deskline/app"
	"github.com/deskline/deskline/app/journal"
	"github.com/deskline/deskline/ctiproto"
)

// recentInTray is how many journal entries the tray's Recent calls menu
// lists; the window shows the rest.
const recentInTray = 10

// trayView is the tray icon and its menu. The menu is rebuilt when what
// it shows changes (status line, missed count, recent calls, DND): a
// tray host re-reads the whole menu anyway.
type trayView struct {
	u    *UI
	sink traySink // nil: no tray (test driver)
	menu *fyne.Menu
	icon string // the icon shown, "" before the first render
	sig  string // what the current menu shows, to skip identical rebuilds
}

func newTrayView(u *UI) *trayView { return &trayView{u: u} }

// InstallTray puts the tray icon and menu in place. Call it before the
// Fyne app runs: Fyne 2.8 starts its own tray (used on Windows and macOS)
// only for a menu set before its loop starts; a menu first set once it
// runs updates an item no tray host was told about. On Linux the tray is
// Deskline's own (systray_linux.go) and starts here. Start installs it
// too, for callers that did not.
func (u *UI) InstallTray() { u.tray.install() }

// install puts the icon and the menu into the tray, rendering the state
// known so far; later renders keep both up to date. Installing again
// renders again.
func (v *trayView) install() {
	d, ok := v.u.fy.(desktop.App)
	if !ok {
		return
	}
	if v.sink == nil {
		v.sink = platformTray(v.u.fy, d)
	}
	v.render(v.u.state)
}

// traySink is where the tray icon and menu go: Fyne's desktop app, or the
// platform's own tray (systray_*.go).
type traySink interface {
	SetSystemTrayIcon(icon fyne.Resource)
	SetSystemTrayMenu(m *fyne.Menu)
}

// close takes the icon off the tray, where the sink can. Any goroutine.
func (v *trayView) close() {
	if c, ok := v.sink.(interface{ close() }); ok {
		c.close()
	}
}

// render shows s in the menu first, then in the icon: the menu is
// rebuilt item by item (a tray host reading it meanwhile sees part of
// it), so a new icon tells whoever sees it that the menu is whole.
func (v *trayView) render(s app.State) {
	v.renderMenu(s)
	if icon := trayResource(trayIcon(s), s.MissedUnseen); v.sink != nil && icon.Name() != v.icon {
		v.icon = icon.Name()
		v.sink.SetSystemTrayIcon(icon)
	}
}

// renderMenu rebuilds the menu when what it shows has changed.
func (v *trayView) renderMenu(s app.State) {
	recent := v.recent()
	sig := fmt.Sprint(statusLine(s), s.Status, canAct(s), s.MissedUnseen, dndOn(s), s.Can(ctiproto.TypeSetDND),
		forwardTarget(s), s.Can(ctiproto.TypeSetForwarding), callsCount(s), recent)
	if sig == v.sig && v.menu != nil {
		return
	}
	v.sig = sig
	v.menu = v.build(s, recent)
	if v.sink != nil {
		v.sink.SetSystemTrayMenu(v.menu)
	}
}

// recent is the journal's newest entries (nil before set-up).
func (v *trayView) recent() []journal.Entry {
	if d := v.u.Desk(); d != nil && d.Journal != nil {
		return d.Journal.Recent(recentInTray)
	}
	return nil
}

// build makes the menu for s. What cannot work without the link is
// greyed out, with the reason under the status line.
func (v *trayView) build(s app.State, recent []journal.Entry) *fyne.Menu {
	u := v.u
	live := canAct(s)
	dial := fyne.NewMenuItem("Dial…", func() { u.dial.show("") })
	clip := fyne.NewMenuItem("Dial clipboard…", u.dialClipboard)
	dial.Disabled, clip.Disabled = !live, !live
	n := callsCount(s)
	calls := fyne.NewMenuItem(fmt.Sprintf("Calls (%d)", n), u.console.show)
	calls.Disabled = n == 0
	dnd := fyne.NewMenuItem("Do not disturb", func() { u.toggleDND(!dndOn(s)) })
	dnd.Checked, dnd.Disabled = dndOn(s), !live || !s.Can(ctiproto.TypeSetDND)
	settings := fyne.NewMenuItem("Settings…", u.settings.show)
	quit := fyne.NewMenuItem("Quit", u.quit)
	quit.IsQuit = true
	items := append(v.linkItems(s), fyne.NewMenuItemSeparator(), dial, clip,
		v.recentItem(s, recent), calls, dnd)
	items = append(items, forwardItems(u, s)...)
	if u.opts.Demo != nil {
		items = append(items, fyne.NewMenuItem("Ring me (demo)", u.demoRing))
	}
	items = append(items, fyne.NewMenuItemSeparator(), settings, quit)
	return fyne.NewMenu("Deskline", items...)
}

// linkItems are the status line, what to do about the link (Reconnect
// now, Log in…) and what waits for it.
func (v *trayView) linkItems(s app.State) []*fyne.MenuItem {
	status := fyne.NewMenuItem(statusLine(s), nil)
	status.Disabled = true
	items := []*fyne.MenuItem{status}
	if canReconnect(s) {
		items = append(items, fyne.NewMenuItem("Reconnect now", v.u.reconnect))
	}
	if v.u.loginWanted(s) {
		items = append(items, fyne.NewMenuItem("Log in…", func() { v.u.login.show(true) }))
	}
	if note := offlineText(s); note != "" && v.u.client() != nil {
		off := fyne.NewMenuItem(note, nil)
		off.Disabled = true
		items = append(items, off)
	}
	return items
}

// recentItem is "Recent calls (2 missed)" with the last calls below it: a
// click calls back.
func (v *trayView) recentItem(s app.State, recent []journal.Entry) *fyne.MenuItem {
	u := v.u
	label := "Recent calls"
	if s.MissedUnseen > 0 {
		label = fmt.Sprintf("Recent calls (%d missed)", s.MissedUnseen)
	}
	var sub []*fyne.MenuItem
	for _, e := range recent {
		item := fyne.NewMenuItem(journalLine(e, u.numbers(), u.now()), func() { u.callBack(e) })
		item.Disabled = !e.CanCallBack() || !canAct(s)
		sub = append(sub, item)
	}
	if len(sub) == 0 {
		none := fyne.NewMenuItem("No calls yet", nil)
		none.Disabled = true
		sub = append(sub, none)
	}
	sub = append(sub, fyne.NewMenuItemSeparator(),
		fyne.NewMenuItem("Show all…", u.recent.show),
		fyne.NewMenuItem("Mark all seen", u.markAllSeen))
	item := fyne.NewMenuItem(label, nil)
	item.ChildMenu = fyne.NewMenu("", sub...)
	return item
}

// statusLine is the state in one line, with what the user can do: who
// is connected with which phones, else linkProblem's sentence.
func statusLine(s app.State) string {
	if !canAct(s) {
		return linkProblem(true, s)
	}
	who := s.DisplayName
	if who == "" {
		who = s.User
	}
	line := "Connected as " + who
	for i, d := range s.Devices {
		sep := " · "
		if i > 0 {
			sep = ", "
		}
		line += sep + d.ID
	}
	return line
}

// dialClipboard opens the dial window with the clipboard's text: it shows
// the number it found and waits for Enter before dialling.
func (u *UI) dialClipboard() {
	u.dial.show(u.fy.Clipboard().Content())
}

// canReconnect reports whether "Reconnect now" can do something: the
// client waits to try again.
func canReconnect(s app.State) bool { return s.Status == app.StatusDisconnected }

// reconnect skips the wait before the next attempt (tray menu, main
// window).
func (u *UI) reconnect() {
	if c := u.client(); c != nil {
		c.Reconnect()
	}
}

// toggleDND sets do-not-disturb on the user's phones.
func (u *UI) toggleDND(on bool) {
	u.act("dnd", func(ctx context.Context, c *app.Client) error { return c.SetDND(ctx, on) }, u.notifyError("Do not disturb"))
}

// callBack dials a journal entry's number and shows the call: the tray's
// Recent calls menu and the recent calls window both call back here.
// Calling back a missed call is seeing it.
func (u *UI) callBack(e journal.Entry) {
	u.act("call back", func(ctx context.Context, c *app.Client) error {
		_, _, err := c.CallBack(ctx, e)
		return err
	}, func(err error) {
		if err != nil {
			u.journalProblem("Cannot call back", err)
			return
		}
		u.recent.say("")
		if d := u.Desk(); d != nil && e.ID != "" && e.Outcome == journal.OutcomeMissed && !e.Seen {
			if err := d.Journal.MarkSeen(e.ID); err != nil { // it stays red; the call goes on
				u.log.Info("marking a missed call seen failed", "err", err)
			}
			u.recent.render(u.state)
		}
		u.console.show()
	})
}

// markAllSeen marks every missed call seen (tray menu, recent calls
// window).
func (u *UI) markAllSeen() {
	var err error
	if c := u.client(); c != nil {
		err = c.MarkMissedSeen() // publishes the new count
	} else if d := u.Desk(); d != nil {
		err = d.Journal.MarkSeen()
	}
	if err != nil {
		u.journalProblem("Cannot mark calls seen", err)
	}
	u.recent.render(u.state)
}

// journalProblem reports a failed call back or mark-seen the same way
// from wherever it was asked: in the recent calls window while it is
// open, else as a notification.
func (u *UI) journalProblem(title string, err error) {
	if u.recent.win.shown() {
		u.recent.say(title + ": " + userText(err))
		return
	}
	u.notify(title, userText(err))
}

// demoRing makes the demo exchange ring the user's first phone.
func (u *UI) demoRing() {
	dev := ""
	if len(u.state.Devices) > 0 {
		dev = u.state.Devices[0].ID
	}
	demo := u.opts.Demo
	u.act("demo ring", func(ctx context.Context, _ *app.Client) error {
		_, err := demo.Ring(ctx, dev)
		return err
	}, u.notifyError("Demo"))
}

// quit ends the session with the server and the app.
func (u *UI) quit() {
	if u.opts.Quitting != nil {
		u.opts.Quitting()
	}
	u.Close()
	u.fy.Quit()
}

// notify sends a desktop notification. It is the only way to one: both
// texts pass notifyText, which keeps a caller's name from running as code.
func (u *UI) notify(title, text string) {
	u.fy.SendNotification(fyne.NewNotification(notifyText(title), notifyText(text)))
}

// notifyError is an act callback that tells the user about a failure.
func (u *UI) notifyError(title string) func(error) {
	return func(err error) {
		if err != nil {
			u.notify(title, userText(err))
		}
	}
}
