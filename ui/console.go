package ui

import (
	"slices"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/deskline/deskline/app"
	"github.com/deskline/deskline/app/journal"
	"github.com/deskline/deskline/app/settings"
)

// consoleTitle is the calls console's title (an end-to-end test finds
// the window by it).
const consoleTitle = "Deskline: calls"

// The console's size when it opens: room for three calls one under the
// other (a caller waiting, a live call, one on hold) on a 768-pixel-high
// screen; more scroll. It does not grow or move as calls come and go: a
// receptionist's buttons stay where her hand is.
const (
	consoleWidth  = 500
	consoleHeight = 700
)

// consoleKeep is how long the console keeps its native window after it
// closed: a receptionist's next call comes within minutes, and it then
// opens at once, where she left it, without making a window and its GL
// context again (each make-and-destroy also leaves some memory behind in
// the GL driver); an office worker's tray app is back to its floor two
// minutes after a call.
const consoleKeep = 2 * time.Minute

// closeAfterAnswer is how long the console stays, once all it shows is
// answered calls, when Settings.Popup.CloseAfterAnswer is on: long enough
// to see the answer worked. "Calls (N)" in the tray brings it back.
const closeAfterAnswer = 3 * time.Second

// consoleView is the calls console: every call of the user's in one
// window that stays put and on top while shown. Callers waiting come
// first, the one who has waited longest at the top, with the waiting
// time in large figures; then the calls in progress, the live one first
// and clearly marked, held ones marked held; then the user's own calls
// that failed, with why, until dismissed. Enter answers the caller who has
// waited longest.
//
// It opens by itself, without the keyboard, when a call rings (unless the
// screen pop is off in the settings), when a call gets answered here or
// dialled, and when a call fails; it closes when nothing is left to show.
// Closing it is "not now": it opens by itself again for the next new call,
// and then shows every call, those that rang before too.
type consoleView struct {
	u     *UI
	state app.State // last rendered
	win   appWindow

	cards map[string]*callCard
	order []string // card keys as shown
	// seen holds the calls that have rung here (popped or notified) while
	// they are in the user's calls: a call opens the console once.
	seen map[string]bool
	// states is each call's kind at the last render, to see calls get
	// answered or dialled (the console opens for those).
	states map[string]cardKind
	// asked is set while the user opened the console on purpose: it then
	// stays until closed. liveOnly is since when it shows nothing but
	// answered calls (zero otherwise), for CloseAfterAnswer.
	asked    bool
	liveOnly time.Time

	header  *widget.Label // "2 callers waiting · 1 call"
	link    *widget.Label // why the buttons are grey: not connected
	list    *fyne.Container
	content *fyne.Container
}

func newConsoleView(u *UI) *consoleView {
	v := &consoleView{u: u, cards: map[string]*callCard{}, seen: map[string]bool{}, states: map[string]cardKind{}}
	v.win = appWindow{u: u, title: consoleTitle, size: fyne.NewSize(consoleWidth, consoleHeight),
		build: v.build, keys: v.typedKey, onHide: v.hidden, onTop: true, keep: consoleKeep}
	return v
}

func (v *consoleView) build() fyne.CanvasObject {
	v.header = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	v.link = wrapped(widget.WarningImportance)
	v.list = container.NewVBox()
	v.content = container.NewBorder(container.NewVBox(v.header, v.link), nil, nil, nil, container.NewVScroll(v.list))
	return v.content
}

// show opens the console on the user's request (tray, main window), with
// the keyboard.
func (v *consoleView) show() {
	v.asked = true
	v.win.show(true)
	v.sync(consoleItems(v.state))
}

// hidden: the console closed (the calls go on).
func (v *consoleView) hidden() {
	v.asked, v.liveOnly = false, time.Time{}
}

// closeIfAnswered closes the console closeAfterAnswer after all it shows
// became answered calls, when the settings ask for it and the user did not
// open it on purpose.
func (v *consoleView) closeIfAnswered(items []consoleItem, now time.Time) {
	live := len(items) > 0
	for _, it := range items {
		live = live && it.kind == cardLive
	}
	switch {
	case !live || v.asked || !v.popSettings().CloseAfterAnswer:
		v.liveOnly = time.Time{}
	case v.liveOnly.IsZero():
		v.liveOnly = now
	case now.Sub(v.liveOnly) >= closeAfterAnswer:
		v.win.hide()
	}
}

// popSettings are the desk's screen-pop settings, the defaults before a
// desk exists.
func (v *consoleView) popSettings() settings.Popup {
	if d := v.u.Desk(); d != nil {
		return d.Settings.Popup
	}
	return settings.Popup{Enabled: true, Notify: true, CloseAfterAnswer: true}
}

// render follows the calls: notifies and opens for new ones, updates the
// cards while shown, and closes when nothing is left.
func (v *consoleView) render(s app.State) {
	v.state = s
	v.forget(s)
	items := consoleItems(s)
	open, focus := v.news(s, items)
	if open && !v.win.shown() && v.u.switchboard.win.shown() {
		// The switchboard lists the user's calls with its own keys: it
		// comes to the front (quietly, unless focus) instead of the
		// console opening over its grid.
		v.u.switchboard.win.raise()
		if focus {
			v.u.switchboard.win.show(true)
		}
		open = false
	}
	switch {
	case len(items) == 0:
		v.win.hide()
		return
	case open && !v.win.shown():
		v.win.show(focus)
	case open:
		v.win.raise()
		if focus {
			v.win.show(true)
		}
	}
	if v.win.shown() {
		v.sync(items)
	}
}

