// The switchboard's small widgets: a button and a text field that pass
// the window's keys on (a focused widget gets every key first), and the
// click target of a tile.

package ui

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/widget"
)

// keyButton is a button that hands the switchboard's keys to the window
// (a focused button would swallow them) and keeps Space.
type keyButton struct {
	widget.Button
	keys func(*fyne.KeyEvent) bool
}

func newKeyButton(label string, tap func(), keys func(*fyne.KeyEvent) bool) *keyButton {
	b := &keyButton{keys: keys}
	b.Text, b.OnTapped = label, tap
	b.ExtendBaseWidget(b)
	return b
}

// TypedKey: Space presses the button, the window gets the rest.
func (b *keyButton) TypedKey(k *fyne.KeyEvent) {
	if k.Name == fyne.KeySpace || !b.keys(k) {
		b.Button.TypedKey(k)
	}
}

// keyEntry is a text field that hands the switchboard's keys (function
// keys, Up/Down, Page Up/Down, Escape) to the window: a focused entry
// gets every key, and the keys must work while the user types a name.
type keyEntry struct {
	widget.Entry
	keys func(*fyne.KeyEvent) bool
}

func newKeyEntry(keys func(*fyne.KeyEvent) bool) *keyEntry {
	e := &keyEntry{keys: keys}
	e.Wrapping = fyne.TextWrap(fyne.TextTruncateClip) // as widget.NewEntry
	e.ExtendBaseWidget(e)
	return e
}

// TypedKey: the window's keys first, the entry keeps the rest.
func (e *keyEntry) TypedKey(k *fyne.KeyEvent) {
	switch k.Name {
	case fyne.KeyLeft, fyne.KeyRight, fyne.KeyReturn, fyne.KeyEnter, fyne.KeyHome, fyne.KeyEnd,
		fyne.KeyBackspace, fyne.KeyDelete, fyne.KeyTab:
	default:
		if e.keys(k) {
			return
		}
	}
	e.Entry.TypedKey(k)
}

// tapArea is a transparent target under a tile's texts: a click
// transfers (or selects), a right-click announces.
type tapArea struct {
	widget.BaseWidget
	onTap, onSecondary func()
}

func newTapArea(onTap, onSecondary func()) *tapArea {
	a := &tapArea{onTap: onTap, onSecondary: onSecondary}
	a.ExtendBaseWidget(a)
	return a
}

func (a *tapArea) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(canvas.NewRectangle(color.Transparent))
}

// Tapped is a click.
func (a *tapArea) Tapped(*fyne.PointEvent) { a.onTap() }

// TappedSecondary is a right-click.
func (a *tapArea) TappedSecondary(*fyne.PointEvent) { a.onSecondary() }
