package ui

import (
	"fyne.io/fyne/v2/widget"

	"github.com/deskline/deskline/app"
)

// The settings window's start-at-login box: what the desktop has in
// effect, and creating or removing the entry on Save.

// autostartSupported is app.AutostartSupported; tests try a system
// without it.
var autostartSupported = app.AutostartSupported

// autostartBlocker says why the start-at-login box cannot be used here,
// "" when it can.
func (v *settingsView) autostartBlocker() string {
	switch {
	case v.u.opts.Demo != nil:
		return "The demo does not change whether Deskline starts at login."
	case !autostartSupported():
		return "Deskline cannot start itself at login on this system yet."
	}
	return ""
}

// fillAutostart shows what is in effect: the desktop's own settings may
// have removed or switched off the entry since settings.json was saved.
func (v *settingsView) fillAutostart() {
	why := v.autostartBlocker()
	v.autostartShown = autostartSupported() && app.AutostartEnabled()
	v.autostart.SetChecked(v.autostartShown)
	setEnabled(v.autostart, why == "")
	setHint(v.autostartWhy, widget.LowImportance, why)
}

// applyAutostart creates or removes the autostart entry when the user
// changed the box and it differs from the entry now. It returns a note
// for the user when that failed.
func (v *settingsView) applyAutostart(want bool) string {
	if v.autostart.Disabled() || want == v.autostartShown || want == app.AutostartEnabled() {
		v.autostartShown = want
		return ""
	}
	if err := app.SetAutostart(want, v.u.opts.ExecPath); err != nil {
		return autostartFailedText(err)
	}
	v.autostartShown = want
	return ""
}
