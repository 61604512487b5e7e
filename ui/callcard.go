package ui

import (
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/deskline/deskline/app"
	"github.com/deskline/deskline/app/journal"
	"github.com/deskline/deskline/ctiproto"
)

// A caller who waits this long is shown in the warning colour, and past
// the second limit in the danger colour: a receptionist sees at a glance
// who has waited too long (the usual service level answers within 15 to
// 30 seconds).
const (
	waitWarn   = 15 * time.Second
	waitUrgent = 30 * time.Second
)

// cardKind is what a card shows; it decides the buttons and the marker.
type cardKind int

const (
	cardRinging  cardKind = iota // incoming, ringing at one of my phones
	cardLive                     // answered: the user talks on it now
	cardHeld                     // on hold
	cardDialling                 // the user's own call, not answered yet
	cardFailed                   // the user's own call that never connected
)

// callCard is one call in the calls console, through its whole life:
// ringing, live, held, dialling, or failed until dismissed. It is the one
// controller of a call's buttons: an action in flight (busy) makes them
// wait, its error stays on the card, and while the server or the exchange
// is away the clock stands still (stopped) rather than count a call that
// may be gone.
type callCard struct {
	v        *consoleView
	key      string
	kind     cardKind
	call     app.Call      // the connection shown (calls)
	failure  journal.Entry // the call that failed (cardFailed)
	number   string        // as shown and copied: numberText
	busy     bool
	err      string
	stopped  time.Time
	waited   time.Duration // how long the caller waited in the call's queue, once known
	waitDone bool          // waited is final: taken at the answer

	box                        fyne.CanvasObject
	inner                      *fyne.Container
	stripe                     *canvas.Rectangle
	photo                      *canvas.Image
	marker, timer              *widget.Label
	name, numberLine, company  *widget.Label
	queue                      *widget.Label // "Sales · waited 0:42"
	note, where, warn, errLine *widget.Label
	source                     *widget.Label // "Directory: Customers", last
	buttons, more              *fyne.Container
	picker                     *targetPicker // transfer or forward, when open
	pickerBox                  *fyne.Container

	answer, decline, forward, hangUp, hold, transfer *widget.Button
	send, crm, copyNumber, retry, dismiss            *widget.Button
}

func newCallCard(v *consoleView, key string) *callCard {
	c := &callCard{v: v, key: key, kind: -1}
	c.stripe = canvas.NewRectangle(theme.Color(theme.ColorNamePrimary))
	c.stripe.SetMinSize(fyne.NewSize(6, 0))
	c.photo = canvas.NewImageFromResource(theme.AccountIcon())
	c.photo.FillMode = canvas.ImageFillContain
	c.photo.SetMinSize(fyne.NewSquareSize(photoSize))
	c.marker = widget.NewLabelWithStyle("", fyne.TextAlignTrailing, fyne.TextStyle{Bold: true})
	c.timer = widget.NewLabelWithStyle("", fyne.TextAlignTrailing, fyne.TextStyle{Bold: true})
	c.timer.SizeName = SizeNameCallerName
	c.name = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	c.name.SizeName = SizeNameCallerName
	c.name.Truncation = fyne.TextTruncateEllipsis
	c.numberLine = newLine()
	c.numberLine.SizeName = SizeNameCallerNumber
	c.company, c.where, c.queue, c.source = newLine(), newLine(), newLine(), newLine()
	c.note = wrapped(widget.MediumImportance)
	c.warn = wrapped(widget.WarningImportance)
	c.errLine = wrapped(widget.DangerImportance)
	c.makeButtons()
	c.box = c.layout()
	return c
}

func (c *callCard) makeButtons() {
	c.answer = widget.NewButtonWithIcon(wordAnswer, theme.ConfirmIcon(), c.onAnswer)
	c.answer.Importance = widget.HighImportance
	c.decline = widget.NewButtonWithIcon(wordDecline, theme.CancelIcon(), c.onDecline)
	c.decline.Importance = widget.DangerImportance
	c.forward = widget.NewButtonWithIcon(wordForward, theme.MailForwardIcon(), func() { c.openPicker(pickerPrompt(true)) })
	c.hangUp = widget.NewButtonWithIcon(wordHangUp, theme.CancelIcon(), c.onHangUp)
	c.hangUp.Importance = widget.DangerImportance
	c.hold = widget.NewButtonWithIcon(holdLabel(false, false), theme.MediaPauseIcon(), c.onHold)
	c.transfer = widget.NewButtonWithIcon(wordTransfer, theme.MailForwardIcon(), func() { c.openPicker(pickerPrompt(false)) })
	c.send = widget.NewButtonWithIcon(wordSend, theme.MailSendIcon(), c.onSend)
	c.send.Importance = widget.HighImportance
	c.crm = widget.NewButtonWithIcon(crmLabel(true), theme.DocumentIcon(), c.onCRM)
	c.copyNumber = widget.NewButtonWithIcon(copyLabel(false), theme.ContentCopyIcon(), c.onCopy)
	c.retry = widget.NewButtonWithIcon(wordTryAgain, theme.ViewRefreshIcon(), c.onRetry)
	c.retry.Importance = widget.HighImportance
	c.dismiss = widget.NewButtonWithIcon(wordDismiss, theme.WindowCloseIcon(), c.onDismiss)
}

