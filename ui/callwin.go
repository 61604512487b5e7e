package ui

import (
	"context"
	"slices"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/deskline/deskline/app"
	"github.com/deskline/deskline/contacts"
	"github.com/deskline/deskline/ctiproto"
)

// callTitle is the call window's title (an end-to-end test finds the
// window by it).
const callTitle = "Deskline: calls"

// The call window's size when it first opens: room for two calls with a
// transfer search each.
const (
	callWidth  = 480
	callHeight = 470
)

// callView is the call window: the user's calls in progress other than
// incoming ones still ringing (those are the screen pop's), each with hang
// up, hold/retrieve and transfer. It opens itself when a call gets
// connected here or an outgoing call starts, and hides when the last call
// ends; the tray opens it with show.
type callView struct {
	u     *UI
	state app.State // last rendered

	w       fyne.Window
	visible bool // the test driver's windows do not tell
	quieted bool // the window was handed to Options.QuietWindow
	// states is each listed call's state at the last render, to see calls
	// start and get connected even while the window is hidden.
	states map[string]string
	rows   map[string]*callRow
	order  []string // row keys, oldest call first

	link    *widget.Label // why the buttons are grey: not connected
	empty   *widget.Label
	list    *fyne.Container
	content *fyne.Container
}

func newCallView(u *UI) *callView {
	return &callView{u: u, states: make(map[string]string), rows: make(map[string]*callRow)}
}

// callKey names one of the user's connections: a call can be at two of
// the user's phones at once (an internal call between them).
func callKey(c app.Call) string { return c.ID + "@" + c.Device }

// callListed reports whether the window lists c: everything but incoming
// calls still ringing, and connections already gone.
func callListed(c app.Call) bool {
	switch c.State {
	case ctiproto.StateCleared:
		return false
	case ctiproto.StateAlerting, ctiproto.StateQueued:
		return c.Direction == ctiproto.DirectionOutgoing
	}
	return true
}

// callsInProgress counts the calls the call window lists, one per call
// even when it is at two of the user's phones: what "Calls in progress
// (N)" says in the tray and the main window.
func callsInProgress(s app.State) int {
	seen := make(map[string]bool)
	for _, c := range s.Calls {
		if callListed(c) {
			seen[c.ID] = true
		}
	}
	return len(seen)
}

// render notes calls starting and ending, opens or hides the window to
// match, and updates the rows when it is shown.
func (v *callView) render(s app.State) {
	v.state = s
	open, allGone := v.noteStates(s)
	for k := range v.rows {
		if _, ok := v.states[k]; !ok {
			delete(v.rows, k) // ended while hidden: the row goes too
		}
	}
	switch {
	case open:
		v.open(false)
		return
	case allGone && v.visible:
		v.hide()
	}
	if v.visible {
		v.sync()
	}
}

// noteStates remembers each listed call's state. open: a call got
// connected here (not merely retrieved from hold) or an outgoing call
// started; allGone: the last listed call ended.
func (v *callView) noteStates(s app.State) (open, allGone bool) {
	next := make(map[string]string, len(v.states))
	for _, c := range s.Calls {
		if !callListed(c) {
			continue
		}
		k := callKey(c)
		old, known := v.states[k]
		next[k] = c.State
		if !known && c.Direction == ctiproto.DirectionOutgoing {
			open = true
		}
		if c.State == ctiproto.StateConnected && old != ctiproto.StateConnected && old != ctiproto.StateHeld {
			open = true
		}
	}
	allGone = len(v.states) > 0 && callsInProgress(s) == 0
	v.states = next
	return open, allGone
}

// tick advances the durations while the window is shown.
func (v *callView) tick() {
	if !v.visible {
		return
	}
	now := v.u.now()
	for _, r := range v.rows {
		r.showStatus(r.clock(now))
	}
}

// show opens the window on the user's request (tray menu) and gives it
// the keyboard.
func (v *callView) show() { v.open(true) }

// open shows the window; focus only when the user asked for it, never
// when a call opens it.
func (v *callView) open(focus bool) {
	v.ensureWindow()
	v.sync()
	if !v.visible {
		v.w.Show()
		v.visible = true
	}
	if focus {
		v.w.RequestFocus()
	}
}

