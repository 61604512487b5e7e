package ui

import (
	"fmt"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/deskline/deskline/app"
	"github.com/deskline/deskline/app/tokens"
	"github.com/deskline/deskline/contacts"
	"github.com/deskline/deskline/ctiproto"
)

// setUpDesk is a desk whose client is made but never run: the app is set
// up (server and user known), nothing connects.
func setUpDesk(t *testing.T) *app.Desk {
	t.Helper()
	n, err := contacts.NewNormalizer("DE", 4)
	if err != nil {
		t.Fatal(err)
	}
	c, err := app.New(app.Options{ServerURL: "ws://127.0.0.1:1/v1/ws", User: "ann", Numbers: n,
		Tokens: tokens.NewMemory()})
	if err != nil {
		t.Fatal(err)
	}
	return &app.Desk{Numbers: n, Client: c}
}

// row is a command as a line: label, then + for each flag set (enabled,
// checked, in the menu, shown in the window).
func row(c command) string {
	flags := ""
	for _, f := range []struct {
		on   bool
		name string
	}{{c.enabled, "on"}, {c.checked, "ticked"}, {c.inMenu, "menu"}, {c.shown, "window"}} {
		if f.on {
			flags += " +" + f.name
		}
	}
	return c.label + flags
}

// The table, state in, what each surface shows out.
func TestCommands(t *testing.T) {
	offline := app.State{Status: app.StatusDisconnected, Reason: "server unreachable"}
	login := app.State{Status: app.StatusLoginRequired}
	busy := connected()
	busy.MissedUnseen = 2
	busy.Devices[0].DND = true
	busy.Devices[0].ForwardTo = "+49301234"
	busy.Capabilities[ctiproto.TypeSetForwarding] = true
	busy.Calls = []app.Call{{ID: "c1", Device: "201", State: "alerting", Direction: "incoming"}}
	noDND := connected()
	delete(noDND.Capabilities, ctiproto.TypeSetDND)
	watcher := connected()
	watcher.Capabilities[ctiproto.TypeWatch] = true
	for _, tc := range []struct {
		name  string
		setUp bool
		demo  bool
		s     app.State
		want  []string
	}{
		{"connected", true, false, connected(), []string{
			"Connected as Ann Archer · 201 +menu +window",
			"Reconnect now +on",
			"Log in… +on",
			"",
			"Dial… +on +menu +window",
			"Dial clipboard… +on +menu +window",
			"Recent calls +on +menu +window",
			"Calls (0) +menu +window", "Switchboard…",
			"Do not disturb +on +menu +window",
			"Forward calls… +menu +window",
			"Stop forwarding",
			"Ring me (demo) +on",
			"Settings… +on +menu +window",
			"Quit +on +menu +window",
		}},
		{"busy, demo", true, true, busy, []string{
			"Connected as Ann Archer · 201 +menu +window",
			"Reconnect now +on",
			"Log in… +on",
			"",
			"Dial… +on +menu +window",
			"Dial clipboard… +on +menu +window",
			"Recent calls (2 missed) +on +menu +window",
			"Calls (1) +on +menu +window", "Switchboard…",
			"Do not disturb +on +ticked +menu +window",
			"Forwarding to +49 30 1234… +on +ticked +menu +window",
			"Stop forwarding +on +menu",
			"Ring me (demo) +on +menu +window",
			"Settings… +on +menu +window",
			"Quit +on +menu +window",
		}},
		{"no DND service", true, false, noDND, []string{
			"Connected as Ann Archer · 201 +menu +window", "Reconnect now +on", "Log in… +on", "",
			"Dial… +on +menu +window", "Dial clipboard… +on +menu +window", "Recent calls +on +menu +window",
			"Calls (0) +menu +window", "Switchboard…", "Do not disturb +menu +window", "Forward calls… +menu +window",
			"Stop forwarding", "Ring me (demo) +on", "Settings… +on +menu +window", "Quit +on +menu +window",
		}},
		{"may watch", true, false, watcher, []string{
			"Connected as Ann Archer · 201 +menu +window", "Reconnect now +on", "Log in… +on", "",
			"Dial… +on +menu +window", "Dial clipboard… +on +menu +window", "Recent calls +on +menu +window",
			"Calls (0) +menu +window", "Switchboard… +on +menu +window", "Do not disturb +on +menu +window", "Forward calls… +menu +window",
			"Stop forwarding", "Ring me (demo) +on", "Settings… +on +menu +window", "Quit +on +menu +window",
		}},
		{"offline", true, false, offline, []string{
			"Not connected to the server: server unreachable — retrying now +menu +window",
			"Reconnect now +on +menu +window",
			"Log in… +on",
			"Dialling, do not disturb and forwarding are off until Deskline is connected. +menu +window",
			"Dial… +menu +window", "Dial clipboard… +menu +window", "Recent calls +on +menu +window",
			"Calls (0) +menu +window", "Switchboard…", "Do not disturb +menu +window", "Forward calls… +menu +window",
			"Stop forwarding", "Ring me (demo) +on", "Settings… +on +menu +window", "Quit +on +menu +window",
		}},
		// Not set up: the menu keeps quiet about what waits, the window says it.
		{"offline, not set up", false, false, offline, []string{
			"Not connected to the server: server unreachable — retrying now +menu +window",
			"Reconnect now +on +menu +window",
			"Log in… +on",
			"Dialling, do not disturb and forwarding are off until Deskline is connected. +window",
			"Dial… +menu +window", "Dial clipboard… +menu +window", "Recent calls +on +menu +window",
			"Calls (0) +menu +window", "Switchboard…", "Do not disturb +menu +window", "Forward calls… +menu +window",
			"Stop forwarding", "Ring me (demo) +on", "Settings… +on +menu +window", "Quit +on +menu +window",
		}},
		{"login", true, false, login, []string{
			"Log in needed — choose Log in… +menu +window",
			"Reconnect now +on",
			"Log in… +on +menu +window",
			"Dialling, do not disturb and forwarding are off until Deskline is connected. +menu +window",
			"Dial… +menu +window", "Dial clipboard… +menu +window", "Recent calls +on +menu +window",
			"Calls (0) +menu +window", "Switchboard…", "Do not disturb +menu +window", "Forward calls… +menu +window",
			"Stop forwarding", "Ring me (demo) +on", "Settings… +on +menu +window", "Quit +on +menu +window",
		}},
		{"login, not set up", false, false, login, []string{
			"Log in needed — choose Log in… +menu +window",
			"Reconnect now +on",
			"Log in… +on",
			"Dialling, do not disturb and forwarding are off until Deskline is connected. +window",
			"Dial… +menu +window", "Dial clipboard… +menu +window", "Recent calls +on +menu +window",
			"Calls (0) +menu +window", "Switchboard…", "Do not disturb +menu +window", "Forward calls… +menu +window",
			"Stop forwarding", "Ring me (demo) +on", "Settings… +on +menu +window", "Quit +on +menu +window",
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var desk *app.Desk
			if tc.setUp {
				desk = setUpDesk(t)
			}
			u, _ := newTestUI(t, desk)
			if tc.demo {
				u.opts.Demo = &app.Demo{}
			}
			var got []string
			for _, c := range commands(u, tc.s) {
				got = append(got, row(c))
			}
			if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
				t.Errorf("commands:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
			}
		})
	}
}