// layout: the marker stripe left; photo, who calls and the big clock at
// the top; messages; the buttons of the card's kind; the target entry
// when transferring or forwarding; CRM and copy below.
func (c *callCard) layout() fyne.CanvasObject {
	right := container.NewVBox(c.timer, c.marker)
	details := container.New(layout.NewCustomPaddedVBoxLayout(-2*theme.Padding()),
		c.name, c.numberLine, c.queue, c.company, c.where, c.source)
	top := container.NewBorder(nil, nil, container.NewVBox(c.photo), right, details)
	c.buttons = container.NewGridWithColumns(3)
	c.more = container.NewGridWithColumns(2, c.crm, c.copyNumber)
	c.pickerBox = container.NewVBox()
	c.inner = container.NewVBox(top, c.note, c.warn, c.errLine, c.buttons, c.pickerBox, c.more)
	return widget.NewCard("", "", container.NewBorder(nil, nil, c.stripe, nil, c.inner))
}

// showCall shows a call of the user's in kind k at time now.
func (c *callCard) showCall(k cardKind, call app.Call, s app.State, now time.Time) {
	c.call = call
	c.setKind(k)
	c.number = numberText(c.v.u.numbers(), call.Number)
	setPhoto(c.photo, photoResource(call.Contact))
	setLine(c.name, call.Display)
	setLine(c.numberLine, joinParts(" · ", c.number, phoneKind(call.Phone)))
	org, source, note := popContactLines(call)
	setLine(c.company, org)
	setLine(c.source, source)
	if k == cardHeld {
		note = ""
	}
	if call.Note != "" { // why the caller calls, from whoever put the call through
		note = "Note: " + call.Note
	}
	setLine(c.note, note)
	switch {
	case canAct(s):
		c.stopped = time.Time{}
	case c.stopped.IsZero():
		c.stopped = now
	}
	c.showClock(s, now)
	c.sync(s)
}

// showFailure shows a call of the user's that never connected.
func (c *callCard) showFailure(f journal.Entry, s app.State) {
	c.failure = f
	c.setKind(cardFailed)
	c.number = numberText(c.v.u.numbers(), f.Number)
	name := f.Name
	if name == "" {
		name = c.number
	}
	setPhoto(c.photo, nil)
	setLine(c.name, name)
	setLine(c.numberLine, c.number)
	setLine(c.company, "")
	setLine(c.source, "")
	setLine(c.queue, "")
	setLine(c.note, "")
	setHint(c.timer, widget.DangerImportance, failureWords(f.Cause))
	setLine(c.where, calledAtText(f.Start, c.v.u.now().Location()))
	c.sync(s)
}

// setKind swaps the buttons and the marker when the card's kind changes.
func (c *callCard) setKind(k cardKind) {
	if c.kind == k {
		return
	}
	c.kind, c.err = k, "" // an error of the call's last state is moot now
	c.closePicker()
	var btns []fyne.CanvasObject
	switch k {
	case cardRinging:
		btns = []fyne.CanvasObject{c.answer, c.decline, c.forward}
	case cardLive:
		btns = []fyne.CanvasObject{c.hangUp, c.hold, c.transfer}
	case cardHeld:
		btns = []fyne.CanvasObject{c.hold, c.hangUp, c.transfer}
	case cardDialling:
		btns = []fyne.CanvasObject{c.hangUp}
	case cardFailed:
		btns = []fyne.CanvasObject{c.retry, c.dismiss}
	}
	c.buttons.Objects = btns
	c.buttons.Refresh()
	if k != cardRinging && k != cardLive { // a held card stays short: the live one matters
		c.more.Hide()
	} else {
		c.more.Show()
	}
	c.marker.SetText(kindWords[k])
	c.stripe.FillColor = theme.Color(kindColour[k])
	c.stripe.Refresh()
}