func (v *callView) hide() {
	if v.w != nil {
		v.w.Hide()
	}
	v.visible = false
}

func (v *callView) ensureWindow() {
	if v.w != nil {
		return
	}
	v.link = widget.NewLabel("")
	v.link.Importance = widget.WarningImportance
	v.link.Wrapping = fyne.TextWrapWord
	v.empty = widget.NewLabel("No calls in progress.")
	v.empty.Importance = widget.LowImportance
	v.empty.Alignment = fyne.TextAlignCenter
	v.list = container.NewVBox()
	v.w = v.u.fy.NewWindow(callTitle)
	v.link.Hide()
	v.content = container.NewBorder(container.NewVBox(v.link, v.empty), nil, nil, nil, container.NewVScroll(v.list))
	v.w.SetContent(v.content)
	v.w.Resize(fyne.NewSize(callWidth, callHeight))
	v.w.SetCloseIntercept(v.hide)
	v.w.Canvas().SetOnTypedKey(func(ev *fyne.KeyEvent) {
		if ev.Name == fyne.KeyEscape {
			v.hide()
		}
	})
}

// sync makes the rows match the listed calls, keeping the rows of calls
// that stay (and what the user typed into them).
func (v *callView) sync() {
	s, now := v.state, v.u.now()
	var order []string
	seen := make(map[string]bool)
	for _, c := range s.Calls {
		if !callListed(c) {
			continue
		}
		k := callKey(c)
		r := v.rows[k]
		if r == nil {
			r = newCallRow(v)
			v.rows[k] = r
		}
		seen[k] = true
		order = append(order, k)
		r.update(c, s, now)
	}
	for k := range v.rows {
		if !seen[k] {
			delete(v.rows, k)
		}
	}
	if !slices.Equal(order, v.order) {
		v.order = order
		objs := make([]fyne.CanvasObject, len(order))
		for i, k := range order {
			objs[i] = v.rows[k].box
		}
		v.list.Objects = objs
		v.list.Refresh()
	}
	moved := setLine(v.link, linkProblem(v.u.client() != nil, s))
	if empty := len(order) == 0; empty != v.empty.Visible() {
		if empty {
			v.empty.Show()
		} else {
			v.empty.Hide()
		}
		moved = true
	}
	if moved {
		v.content.Refresh()
	}
}

// callRow is one call in the call window.
type callRow struct {
	v      *callView
	call   app.Call
	busy   bool   // an action is on its way: the buttons wait
	err    string // the last action's error, for the user
	picked string // the number of the suggestion picked, "" while typing
	// stopped is when nothing could be done any more (!canAct): the
	// clock stands still until the link and the exchange are back.
	stopped time.Time

	box                    fyne.CanvasObject
	inner                  *fyne.Container
	name, number, status   *widget.Label
	warn, pickedLabel      *widget.Label
	errLabel               *widget.Label
	hangUp, hold, transfer *widget.Button
	target                 *widget.Entry
	suggestions            *fyne.Container
}

func newCallRow(v *callView) *callRow {
	r := &callRow{v: v}
	r.name = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	r.name.Truncation = fyne.TextTruncateEllipsis
	r.number, r.status = newLine(), widget.NewLabel("")
	r.warn = widget.NewLabel("")
	r.warn.Importance = widget.WarningImportance
	r.warn.Wrapping = fyne.TextWrapWord
	r.warn.Hide()
	r.pickedLabel = newLine()
	r.pickedLabel.Importance = widget.LowImportance
	r.errLabel = widget.NewLabel("")
	r.errLabel.Importance = widget.DangerImportance
	r.errLabel.Wrapping = fyne.TextWrapWord
	r.hangUp = widget.NewButtonWithIcon("Hang up", theme.CancelIcon(), r.onHangUp)
	r.hangUp.Importance = widget.DangerImportance
	r.hold = widget.NewButtonWithIcon("Hold", theme.MediaPauseIcon(), r.onHold)
	r.transfer = widget.NewButtonWithIcon("Transfer", theme.MailForwardIcon(), r.onTransfer)
	r.target = widget.NewEntry()
	r.target.SetPlaceHolder("Transfer to: number or name")
	r.target.OnChanged = r.onTyped
	r.target.OnSubmitted = r.onSubmit
	r.suggestions = container.NewVBox()
	r.pickedLabel.Hide()
	r.errLabel.Hide()
	who := container.New(layout.NewCustomPaddedVBoxLayout(-2*theme.Padding()),
		container.NewBorder(nil, nil, nil, r.status, r.name), r.number)
	r.inner = container.NewVBox(who, r.warn,
		container.NewGridWithColumns(2, r.hangUp, r.hold),
		container.NewBorder(nil, nil, nil, r.transfer, r.target),
		r.suggestions, r.pickedLabel, r.errLabel)
	r.box = widget.NewCard("", "", r.inner)
	return r
}