// Every command the window shows has a place in it and does something;
// switches can be ticked; words do nothing.
func TestCommandsArePlaced(t *testing.T) {
	u, _ := newTestUI(t, nil)
	u.opts.Demo = &app.Demo{}
	seen := map[commandID]bool{}
	for _, c := range commands(u, connected()) {
		if seen[c.id] {
			t.Errorf("%q: id %d twice", c.label, c.id)
		}
		seen[c.id] = true
		words := c.place == placeHead || c.place == placeNote
		switch {
		case words && (c.action != nil || c.enabled):
			t.Errorf("%q: words that act", c.label)
		case !words && c.action == nil:
			t.Errorf("%q: a command that does nothing", c.label)
		case c.toggle && c.set == nil:
			t.Errorf("%q: a switch that cannot be ticked", c.label)
		case c.place == placeGrid && c.icon == nil:
			t.Errorf("%q: a button without an icon", c.label)
		}
	}
	if len(seen) != int(cmdQuit)+1 {
		t.Errorf("%d commands, want every id once (%d)", len(seen), cmdQuit+1)
	}
}

// The tray menu is the table in its order, with the rules, Recent calls
// opening the last calls, and Quit the menu's quit item.
func TestTrayMenuRendersTheTable(t *testing.T) {
	u, _ := newTestUI(t, setUpDesk(t))
	s := connected()
	s.Devices[0].ForwardTo = "+49301234"
	u.Render(s)
	want := "Connected as Ann Archer · 201||Dial…|Dial clipboard…|Recent calls|Calls (0)|Do not disturb|" +
		"Forwarding to +49 30 1234…|Stop forwarding||Settings…|Quit" // || is a separator
	if got := strings.Join(labels(u.tray.menu), "|"); got != want {
		t.Errorf("menu %s\nwant %s", got, want)
	}
	recent := menuItem(t, u.tray.menu, "Recent calls")
	if recent.Action != nil || recent.ChildMenu == nil || recent.ChildMenu.Items[0].Label != noRecentCalls {
		t.Errorf("Recent calls: action %v, submenu %v", recent.Action != nil, recent.ChildMenu)
	}
	menu := u.tray.menu
	u.Render(s)
	if u.tray.menu != menu {
		t.Error("the same state built the menu again")
	}
}

