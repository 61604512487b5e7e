package ui

import (
	"bytes"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// Image sizes, in Fyne's device-independent units.
const (
	photoSize = 72 // a contact's photo in the calls console
	thumbSize = 36 // a contact's photo in a dial row
	iconSize  = 48 // the status icon of the main window
)

// newLine is a one-line label that shortens with "…" rather than widen
// its window.
func newLine() *widget.Label {
	l := widget.NewLabel("")
	l.Truncation = fyne.TextTruncateEllipsis
	return l
}

// wrapped is a message label that wraps and hides while empty.
func wrapped(imp widget.Importance) *widget.Label {
	l := widget.NewLabel("")
	l.Importance = imp
	l.Wrapping = fyne.TextWrapWord
	l.Hide()
	return l
}

// setHint sets a message label's text and importance and hides it when
// there is no text, so an empty message takes no room. It refreshes only
// on change (the clock runs some of these every second) and reports
// whether the label appeared or vanished: its container must then lay
// itself out again.
func setHint(l *widget.Label, imp widget.Importance, text string) (moved bool) {
	if l.Text != text || l.Importance != imp {
		l.Text, l.Importance = text, imp
		l.Refresh()
	}
	if text == "" && l.Visible() {
		l.Hide()
		return true
	}
	if text != "" && !l.Visible() {
		l.Show()
		return true
	}
	return false
}

// setLine is setHint for a label that keeps its importance.
func setLine(l *widget.Label, text string) (moved bool) {
	return setHint(l, l.Importance, text)
}

// setEnabled enables or disables a button, entry or check, refreshing
// only on change.
func setEnabled(w fyne.Disableable, on bool) {
	if on && w.Disabled() {
		w.Enable()
	} else if !on && !w.Disabled() {
		w.Disable()
	}
}

// setPhoto shows a contact's photo, or the neutral avatar for nil. The
// same picture is not drawn again: the console's clock calls this each second.
func setPhoto(img *canvas.Image, r fyne.Resource) {
	if r == nil {
		r = theme.AccountIcon()
	}
	if old := img.Resource; old == r || old != nil && old.Name() == r.Name() && bytes.Equal(old.Content(), r.Content()) {
		return
	}
	img.Resource = r
	img.Refresh()
}

// escEntry is a text field that hands Escape to its window (a focused
// entry gets every key, so the window's own key handler never sees it).
type escEntry struct {
	widget.Entry
	onEscape func()
}

func newEscEntry(onEscape func()) *escEntry {
	e := &escEntry{onEscape: onEscape}
	e.Wrapping = fyne.TextWrap(fyne.TextTruncateClip) // as widget.NewEntry
	e.ExtendBaseWidget(e)
	return e
}

// TypedKey takes Escape; the entry keeps the rest.
func (e *escEntry) TypedKey(k *fyne.KeyEvent) {
	if k.Name == fyne.KeyEscape {
		e.onEscape()
		return
	}
	e.Entry.TypedKey(k)
}

// newPasswordEntry is an escEntry that hides what is typed, with an eye
// button to show it, as Fyne's password entry has.
func newPasswordEntry(onEscape func()) *escEntry {
	e := newEscEntry(onEscape)
	e.Password = true
	var eye *widget.Button
	eye = widget.NewButtonWithIcon("", theme.VisibilityOffIcon(), func() {
		e.Password = !e.Password
		if e.Password {
			eye.SetIcon(theme.VisibilityOffIcon())
		} else {
			eye.SetIcon(theme.VisibilityIcon())
		}
		e.Refresh()
	})
	eye.Importance = widget.LowImportance
	e.ActionItem = eye
	return e
}
