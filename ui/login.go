package ui

import (
	"context"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/deskline/deskline/app"
)

// loginTitle is the login window's title.
const loginTitle = "Deskline: log in"

// loginWidth is the login window's width: two fields and a sentence.
const loginWidth = 400

// loginView is the small window that asks for the password when the
// server wants it (no keyring kept the login, it expired, or it was
// revoked): user, password, Log in. The long settings form is for the
// first set-up; another user or server is chosen there.
type loginView struct {
	u   *UI
	win appWindow
	// closed is set when the user closed the window while a login was
	// needed: it is not pushed at them again until that changes.
	closed bool

	where    *widget.Label // which server
	why      *widget.Label // why a login is needed, the keyring's trouble
	user     *widget.Label // read-only: another user is a change of settings
	password *widget.Entry
	btn      *widget.Button
	result   *widget.Label
	busy     bool
}

func newLoginView(u *UI) *loginView {
	v := &loginView{u: u}
	v.win = appWindow{u: u, title: loginTitle, size: fyne.NewSize(loginWidth, 0), build: v.build, onClose: v.close,
		keys: func(k *fyne.KeyEvent) bool {
			if k.Name == fyne.KeyEscape {
				v.close()
				return true
			}
			return false
		}}
	return v
}

// loginWanted reports whether the user must type their password: the
// client is set up (server and user known) and the server wants it.
func (u *UI) loginWanted(s app.State) bool {
	return s.Status == app.StatusLoginRequired && u.client() != nil
}

// show opens the window; focus when the user asked for it (Log in…):
// a window that opens by itself must not catch what the user types
// elsewhere, least of all into a password field.
func (v *loginView) show(focus bool) {
	v.win.ensureContent()
	v.closed = false
	v.win.show(focus)
	v.render(v.u.state)
	v.win.focus(v.password)
}

// close is the user closing the window: not shown again by itself until
// the login is no longer needed and needed anew.
func (v *loginView) close() {
	v.closed = true
	v.hide()
}

func (v *loginView) hide() { v.win.hide() }

func (v *loginView) build() fyne.CanvasObject {
	v.where = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	v.where.Wrapping = fyne.TextWrapWord
	v.why = widget.NewLabel("")
	v.why.Wrapping = fyne.TextWrapWord
	v.user = widget.NewLabel("")
	v.password = widget.NewPasswordEntry()
	v.password.OnSubmitted = func(string) { v.submit() }
	v.btn = widget.NewButtonWithIcon("Log in", theme.LoginIcon(), v.submit)
	v.btn.Importance = widget.HighImportance
	v.result = wrapped(widget.MediumImportance)
	other := widget.NewButton("Other user or server…", func() {
		v.close()
		v.u.settings.show()
	})
	other.Importance = widget.LowImportance
	form := widget.NewForm(&widget.FormItem{Text: "User", Widget: v.user},
		&widget.FormItem{Text: "Password", Widget: v.password})
	return container.NewPadded(container.NewVBox(v.where, v.why, form, v.result,
		container.NewHBox(other, layout.NewSpacer(), v.btn)))
}

// render opens the window when a login becomes needed (unless the user
// closed it, or is in the settings), closes it once connected, and keeps
// its texts current.
func (v *loginView) render(s app.State) {
	wanted := v.u.loginWanted(s)
	switch {
	case !wanted:
		v.closed = false
		if v.win.shown() && s.Status == app.StatusConnected {
			v.hide()
		}
	case !v.win.shown() && !v.closed && !v.u.settings.win.shown() && v.u.opts.Demo == nil:
		// (The demo logs in by itself: no window flashes up at its start;
		// Log in… is in the menu should that fail.)
		v.show(false)
		return // show rendered
	}
	if !v.win.built() {
		return
	}
	d := v.u.Desk()
	if d != nil {
		v.where.SetText(loginWhere(d.Settings.ServerURL))
		v.user.SetText(d.Settings.User)
	}
	v.why.SetText(loginWhyText(s))
	setEnabled(v.btn, wanted && !v.busy)
}

// submit sends the password; the window closes once the server took it.
func (v *loginView) submit() {
	pw := v.password.Text
	if v.busy || v.btn.Disabled() {
		return
	}
	if pw == "" {
		v.say(widget.DangerImportance, "Type your password first.")
		return
	}
	v.busy = true
	v.say(widget.MediumImportance, "Logging in…")
	v.render(v.u.state)
	v.u.act("login", func(ctx context.Context, c *app.Client) error {
		return c.Login(ctx, pw)
	}, func(err error) {
		v.busy = false
		v.render(v.u.state)
		if err != nil {
			v.say(widget.DangerImportance, userText(err))
			v.win.focus(v.password)
			return
		}
		v.password.SetText("")
		v.say(widget.LowImportance, "")
		v.hide()
	})
}

func (v *loginView) say(imp widget.Importance, text string) {
	if setHint(v.result, imp, text) {
		v.win.relayout()
	}
}