// update shows call c.
func (r *callRow) update(c app.Call, s app.State, now time.Time) {
	r.call = c
	setLine(r.name, c.Display)
	setLine(r.number, joinParts(" · ", numberText(r.v.u.numbers(), c.Number), phoneKind(c.Phone)))
	switch {
	case canAct(s):
		r.stopped = time.Time{}
	case r.stopped.IsZero():
		r.stopped = now
	}
	r.showStatus(r.clock(now))
	if c.State == ctiproto.StateHeld {
		r.hold.SetText("Retrieve")
		r.hold.SetIcon(theme.MediaPlayIcon())
	} else {
		r.hold.SetText("Hold")
		r.hold.SetIcon(theme.MediaPauseIcon())
	}
	r.syncControls(s)
}

func (r *callRow) showStatus(now time.Time) {
	setLine(r.status, callStateText(r.call, now))
}

// clock is the time the row's duration counts to: now, or when the link
// or the exchange went.
func (r *callRow) clock(now time.Time) time.Time {
	if !r.stopped.IsZero() {
		return r.stopped
	}
	return now
}

// callStateText words a call's state with its duration: "Talking 1:23".
func callStateText(c app.Call, now time.Time) string {
	d := since(now.Sub(c.Since))
	out := c.Direction == ctiproto.DirectionOutgoing
	switch {
	case c.State == ctiproto.StateHeld:
		return "On hold " + d
	case out && (c.State == ctiproto.StateInitiated || c.State == ctiproto.StateAlerting):
		return "Calling… " + d + " — pick up your phone"
	case out && c.State == ctiproto.StateConnected && !c.Answered:
		return "Calling… " + d + " — ringing at the other end"
	case c.State == ctiproto.StateConnected:
		return "Talking " + d
	case c.State == ctiproto.StateFailed:
		return "Call failed"
	}
	return "Connecting… " + d
}

// syncControls enables what the exchange, the link and the call's state
// allow now (disabled, never hidden), says when they allow nothing, and
// shows the last error.
func (r *callRow) syncControls(s app.State) {
	live := canAct(s) && !r.busy
	st := r.call.State
	inCall := st == ctiproto.StateConnected || st == ctiproto.StateHeld
	setEnabled(r.hangUp, live && s.Can(ctiproto.TypeClear))
	if st == ctiproto.StateHeld {
		setEnabled(r.hold, live && s.Can(ctiproto.TypeRetrieve))
	} else {
		setEnabled(r.hold, live && s.Can(ctiproto.TypeHold) && st == ctiproto.StateConnected && r.call.Answered)
	}
	canTransfer := s.Can(ctiproto.TypeTransfer) && inCall
	setEnabled(r.target, canTransfer)
	setEnabled(r.transfer, live && canTransfer && strings.TrimSpace(r.target.Text) != "")
	moved := setLine(r.warn, callAtRiskText(s))
	if setLine(r.errLabel, r.err) || moved {
		r.relayout()
	}
}

// relayout fits the row, and the list, to lines that came or went.
func (r *callRow) relayout() {
	r.inner.Refresh()
	r.v.list.Refresh()
}

func (r *callRow) onHangUp() {
	id := r.call.ID
	r.run("hang up", func(ctx context.Context, c *app.Client) error { return c.HangUp(ctx, id) }, nil)
}

