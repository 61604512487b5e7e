package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/deskline/deskline/app"
)

// mainTitle is the main window's title.
const mainTitle = "Deskline"

// mainWidth is the main window's width; its height follows its content.
const mainWidth = 460

// mainView is the small window shown when the desktop has no tray host
// (GNOME without an extension, a bare X session): the tray menu's
// commands (commands.go) as buttons and check boxes, so the app is never
// running where nobody can see it. Closing it quits, since nothing else
// would be left to reach the app.
type mainView struct {
	u    *UI
	win  appWindow
	icon *canvas.Image
	why  *widget.Label
	// cmds is the table last rendered: the widgets act on what it says.
	cmds    []command
	buttons map[commandID]*widget.Button
	checks  map[commandID]*widget.Check
	// The widgets tests and the layout name: status and offline are the
	// table's words; the rest are the buttons and boxes of their command.
	status, offline           *widget.Label
	dial, clip, recent, calls *widget.Button
	reconnect, login          *widget.Button
	dnd, fwd                  *widget.Check
	// setting is true while render sets the boxes, so their change
	// handlers do not send the state back to the server.
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

// build makes one widget per command of the table, placed where the
// command says, and the icon and the line that explains the window.
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
	v.offline = widget.NewLabel("")
	v.offline.Wrapping = fyne.TextWrapWord
	v.buttons, v.checks = map[commandID]*widget.Button{}, map[commandID]*widget.Check{}
	placed := map[place][]fyne.CanvasObject{}
	for _, c := range commands(u, u.state) {
		if w := v.widget(c); w != nil {
			placed[c.place] = append(placed[c.place], w)
		}
	}
	v.dial, v.clip, v.recent, v.calls = v.buttons[cmdDial], v.buttons[cmdDialClipboard], v.buttons[cmdRecent], v.buttons[cmdCalls]
	v.reconnect, v.login = v.buttons[cmdReconnect], v.buttons[cmdLogin]
	v.dnd, v.fwd = v.checks[cmdDND], v.checks[cmdForward]
	head := container.NewBorder(nil, nil, v.icon, nil, container.NewVBox(v.status, v.why))
	fix := container.NewHBox(placed[placeFix]...)
	foot := placed[placeFoot] // the DND box left, Quit right
	rows := []fyne.CanvasObject{head, fix, widget.NewSeparator(), v.offline,
		container.NewGridWithColumns(2, placed[placeGrid]...)}
	rows = append(rows, placed[placeSwitch]...)
	rows = append(rows, container.NewBorder(nil, nil, foot[0], foot[1]))
	return container.NewPadded(container.NewVBox(rows...))
}

// widget makes c's button or check box, nil for words and for what the
// window does without. Its handlers run the table last rendered.
func (v *mainView) widget(c command) fyne.CanvasObject {
	id := c.id
	switch {
	case c.place == placeHead || c.place == placeNote || c.place == placeNone:
		return nil
	case c.toggle:
		box := widget.NewCheck(c.label, func(on bool) { v.ticked(id, on) })
		v.checks[id] = box
		return box
	}
	b := widget.NewButtonWithIcon(c.label, c.icon, func() {
		if a := commandByID(v.cmds, id).action; a != nil {
			a()
		}
	})
	if c.primary {
		b.Importance = widget.HighImportance
	}
	v.buttons[id] = b
	return b
}

func (v *mainView) render(s app.State) {
	if !v.win.built() {
		return
	}
	if icon := trayResource(trayIcon(s), s.MissedUnseen); icon != v.icon.Resource {
		v.icon.Resource = icon
		v.icon.Refresh()
	}
	v.why.SetText(mainWhyText(v.u.opts.NoTrayReason, keyringText(s.KeyringProblem)))
	v.cmds = commands(v.u, s)
	moved := false
	for _, c := range v.cmds {
		moved = v.renderCommand(c) || moved
	}
	if moved {
		v.win.relayout()
	}
}

// renderCommand makes c's widget say what the table says, and reports
// whether it appeared or vanished.
func (v *mainView) renderCommand(c command) (moved bool) {
	switch c.place {
	case placeHead:
		v.status.SetText(c.label)
		return false
	case placeNote:
		return setHint(v.offline, widget.WarningImportance, c.label)
	}
	if b := v.buttons[c.id]; b != nil {
		if b.Text != c.label {
			b.SetText(c.label)
		}
		setEnabled(b, c.enabled)
		return showIf(b, c.shown)
	}
	if box := v.checks[c.id]; box != nil {
		v.setting = true
		box.SetChecked(c.checked)
		v.setting = false
		box.SetText(c.label)
		setEnabled(box, c.enabled)
	}
	return false
}

// ticked runs a switch's command for a click on its box. A box that asks
// first (forwarding) shows what the exchange reports, not the click: it
// is set back until the device's new state arrives.
func (v *mainView) ticked(id commandID, on bool) {
	if v.setting {
		return
	}
	c := commandByID(v.cmds, id)
	if c.asks {
		v.setting = true
		v.checks[id].SetChecked(!on)
		v.setting = false
	}
	if c.set != nil {
		c.set(on)
	}
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
