package ui

import "fyne.io/fyne/v2"

// quiet hands w to Options.QuietWindow, which asks the window manager
// never to focus w when it is shown (X11: _NET_WM_USER_TIME = 0). The ask
// must be on the window before it is shown for a call, and Fyne creates
// the native window only when it is first shown: a window not shown yet
// is shown and hidden at once for it (one frame).
func (u *UI) quiet(w fyne.Window, shown bool) {
	if u.opts.QuietWindow == nil {
		return
	}
	if !shown {
		w.Show()
		defer w.Hide()
	}
	u.opts.QuietWindow(w)
}

// primeQuiet makes the screen pop's window quiet, at start and whenever
// the settings change to want it (pop on, no focus): the pop must not take
// the keyboard from what the user is typing.
func (v *popView) primeQuiet() {
	set := v.popSettings()
	if v.quieted || v.u.opts.QuietWindow == nil || !set.Enabled || set.TakeFocus {
		return
	}
	v.quieted = true
	v.ensureWindow()
	v.u.quiet(v.w, v.visible)
}

// primeQuiet makes the call window quiet: it opens by itself when a call
// is answered on the handset or dialled.
func (v *callView) primeQuiet() {
	if v.quieted || v.u.opts.QuietWindow == nil {
		return
	}
	v.quieted = true
	v.ensureWindow()
	v.u.quiet(v.w, v.visible)
}
