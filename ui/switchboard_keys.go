// The switchboard's keys and actions: every action has a function key
// (and a button that says it), so the window works without the mouse
// and typing a name into the filter never triggers one.

package ui

import (
	"context"
	"slices"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/deskline/deskline/app"
	"github.com/deskline/deskline/ctiproto"
)

// typedKey is the window's key handler (and the text fields' for the keys
// they do not need): true when handled.
func (v *switchboardView) typedKey(ev *fyne.KeyEvent) bool {
	if v.actsOnce(ev.Name) && !v.firstPress(ev.Name) {
		return true // the key is held: it acted on its press
	}
	switch ev.Name {
	case fyne.KeyEscape:
		return v.escape()
	case fyne.KeyUp:
		v.moveSelection(-v.columns())
	case fyne.KeyDown:
		v.moveSelection(v.columns())
	case fyne.KeyLeft:
		v.moveSelection(-1)
	case fyne.KeyRight:
		v.moveSelection(1)
	case fyne.KeyPageUp, fyne.KeyPageDown:
		v.moveParkSelection(ev.Name == fyne.KeyPageDown)
	case fyne.KeyReturn, fyne.KeyEnter:
		v.enter()
	case fyne.KeyBackspace: // with no field focused: the filter's last character
		if r := []rune(v.filter.Text); len(r) > 0 {
			v.filter.SetText(string(r[:len(r)-1]))
		}
	default:
		if _, ok := v.calls.buttons[ev.Name]; !ok {
			return false
		}
		v.runKey(ev.Name)
	}
	v.syncAfterKey()
	return true
}

// syncAfterKey updates what a key may have changed without a new state
// (the selection enables other buttons).
func (v *switchboardView) syncAfterKey() {
	if v.win.shown() {
		v.calls.syncButtons(v, v.state)
	}
}

// escape closes the help, else clears the filter; false lets the window
// close.
func (v *switchboardView) escape() bool {
	switch {
	case v.help != nil && v.help.Visible():
		v.closeHelp()
	case v.filter.Text != "":
		v.filter.SetText("")
	default:
		return false
	}
	return true
}

// runKey does what a function key (or its button) does.
func (v *switchboardView) runKey(k fyne.KeyName) {
	switch k {
	case fyne.KeyF1:
		v.toggleHelp()
	case fyne.KeyF2:
		v.answerLongest()
	case fyne.KeyF3:
		v.holdOrRetrieve()
	case fyne.KeyF4:
		if v.state.Switchboard.Consult != nil {
			// The call in hand is the announcement: hanging it up is
			// going back to the caller, who stays.
			v.runKey(fyne.KeyF8)
			return
		}
		v.onActive("hang up", "", func(ctx context.Context, c *app.Client, id string) error { return c.HangUp(ctx, id) })
	case fyne.KeyF5:
		v.toColleague(v.sel, toTransfer)
	case fyne.KeyF6:
		v.toColleague(v.sel, toAnnounce)
	case fyne.KeyF7:
		v.run("complete", completedText, func(ctx context.Context, c *app.Client) error { return c.ConsultComplete(ctx) })
	case fyne.KeyF8:
		v.run("back to caller", cancelledText, func(ctx context.Context, c *app.Client) error { return c.ConsultCancel(ctx) })
	case fyne.KeyF9:
		v.run("swap", "", func(ctx context.Context, c *app.Client) error { return c.ConsultSwap(ctx) })
	case fyne.KeyF10:
		v.park()
	case fyne.KeyF11:
		if slot := v.parkedSelection(v.state); slot != "" {
			v.unpark(slot)
		} else {
			v.say(widget.WarningImportance, noSlotText)
		}
	case fyne.KeyF12:
		v.toColleague(v.sel, toPickup)
	case fyne.KeyInsert:
		v.toggleFavourite()
	}
}

// enter is Enter in the filter or the grid: the call in hand goes to the
// selected colleague; without one, a call ringing there is picked up, or
// the colleague is called. While the user dials someone, nothing goes
// anywhere (toColleague says why): a caller on hold stays on hold.
func (v *switchboardView) enter() {
	if len(v.order) == 0 && v.found.flush(v.enterNow) {
		return // the directory's answer is on its way: Enter acts on it
	}
	v.enterNow()
}

