package ui

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/deskline/deskline/app"
	"github.com/deskline/deskline/ctiproto"
)

// popTitle is the screen pop's window title (an end-to-end test finds the
// window by it).
const popTitle = "Deskline: incoming call"

// Screen pop geometry: wide enough for a name and two buttons side by
// side, and never taller than a laptop screen can show; more cards scroll.
const (
	popWidth     = 440
	popMaxHeight = 640
)

// popCloseAfter is how long an answered card stays, so the user sees that
// the answer worked, when Settings.Popup.CloseAfterAnswer is on.
const popCloseAfter = 3 * time.Second

// popView is the screen pop: one window in which every call ringing at the
// user's phones is a card, newest at the top (it is the one the user has
// not seen yet; older cards move down and stay reachable by scrolling).
// A card stays through the answer ("Answered on 201 · 0:03") and leaves
// when the call ends, is picked up elsewhere, or CloseAfterAnswer passes.
type popView struct {
	u     *UI
	state app.State // last rendered

	w       fyne.Window // created with the first card
	visible bool        // the test driver's windows do not tell
	quieted bool        // the window was handed to Options.QuietWindow
	cards   []*popCard  // newest first
	// seen holds the calls that have popped (or were notified) while they
	// are in the user's calls: a dismissed card does not come back, a call
	// that leaves and later rings again (transferred back) pops again.
	seen map[string]bool

	header     *fyne.Container // the count and Dismiss all, with 2+ cards
	count      *widget.Label
	dismissAll *widget.Button
	list       *fyne.Container
	scroll     *container.Scroll
}

func newPopView(u *UI) *popView {
	return &popView{u: u, seen: make(map[string]bool)}
}

// popSettings are the desk's screen-pop settings, the defaults before a
// desk exists.
func (v *popView) popSettings() app.PopupSettings {
	if d := v.u.Desk(); d != nil {
		return d.Settings.Popup
	}
	return app.PopupSettings{Enabled: true, Notify: true, CloseAfterAnswer: true}
}

// render pops new ringing calls and updates or retracts the cards. With
// nothing ringing and no card open it only forgets ended calls.
func (v *popView) render(s app.State) {
	v.state = s
	v.primeQuiet() // the settings may have changed
	ringing := s.Ringing()
	if len(ringing) == 0 && len(v.cards) == 0 && len(v.seen) == 0 {
		return
	}
	v.forgetEnded(s)
	set := v.popSettings()
	added := false
	for _, c := range ringing {
		if v.seen[c.ID] {
			continue
		}
		v.seen[c.ID] = true
		if set.Notify {
			v.notify(s, c)
		}
		if set.Enabled {
			v.addCard(c)
			added = true
		}
	}
	wasVisible := v.visible
	v.update(set, added)
	switch {
	case added && v.visible && set.TakeFocus:
		v.w.RequestFocus()
	case added && wasVisible:
		// A new call while the window is open, perhaps buried under other
		// windows: show it again, on top (quiet: without the keyboard).
		v.w.Hide()
		v.w.Show()
	}
}

// tick advances the "ringing 0:07" clocks and retracts answered cards
// whose time is up.
func (v *popView) tick() {
	if len(v.cards) == 0 {
		return
	}
	v.update(v.popSettings(), false)
}

// forgetEnded drops the calls that left the user's phones from seen.
func (v *popView) forgetEnded(s app.State) {
	in := make(map[string]bool, len(s.Calls))
	for _, c := range s.Calls {
		in[c.ID] = true
	}
	for id := range v.seen {
		if !in[id] {
			delete(v.seen, id)
		}
	}
}

// notify sends the desktop notification for a new ringing call.
func (v *popView) notify(s app.State, c app.Call) {
	parts := []string{numberText(v.u.numbers(), c.Number)}
	if org := companyText(c.Contact, false); org != "" {
		parts = append(parts, org)
	}
	if devs := popAlertingDevices(s, c.ID); len(devs) > 0 {
		parts = append(parts, "on "+popDevicesText(s, devs))
	}
	v.u.fy.SendNotification(fyne.NewNotification("Call from "+c.Display, strings.Join(parts, " · ")))
}

