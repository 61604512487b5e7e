package ui

import (
	"image/color"
	"maps"
	"reflect"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/widget"

	"github.com/deskline/deskline/app"
)

// switchboardTitle is the switchboard window's title (an end-to-end test
// finds it).
const switchboardTitle = "Deskline: switchboard"

// The switchboard's size when it first opens: a grid of colleagues
// readable from a metre away, the calls beside it.
const (
	switchboardWidth  = 1100
	switchboardHeight = 720
	// callsWidth is the calls column on the right.
	callsWidth = 380
)

// switchboardView is the receptionist's window: colleagues' lines, the
// calls waiting and parked, and the user's own calls, all from the
// keyboard. While hidden it does no work; showing it catches up.
type switchboardView struct {
	u     *UI
	win   appWindow
	state app.State // last rendered

	tiles      map[string]*tile // by device
	colleagues []app.Colleague  // as last laid out
	order      []string         // devices in the grid, as shown
	sel        string           // the selected tile's device
	// pending is the action to a colleague who is not free that waits
	// for a second press: the warning was shown (pendingPatience).
	pending pendingAction
	// keys are the action keys held down (keys.go: a key acts once per
	// press, its repeats do nothing).
	keys     map[fyne.KeyName]keyHeld
	favs     *app.Favourites // loaded when the window is built
	parkSlot string          // the selected parked call's slot ("": the first)
	noteFor  string          // the call the note field is about
	clock    chan struct{}
	synced   time.Time   // when the window last matched the state (sync)
	later    *time.Timer // a sync waiting for colleaguesEvery; nil when none

	content, top *fyne.Container
	header, info *widget.Label
	filter       *keyEntry
	grid         *fyne.Container
	scroll       *container.Scroll
	consult      *fyne.Container
	consultLine  *widget.Label
	help         *widget.PopUp
	calls        callsPanel
	found        foundList // the directory's matches under the grid
}

func newSwitchboardView(u *UI) *switchboardView {
	v := &switchboardView{u: u, tiles: map[string]*tile{}}
	v.win = appWindow{u: u, title: switchboardTitle, size: fyne.NewSize(switchboardWidth, switchboardHeight),
		build: v.build, keys: v.typedKey, onHide: v.hidden, setup: v.setup}
	return v
}

func (v *switchboardView) build() fyne.CanvasObject {
	v.header = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	v.info = wrapped(widget.WarningImportance)
	v.filter = newKeyEntry(v)
	v.filter.SetPlaceHolder(filterHint)
	v.filter.OnChanged = func(string) { v.filterChanged() }
	v.filter.OnSubmitted = func(string) {
		if v.firstPress(fyne.KeyReturn) {
			v.enter()
		}
		v.unfocus()
	}
	v.grid = container.NewGridWrap(tileSize)
	v.scroll = container.NewVScroll(v.grid)
	v.buildConsult()
	v.calls.scroll = container.NewVScroll(v.calls.build(v))
	width := canvas.NewRectangle(color.Transparent)
	width.SetMinSize(fyne.NewSize(callsWidth, 0))
	right := container.NewStack(width, v.calls.scroll)
	v.top = container.NewVBox(v.header, v.consult, v.info, v.filter)
	grid := container.NewBorder(nil, v.found.build(v), nil, nil, v.scroll)
	v.content = container.NewBorder(v.top, nil, nil, right, grid)
	v.loadFavourites()
	return v.content
}

// buildConsult makes the bar shown while the user announces a caller.
func (v *switchboardView) buildConsult() {
	v.consultLine = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	v.consultLine.Importance = widget.HighImportance
	v.consult = container.NewHBox(v.consultLine,
		v.calls.button(v, "Complete", fyne.KeyF7, widget.HighImportance),
		v.calls.button(v, "Back to caller", fyne.KeyF8, widget.MediumImportance),
		v.calls.button(v, "Swap", fyne.KeyF9, widget.MediumImportance))
	v.consult.Hide()
}

// setup sends what is typed outside the text fields into the filter.
// A key's press and release come to the window (or to the focused field
// or button, which pass them on) so that a held key acts once.
func (v *switchboardView) setup(w fyne.Window) {
	w.Canvas().SetOnTypedRune(v.typedRune)
	if c, ok := w.Canvas().(desktop.Canvas); ok {
		c.SetOnKeyDown(v.keyDown)
		c.SetOnKeyUp(v.keyUp)
	}
}

// show opens the window with the keyboard; typing goes into the filter
// without the filter holding the focus (see typedRune).
func (v *switchboardView) show() {
	v.win.show(true)
	v.sync()
	v.unfocus()
}

// unfocus takes the focus off the text fields: what the user types still
// filters (typedRune). A focused field blinks its cursor, and Fyne draws
// the window again every frame while it does: on software GL about a
// tenth of a core for as long as the switchboard is open (measured under
// Xvfb: 9 % with the filter focused, 1 % without).
func (v *switchboardView) unfocus() {
	if w := v.win.window(); w != nil {
		w.Canvas().Unfocus()
	}
}

// typedRune is a character typed with no field focused: it goes into the
// filter.
func (v *switchboardView) typedRune(r rune) {
	v.filter.SetText(v.filter.Text + string(r))
}

