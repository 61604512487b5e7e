package ui

import "github.com/deskline/deskline/app"

// callView is a stub until its view is written.
type callView struct{ u *UI }

func newCallView(u *UI) *callView { return &callView{u: u} }

func (v *callView) render(s app.State) {}

func (v *callView) tick() {}
func (v *callView) show() {}
