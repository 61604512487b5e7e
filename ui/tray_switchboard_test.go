package ui

import (
	"slices"
	"testing"

	"github.com/deskline/deskline/app"
	"github.com/deskline/deskline/app/settings"
	"github.com/deskline/deskline/ctiproto"
	"github.com/deskline/deskline/internal/testoffice"
	"github.com/deskline/deskline/internal/testoffice/testdesk"
)

// The tray offers Switchboard… only to a user the server lets watch: on a
// real server bob (in no watch group) never gets it, ann (may watch
// Bob's phone) does, and it opens the window; with the setting off it
// goes. The main window shows the same button.
func TestTraySwitchboardOnlyWithWatch(t *testing.T) {
	o := testoffice.StartReception(t, nil)
	bob := testdesk.Open(t, o, "bob")
	ub, _ := newTestUI(t, bob)
	s := waitRender(t, ub, "bob connected", func(s app.State) bool { return s.Can(ctiproto.TypeMakeCall) })
	if s.Can(ctiproto.TypeWatch) || slices.Contains(labels(ub.tray.menu), "Switchboard…") {
		t.Fatalf("bob may watch %v; menu %v", s.Can(ctiproto.TypeWatch), labels(ub.tray.menu))
	}

	ann := testdesk.Open(t, o, "ann")
	u, _ := newTestUI(t, ann)
	u.opts.TrayHost = false
	u.main.show()
	waitRender(t, u, "ann watching", func(s app.State) bool { return len(s.Switchboard.Colleagues) == 1 })
	item := menuItem(t, u.tray.menu, "Switchboard…")
	if item.Disabled || !u.main.buttons[cmdSwitchboard].Visible() {
		t.Fatalf("ann: item disabled %v, main window button shown %v", item.Disabled, u.main.buttons[cmdSwitchboard].Visible())
	}
	if u.switchboard.win.shown() {
		t.Fatal("the switchboard opened by itself for an office worker on automatic")
	}
	item.Action()
	if !u.switchboard.win.shown() {
		t.Fatal("Switchboard… did not open the window")
	}

	set := ann.Settings
	set.Switchboard = settings.SwitchboardOff
	if _, err := ann.ApplySettings(set); err != nil {
		t.Fatal(err)
	}
	waitRender(t, u, "ann not watching", func(s app.State) bool { return !s.Switchboard.Watching })
	if slices.Contains(labels(u.tray.menu), "Switchboard…") || u.main.buttons[cmdSwitchboard].Visible() {
		t.Fatalf("switchboard off: menu %v", labels(u.tray.menu))
	}
}

// A reception's desk opens the switchboard once connected, once: closed,
// it stays closed when the state comes again (a reconnect). Off, never.
func TestSwitchboardOpensAtStartForReception(t *testing.T) {
	u, _ := newTestUI(t, setUpDesk(t))
	s := connected()
	s.Capabilities[ctiproto.TypeWatch] = true
	u.Render(s)
	if u.switchboard.win.shown() {
		t.Fatal("opened for an office worker")
	}
	s.Reception = true
	u.Render(s)
	if !u.switchboard.win.shown() {
		t.Fatal("not opened for the reception")
	}
	u.switchboard.win.hide()
	u.Render(app.State{Status: app.StatusDisconnected})
	u.Render(s)
	if u.switchboard.win.shown() {
		t.Fatal("opened again after the receptionist closed it")
	}

	off, _ := newTestUI(t, setUpDesk(t))
	off.Desk().Settings.Switchboard = settings.SwitchboardOff
	off.Render(s)
	if off.switchboard.win.shown() {
		t.Fatal("opened with the switchboard off")
	}
}
