package ui

import (
	"context"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/deskline/deskline/app"
	"github.com/deskline/deskline/contacts"
)

// dialTitle is the dial window's title (an end-to-end test finds it).
const dialTitle = "Deskline: dial"

// The dial window's size: a dozen rows and the preview below them.
const (
	dialWidth  = 520
	dialHeight = 460
)

// dialView is the keyboard-first dial window: type a name, company or
// number, pick a row with the arrows, Enter dials after the user has seen
// the normalised number.
type dialView struct {
	u   *UI
	win appWindow

	entry   *dialEntry
	list    *widget.List
	rows    []dialRow
	sel     int // selected row, -1 for none
	preview *widget.Label
	problem *widget.Label // why Dial is off, or why dialling failed
	dialBtn *widget.Button

	target  *app.DialTarget          // what Dial calls now; nil when nothing is dialable
	dialing bool                     // a Dial is on its way: no second one
	failed  string                   // the last dial error, until the text changes
	thumbs  map[string]fyne.Resource // by contact id: one resource per photo
	finder  *finder                  // the rows for the text (search.go)
}

func newDialView(u *UI) *dialView {
	v := &dialView{u: u, sel: -1}
	v.finder = &finder{u: u, colleagues: true, limit: dialSearchLimit, answer: v.answered}
	v.win = appWindow{u: u, title: dialTitle, size: fyne.NewSize(dialWidth, dialHeight), build: v.build, onHide: v.hidden}
	return v
}

// show opens the window pre-filled with text (a clipboard, a tel: link)
// and previews what would be dialled; only Enter or Dial dials.
func (v *dialView) show(text string) {
	v.win.ensureContent()
	text = app.DialText(text) // a huge clipboard would slow the entry and every keystroke
	v.thumbs = nil            // a reloaded book may bring a new photo
	if v.entry.Text == text {
		v.changed(text) // SetText would not call OnChanged: search anyway, the books may have changed
	} else {
		v.entry.SetText(text)
	}
	v.win.show(true) // opened on purpose
	v.win.focus(v.entry)
	v.render(v.u.state)
}

func (v *dialView) hide() { v.win.hide() }

// hidden stops the search: a late answer must not rewrite (or dial
// from) a window that is gone.
func (v *dialView) hidden() { v.finder.stop() }

// render keeps the preview and the Dial button in step with the
// connection and the exchange's capabilities.
func (v *dialView) render(s app.State) {
	if !v.win.shown() {
		return
	}
	if v.liveColleagues(s) {
		v.list.Refresh()
	}
	v.update(s)
}

func (v *dialView) build() fyne.CanvasObject {
	v.entry = newDialEntry(v.key)
	v.entry.SetPlaceHolder(dialPlaceholder)
	v.entry.OnChanged = v.changed
	v.list = widget.NewList(func() int { return len(v.rows) },
		func() fyne.CanvasObject { return newDialRowWidget(v) },
		func(id widget.ListItemID, o fyne.CanvasObject) { o.(*dialRowWidget).set(id, v.rows[id]) })
	v.list.OnSelected = func(id widget.ListItemID) {
		v.sel = id
		v.update(v.u.state)
	}
	v.preview = widget.NewLabel("")
	v.preview.Wrapping = fyne.TextWrapWord
	v.problem = wrapped(widget.WarningImportance)
	v.dialBtn = widget.NewButton(dialButton, v.dial)
	v.dialBtn.Importance = widget.HighImportance
	cancel := widget.NewButton(dialCancel, v.hide)
	hint := widget.NewLabel(dialKeysHint)
	hint.Importance = widget.LowImportance
	hint.SizeName = theme.SizeNameCaptionText
	top := container.NewVBox(v.entry, hint)
	bottom := container.NewVBox(v.finder.noteLine(), widget.NewSeparator(), v.preview, v.problem,
		container.NewHBox(layout.NewSpacer(), cancel, v.dialBtn))
	return container.NewBorder(top, bottom, nil, nil, v.list)
}

// changed searches as the user types and selects the best row.
func (v *dialView) changed(text string) {
	v.failed = ""
	v.rows = v.search(text)
	v.sel = -1
	v.list.UnselectAll()
	v.list.Refresh()
	if len(v.rows) > 0 {
		v.selectRow(0)
		return
	}
	v.update(v.u.state)
}