// addCard puts a new card on top, creating the window on first use.
func (v *popView) addCard(c app.Call) {
	v.ensureWindow()
	v.cards = append([]*popCard{newPopCard(v, c.ID)}, v.cards...)
}

// update refreshes every card from the last state, drops the ones whose
// call is over, and when cards came, went or changed size shows, resizes
// or hides the window to match.
func (v *popView) update(set app.PopupSettings, added bool) {
	now := v.u.now()
	changed := added
	kept := v.cards[:0]
	for _, c := range v.cards {
		keep, moved := c.update(v.state, set, now)
		if keep {
			kept = append(kept, c)
		}
		changed = changed || moved || !keep
	}
	clear(v.cards[len(kept):])
	v.cards = kept
	if changed {
		v.relayout() // not every second: it would undo the user's resizing
	}
}

// dismiss hides one card; its call keeps ringing (and stays in seen, so it
// does not pop again).
func (v *popView) dismiss(c *popCard) {
	for i, have := range v.cards {
		if have == c {
			v.cards = append(v.cards[:i], v.cards[i+1:]...)
			break
		}
	}
	v.relayout()
}

// dismissAllCards hides every card and the window; the calls ring on.
func (v *popView) dismissAllCards() {
	v.cards = nil
	v.relayout()
}

// ensureWindow creates the window and its fixed parts once.
func (v *popView) ensureWindow() {
	if v.w != nil {
		return
	}
	v.count = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	v.dismissAll = widget.NewButton("Dismiss all", v.dismissAllCards)
	v.dismissAll.Importance = widget.LowImportance
	v.header = container.NewBorder(nil, nil, nil, v.dismissAll, v.count)
	v.list = container.NewVBox()
	v.scroll = container.NewVScroll(v.list)
	v.w = v.u.fy.NewWindow(popTitle)
	v.w.SetContent(container.NewBorder(v.header, nil, nil, nil, v.scroll))
	// Closing the window is "not now": the calls ring on, as with Dismiss.
	v.w.SetCloseIntercept(v.dismissAllCards)
	v.w.Canvas().SetOnTypedKey(v.typedKey)
}

// typedKey: Enter answers the top card, Escape dismisses all. They work
// only when the user gave the popup focus; it never takes it uninvited.
func (v *popView) typedKey(ev *fyne.KeyEvent) {
	switch ev.Name {
	case fyne.KeyEscape:
		v.dismissAllCards()
	case fyne.KeyReturn, fyne.KeyEnter:
		if len(v.cards) > 0 && v.cards[0].ringingButtons.Visible() && !v.cards[0].answer.Disabled() {
			v.cards[0].answer.OnTapped()
		}
	}
}

// relayout puts the cards in the window and shows or hides it: shown with
// the first card, hidden when none is left.
func (v *popView) relayout() {
	if v.w == nil {
		return
	}
	objs := make([]fyne.CanvasObject, len(v.cards))
	for i, c := range v.cards {
		objs[i] = c.box
	}
	v.list.Objects = objs
	v.list.Refresh()
	v.count.SetText(fmt.Sprintf("%d calls", len(v.cards)))
	if len(v.cards) >= 2 {
		v.header.Show()
	} else {
		v.header.Hide()
	}
	if len(v.cards) == 0 {
		if v.visible {
			v.w.Hide()
			v.visible = false
		}
		return
	}
	v.w.Resize(fyne.NewSize(popWidth, min(v.fitHeight(), popMaxHeight)))
	if !v.visible {
		v.w.Show()
		v.visible = true
	}
}

// fitHeight is the window height that shows every card. A wrapped note
// knows its height only once it knows its width, so the cards are laid
// out at the window's width first.
func (v *popView) fitHeight() float32 {
	width := popWidth - 2*theme.Padding()
	v.list.Resize(fyne.NewSize(width, v.list.MinSize().Height))
	h := v.list.MinSize().Height + 2*theme.Padding()
	if v.header.Visible() {
		h += v.header.MinSize().Height + theme.Padding()
	}
	return h
}

// shownNames are the callers the screen pop shows, top first; none while
// it is hidden (Options.Trace reports them).
func (v *popView) shownNames() []string {
	if !v.visible {
		return nil
	}
	names := make([]string, len(v.cards))
	for i, c := range v.cards {
		names[i] = c.call.Display
	}
	return names
}

