package ui

import (
	"context"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/widget"

	"github.com/deskline/deskline/app"
	"github.com/deskline/deskline/ctiproto"
)

// forwardTitle is the forwarding window's title.
const forwardTitle = "Deskline: forward calls"

// forwardWidth is the forwarding window's width: one entry and a sentence.
const forwardWidth = 420

// forwardTarget is the number the user's phones forward to, "" when none
// does (the tray and main window set all of them at once).
func forwardTarget(s app.State) string {
	for _, d := range s.Devices {
		if d.ForwardTo != "" {
			return d.ForwardTo
		}
	}
	return ""
}

// canForward reports whether forwarding can be switched now.
func canForward(s app.State) bool { return canAct(s) && s.Can(ctiproto.TypeSetForwarding) }

// forwardLabel is the forwarding switch's label: where calls go, or the
// offer to forward them.
func (u *UI) forwardLabel(s app.State) string {
	to := forwardTarget(s)
	if to != "" {
		to = numberText(u.numbers(), to)
	}
	return forwardLabelText(to)
}

// stopForwarding turns forwarding off on the user's phones.
func (u *UI) stopForwarding() {
	u.act("forwarding off", func(ctx context.Context, c *app.Client) error {
		return c.SetForwarding(ctx, nil)
	}, u.notifyError("Call forwarding"))
}

// forwardView is the small window that asks where to forward calls: a
// number or a name from the address books; Enter forwards.
type forwardView struct {
	u       *UI
	win     appWindow
	entry   *widget.Entry
	preview *widget.Label
	problem *widget.Label
	btn     *widget.Button
	target  *app.DialTarget // where calls would go; nil when the text names none
	busy    bool            // a request is on its way
	failed  string          // the last failure, until the text changes
}

func newForwardView(u *UI) *forwardView {
	v := &forwardView{u: u}
	v.win = appWindow{u: u, title: forwardTitle, size: fyne.NewSize(forwardWidth, 0), build: v.build}
	return v
}

func (v *forwardView) show() {
	v.win.ensureContent()
	v.entry.SetText(forwardTarget(v.u.state)) // change it, or type another
	v.changed(v.entry.Text)
	v.win.show(true) // opened on purpose
	v.win.focus(v.entry)
}

func (v *forwardView) hide() { v.win.hide() }

func (v *forwardView) build() fyne.CanvasObject {
	v.entry = widget.NewEntry()
	v.entry.SetPlaceHolder("Number, or a name from your address books")
	v.entry.OnChanged = v.changed
	v.entry.OnSubmitted = func(string) { v.submit() }
	v.preview = widget.NewLabel("")
	v.preview.Wrapping = fyne.TextWrapWord
	v.problem = wrapped(widget.WarningImportance)
	v.btn = widget.NewButton("Forward", v.submit)
	v.btn.Importance = widget.HighImportance
	cancel := widget.NewButton("Cancel", v.hide)
	return container.NewPadded(container.NewVBox(widget.NewLabel("Forward all my calls to:"), v.entry,
		v.preview, v.problem, container.NewHBox(layout.NewSpacer(), cancel, v.btn)))
}

// changed finds where the text would forward to and says it.
func (v *forwardView) changed(text string) {
	v.failed = ""
	v.target = nil
	text = strings.TrimSpace(text)
	t, err := v.resolve(text)
	if text != "" && err == nil {
		v.target = &t
	}
	v.preview.SetText(forwardPreview(text, t, err))
	v.render(v.u.state)
}

// resolve reads text as a number, else as the name of a contact with a
// number.
func (v *forwardView) resolve(text string) (app.DialTarget, error) {
	c := v.u.client()
	if c == nil {
		return app.DialTarget{}, errNoClient
	}
	t, err := c.PrepareDial(text)
	if err == nil || text == "" {
		return t, err
	}
	if d := v.u.Desk(); d != nil && d.Books != nil {
		if m := d.Books.Search(text, 1); len(m) > 0 {
			if t, cerr := c.PrepareDial(m[0].Phone.Raw); cerr == nil {
				t.Contact = m[0].Contact
				return t, nil
			}
		}
	}
	return t, err
}

// render keeps the Forward button in step with the link.
func (v *forwardView) render(s app.State) {
	if !v.win.built() {
		return
	}
	why, imp := "", widget.WarningImportance
	switch {
	case v.failed != "":
		why, imp = v.failed, widget.DangerImportance
	case !canAct(s):
		why = linkProblem(v.u.client() != nil, s)
	case !s.Can(ctiproto.TypeSetForwarding):
		why = "Your telephone system does not let Deskline forward calls"
	}
	if setHint(v.problem, imp, why) {
		v.win.relayout() // no gap above the buttons
	}
	setEnabled(v.btn, canForward(s) && v.target != nil && !v.busy)
}

// submit forwards to the target; the window closes when the exchange
// has done it, and stays with the reason when it has not.
func (v *forwardView) submit() {
	if v.btn.Disabled() || v.target == nil {
		return // the window says why
	}
	t := *v.target
	v.busy = true
	v.render(v.u.state)
	v.u.act("forwarding on", func(ctx context.Context, c *app.Client) error {
		return c.SetForwarding(ctx, &t)
	}, func(err error) {
		v.busy = false
		if err != nil {
			v.failed = userText(err)
			v.render(v.u.state)
			return
		}
		v.hide()
	})
}
