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

// keyHandler is what the switchboard's buttons and fields hand keys to:
// the window's keys, and each key's press and release (a held key acts
// once: switchboard_keys.go).
type keyHandler interface {
	entryKey(*fyne.KeyEvent) bool
	keyDown(*fyne.KeyEvent)
	keyUp(*fyne.KeyEvent)
	firstPress(fyne.KeyName) bool
}

// keyButton is a button that hands the switchboard's keys to the window
// (a focused button would swallow them); Space and Enter press it.
type keyButton struct {
	widget.Button
	keys keyHandler
}

func newKeyButton(label string, tap func(), keys keyHandler) *keyButton {
	b := &keyButton{keys: keys}
	b.Text, b.OnTapped = label, tap
	b.ExtendBaseWidget(b)
	return b
}

// TypedKey: Space and Enter press the button (once per press: holding
// the key does not press it again), the window gets the rest.
func (b *keyButton) TypedKey(k *fyne.KeyEvent) {
	switch k.Name {
	case fyne.KeySpace, fyne.KeyReturn, fyne.KeyEnter:
		if b.keys.firstPress(k.Name) && !b.Disabled() {
			b.Tapped(nil)
		}
	default:
		if !b.keys.entryKey(k) {
			b.Button.TypedKey(k)
		}
	}
}

// KeyDown passes a key's press on: a focused widget gets it instead of
// the window.
func (b *keyButton) KeyDown(k *fyne.KeyEvent) { b.keys.keyDown(k) }

// KeyUp passes a key's release on.
func (b *keyButton) KeyUp(k *fyne.KeyEvent) { b.keys.keyUp(k) }

// keyEntry is a text field that hands the switchboard's keys (function
// keys, Up/Down, Page Up/Down, Escape) to the window: a focused entry
// gets every key, and the keys must work while the user types a name.
type keyEntry struct {
	widget.Entry
	keys keyHandler
}

func newKeyEntry(keys keyHandler) *keyEntry {
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
		if e.keys.entryKey(k) {
			return
		}
	}
	e.Entry.TypedKey(k)
}

// KeyDown passes a key's press on (and keeps the entry's own use of it:
// Shift selects).
func (e *keyEntry) KeyDown(k *fyne.KeyEvent) {
	e.keys.keyDown(k)
	e.Entry.KeyDown(k)
}

// KeyUp passes a key's release on.
func (e *keyEntry) KeyUp(k *fyne.KeyEvent) {
	e.keys.keyUp(k)
	e.Entry.KeyUp(k)
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
