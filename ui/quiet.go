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
