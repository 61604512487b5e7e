package ui

import (
	"fyne.io/fyne/v2"

	"github.com/deskline/deskline/app"
)

// windowMemory keeps a window's size, and its place where main can read
// and set it (Options.WindowPosition, Options.MoveWindow: X11), in the
// config folder (app.WindowsFile), so that it opens as the user left it.
// Fyne has no window-position API: elsewhere only the size comes back,
// and the window opens centred. Main goroutine only; nil keeps nothing.
type windowMemory struct {
	u    *UI
	name string
}

// dir is where the desk keeps its files, "" before there is a desk.
// Not for a nil m.
func (m *windowMemory) dir() string {
	if d := m.u.Desk(); d != nil {
		return d.Dir
	}
	return ""
}

// load is what the folder remembers, ok false for nothing usable.
func (m *windowMemory) load() (app.WindowPlace, bool) {
	if m == nil || m.dir() == "" {
		return app.WindowPlace{}, false
	}
	dir := m.dir()
	p, ok, err := app.LoadWindowPlace(dir, m.name)
	if err != nil {
		m.u.log.Info("window place not restored", "window", m.name, "err", err)
	}
	return p, ok
}

// sizeOr is the remembered size, else def.
func (m *windowMemory) sizeOr(def fyne.Size) fyne.Size {
	if m == nil {
		return def
	}
	if p, ok := m.load(); ok {
		return fyne.NewSize(p.Width, p.Height)
	}
	return def
}

// place moves a shown w to where it was, where main can.
func (m *windowMemory) place(w fyne.Window) {
	if m == nil || m.u.opts.MoveWindow == nil {
		return
	}
	if p, ok := m.load(); ok && p.Placed {
		m.u.opts.MoveWindow(w, p.X, p.Y)
	}
}

// keep remembers w's size and place before it goes (hidden, or the app
// quits with it open).
func (m *windowMemory) keep(w fyne.Window) {
	if m == nil || w == nil || m.dir() == "" {
		return
	}
	dir := m.dir()
	size := w.Canvas().Size()
	p := app.WindowPlace{Width: size.Width, Height: size.Height}
	if m.u.opts.WindowPosition != nil {
		p.X, p.Y, p.Placed = m.u.opts.WindowPosition(w)
	}
	if err := app.SaveWindowPlace(dir, m.name, p); err != nil {
		m.u.log.Info("window place not kept", "window", m.name, "err", err)
	}
}

// switchboardPlace gives the switchboard window its memory, before it
// first opens.
func (u *UI) switchboardPlace() {
	if u.switchboard.win.memory == nil {
		u.switchboard.win.memory = &windowMemory{u: u, name: "switchboard"}
	}
}

// rememberWindows keeps the places of the remembered windows still open
// when the app quits: a receptionist quits with the switchboard open.
func (u *UI) rememberWindows() {
	u.switchboard.win.memory.keep(u.switchboard.win.window())
}