func (v *dialView) selectRow(i int) {
	if i < 0 || i >= len(v.rows) {
		return
	}
	v.sel = i
	// OnSelected updates the preview; a row already selected is previewed
	// already (v.sel follows the list's selection), and PrepareDial on a
	// long pasted text is not cheap enough to run twice.
	v.list.Select(i)
	v.list.ScrollTo(i)
}

// key handles the entry's navigation keys; the rest is typing.
func (v *dialView) key(name fyne.KeyName) {
	switch name {
	case fyne.KeyUp, fyne.KeyDown:
		if n := len(v.rows); n > 0 {
			step := 1
			if name == fyne.KeyUp {
				step = n - 1
			}
			v.selectRow((max(v.sel, 0) + step) % n)
		}
	case fyne.KeyReturn, fyne.KeyEnter:
		v.enter()
	case fyne.KeyEscape:
		v.hide()
	}
}

// update recomputes the target and the preview, then the Dial button.
func (v *dialView) update(s app.State) {
	v.target = nil
	text := strings.TrimSpace(v.entry.Text)
	var row *dialRow
	if v.sel >= 0 && v.sel < len(v.rows) {
		row = &v.rows[v.sel]
		text = row.text
	}
	c := v.u.client()
	switch {
	case text == "":
		v.setPreview(dialEmptyPrompt)
	case c == nil:
		v.setPreview("")
	default:
		t, err := dialPrepare(c, row, text)
		if err != nil {
			v.setPreview(userText(err))
			break
		}
		v.target = &t
		v.setPreview(t.Prompt())
	}
	v.updateButton(s)
}

// setPreview shows what Dial would do. The line wraps: when it needs
// another number of lines than before, the window lays itself out again,
// so that the preview neither runs into the buttons nor leaves a gap.
func (v *dialView) setPreview(text string) {
	if v.preview.Text == text {
		return
	}
	h := v.preview.MinSize().Height
	v.preview.SetText(text)
	if v.preview.MinSize().Height != h {
		v.win.relayout()
	}
}

func (v *dialView) updateButton(s app.State) {
	why := dialBlocker(v.u.client() != nil, s)
	imp, text := widget.WarningImportance, why
	if v.failed != "" {
		imp, text = widget.DangerImportance, v.failed
	}
	if setHint(v.problem, imp, text) {
		v.win.relayout() // no empty gap above the buttons
	}
	setEnabled(v.dialBtn, why == "" && v.target != nil && !v.dialing)
}

// dial calls the target; on success the window gives way to the call
// window, on failure it stays with the text and says why.
// enter dials; before the directory answered a name, once it has (a
// number typed dials at once: its own row is there already).
func (v *dialView) enter() {
	if text := strings.TrimSpace(v.entry.Text); !contacts.LooksLikeNumber(text) && v.finder.flush(func(asked string, rows []dialRow) {
		if strings.TrimSpace(v.entry.Text) == asked && v.win.shown() {
			v.answered(asked, rows)
			v.dial()
		}
	}, func() { v.setPreview(searchingDirectory) }) {
		return
	}
	v.dial()
}

func (v *dialView) dial() {
	if v.dialBtn.Disabled() || v.target == nil {
		return // the problem line already says why
	}
	t := *v.target
	v.dialing = true
	v.updateButton(v.u.state)
	v.u.act("dial", func(ctx context.Context, c *app.Client) error {
		_, err := c.Dial(ctx, t)
		return err
	}, func(err error) {
		v.dialing = false
		if err != nil {
			v.failed = userText(err)
			v.updateButton(v.u.state)
			return
		}
		v.hide()
		v.entry.SetText("")
		v.u.console.show()
	})
}

// dialEntry is the search entry; it hands the navigation keys to the
// window instead of moving the cursor.
type dialEntry struct {
	widget.Entry
	onKey func(fyne.KeyName)
}

func newDialEntry(onKey func(fyne.KeyName)) *dialEntry {
	e := &dialEntry{onKey: onKey}
	e.ExtendBaseWidget(e)
	return e
}

// TypedKey takes the arrows, Enter and Escape; the entry keeps the rest.
func (e *dialEntry) TypedKey(k *fyne.KeyEvent) {
	switch k.Name {
	case fyne.KeyUp, fyne.KeyDown, fyne.KeyReturn, fyne.KeyEnter, fyne.KeyEscape:
		e.onKey(k.Name)
		return
	}
	e.Entry.TypedKey(k)
}
