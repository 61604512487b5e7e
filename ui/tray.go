package ui

import (
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"

	"github.com/deskline/deskline/app"
	"github.com/deskline/deskline/app/journal"
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
	cmds := commands(v.u, s)
	recent := v.recent()
	sig := menuSig(cmds, recent)
	if sig == v.sig && v.menu != nil {
		return
	}
	v.sig = sig
	v.menu = v.build(s, cmds, recent)
	if v.sink != nil {
		v.sink.SetSystemTrayMenu(v.menu)
	}
}

// menuSig is what a menu built from cmds and recent shows.
func menuSig(cmds []command, recent []journal.Entry) string {
	var b strings.Builder
	for _, c := range cmds {
		fmt.Fprintf(&b, "%q %v %v %v|", c.label, c.enabled, c.checked, c.inMenu)
	}
	fmt.Fprint(&b, recent)
	return b.String()
}

// recent is the journal's newest entries (nil before set-up).
func (v *trayView) recent() []journal.Entry {
	if d := v.u.Desk(); d != nil && d.Journal != nil {
		return d.Journal.Recent(recentInTray)
	}
	return nil
}

// build makes the menu of the commands the menu lists; Recent calls
// opens the last calls of s.
func (v *trayView) build(s app.State, cmds []command, recent []journal.Entry) *fyne.Menu {
	var items []*fyne.MenuItem
	for _, c := range cmds {
		if !c.inMenu {
			continue
		}
		if c.rule {
			items = append(items, fyne.NewMenuItemSeparator())
		}
		item := fyne.NewMenuItem(c.label, c.action)
		item.Disabled, item.Checked = !c.enabled, c.checked
		switch c.id {
		case cmdRecent:
			item.Action, item.ChildMenu = nil, v.recentMenu(s, recent)
		case cmdQuit:
			item.IsQuit = true
		}
		items = append(items, item)
	}
	return fyne.NewMenu(menuTitle, items...)
}

// recentMenu is the last calls below Recent calls: a click calls back.
func (v *trayView) recentMenu(s app.State, recent []journal.Entry) *fyne.Menu {
	u := v.u
	var sub []*fyne.MenuItem
	for _, e := range recent {
		item := fyne.NewMenuItem(journalLine(e, u.numbers(), u.now()), func() { u.callBack(e) })
		item.Disabled = !e.CanCallBack() || !canAct(s)
		sub = append(sub, item)
	}
	if len(sub) == 0 {
		none := fyne.NewMenuItem(noRecentCalls, nil)
		none.Disabled = true
		sub = append(sub, none)
	}
	sub = append(sub, fyne.NewMenuItemSeparator(),
		fyne.NewMenuItem(showAllCalls, u.recent.show),
		fyne.NewMenuItem(markAllCallsSeen, u.markAllSeen))
	return fyne.NewMenu("", sub...)
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
