package ui

import (
	"github.com/deskline/deskline/app"
	"github.com/deskline/deskline/app/settings"
)

// The way into the switchboard window: the tray menu and the main window
// offer it to users who may watch (commands.go), and a reception's desk
// opens it by itself once connected (app.SwitchboardAtStart).

// switchboardMode is the switchboard setting in force (main goroutine).
func (u *UI) switchboardMode() string {
	if d := u.Desk(); d != nil {
		return d.Settings.SwitchboardMode()
	}
	return settings.SwitchboardAuto
}

// openSwitchboard opens the switchboard window as the user left it last
// time (windowmemory.go).
func (u *UI) openSwitchboard() {
	u.switchboardPlace()
	u.switchboard.show()
}

// switchboardAtStart opens the switchboard the first time s says a desk
// of this app run should have it (a reception, connected, allowed to
// watch), with the keyboard: it comes up as the app starts, as the
// receptionist's main window. Once closed it stays closed until the tray
// opens it: a reconnect does not bring it back.
func (u *UI) switchboardAtStart(s app.State) {
	if u.switchboardStarted || !app.SwitchboardAtStart(u.switchboardMode(), s) {
		return
	}
	u.switchboardStarted = true
	u.openSwitchboard()
}
