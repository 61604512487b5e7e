package ui

import "github.com/deskline/deskline/app"

// dialView is a stub until its view is written.
type dialView struct{ u *UI }

func newDialView(u *UI) *dialView { return &dialView{u: u} }

func (v *dialView) render(s app.State) {}

func (v *dialView) show(text string) {}
