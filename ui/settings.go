package ui

import "github.com/deskline/deskline/app"

// settingsView is a stub until its view is written.
type settingsView struct{ u *UI }

func newSettingsView(u *UI) *settingsView { return &settingsView{u: u} }

func (v *settingsView) render(s app.State) {}

func (v *settingsView) show() {}
