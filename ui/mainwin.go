package ui

import "github.com/deskline/deskline/app"

// mainView is a stub until its view is written.
type mainView struct{ u *UI }

func newMainView(u *UI) *mainView { return &mainView{u: u} }

func (v *mainView) render(s app.State) {}

func (v *mainView) show() {}