// enterNow is Enter on what the window shows.
func (v *switchboardView) enterNow() {
	s := v.state
	t := v.tiles[v.sel]
	if len(v.order) == 0 && v.found.first() { // no tile matches the name: the list's first
		return
	}
	_, hasCall := app.ActiveCall(s)
	switch {
	case hasCall || s.Switchboard.Consult != nil:
		v.toColleague(v.sel, toTransfer)
	case t == nil:
		v.say(widget.WarningImportance, noneSelected)
	case t.col.Status == ctiproto.StatusRinging:
		v.toColleague(v.sel, toPickup)
	default:
		dev := t.col.Device
		v.run("call", callingText(t.col), func(ctx context.Context, c *app.Client) error {
			target, err := c.PrepareDial(dev)
			if err == nil {
				_, err = c.Dial(ctx, target)
			}
			return err
		})
	}
}

// tileTapped: a click on a tile selects it and, with a call in hand,
// transfers the call there.
func (v *switchboardView) tileTapped(dev string) {
	v.selectTile(dev, v.order)
	if _, ok := callToSend(v.state); ok {
		v.toColleague(dev, toTransfer)
	}
	v.syncAfterKey()
	v.unfocus()
}

// tileAnnounce: a right-click on a tile announces the call there.
func (v *switchboardView) tileAnnounce(dev string) {
	v.selectTile(dev, v.order)
	v.toColleague(dev, toAnnounce)
	v.syncAfterKey()
	v.unfocus()
}

// toColleague transfers, announces the call in hand to, or picks up the
// call ringing at the colleague at dev. Before a transfer or announcement
// to a colleague who is not free it says so; pressing again goes on.
func (v *switchboardView) toColleague(dev, how string) {
	s := v.state
	col, ok := s.Switchboard.Colleague(dev)
	if dev == "" || !ok {
		v.say(widget.WarningImportance, noneSelected)
		return
	}
	if how == toPickup {
		if announcingTo(s, dev) {
			v.say(widget.WarningImportance, consultingNow)
			return
		}
		v.runThen("pick up", doneText(how, col), func(ctx context.Context, c *app.Client) error {
			_, err := c.Pickup(ctx, dev, "")
			return err
		}, v.clearFilter)
		return
	}
	if s.Switchboard.Consult != nil {
		v.say(widget.WarningImportance, consultingNow)
		return
	}
	call, ok := app.ActiveCall(s)
	switch {
	case !ok:
		v.say(widget.WarningImportance, noCallText)
	case app.Dialling(call):
		v.say(widget.WarningImportance, diallingNow)
	default:
		v.sendTo(col, how, call)
	}
}

// callToSend is the call in hand that a transfer, an announcement or
// park takes: none while the user announces a caller or dials someone
// (a caller on hold then stays on hold).
func callToSend(s app.State) (app.Call, bool) {
	if s.Switchboard.Consult != nil {
		return app.Call{}, false
	}
	c, ok := app.ActiveCall(s)
	if !ok || app.Dialling(c) {
		return app.Call{}, false
	}
	return c, true
}

// sendTo transfers (or announces, or deflects, as how says) call to
// the colleague col, after saying so once when col is not free.
func (v *switchboardView) sendTo(col app.Colleague, how string, call app.Call) {
	if v.state.Switchboard.Consult != nil {
		v.say(widget.WarningImportance, consultingNow)
		return
	}
	dev := col.Device
	p := pendingAction{how: how, dev: dev, call: call.ID, at: v.u.now()}
	if w := colleagueWarning(col, how); w != "" && !v.pending.allows(p) {
		v.pending = p
		v.say(widget.WarningImportance, w)
		return
	}
	v.pending = pendingAction{}
	id := call.ID
	v.runThen(how, doneText(how, col), func(ctx context.Context, c *app.Client) error {
		switch how {
		case toAnnounce:
			return c.Consult(ctx, id, dev)
		case toDeflect:
			return c.Deflect(ctx, id, dev)
		}
		return c.Transfer(ctx, id, dev)
	}, v.clearFilter)
}