// popAlertingDevices lists the user's devices at which call id rings.
func popAlertingDevices(s app.State, id string) []string {
	var out []string
	for _, c := range s.Calls {
		if c.ID == id && (c.State == ctiproto.StateAlerting || c.State == ctiproto.StateQueued) {
			out = append(out, c.Device)
		}
	}
	return out
}

// popDevicesText names devices for people: "201 (Ann), 202 (Mobile)".
func popDevicesText(s app.State, ids []string) string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = popDeviceText(s, id)
	}
	return strings.Join(out, ", ")
}

// popDeviceText is "201 (Desk phone)", or "201" when the device has no
// name of its own.
func popDeviceText(s app.State, id string) string {
	for _, d := range s.Devices {
		if d.ID == id && d.Name != "" && d.Name != id {
			return id + " (" + d.Name + ")"
		}
	}
	return id
}

// popCard is one call in the screen pop.
type popCard struct {
	v          *popView
	id         string
	call       app.Call  // the connection shown: the ringing one, or the answered one
	number     string    // as shown and copied: numberText
	answeredAt time.Time // when the card first saw the call answered (u.now)
	stopped    time.Time // when nothing could be done any more (!canAct): the clock stands still
	busy       bool      // an action is on its way: its buttons wait
	err        string    // the last action's error, for the user

	box                              fyne.CanvasObject
	inner                            *fyne.Container
	photo                            *canvas.Image
	name, numberLine, company, title *widget.Label
	note, status, warn, errLabel     *widget.Label
	answer, decline, hangUp, dismiss *widget.Button
	crm, copyNumber                  *widget.Button
	ringingButtons, answeredButtons  *fyne.Container
}

func newPopCard(v *popView, id string) *popCard {
	c := &popCard{v: v, id: id}
	c.photo = canvas.NewImageFromResource(theme.AccountIcon())
	c.photo.FillMode = canvas.ImageFillContain
	c.photo.SetMinSize(fyne.NewSquareSize(photoSize))
	c.name = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	c.name.SizeName = theme.SizeNameSubHeadingText
	c.numberLine, c.company, c.title = newLine(), newLine(), newLine()
	c.status = newLine()
	c.status.Importance = widget.LowImportance
	c.warn = widget.NewLabel("")
	c.warn.Importance = widget.WarningImportance
	c.warn.Wrapping = fyne.TextWrapWord
	c.warn.Hide()
	c.note = widget.NewLabel("")
	c.note.Importance = widget.LowImportance
	c.note.Wrapping = fyne.TextWrapWord
	c.errLabel = widget.NewLabel("")
	c.errLabel.Importance = widget.DangerImportance
	c.errLabel.Wrapping = fyne.TextWrapWord
	c.errLabel.Hide()
	c.makeButtons()
	c.box = c.layout()
	return c
}

func (c *popCard) makeButtons() {
	c.answer = widget.NewButtonWithIcon("Answer", theme.ConfirmIcon(), c.onAnswer)
	c.answer.Importance = widget.HighImportance
	c.decline = widget.NewButtonWithIcon("Decline", theme.CancelIcon(), c.onHangUp)
	c.decline.Importance = widget.DangerImportance
	c.hangUp = widget.NewButtonWithIcon("Hang up", theme.CancelIcon(), c.onHangUp)
	c.hangUp.Importance = widget.DangerImportance
	c.crm = widget.NewButtonWithIcon("Open in CRM", theme.DocumentIcon(), c.onCRM)
	c.copyNumber = widget.NewButtonWithIcon("Copy number", theme.ContentCopyIcon(), c.onCopy)
	c.dismiss = widget.NewButtonWithIcon("", theme.WindowCloseIcon(), func() { c.v.dismiss(c) })
	c.dismiss.Importance = widget.LowImportance
}