// hidden: the window closed; its clock stops.
func (v *switchboardView) hidden() {
	v.closeHelp()
	v.help = nil // it belongs to the window's canvas, which may be gone
	v.setClock(false)
	v.keys = nil // a key held while the window went is never released here
	v.u.console.switchboardClosed()
}

// colleaguesEvery bounds how often colleagues' changes reach the grid.
// A busy office changes tens of tiles a second, and Fyne draws the whole
// window again for each: with 500 tiles on software GL, 50 changes a
// second took more than a core and made a typed key wait for the frames
// in front of it (scripts/e2e-switchboard-load.sh). A lamp field a fifth
// of a second late is still live; the user's own calls, the parked and
// waiting calls and every key are shown at once.
const colleaguesEvery = 200 * time.Millisecond

// render shows s while the window is shown: at once when the user's own
// side changed, else (only colleagues changed) at most every
// colleaguesEvery.
func (v *switchboardView) render(s app.State) {
	drawn := v.state
	v.state = s
	if !v.win.shown() {
		return
	}
	wait := colleaguesEvery - time.Since(v.synced)
	if v.u.opts.Synchronous || wait <= 0 || !sameOwnSide(drawn, s) {
		v.sync()
		return
	}
	if v.later == nil {
		v.later = time.AfterFunc(wait, func() { v.u.do(v.syncLater) })
	}
}

// syncLater is the sync render put off (main goroutine).
func (v *switchboardView) syncLater() {
	v.later = nil
	if v.win.shown() {
		v.sync()
		v.u.trace(v.state) // what the window shows changed since Render traced it
	}
}

// sameOwnSide reports whether a and b show the same of what is the
// user's own: the link, their calls, the announcement, the parked and
// waiting calls. Only colleagues' tiles may differ.
func sameOwnSide(a, b app.State) bool {
	if a.Status != b.Status || len(a.Calls) != len(b.Calls) || !reflect.DeepEqual(a.Switchboard.Consult, b.Switchboard.Consult) ||
		!reflect.DeepEqual(a.Switchboard.Parked, b.Switchboard.Parked) || !reflect.DeepEqual(a.Switchboard.Queues, b.Switchboard.Queues) ||
		!maps.Equal(a.Switchboard.Recalls, b.Switchboard.Recalls) {
		return false
	}
	for i := range a.Calls {
		x, y := a.Calls[i], b.Calls[i]
		if x.ID != y.ID || x.State != y.State || x.Answered != y.Answered || x.Note != y.Note || x.Display != y.Display {
			return false
		}
	}
	return true
}

// sync makes the window match the last state.
func (v *switchboardView) sync() {
	s := v.state
	v.synced = time.Now()
	if v.later != nil { // this drawing covers the one put off
		v.later.Stop()
		v.later = nil
	}
	v.syncTiles(s.Switchboard.Colleagues)
	moved := setLine(v.header, switchboardHeader(s, len(v.order), len(v.colleagues)))
	moved = v.syncConsult(s) || moved
	v.calls.sync(v, s, v.u.now())
	v.setClock(v.needsClock(s))
	if moved {
		v.relayout()
	}
}

// relayout lays the window out again after a line over the grid came or
// went. Only the lines and the frame: refreshing the whole content would
// redraw every tile.
func (v *switchboardView) relayout() {
	v.top.Refresh()
	v.content.Layout.Layout(v.content.Objects, v.content.Size())
}

// syncConsult shows the bar while the user announces a caller.
func (v *switchboardView) syncConsult(s app.State) (moved bool) {
	k := s.Switchboard.Consult
	if k == nil {
		if v.consult.Visible() {
			v.consult.Hide()
			return true
		}
		return false
	}
	setLine(v.consultLine, consultText(k, s))
	if !v.consult.Visible() {
		v.consult.Show()
		return true
	}
	return false
}

// say shows a message over the grid: imp says how it matters.
func (v *switchboardView) say(imp widget.Importance, text string) {
	if setHint(v.info, imp, text) {
		v.relayout()
	}
}

// tick advances the clocks: tiles of colleagues in calls, the user's
// calls, queues and parked calls.
func (v *switchboardView) tick() {
	if !v.win.shown() {
		return
	}
	now := v.u.now()
	v.tickTiles(now)
	v.calls.sync(v, v.state, now)
}

// needsClock reports whether anything on screen counts time: a
// switchboard where all are free and nobody waits does not wake up.
func (v *switchboardView) needsClock(s app.State) bool {
	if len(s.Calls) > 0 || len(s.Switchboard.Parked) > 0 {
		return true
	}
	for _, q := range s.Switchboard.Queues {
		if len(q.Waiting) > 0 {
			return true
		}
	}
	for _, c := range s.Switchboard.Colleagues {
		if timedStatus(c.Status) {
			return true
		}
	}
	return false
}

// setClock runs the one-second clock while the window is shown and
// needs it (never in synchronous tests: they call tick).
func (v *switchboardView) setClock(on bool) {
	on = on && v.win.shown() && !v.u.opts.Synchronous
	switch {
	case on && v.clock == nil:
		stop := make(chan struct{})
		v.clock = stop
		go func() {
			t := time.NewTicker(time.Second)
			defer t.Stop()
			for {
				select {
				case <-t.C:
					v.u.do(v.tick)
				case <-stop:
					return
				}
			}
		}()
	case !on && v.clock != nil:
		close(v.clock)
		v.clock = nil
	}
}