func (v *switchboardView) answerLongest() {
	call, ok := app.LongestWaiting(v.state)
	if !ok {
		v.say(widget.WarningImportance, noRingingText)
		return
	}
	id := call.ID
	v.run("answer", "", func(ctx context.Context, c *app.Client) error { return c.Answer(ctx, id) })
}

func (v *switchboardView) holdOrRetrieve() {
	call, ok := app.ActiveCall(v.state)
	switch {
	case v.state.Switchboard.Consult != nil:
		v.say(widget.WarningImportance, consultingNow)
		return
	case ok && app.Dialling(call):
		v.say(widget.WarningImportance, diallingNow)
		return
	}
	if ok && call.State == ctiproto.StateHeld {
		v.onActive("retrieve", "", func(ctx context.Context, c *app.Client, id string) error { return c.Swap(ctx, id) })
		return
	}
	v.onActive("hold", "", func(ctx context.Context, c *app.Client, id string) error { return c.Hold(ctx, id) })
}

// park parks the call in hand in the next free slot and says which.
func (v *switchboardView) park() {
	call, ok := callToSend(v.state)
	if !ok {
		v.say(widget.WarningImportance, noCallToPark(v.state))
		return
	}
	id, slot := call.ID, ""
	v.u.act("park", func(ctx context.Context, c *app.Client) (err error) {
		slot, err = c.Park(ctx, id, "")
		return err
	}, func(err error) {
		if err != nil {
			v.say(widget.DangerImportance, userText(err))
			return
		}
		v.say(widget.SuccessImportance, parkedInText(slot))
	})
}

func (v *switchboardView) unpark(slot string) {
	v.run("take back", "", func(ctx context.Context, c *app.Client) error {
		_, err := c.Unpark(ctx, slot)
		return err
	})
}

// moveParkSelection selects the next (or previous) parked call.
func (v *switchboardView) moveParkSelection(next bool) {
	parked := v.state.Switchboard.Parked
	n := len(parked)
	if n == 0 {
		return
	}
	i := max(0, slices.IndexFunc(parked, func(p app.ParkedCall) bool { return p.Slot == v.parkSlot }))
	if next {
		i = (i + 1) % n
	} else {
		i = (i + n - 1) % n
	}
	v.parkSlot = parked[i].Slot
	setRows(v.calls.parked, v.parkedRows(v.state, v.u.now()), v)
}

// parkedSelection is the selected parked call's slot: the one the user
// chose while it is parked (calls parked or taken back around it do not
// move the selection), else the first; "" when none is parked.
func (v *switchboardView) parkedSelection(s app.State) string {
	parked := s.Switchboard.Parked
	for _, p := range parked {
		if p.Slot == v.parkSlot {
			return p.Slot
		}
	}
	if len(parked) == 0 {
		return ""
	}
	return parked[0].Slot
}

// saveNote attaches the note field's text to the call in hand.
func (v *switchboardView) saveNote(text string) {
	call, ok := noteCall(v.state)
	if !ok {
		v.say(widget.WarningImportance, noCallInHand)
		return
	}
	id := call.ID
	v.run("note", noteSavedText, func(ctx context.Context, c *app.Client) error {
		return c.SetNote(ctx, id, strings.TrimSpace(text))
	})
}

// swapTo goes to a held call (a click on its row); while announcing, it
// swaps between caller and colleague.
func (v *switchboardView) swapTo(id string) {
	if v.state.Switchboard.Consult != nil {
		v.runKey(fyne.KeyF9)
		return
	}
	v.run("swap", "", func(ctx context.Context, c *app.Client) error { return c.Swap(ctx, id) })
}

// onActive runs f on the call in hand.
func (v *switchboardView) onActive(what, ok string, f func(context.Context, *app.Client, string) error) {
	call, has := app.ActiveCall(v.state)
	if !has {
		v.say(widget.WarningImportance, noCallInHand)
		return
	}
	id := call.ID
	v.run(what, ok, func(ctx context.Context, c *app.Client) error { return f(ctx, c, id) })
}

// run sends an action; its outcome shows over the grid (ok: what a
// success says, "" for nothing: the calls show it).
func (v *switchboardView) run(what, ok string, f func(context.Context, *app.Client) error) {
	v.runThen(what, ok, f, nil)
}

