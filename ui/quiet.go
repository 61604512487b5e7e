package ui

// primeQuiet creates the screen pop's window once at start, while nothing
// rings, and hands it to Options.QuietWindow, which asks the window
// manager never to focus it when shown. The ask must be on the window
// before it is shown for a call, and Fyne creates the native window only
// when it is first shown: hence a show and hide at start (one frame).
// Skipped when the user wants the pop to take focus.
func (v *popView) primeQuiet() {
	set := v.popSettings()
	if v.u.opts.QuietWindow == nil || v.w != nil || !set.Enabled || set.TakeFocus {
		return
	}
	v.ensureWindow()
	v.w.Show()
	v.u.opts.QuietWindow(v.w)
	v.w.Hide()
}