// layout: photo left, the details right with the small dismiss cross in
// the corner, the main actions below in full width.
func (c *popCard) layout() fyne.CanvasObject {
	head := container.NewBorder(nil, nil, nil, c.dismiss, c.name)
	// The labels' own padding spaces the lines enough: no gap between them.
	details := container.New(layout.NewCustomPaddedVBoxLayout(-2*theme.Padding()),
		head, c.numberLine, c.company, c.title, c.note, c.status)
	top := container.NewBorder(nil, nil, container.NewVBox(c.photo), nil, details)
	c.ringingButtons = container.NewGridWithColumns(2, c.answer, c.decline)
	c.answeredButtons = container.NewGridWithColumns(1, c.hangUp)
	c.answeredButtons.Hide()
	actions := container.NewStack(c.ringingButtons, c.answeredButtons)
	more := container.NewGridWithColumns(2, c.crm, c.copyNumber)
	c.inner = container.NewVBox(top, c.warn, c.errLabel, actions, more)
	return widget.NewCard("", "", c.inner)
}

// update shows the call's present state. keep is false when the card
// should go: the call left the user's phones (ended, picked up elsewhere,
// failed), or it was answered here and CloseAfterAnswer's time is up.
// moved says a line came or went, so the window must fit the card again.
func (c *popCard) update(s app.State, set app.PopupSettings, now time.Time) (keep, moved bool) {
	ringing, answered := popConnections(s, c.id)
	switch {
	case answered != nil:
		if c.answeredAt.IsZero() {
			c.answeredAt, c.err = now, "" // a failed answer is moot now
		}
		if set.CloseAfterAnswer && now.Sub(c.answeredAt) >= popCloseAfter {
			return false, false
		}
		c.call = *answered
	case ringing != nil:
		c.call = *ringing
	default:
		return false, false
	}
	moved = c.showDetails()
	// Without the server or the exchange the call may be over: the clock
	// stops where it was rather than count a call that is not there.
	switch {
	case canAct(s):
		c.stopped = time.Time{}
	case c.stopped.IsZero():
		c.stopped = now
	}
	clock := now
	if !c.stopped.IsZero() {
		clock = c.stopped
	}
	c.showStatus(s, clock, answered != nil)
	if c.syncControls(s) {
		moved = true
	}
	if moved {
		c.inner.Refresh()
	}
	return true, moved
}

// popConnections finds call id at the user's phones: the connection that
// rings longest, and one that was answered.
func popConnections(s app.State, id string) (ringing, answered *app.Call) {
	for i := range s.Calls {
		call := &s.Calls[i]
		switch {
		case call.ID != id:
		case call.State == ctiproto.StateConnected || call.State == ctiproto.StateHeld:
			answered = call
		case call.State == ctiproto.StateAlerting || call.State == ctiproto.StateQueued:
			if ringing == nil || call.Since.Before(ringing.Since) {
				ringing = call
			}
		}
	}
	return ringing, answered
}

// showDetails shows who calls; true when a line came or went.
func (c *popCard) showDetails() (moved bool) {
	call := c.call
	c.number = numberText(c.v.u.numbers(), call.Number)
	setPhoto(c.photo, photoResource(call.Contact))
	line := joinParts(" · ", c.number, phoneKind(call.Phone))
	org, title, note := popContactLines(call)
	for _, l := range []struct {
		label *widget.Label
		text  string
	}{{c.name, call.Display}, {c.numberLine, line}, {c.company, org}, {c.title, title}, {c.note, note}} {
		if setLine(l.label, l.text) {
			moved = true
		}
	}
	return moved
}

// showStatus shows "Ringing 0:07 on 201 (Ann)" or "Answered on 201 ·
// 0:03", and the buttons for either.
func (c *popCard) showStatus(s app.State, now time.Time, answered bool) {
	d := since(now.Sub(c.call.Since))
	switch {
	case !answered:
		setLine(c.status, "Ringing "+d+" on "+popDevicesText(s, popAlertingDevices(s, c.id)))
	case c.call.State == ctiproto.StateHeld:
		setLine(c.status, "Answered on "+c.call.Device+" · on hold "+d)
	default:
		setLine(c.status, "Answered on "+c.call.Device+" · "+d)
	}
	if answered {
		c.ringingButtons.Hide()
		c.answeredButtons.Show()
	} else {
		c.answeredButtons.Hide()
		c.ringingButtons.Show()
	}
}