// onHold holds or retrieves, as the button says.
func (r *callRow) onHold() {
	id := r.call.ID
	if r.call.State == ctiproto.StateHeld {
		r.run("retrieve", func(ctx context.Context, c *app.Client) error { return c.Retrieve(ctx, id) }, nil)
		return
	}
	r.run("hold", func(ctx context.Context, c *app.Client) error { return c.Hold(ctx, id) }, nil)
}

// onTransfer hands the call to the picked suggestion's number, else to
// what was typed (the app finds the number in it).
func (r *callRow) onTransfer() {
	to := r.picked
	if to == "" {
		to = strings.TrimSpace(r.target.Text)
	}
	if to == "" || r.transfer.Disabled() {
		return
	}
	id := r.call.ID
	r.run("transfer", func(ctx context.Context, c *app.Client) error { return c.Transfer(ctx, id, to) }, func() {
		r.picked = ""
		r.target.SetText("")
	})
}

// run sends an action; the row's buttons wait for its answer, and its
// error shows in the row. ok runs after a success.
func (r *callRow) run(what string, f func(context.Context, *app.Client) error, ok func()) {
	r.busy, r.err = true, ""
	r.syncControls(r.v.state)
	r.v.u.act(what, f, func(err error) {
		r.busy, r.err = false, userText(err)
		if err == nil && ok != nil {
			ok()
		}
		r.syncControls(r.v.state)
	})
}

// callSuggestions is how many address-book matches the transfer entry
// offers.
const callSuggestions = 8

// onTyped offers matching contacts below the entry as the user types;
// editing a picked number drops the pick.
func (r *callRow) onTyped(text string) {
	if r.picked != "" && text != r.picked {
		r.picked = ""
		if setLine(r.pickedLabel, "") {
			r.relayout()
		}
	}
	r.suggest(text)
	r.syncControls(r.v.state)
}

// onSubmit (Enter): a name picks the first suggestion, a number (or a
// picked suggestion) transfers.
func (r *callRow) onSubmit(text string) {
	if r.picked == "" && !callNumberish(text) && len(r.suggestions.Objects) > 0 {
		r.suggestions.Objects[0].(*widget.Button).OnTapped()
		return
	}
	r.onTransfer()
}

// suggest lists the address book's matches for text; none for a picked
// number or fewer than two characters.
func (r *callRow) suggest(text string) {
	text = strings.TrimSpace(text)
	var objs []fyne.CanvasObject
	if d := r.v.u.Desk(); d != nil && d.Books != nil && len([]rune(text)) >= 2 && text != r.picked {
		for _, m := range d.Books.Search(text, callSuggestions) {
			b := widget.NewButtonWithIcon(callMatchText(m), theme.AccountIcon(), func() { r.pick(m) })
			b.Importance = widget.LowImportance
			b.Alignment = widget.ButtonAlignLeading
			objs = append(objs, b)
		}
	}
	if len(objs) == 0 && len(r.suggestions.Objects) == 0 {
		return
	}
	r.suggestions.Objects = objs
	r.relayout()
}

// pick takes a suggestion: its number goes into the entry, whose name
// shows below it.
func (r *callRow) pick(m contacts.Match) {
	num := m.Phone.Number.Display
	if num == "" {
		num = m.Phone.Raw
	}
	r.target.SetText(num)
	r.picked = num
	r.suggest("")
	if setLine(r.pickedLabel, "To "+callMatchText(m)) {
		r.relayout()
	}
	r.syncControls(r.v.state)
}

// callMatchText is "Bob Baker · 203 · work".
func callMatchText(m contacts.Match) string {
	return joinParts(" · ", m.Contact.DisplayName(), m.Phone.Number.Display, phoneKind(&m.Phone))
}

// callNumberish reports text written as a phone number: digits and the
// signs people put between them, no letters.
func callNumberish(text string) bool {
	digits := false
	for _, r := range text {
		switch {
		case r >= '0' && r <= '9':
			digits = true
		case strings.ContainsRune("+-()/. ", r):
		default:
			return false
		}
	}
	return digits
}