// The menu's forwarding items, as the tray listed them before the table:
// "Forward calls…" (greyed out without the service), or while on, the
// target ticked and "Stop forwarding".
func TestForwardCommandsInTheMenu(t *testing.T) {
	u, _ := newTestUI(t, setUpDesk(t))
	on := connected()
	on.Capabilities[ctiproto.TypeSetForwarding] = true
	on.Devices[0].ForwardTo = "+49301234"
	for _, tc := range []struct {
		s    app.State
		want string // label, disabled, checked of each item
	}{
		{connected(), "Forward calls… disabled=true checked=false"},
		{on, "Forwarding to +49 30 1234… disabled=false checked=true|Stop forwarding disabled=false checked=false"},
		{app.State{Status: app.StatusConnecting}, "Forward calls… disabled=true checked=false"},
	} {
		var got []string
		for _, c := range commands(u, tc.s) {
			if (c.id == cmdForward || c.id == cmdStopForwarding) && c.inMenu {
				got = append(got, fmt.Sprintf("%s disabled=%v checked=%v", c.label, !c.enabled, c.checked))
			}
		}
		if g := strings.Join(got, "|"); g != tc.want {
			t.Errorf("%s: menu forwarding items %q, want %q", tc.s.Status, g, tc.want)
		}
	}
}

// The main window is the table as widgets: a click runs what the table
// last rendered says.
func TestMainWindowRendersTheTable(t *testing.T) {
	u, _ := newTestUI(t, setUpDesk(t))
	u.opts.TrayHost = false
	u.main.show()
	s := connected()
	s.MissedUnseen = 3
	u.Render(s)
	v := u.main
	if v.recent.Text != "Recent calls (3 missed)" || v.dial.Importance != widget.HighImportance ||
		v.reconnect.Visible() || v.login.Visible() || v.offline.Visible() || v.calls.Text != "Calls (0)" || !v.calls.Disabled() {
		t.Errorf("connected: recent %q, reconnect %v, login %v, note %v, calls %q", v.recent.Text,
			v.reconnect.Visible(), v.login.Visible(), v.offline.Visible(), v.calls.Text)
	}
	if b := v.buttons[cmdDemoRing]; b.Visible() {
		t.Error("the demo button outside the demo")
	}
	u.Render(app.State{Status: app.StatusDisconnected, Reason: "down"})
	if !v.reconnect.Visible() || !v.dial.Disabled() || !v.offline.Visible() {
		t.Errorf("offline: reconnect %v, dial off %v, note %v", v.reconnect.Visible(), v.dial.Disabled(), v.offline.Visible())
	}
	u.Render(s)
	test.Tap(v.dial)
	if !u.dial.win.shown() {
		t.Error("Dial… did not open the dial window")
	}
}

// The main window as the table renders it: the master was recorded from
// the window as it was built by hand before the table, so the table
// changed nothing users see.
func TestMainWindowMaster(t *testing.T) {
	u, _ := newTestUI(t, setUpDesk(t))
	u.opts.TrayHost, u.opts.Demo = false, &app.Demo{}
	u.main.show()
	s := connected()
	s.MissedUnseen = 2
	s.Capabilities[ctiproto.TypeSetForwarding] = true
	s.Devices[0].DND, s.Devices[0].ForwardTo = true, "+49301234"
	u.Render(s)
	test.AssertRendersToMarkup(t, "main_window.xml", u.main.win.window().Canvas())
	snapshot(t, "main_window.xml", u.main.win.window().Canvas())
	u.Render(app.State{Status: app.StatusDisconnected, Reason: "down"})
	test.AssertRendersToMarkup(t, "main_window_offline.xml", u.main.win.window().Canvas())
}