// syncControls enables what the exchange and the link allow now, says
// when they allow nothing, and shows the last action's error; true when
// a message line came or went.
func (c *popCard) syncControls(s app.State) bool {
	live := canAct(s) && !c.busy
	setEnabled(c.answer, live && s.Can(ctiproto.TypeAnswer))
	setEnabled(c.decline, live && s.Can(ctiproto.TypeClear))
	setEnabled(c.hangUp, live && s.Can(ctiproto.TypeClear))
	setEnabled(c.copyNumber, c.call.Number != "")
	setEnabled(c.crm, c.crmURL() != "")
	moved := setLine(c.warn, callAtRiskText(s))
	return setLine(c.errLabel, c.err) || moved
}

// relayout fits the card, and the window, to an error line that came or
// went.
func (c *popCard) relayout() {
	c.inner.Refresh()
	c.v.relayout()
}

func (c *popCard) onAnswer() {
	id := c.id
	c.run("answer", func(ctx context.Context, cl *app.Client) error { return cl.Answer(ctx, id) })
}

// onHangUp declines a ringing call (the exchange records a rejection) or
// ends an answered one.
func (c *popCard) onHangUp() {
	id := c.id
	c.run("hang up", func(ctx context.Context, cl *app.Client) error { return cl.HangUp(ctx, id) })
}

// run sends an action; the card's call buttons wait for its answer and
// its error shows in the card.
func (c *popCard) run(what string, f func(context.Context, *app.Client) error) {
	c.busy, c.err = true, ""
	if c.syncControls(c.v.state) {
		c.relayout()
	}
	c.v.u.act(what, f, func(err error) {
		c.busy, c.err = false, userText(err)
		if c.syncControls(c.v.state) {
			c.relayout()
		}
	})
}

func (c *popCard) onCRM() {
	raw := c.crmURL()
	if raw == "" {
		return
	}
	u, err := url.Parse(raw)
	if err == nil {
		err = c.v.u.fy.OpenURL(u)
	}
	c.err = userText(err)
	if setLine(c.errLabel, c.err) {
		c.relayout()
	}
}

func (c *popCard) onCopy() {
	if c.call.Number == "" {
		return
	}
	c.v.u.fy.Clipboard().SetContent(c.number)
	c.copyNumber.SetText("Copied")
	c.copyNumber.SetIcon(theme.ConfirmIcon())
}

// crmURL is the CRM page for the call, "" when no template is set or it
// cannot be filled (the settings view reports bad templates).
func (c *popCard) crmURL() string {
	d := c.v.u.Desk()
	if d == nil || d.Settings.CRMURL == "" {
		return ""
	}
	v := app.CRMValues{Number: c.call.Number, Name: c.call.Display}
	if d.Numbers != nil && c.call.Number != "" {
		if n, err := d.Numbers.Normalize(c.call.Number); err == nil && !n.Internal {
			v.E164 = n.Key
		}
	}
	if c.call.Contact != nil {
		v.Company = c.call.Contact.Organization
	}
	u, err := app.CRMURL(d.Settings.CRMURL, v)
	if err != nil {
		return ""
	}
	return u
}

// popContactLines are the contact's company ("Acme GmbH, Purchasing"),
// title and note (at most popNoteLines short lines), empty without a
// contact.
func popContactLines(call app.Call) (org, title, note string) {
	ct := call.Contact
	if ct == nil {
		return "", "", ""
	}
	return companyText(ct, false), strings.TrimSpace(ct.Title), popNoteText(ct.Note)
}

// The note shows at most popNoteLines of its lines, run together, and
// at most popNoteMax characters: about three lines of the card.
const (
	popNoteLines = 3
	popNoteMax   = 160
)

// popNoteText keeps the start of a note, "…" when cut.
func popNoteText(note string) string {
	var lines []string
	for _, l := range strings.Split(strings.TrimSpace(note), "\n") {
		if l = strings.TrimSpace(l); l != "" {
			lines = append(lines, l)
		}
	}
	s := strings.Join(lines[:min(popNoteLines, len(lines))], " ")
	if len(lines) > popNoteLines {
		s += "…"
	}
	return clip(s, popNoteMax)
}