// switchboardClosed: the switchboard, which stood in for the console
// while it was open (render), went. Calls it listed — one ringing there
// was marked seen and opens nothing any more — would be in no window:
// the console shows them, quietly.
func (v *consoleView) switchboardClosed() {
	items := consoleItems(v.state)
	if len(items) == 0 || v.win.shown() {
		return
	}
	v.win.show(false)
	v.sync(items)
}

// news notes what changed since the last render: open says the console
// should show itself (quietly, unless focus).
func (v *consoleView) news(s app.State, items []consoleItem) (open, focus bool) {
	set := v.popSettings()
	for _, c := range s.Ringing() {
		if v.seen[c.ID] {
			continue
		}
		v.seen[c.ID] = true
		if set.Notify {
			v.notify(s, c)
		}
		if set.Enabled {
			open, focus = true, focus || set.TakeFocus
		}
	}
	next := make(map[string]cardKind)
	for _, it := range items {
		old, known := v.states[it.key]
		next[it.key] = it.kind
		switch {
		case it.kind == cardFailed && !known,
			it.kind == cardDialling && !known,
			it.kind == cardLive && old != cardLive && old != cardHeld:
			open = true
		}
	}
	v.states = next
	return open, focus
}

// forget drops the calls that left the user's phones from seen.
func (v *consoleView) forget(s app.State) {
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
func (v *consoleView) notify(s app.State, c app.Call) {
	v.u.notify(ringNotice(s, c, numberText(v.u.numbers(), c.Number)))
}

// tick advances the clocks while the console is shown.
func (v *consoleView) tick() {
	if !v.win.shown() {
		return
	}
	now := v.u.now()
	for _, c := range v.cards {
		c.tick(v.state, now)
	}
	v.closeIfAnswered(consoleItems(v.state), now)
}

// sync makes the cards match the state, in the console's order, keeping
// the cards of calls that stay (and what the user typed into them).
func (v *consoleView) sync(items []consoleItem) {
	s, now := v.state, v.u.now()
	order := make([]string, len(items))
	for i, it := range items {
		c := v.cards[it.key]
		if c == nil {
			c = newCallCard(v, it.key)
			v.cards[it.key] = c
		}
		if it.kind == cardFailed {
			c.showFailure(it.failure, s)
		} else {
			c.showCall(it.kind, it.call, s, now)
		}
		order[i] = it.key
	}
	for k := range v.cards {
		if !slices.Contains(order, k) {
			delete(v.cards, k)
		}
	}
	if !slices.Equal(order, v.order) {
		v.order = order
		objs := make([]fyne.CanvasObject, len(order))
		for i, k := range order {
			objs[i] = v.cards[k].box
		}
		v.list.Objects = objs
		v.list.Refresh()
	}
	setLine(v.header, headerText(items))
	setLine(v.link, linkProblem(v.u.client() != nil, s))
	v.win.relayout()
	v.closeIfAnswered(items, now)
}

// drop takes a card away at once (a dismissed failure), before the state
// the client publishes without it arrives (and replaces this copy).
func (v *consoleView) drop(key string) {
	v.state.Failed = slices.DeleteFunc(slices.Clone(v.state.Failed), func(e journal.Entry) bool {
		return "failed/"+e.ID == key
	})
	v.render(v.state)
}

// liveCall is the call the user talks on now, "" when none.
func (v *consoleView) liveCall() string {
	if live := callsOfKind(v.state, cardLive); len(live) > 0 {
		return live[0].ID
	}
	return ""
}

// typedKey: Enter answers the caller who has waited longest, and only
// that one: while the answer is on its way (the button waits), a second
// Enter does nothing rather than answer the next caller. It works only
// when the user gave the console the keyboard; it never takes it
// uninvited.
func (v *consoleView) typedKey(ev *fyne.KeyEvent) bool {
	if ev.Name != fyne.KeyReturn && ev.Name != fyne.KeyEnter {
		return false
	}
	for _, k := range v.order {
		if c := v.cards[k]; c.kind == cardRinging {
			if !c.answer.Disabled() {
				c.onAnswer()
			}
			return true
		}
	}
	return false
}

// shownNames are the callers waiting that the console shows, longest
// waiting first; none while it is hidden (Options.Trace reports them).
func (v *consoleView) shownNames() []string {
	if !v.win.shown() {
		return nil
	}
	var names []string
	for _, k := range v.order {
		if c := v.cards[k]; c.kind == cardRinging {
			names = append(names, c.call.Display)
		}
	}
	return names
}

// shownFailures are the failed calls the console shows, "Bavaria
// Logistik Hotline: Line busy"; none while it is hidden.
func (v *consoleView) shownFailures() []string {
	if !v.win.shown() {
		return nil
	}
	var out []string
	for _, k := range v.order {
		if c := v.cards[k]; c.kind == cardFailed {
			out = append(out, c.name.Text+": "+c.timer.Text)
		}
	}
	return out
}