// kindColour is the marker stripe's colour by kind (the words say the
// same for those who cannot tell the colours apart).
var kindColour = map[cardKind]fyne.ThemeColorName{
	cardRinging:  theme.ColorNameWarning,
	cardLive:     theme.ColorNameSuccess,
	cardHeld:     theme.ColorNameDisabled,
	cardDialling: theme.ColorNamePrimary,
	cardFailed:   theme.ColorNameError,
}

// tick advances the card's clock.
func (c *callCard) tick(s app.State, now time.Time) {
	if c.kind != cardFailed {
		c.showClock(s, now)
	}
}

// showClock shows how long the call has been in its state, in large
// figures; a waiting caller's time changes colour at waitWarn and
// waitUrgent.
func (c *callCard) showClock(s app.State, now time.Time) {
	if !c.stopped.IsZero() {
		now = c.stopped
	}
	d := now.Sub(c.call.Since)
	imp := widget.MediumImportance
	switch {
	case c.kind != cardRinging:
	case d >= waitUrgent:
		imp = widget.DangerImportance
	case d >= waitWarn:
		imp = widget.WarningImportance
	}
	setHint(c.timer, imp, since(d))
	setLine(c.where, whereText(c.kind, c.call, s))
	c.trackWait(now)
	setLine(c.queue, queueText(c.call.Queue, c.waited))
}

// trackWait follows how long the caller waited in a queue or ring group:
// while it rings the wait goes on, counted from when the caller joined;
// once answered it stands at the answer. A card that never saw the call
// ring (first seen live or on hold: the tray started later) does not
// know the answer time (a live call's since moves with hold and
// retrieve), so it shows no wait rather than a wrong one.
func (c *callCard) trackWait(now time.Time) {
	switch {
	case c.call.Queue == "":
	case c.kind == cardRinging:
		c.waited, c.waitDone = now.Sub(c.call.QueueJoined), false
	case !c.waitDone && c.waited > 0 && c.kind == cardLive && c.call.Answered:
		c.waited, c.waitDone = c.call.Since.Sub(c.call.QueueJoined), true
	}
}

// sync enables what the exchange, the link and the call allow now, and
// shows why nothing can be done and the last action's error.
func (c *callCard) sync(s app.State) {
	live := canAct(s) && !c.busy
	// What this call's phones can do, not only the exchange: one card
	// stands for a call that rings at several of the user's phones.
	can := func(service string) bool { return live && s.CanOnCall(c.call.ID, service) }
	setEnabled(c.answer, can(ctiproto.TypeAnswer))
	setEnabled(c.decline, can(ctiproto.TypeClear))
	setEnabled(c.forward, can(ctiproto.TypeDeflect))
	setEnabled(c.hangUp, can(ctiproto.TypeClear))
	setEnabled(c.transfer, can(ctiproto.TypeTransfer))
	setEnabled(c.retry, live && s.Can(ctiproto.TypeMakeCall) && c.failure.CanCallBack())
	c.syncHold(s, live)
	c.syncPicker(live)
	setEnabled(c.copyNumber, c.call.Number != "")
	c.syncCRM()
	warn := ""
	if c.kind != cardFailed {
		warn = callAtRiskText(s)
	}
	setLine(c.warn, warn)
	setLine(c.errLine, c.err)
}

// syncHold makes the hold button say what it does: Hold a live call;
// Swap to a held one while another is live (one click: that one holds,
// this one comes back); Retrieve otherwise.
func (c *callCard) syncHold(s app.State, live bool) {
	held := c.kind == cardHeld
	text := holdLabel(held, held && c.v.liveCall() != "")
	icon, imp := theme.MediaPauseIcon(), widget.MediumImportance
	ok := live && s.CanOn(c.call.Device, ctiproto.TypeHold) && c.call.Answered
	if held {
		icon, imp = theme.MediaPlayIcon(), widget.HighImportance
		ok = live && s.CanOn(c.call.Device, ctiproto.TypeRetrieve)
	}
	if c.hold.Text != text || c.hold.Importance != imp {
		c.hold.Text, c.hold.Icon, c.hold.Importance = text, icon, imp
		c.hold.Refresh()
	}
	setEnabled(c.hold, ok)
}

// syncCRM greys out "Open in CRM" where there is none, and says why.
func (c *callCard) syncCRM() {
	d := c.v.u.Desk()
	text := crmLabel(d != nil && d.Settings.CRMURL != "")
	if c.crm.Text != text {
		c.crm.SetText(text)
	}
	setEnabled(c.crm, c.crmURL() != "")
}
