package ui

import (
	"context"

	"fyne.io/fyne/v2/widget"

	"github.com/deskline/deskline/app"
)

// The settings window's account: logging in and out.

// login sends the typed password. Unsaved connection fields are saved
// (and the desk rebuilt) first, once.
func (v *settingsView) login(saved bool) {
	if v.reopening || v.loggingIn {
		return // Log in is off: Enter in the password field must wait too
	}
	pw := v.password.Text
	if pw == "" {
		v.sayAccount(widget.DangerImportance, "Type your password first.")
		if w := v.win.window(); w != nil {
			w.Canvas().Focus(v.password)
		}
		return
	}
	if !saved && v.connectionChanged() {
		v.save(func() { v.login(true) })
		return
	}
	if v.u.client() == nil {
		v.sayAccount(widget.DangerImportance, "Enter the server and your user, then Save, before logging in.")
		return
	}
	v.loggingIn = true
	v.syncButtons()
	v.sayAccount(widget.MediumImportance, "Logging in…")
	v.u.act("login", func(ctx context.Context, c *app.Client) error {
		return c.Login(ctx, pw)
	}, func(err error) {
		v.loggingIn = false
		v.syncButtons()
		if err != nil {
			v.sayAccount(widget.DangerImportance, userText(err))
			return
		}
		v.password.SetText("")
		name := v.user.Text
		if c := v.u.client(); c != nil && c.State().DisplayName != "" {
			name = c.State().DisplayName
		}
		v.sayAccount(widget.SuccessImportance, loggedInText(name))
	})
}

func (v *settingsView) logout() {
	v.u.act("logout", func(ctx context.Context, c *app.Client) error {
		return c.Logout(ctx)
	}, func(err error) {
		if err != nil {
			v.sayAccount(widget.WarningImportance, userText(err))
			return
		}
		v.sayAccount(widget.MediumImportance, "Logged out. Log in again to use your phone from this computer.")
	})
}
