package ui

import (
	"time"

	"fyne.io/fyne/v2"
)

// appWindow is the life every window of the app shares, written once:
//   - made when first shown and destroyed when hidden: a window that is
//     not on screen holds no GL context (with software GL each costs tens
//     of megabytes, and a tray app is mostly not on screen). A window
//     shown again and again (the calls console) may keep its native
//     window for a while after it is hidden (keep);
//   - its content built once, on the first show, and kept across
//     re-creation, so what the user typed survives a hide;
//   - centred on the screen when it opens, never at a screen corner;
//   - the close button and Escape hide it (unless the view handles the
//     key, or onClose says otherwise);
//   - the keyboard only when the user asked for the window: a window that
//     opens by itself (a call) is quiet (Options.QuietWindow).
//
// Main goroutine only, like every widget.
type appWindow struct {
	u     *UI
	title string
	size  fyne.Size // when it opens; the user may resize it
	// build makes the content, once.
	build func() fyne.CanvasObject
	// keys gets the window's keys first; true means handled. May be nil.
	keys func(*fyne.KeyEvent) bool
	// onClose runs for the close button instead of hiding (the main
	// window quits). May be nil.
	onClose func()
	// onHide runs whenever the window goes, for the view's own
	// bookkeeping. May be nil.
	onHide func()
	// onTop keeps the window above others while shown (the calls console).
	onTop bool
	// setup runs on each new native window, for what Fyne keeps per
	// window rather than per content (file drops). May be nil.
	setup func(fyne.Window)
	// keep is how long a hidden window keeps its native window before it
	// is destroyed; 0 destroys it at once. Tests (Options.Synchronous)
	// always destroy at once.
	keep time.Duration
	// memory, when set, keeps the window's size and place when it goes
	// and gives them back when it opens (windowmemory.go).
	memory *windowMemory

	w       fyne.Window // the native window, nil when there is none
	visible bool        // w is on screen
	expiry  *time.Timer // destroys a hidden w after keep
	content fyne.CanvasObject
}

// shown reports whether the window is on screen.
func (a *appWindow) shown() bool { return a.visible }

// window is the Fyne window while shown, nil otherwise.
func (a *appWindow) window() fyne.Window {
	if !a.visible {
		return nil
	}
	return a.w
}

// built reports whether the content exists (it may be hidden).
func (a *appWindow) built() bool { return a.content != nil }

// ensureContent builds the content if it is not built yet.
func (a *appWindow) ensureContent() {
	if a.content == nil {
		a.content = a.build()
	}
}

// show puts the window on screen; focus gives it the keyboard (the user
// opened it), else it stays quiet. Shown already, it is raised only when
// focus is asked for.
func (a *appWindow) show(focus bool) {
	a.ensureContent()
	switch {
	case a.w == nil:
		a.open(focus)
	case !a.visible: // kept while hidden: its quiet ask is still on it
		a.stopExpiry()
		a.w.Show() // where the user left it
		a.keepOnTop()
	}
	a.visible = true
	if focus {
		a.w.RequestFocus()
	}
}

// open makes the native window.
func (a *appWindow) open(focus bool) {
	w := a.u.fy.NewWindow(a.title)
	w.SetContent(a.content)
	w.Resize(a.memory.sizeOr(a.size))
	w.CenterOnScreen()
	w.SetCloseIntercept(func() {
		if a.onClose != nil {
			a.onClose()
			return
		}
		a.hide()
	})
	w.Canvas().SetOnTypedKey(a.typedKey)
	if a.setup != nil {
		a.setup(w)
	}
	a.w = w
	if !focus {
		// The ask not to focus must be on the native window when the
		// window manager maps it, and Fyne makes the native window only
		// by showing it: quiet shows it for one frame, asks, hides it,
		// and the show below maps it with the ask in place. (Checked
		// under Openbox: the keyboard stays with the program the user
		// types in, scripts/e2e.sh.)
		a.u.quiet(w, false)
	}
	w.Show()
	a.memory.place(w)
	a.keepOnTop()
}

func (a *appWindow) keepOnTop() {
	if a.onTop && a.u.opts.KeepOnTop != nil {
		a.u.opts.KeepOnTop(a.w)
	}
}

// hide takes the window off screen; the native window goes now or after
// keep, the content stays. Fyne quits when its last window is destroyed:
// the app lives on because ui always keeps a window of its own that is
// never shown (the tray's keeper), or the main window stays (closing it
// quits).
func (a *appWindow) hide() {
	if !a.visible {
		return
	}
	a.memory.keep(a.w)
	a.visible = false
	if a.keep <= 0 || a.u.opts.Synchronous {
		a.destroy()
	} else {
		a.w.Hide()
		a.expiry = time.AfterFunc(a.keep, func() { a.u.do(a.expire) })
	}
	a.release() // what the window's content (a call's cards, photos) held is garbage now
	if a.onHide != nil {
		a.onHide()
	}
}

// expire destroys the native window if it is still hidden.
func (a *appWindow) expire() {
	if !a.visible && a.w != nil {
		a.destroy()
	}
}

func (a *appWindow) stopExpiry() {
	if a.expiry != nil {
		a.expiry.Stop()
		a.expiry = nil
	}
}

// destroy closes the native window and hands the memory it held back.
func (a *appWindow) destroy() {
	a.stopExpiry()
	w := a.w
	a.w = nil
	w.Close()
	a.release()
}

// release asks main to hand freed memory back to the system (it waits a
// moment and does it once for a burst of asks).
func (a *appWindow) release() {
	if a.u.opts.ReleaseMemory != nil {
		a.u.opts.ReleaseMemory()
	}
}

// raise brings a shown window to the front without the keyboard: a new
// call while the console or the switchboard is open, perhaps under
// other windows. Showing a window again would give it the keyboard (the
// switchboard was opened with it) and take it from the program the user
// types in: the ask not to focus goes on first (Options.QuietWindow).
func (a *appWindow) raise() {
	if !a.visible {
		return
	}
	if a.onTop && a.u.opts.KeepOnTop != nil {
		return // already above the others
	}
	if a.u.opts.Focused != nil && a.u.opts.Focused(a.w) {
		return // the user types in it: in front, and keeps the keyboard
	}
	a.u.quiet(a.w, true)
	a.w.Hide()
	a.w.Show()
}

// focus gives o the window's keyboard focus while the window is shown.
func (a *appWindow) focus(o fyne.Focusable) {
	if a.visible {
		a.w.Canvas().Focus(o)
	}
}

// takeKeyboard gives a shown window the keyboard and puts it in o: the
// user asked to type into a window that opened quietly (the console's
// transfer entry).
func (a *appWindow) takeKeyboard(o fyne.Focusable) {
	if a.visible {
		a.w.RequestFocus()
		a.w.Canvas().Focus(o)
	}
}

// typedKey: the view's keys first, then Escape hides.
func (a *appWindow) typedKey(ev *fyne.KeyEvent) {
	if a.keys != nil && a.keys(ev) {
		return
	}
	if ev.Name == fyne.KeyEscape {
		a.hide()
	}
}

// relayout lays the content out again after a message line came or went.
// The desktop driver notices changed sizes by itself; Fyne's test canvas
// does not, and the masters should show what users see.
func (a *appWindow) relayout() {
	if c, ok := a.content.(*fyne.Container); ok && a.visible {
		c.Refresh()
	}
}
