package ui

import (
	"path/filepath"
	"testing"

	"fyne.io/fyne/v2/test"

	"github.com/deskline/deskline/app"
	"github.com/deskline/deskline/app/settings"
	"github.com/deskline/deskline/ctiproto"
	"github.com/deskline/deskline/internal/testoffice"
	"github.com/deskline/deskline/internal/testoffice/testdesk"
)

// The switchboard choice on a real server: ann (may watch Bob's phone)
// sees automatic, turns it off — saved, in force at once, no new desk:
// she stops watching — and on again.
func TestSettingsSwitchboardChoice(t *testing.T) {
	o := testoffice.StartReception(t, nil)
	d := testdesk.Open(t, o, "ann")
	u, _ := newTestUI(t, d)
	waitRender(t, u, "ann watching", func(s app.State) bool { return len(s.Switchboard.Colleagues) == 1 })
	u.settings.show()
	v := u.settings
	if got := v.switchboard.Selected; got != switchboardOptions[0] {
		t.Fatalf("switchboard shows %q, want automatic", got)
	}
	path := filepath.Join(d.Dir, settings.FileName)
	for i, mode := range []string{settings.SwitchboardOff, settings.SwitchboardOn} {
		v.switchboard.SetSelected(switchboardOptions[[]int{2, 1}[i]])
		test.Tap(v.saveBtn)
		if s, _, err := settings.Load(path); err != nil || s.Switchboard != mode || d.Settings.Switchboard != mode || u.Desk() != d {
			t.Fatalf("after choosing %s: file %q (%v), desk %q, same desk %v", mode, s.Switchboard, err, d.Settings.Switchboard, u.Desk() == d)
		}
		watching := mode != settings.SwitchboardOff
		waitRender(t, u, mode, func(s app.State) bool { return s.Switchboard.Watching == watching })
	}
	v.hide()
	u.settings.show() // filled again from the desk
	if got := v.switchboard.Selected; got != switchboardOptions[1] {
		t.Fatalf("switchboard shows %q after saving on", got)
	}
}

// The choice's hint says when the server lets the user watch nobody.
func TestSettingsSwitchboardHint(t *testing.T) {
	o := testoffice.StartReception(t, nil)
	d := testdesk.Open(t, o, "bob")
	u, _ := newTestUI(t, d)
	u.settings.show()
	waitRender(t, u, "bob connected", func(s app.State) bool { return s.Status == app.StatusConnected })
	if got := u.settings.items["switchboard"].HintText; got != "Your server lets you see no colleagues' lines: ask your administrator" {
		t.Fatalf("bob's hint %q", got)
	}
	for _, tc := range []struct {
		s    app.State
		want string
	}{
		{app.State{Status: app.StatusConnecting}, switchboardHint},
		{app.State{Status: app.StatusConnected, Capabilities: map[string]bool{ctiproto.TypeWatch: true}}, switchboardHint},
		{app.State{Status: app.StatusConnected, Reception: true, Capabilities: map[string]bool{ctiproto.TypeWatch: true}},
			"The server marks you as the reception: automatic opens it at start"},
	} {
		if got := switchboardHintFor(tc.s); got != tc.want {
			t.Errorf("%+v: %q, want %q", tc.s, got, tc.want)
		}
	}
}
