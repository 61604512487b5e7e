package app

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/deskline/deskline/app/settings"
	"github.com/deskline/deskline/app/tokens"
	"github.com/deskline/deskline/ctiproto"
	"github.com/deskline/deskline/internal/testoffice"
)

// Who watches, who is offered the window, who gets it at start.
func TestSwitchboardPolicy(t *testing.T) {
	may := State{Status: StatusConnected, Capabilities: map[string]bool{ctiproto.TypeWatch: true}}
	reception := may
	reception.Reception = true
	mayNot := State{Status: StatusConnected, Capabilities: map[string]bool{ctiproto.TypeMakeCall: true}}
	offline := reception
	offline.Status = StatusDisconnected
	for _, tc := range []struct {
		name           string
		mode           string
		s              State
		offered, start bool
	}{
		{"office worker, automatic", settings.SwitchboardAuto, may, true, false},
		{"office worker, on", settings.SwitchboardOn, may, true, true},
		{"office worker, off", settings.SwitchboardOff, may, false, false},
		{"reception, automatic", settings.SwitchboardAuto, reception, true, true},
		{"reception, off", settings.SwitchboardOff, reception, false, false},
		{"may not watch, on", settings.SwitchboardOn, mayNot, false, false},
		{"not connected", settings.SwitchboardAuto, offline, false, false},
	} {
		if got := SwitchboardOffered(tc.mode, tc.s); got != tc.offered {
			t.Errorf("%s: offered %v, want %v", tc.name, got, tc.offered)
		}
		if got := SwitchboardAtStart(tc.mode, tc.s); got != tc.start {
			t.Errorf("%s: at start %v, want %v", tc.name, got, tc.start)
		}
	}
	if !WatchColleagues(settings.SwitchboardAuto) || !WatchColleagues(settings.SwitchboardOn) || WatchColleagues(settings.SwitchboardOff) {
		t.Error("only off should stop watching")
	}
}

// switchboardSettingsDesk opens user's desk from a settings file with the
// switchboard setting mode, runs it and logs in.
func switchboardSettingsDesk(t *testing.T, o *testoffice.Office, user, mode string) (*Desk, <-chan State) {
	t.Helper()
	dir := t.TempDir()
	s := settings.Default()
	s.ServerURL, s.User, s.HomeRegion, s.Switchboard = o.URL(), user, "DE", mode
	if err := settings.Save(filepath.Join(dir, settings.FileName), s); err != nil {
		t.Fatal(err)
	}
	d, err := OpenDesk(dir, tokens.NewMemory(), nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { d.Run(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done; d.Close() })
	states, _ := d.Client.Subscribe()
	lctx, lcancel := context.WithTimeout(ctx, 10*time.Second)
	defer lcancel()
	if err := d.Client.Login(lctx, testoffice.Password); err != nil {
		t.Fatal(err)
	}
	await(t, states, "connected", func(s State) bool { return s.Status == StatusConnected })
	return d, states
}

// An office worker whom the server lets watch sees colleagues by
// default; turning the setting off stops it at once, on again starts it.
func TestDeskWatchesAsTheSettingSays(t *testing.T) {
	o := testoffice.StartReception(t, nil)
	d, states := switchboardSettingsDesk(t, o, "ann", settings.SwitchboardAuto)
	sees203 := func(s State) bool { _, ok := s.Switchboard.Colleague("203"); return s.Switchboard.Watching && ok }
	await(t, states, "ann watching 203", sees203)

	s := d.Settings
	s.Switchboard = settings.SwitchboardOff
	if applied, err := d.ApplySettings(s); err != nil || applied != AppliedNow {
		t.Fatalf("apply off: %v, %v", applied, err)
	}
	await(t, states, "watching stopped", func(s State) bool { return !s.Switchboard.Watching && len(s.Switchboard.Colleagues) == 0 })
	s.Switchboard = settings.SwitchboardOn
	if _, err := d.ApplySettings(s); err != nil {
		t.Fatal(err)
	}
	await(t, states, "watching again", sees203)
}

// A desk whose setting is off from the start never watches, though the
// server would let it.
func TestDeskOffNeverWatches(t *testing.T) {
	o := testoffice.StartReception(t, nil)
	d, _ := switchboardSettingsDesk(t, o, "rita", settings.SwitchboardOff)
	// Connected means the welcome is in, and with it any presence list.
	if s := d.Client.State(); s.Switchboard.Watching || len(s.Switchboard.Colleagues) > 0 || !s.Can(ctiproto.TypeWatch) {
		t.Fatalf("rita, switchboard off: watching %v, %d colleagues, may watch %v",
			s.Switchboard.Watching, len(s.Switchboard.Colleagues), s.Can(ctiproto.TypeWatch))
	}
}
