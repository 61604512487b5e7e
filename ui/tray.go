package ui

import "github.com/deskline/deskline/app"

// trayView is a stub until its view is written.
type trayView struct{ u *UI }

func newTrayView(u *UI) *trayView { return &trayView{u: u} }

func (v *trayView) render(s app.State) {}

func (v *trayView) install() {}