// runThen is run, and then (may be nil) after a success.
func (v *switchboardView) runThen(what, ok string, f func(context.Context, *app.Client) error, then func()) {
	v.say(widget.LowImportance, "")
	v.u.act(what, f, func(err error) {
		switch {
		case err != nil:
			v.say(widget.DangerImportance, userText(err))
			return
		case ok != "":
			v.say(widget.SuccessImportance, ok)
		}
		if then != nil {
			then()
		}
	})
}

// clearFilter empties the filter after the call went to a colleague:
// the next caller's colleague is typed from scratch.
func (v *switchboardView) clearFilter() { v.filter.SetText("") }

// toggleHelp shows or hides the keys overlay.
func (v *switchboardView) toggleHelp() {
	w := v.win.window()
	if w == nil {
		return
	}
	if v.help != nil && v.help.Visible() {
		v.closeHelp()
		return
	}
	if v.help == nil {
		text := widget.NewLabelWithStyle(helpText(), fyne.TextAlignLeading, fyne.TextStyle{Monospace: true})
		v.help = widget.NewModalPopUp(container.NewVBox(text,
			widget.NewButton(keyLabel("Close", fyne.KeyF1), v.closeHelp)), w.Canvas())
	}
	v.help.Show()
}

func (v *switchboardView) closeHelp() {
	if v.help != nil {
		v.help.Hide()
	}
}

// helpShown reports whether the keys overlay is up.
func (v *switchboardView) helpShown() bool { return v.help != nil && v.help.Visible() }

// entryKey is the key handler of the switchboard's fields and buttons:
// the window's keys, and Escape closes the window when it has nothing
// else to do (a focused widget gets Escape before the window).
func (v *switchboardView) entryKey(ev *fyne.KeyEvent) bool {
	if v.typedKey(ev) {
		return true
	}
	if ev.Name == fyne.KeyEscape {
		v.win.hide()
		return true
	}
	return false
}

// pendingPatience is how long a warning about a colleague who is not
// free waits for the second press that goes on anyway: later, the
// warning comes again (the colleague's line may have changed).
const pendingPatience = 5 * time.Second

// pendingAction is an action to a colleague who is not free that the
// user was warned about: the same press again — the same call to the
// same colleague, the same way, soon — goes on.
type pendingAction struct {
	how, dev, call string
	at             time.Time
}

// allows reports whether p is the press that p's warning waits for.
func (w pendingAction) allows(p pendingAction) bool {
	return w.how != "" && w.how == p.how && w.dev == p.dev && w.call == p.call &&
		p.at.Sub(w.at) >= 0 && p.at.Sub(w.at) < pendingPatience
}

// keyHeld is an action key held down: true once it acted.
type keyHeld bool

// actsOnce reports whether k does something that a held key (the key
// repeating) must not do again: the function keys, Insert, Enter and
// Escape. The arrows and Backspace repeat as usual.
func (v *switchboardView) actsOnce(k fyne.KeyName) bool {
	switch k {
	case fyne.KeyReturn, fyne.KeyEnter, fyne.KeyEscape:
		return true
	}
	_, ok := v.calls.buttons[k]
	return ok
}

// oneKey names Enter on the keypad as Return: they do the same.
func oneKey(k fyne.KeyName) fyne.KeyName {
	if k == fyne.KeyEnter {
		return fyne.KeyReturn
	}
	return k
}

// keyDown: a key was pressed (not a repeat: Fyne reports a press once).
func (v *switchboardView) keyDown(ev *fyne.KeyEvent) {
	if v.keys == nil {
		v.keys = map[fyne.KeyName]keyHeld{}
	}
	v.keys[oneKey(ev.Name)] = false
}

// keyUp: a key was released.
func (v *switchboardView) keyUp(ev *fyne.KeyEvent) { delete(v.keys, oneKey(ev.Name)) }

// firstPress reports whether a typed k is the first of its press: a key
// held down repeats, and the repeats must not answer, hang up or
// transfer the next call. A key whose press was not reported (a driver
// without key-down events) always acts.
func (v *switchboardView) firstPress(k fyne.KeyName) bool {
	k = oneKey(k)
	acted, down := v.keys[k]
	if !down {
		return true
	}
	if acted {
		return false
	}
	v.keys[k] = true
	return true
}
