package ui

import "github.com/deskline/deskline/app"

// popView is a stub until its view is written.
type popView struct{ u *UI }

func newPopView(u *UI) *popView { return &popView{u: u} }

func (v *popView) render(s app.State) {}

func (v *popView) tick() {}
