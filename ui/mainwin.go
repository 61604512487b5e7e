package ui

import (
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/deskline/deskline/app"
	"github.com/deskline/deskline/ctiproto"
)

// mainTitle is the main window's title.
const mainTitle = "Deskline"

// mainWidth is the main window's width; its height follows its content.
const mainWidth = 460

// mainView is the small window shown when the desktop has no tray host
// (GNOME without an extension, a bare X session): the tray menu as
// buttons, so the app is never running where nobody can see it. Closing
// it quits, since nothing else would be left to reach the app.
type mainView struct {
	u      *UI
	win    appWindow
	icon   *canvas.Image
	status *widget.Label
	why    *widget.Label
	recent *widget.Button
	calls  *widget.Button
	dnd    *widget.Check
	fwd    *widget.Check  // forwarding: on shows where to; ticking it asks where
	dial   *widget.Button // Dial… and Dial clipboard…: off while offline
	clip   *widget.Button
	// reconnect and login appear when they can help; offline says what
	// is greyed out and why.
	reconnect, login *widget.Button
	offline          *widget.Label
	// setting is true while render sets the DND and forwarding boxes, so
	// their change handlers do not send the state back to the server.
	setting bool
}

func newMainView(u *UI) *mainView {
	v := &mainView{u: u}
	// Closing it quits: nothing else would be left to reach the app.
	v.win = appWindow{u: u, title: mainTitle, size: fyne.NewSize(mainWidth, 0), build: v.build, onClose: u.quit,
		keys: func(*fyne.KeyEvent) bool { return true }} // Escape must not hide the only way in
	return v
}

func (v *mainView) show() {
	v.win.ensureContent()
	v.render(v.u.state)
	v.win.show(true) // shown on purpose (start, or started again)
}

func (v *mainView) build() fyne.CanvasObject {
	u := v.u
	v.icon = canvas.NewImageFromResource(trayResource(trayIcon(u.state), 0))
	v.icon.SetMinSize(fyne.NewSquareSize(iconSize))
	v.icon.FillMode = canvas.ImageFillContain
	v.status = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	v.status.Wrapping = fyne.TextWrapWord
	v.why = widget.NewLabel("")
	v.why.Wrapping = fyne.TextWrapWord
	v.why.Importance = widget.LowImportance
	v.dial = widget.NewButtonWithIcon("Dial…", theme.MailForwardIcon(), func() { u.dial.show("") })
	v.dial.Importance = widget.HighImportance
	v.clip = widget.NewButtonWithIcon("Dial clipboard…", theme.ContentPasteIcon(), u.dialClipboard)
	v.recent = widget.NewButtonWithIcon("Recent calls", theme.HistoryIcon(), u.recent.show)
	v.calls = widget.NewButtonWithIcon("Calls", theme.ListIcon(), u.console.show)
	v.dnd = widget.NewCheck("Do not disturb", func(on bool) {
		if !v.setting {
			u.toggleDND(on)
		}
	})
	v.fwd = widget.NewCheck("Forward calls…", v.forwardTicked)
	v.reconnect = widget.NewButtonWithIcon("Reconnect now", theme.ViewRefreshIcon(), u.reconnect)
	v.login = widget.NewButtonWithIcon("Log in…", theme.LoginIcon(), func() { u.login.show(true) })
	v.offline = widget.NewLabel("")
	v.offline.Wrapping = fyne.TextWrapWord
	buttons := []fyne.CanvasObject{v.dial, v.clip, v.recent, v.calls}
	if u.opts.Demo != nil {
		buttons = append(buttons, widget.NewButtonWithIcon("Ring me (demo)", theme.MediaPlayIcon(), u.demoRing))
	}
	buttons = append(buttons, widget.NewButtonWithIcon("Settings…", theme.SettingsIcon(), u.settings.show))
	quit := widget.NewButtonWithIcon("Quit", theme.LogoutIcon(), u.quit)
	head := container.NewBorder(nil, nil, v.icon, nil, container.NewVBox(v.status, v.why))
	fix := container.NewHBox(v.reconnect, v.login)
	return container.NewPadded(container.NewVBox(head, fix, widget.NewSeparator(), v.offline,
		container.NewGridWithColumns(2, buttons...), v.fwd, container.NewBorder(nil, nil, v.dnd, quit)))
}

func (v *mainView) render(s app.State) {
	if !v.win.built() {
		return
	}
	if icon := trayResource(trayIcon(s), s.MissedUnseen); icon != v.icon.Resource {
		v.icon.Resource = icon
		v.icon.Refresh()
	}
	v.status.SetText(statusLine(s))
	v.why.SetText(v.explain(s))
	v.recent.SetText("Recent calls")
	if s.MissedUnseen > 0 {
		v.recent.SetText(fmt.Sprintf("Recent calls (%d missed)", s.MissedUnseen))
	}
	n := callsCount(s)
	v.calls.SetText(fmt.Sprintf("Calls (%d)", n))
	setEnabled(v.calls, n > 0)
	live := canAct(s)
	setEnabled(v.dial, live)
	setEnabled(v.clip, live)
	moved := showIf(v.reconnect, canReconnect(s))
	moved = showIf(v.login, v.u.loginWanted(s)) || moved
	if setHint(v.offline, widget.WarningImportance, offlineText(s)) || moved {
		v.win.relayout()
	}
	v.setting = true
	v.dnd.SetChecked(dndOn(s))
	v.fwd.SetChecked(forwardTarget(s) != "")
	v.setting = false
	v.fwd.SetText(v.u.forwardLabel(s))
	setEnabled(v.dnd, live && s.Can(ctiproto.TypeSetDND))
	setEnabled(v.fwd, canForward(s))
}

// forwardTicked asks where to forward (ticked), or stops forwarding.
// The box shows what the exchange reports, not the click: it is set back
// until the device's new state arrives.
func (v *mainView) forwardTicked(on bool) {
	if v.setting {
		return
	}
	v.setting = true
	v.fwd.SetChecked(!on)
	v.setting = false
	if on {
		v.u.forward.show()
		return
	}
	v.u.stopForwarding()
}

// showIf shows w when on, hides it otherwise, and reports whether that
// changed anything (its container must then lay itself out again).
func showIf(w fyne.CanvasObject, on bool) (moved bool) {
	if on == w.Visible() {
		return false
	}
	if on {
		w.Show()
	} else {
		w.Hide()
	}
	return true
}

// explain says why this window is here, and what else the user should
// know (no keyring).
func (v *mainView) explain(s app.State) string {
	why := v.u.opts.NoTrayReason
	if why == "" {
		why = "This desktop shows no tray icons"
	}
	text := why + ", so Deskline runs in this window. Closing it quits Deskline."
	if k := keyringText(s.KeyringProblem); k != "" {
		text += "\n" + k
	}
	return text
}
