package ui

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"

	"github.com/deskline/deskline/app"
	"github.com/deskline/deskline/app/journal"
	"github.com/deskline/deskline/assets"
	"github.com/deskline/deskline/ctiproto"
	"github.com/deskline/deskline/internal/testoffice"
	"github.com/deskline/deskline/internal/testoffice/testdesk"
)

// connected is a made-up state of a connected user with one phone.
func connected() app.State {
	return app.State{Status: app.StatusConnected, User: "ann", DisplayName: "Ann Archer",
		Exchange: app.ExchangeStatus{Available: true},
		Capabilities: map[string]bool{ctiproto.TypeMakeCall: true, ctiproto.TypeAnswer: true,
			ctiproto.TypeSetDND: true},
		Devices: []app.Device{{ID: "201", Name: "Reception", Registered: true}}}
}

func TestTrayIconShowsWhatMattersMost(t *testing.T) {
	ringing := connected()
	ringing.Calls = []app.Call{{ID: "c1", Device: "201", State: "alerting", Direction: "incoming"}}
	talking := connected()
	talking.Calls = []app.Call{{ID: "c1", Device: "201", State: "connected", Direction: "incoming"}}
	dnd := connected()
	dnd.Devices[0].DND = true
	ringingDND := ringing
	ringingDND.Devices = []app.Device{{ID: "201", DND: true}}
	noPBX := connected()
	noPBX.Exchange = app.ExchangeStatus{Reason: "link down"}
	for _, tc := range []struct {
		name string
		s    app.State
		want string
	}{
		{"connecting", app.State{Status: app.StatusConnecting}, assets.TrayDisconnected},
		{"exchange down", noPBX, assets.TrayDisconnected},
		{"ready", connected(), assets.TrayConnected},
		{"ringing", ringing, assets.TrayRinging},
		{"ringing beats dnd", ringingDND, assets.TrayRinging},
		{"talking", talking, assets.TrayCall},
		{"dnd", dnd, assets.TrayDND},
	} {
		if got := trayIcon(tc.s); got != tc.want {
			t.Errorf("%s: icon %s, want %s", tc.name, got, tc.want)
		}
	}
}

func TestTrayBadgeChangesTheIcon(t *testing.T) {
	plain := trayResource(assets.TrayConnected, 0)
	three := trayResource(assets.TrayConnected, 3)
	if string(plain.Content()) == string(three.Content()) {
		t.Fatal("a missed-call count left the tray icon unchanged")
	}
	if trayResource(assets.TrayConnected, 12).Name() != trayResource(assets.TrayConnected, 40).Name() {
		t.Error("counts past nine should share the 9+ icon")
	}
}

func TestStatusLine(t *testing.T) {
	noPBX := connected()
	noPBX.Exchange = app.ExchangeStatus{Reason: "PBX restarting"}
	for _, tc := range []struct {
		s    app.State
		want string
	}{
		{connected(), "Connected as Ann Archer · 201"},
		{noPBX, "Telephone system unavailable: PBX restarting"},
		{app.State{Status: app.StatusDisconnected, Reason: "server unreachable"}, "Not connected to the server: server unreachable — retrying now"},
		{app.State{Status: app.StatusDisconnected, Problem: &app.LinkError{Problem: app.LinkTimedOut, Host: "cti:8720"}, RetryAt: time.Now().Add(2500 * time.Millisecond)},
			"Cannot reach the Deskline server at cti:8720: no answer (network or firewall) — retrying in 3 s"},
		{app.State{Status: app.StatusLoginRequired}, "Log in needed — choose Log in…"},
		{app.State{Status: app.StatusConnecting}, "Connecting to the server…"},
		{app.State{Status: app.StatusConnected, Exchange: app.ExchangeStatus{}}, "Telephone system unavailable"},
	} {
		if got := statusLine(tc.s); got != tc.want {
			t.Errorf("statusLine = %q, want %q", got, tc.want)
		}
	}
}

// menuItem finds an item of m by the start of its label.
func menuItem(t *testing.T, m *fyne.Menu, prefix string) *fyne.MenuItem {
	t.Helper()
	for _, it := range m.Items {
		if strings.HasPrefix(it.Label, prefix) {
			return it
		}
	}
	t.Fatalf("no menu item %q in %v", prefix, labels(m))
	return nil
}

func labels(m *fyne.Menu) []string {
	var out []string
	for _, it := range m.Items {
		out = append(out, it.Label)
	}
	return out
}

