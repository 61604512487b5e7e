package ui

import (
	"fyne.io/fyne/v2"
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
)

// switchboardView is the receptionist's window: colleagues' lines, the
// calls waiting and parked, and the user's own calls, all from the
// keyboard.
type switchboardView struct {
	u   *UI
	win appWindow
}

func newSwitchboardView(u *UI) *switchboardView {
	v := &switchboardView{u: u}
	v.win = appWindow{u: u, title: switchboardTitle, size: fyne.NewSize(switchboardWidth, switchboardHeight), build: v.build}
	return v
}

func (v *switchboardView) build() fyne.CanvasObject {
	return widget.NewLabel("Switchboard")
}

// show opens the window.
func (v *switchboardView) show() { v.win.show(true) }

// render shows s.
func (v *switchboardView) render(s app.State) {}
