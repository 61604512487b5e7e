package ui

import "github.com/deskline/deskline/app"

// recentView is a stub until its view is written.
type recentView struct{ u *UI }

func newRecentView(u *UI) *recentView { return &recentView{u: u} }

func (v *recentView) render(s app.State) {}

func (v *recentView) show() {}