func TestTrayMenu(t *testing.T) {
	u, _ := newTestUI(t, nil)
	s := connected()
	s.MissedUnseen = 2
	u.Render(s)
	m := u.tray.menu
	if got := m.Items[0].Label; got != "Connected as Ann Archer · 201" || !m.Items[0].Disabled {
		t.Errorf("first item %q (disabled %v), want the status line, disabled", got, m.Items[0].Disabled)
	}
	menuItem(t, m, "Recent calls (2 missed)")
	if dnd := menuItem(t, m, "Do not disturb"); dnd.Disabled || dnd.Checked {
		t.Errorf("DND item disabled=%v checked=%v, want enabled and off", dnd.Disabled, dnd.Checked)
	}
	if calls := menuItem(t, m, "Calls ("); !calls.Disabled {
		t.Error("Calls is enabled with no calls")
	}
	if quit := menuItem(t, m, "Quit"); !quit.IsQuit {
		t.Error("Quit is not the menu's quit item (the tray would add a second one)")
	}
	for _, l := range labels(m) {
		if strings.Contains(l, "demo") {
			t.Errorf("demo item %q outside the demo", l)
		}
	}
	s.Capabilities = map[string]bool{}
	s.Devices[0].DND = true
	u.Render(s)
	if dnd := menuItem(t, u.tray.menu, "Do not disturb"); !dnd.Disabled || !dnd.Checked {
		t.Errorf("without the capability: DND disabled=%v checked=%v, want disabled and shown on", dnd.Disabled, dnd.Checked)
	}
}

// A missed call in the tray's Recent calls menu calls back when clicked,
// through the real server.
func TestTrayRecentCallsBack(t *testing.T) {
	o := testoffice.Start(t, nil)
	d := testdesk.Open(t, o, "ann")
	start := time.Now().Add(-time.Hour)
	err := d.Journal.Add(journal.Entry{ID: "old-1", Start: start, End: start.Add(20 * time.Second),
		Device: "201", Direction: ctiproto.DirectionIncoming, Number: "+49 30 901820", Name: "Lena Hoffmann",
		Outcome: journal.OutcomeMissed})
	if err != nil {
		t.Fatal(err)
	}
	u, _ := newTestUI(t, d)
	waitRender(t, u, "the missed call counted", func(s app.State) bool { return s.MissedUnseen == 1 })
	recent := menuItem(t, u.tray.menu, "Recent calls (1 missed)")
	entry := recent.ChildMenu.Items[0]
	if !strings.HasPrefix(entry.Label, "Lena Hoffmann · ") || !strings.HasSuffix(entry.Label, " · missed") {
		t.Fatalf("recent entry %q, want Lena Hoffmann's missed call", entry.Label)
	}
	entry.Action()
	waitRender(t, u, "the call back", func(s app.State) bool {
		for _, c := range s.Calls {
			if c.Direction == ctiproto.DirectionOutgoing && strings.Contains(c.Number, "901820") {
				return true
			}
		}
		return false
	})
	if n := d.Journal.UnseenMissed(); n != 0 {
		t.Errorf("calling back from the tray left %d missed calls unseen", n)
	}
	menuItem(t, u.tray.menu, "Recent calls").ChildMenu.Items[len(recent.ChildMenu.Items)-1].Action() // Mark all seen
	waitRender(t, u, "missed calls seen", func(s app.State) bool { return s.MissedUnseen == 0 })
}

// The main window (no tray host) toggles do-not-disturb on the real
// exchange and says why it is there.
func TestMainWindowDND(t *testing.T) {
	o := testoffice.Start(t, nil)
	d := testdesk.Open(t, o, "ann")
	u, _ := newTestUI(t, d)
	u.opts.TrayHost, u.opts.NoTrayReason = false, "No tray here"
	u.main.show() // what Start does without a tray host (the desk runs already)
	s := waitRender(t, u, "connected", func(s app.State) bool { return s.Status == app.StatusConnected })
	if !u.main.win.window().Content().Visible() || !strings.HasPrefix(u.main.why.Text, "No tray here") {
		t.Fatalf("main window not shown or unexplained: %q", u.main.why.Text)
	}
	if u.main.dnd.Disabled() != !s.Can(ctiproto.TypeSetDND) {
		t.Fatalf("DND box disabled=%v with capability %v", u.main.dnd.Disabled(), s.Can(ctiproto.TypeSetDND))
	}
	u.main.dnd.SetChecked(true)
	waitRender(t, u, "DND on", dndOn)
	if trayIcon(u.state) != assets.TrayDND {
		t.Errorf("icon %s with DND on", trayIcon(u.state))
	}
}

// recordingSink notes what the tray was given, in order.
type recordingSink struct{ calls []string }

func (r *recordingSink) SetSystemTrayIcon(icon fyne.Resource) {
	r.calls = append(r.calls, "icon "+icon.Name())
}
func (r *recordingSink) SetSystemTrayMenu(m *fyne.Menu) { r.calls = append(r.calls, "menu") }

// A tray host that sees the new icon reads the whole new menu: the menu
// is rebuilt item by item, so it goes first (CI once clicked "Do not
// disturb" in a menu caught half rebuilt after a missed call).
func TestTrayMenuIsWholeBeforeTheIconChanges(t *testing.T) {
	u, _ := newTestUI(t, nil)
	sink := &recordingSink{}
	u.tray.sink = sink
	u.tray.render(connected())
	missed := connected()
	missed.MissedUnseen = 1
	sink.calls = nil
	u.tray.render(missed)
	if len(sink.calls) != 2 || sink.calls[0] != "menu" || !strings.HasPrefix(sink.calls[1], "icon ") {
		t.Fatalf("a missed call gave the tray %q, want the menu, then the icon", sink.calls)
	}
}
