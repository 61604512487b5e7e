package ui

import (
	"context"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/deskline/deskline/app"
	"github.com/deskline/deskline/app/settings"
	"github.com/deskline/deskline/internal/testoffice"
	"github.com/deskline/deskline/internal/testoffice/testdesk"
	"github.com/deskline/deskline/pbx"
)

// carlReady renders carl's desk once both his phones (desk phone 204,
// softphone 205) are known.
func carlReady(t *testing.T) (*testoffice.Office, *app.Desk, *UI) {
	t.Helper()
	o := testoffice.Start(t, nil)
	d := testdesk.Open(t, o, "carl", popBook)
	u, _ := newTestUI(t, d)
	waitRender(t, u, "both phones", func(s app.State) bool { return s.Status == app.StatusConnected && len(s.Devices) == 2 })
	return o, d, u
}

// A call ringing at both of carl's phones (group 700) is one card, one
// notification, naming both phones; Answer on the screen answers at the
// phone that rings, the other phone's ring ends and the card stays,
// saying which phone he talks on. A second call answered on the
// softphone itself keeps its card too (issue 13 item 9).
func TestConsoleTwoPhonesOneCard(t *testing.T) {
	o, _, u := carlReady(t)
	var id string
	want := &fyne.Notification{Title: "Call from Jane Doe",
		Content: "+49 30 1234567 · Acme GmbH, Purchasing · on 204 (Carl), 205 (Carl's softphone) · via Carl anywhere"}
	test.AssertNotificationSent(t, want, func() {
		id = o.Ring("700", popJaneNumber, "")
		waitRender(t, u, "ringing at both", func(s app.State) bool { return len(alertingDevices(s, id)) == 2 })
	})
	c := onlyCard(t, u)
	if c.where.Text != "Ringing on 204 (Carl), 205 (Carl's softphone)" || !strings.HasPrefix(c.queue.Text, "Carl anywhere") {
		t.Fatalf("card: where %q, queue %q", c.where.Text, c.queue.Text)
	}
	test.Tap(c.answer)
	waitRender(t, u, "answered on the desk phone, its twin gone", func(s app.State) bool {
		return popConnectedOn(id, "204")(s) && len(alertingDevices(s, id)) == 0
	})
	if c2 := onlyCard(t, u); c2 != c || c.kind != cardLive || c.where.Text != "Talking on 204 (Carl)" {
		t.Fatalf("after answer: same card %v, kind %d, where %q", c2 == c, c.kind, c.where.Text)
	}

	second := o.Ring("700", "+49 89 7654321", "Max Muster")
	waitRender(t, u, "second ringing", ringing(second))
	if err := o.Sim.Answer(context.Background(), pbx.CallID(second), "205"); err != nil {
		t.Fatal(err)
	}
	waitRender(t, u, "second answered on the softphone", func(s app.State) bool {
		return popConnectedOn(second, "205")(s) && len(alertingDevices(s, second)) == 0
	})
	if sc := card(t, u, second); sc.kind != cardLive || sc.where.Text != "Talking on 205 (Carl's softphone)" {
		t.Fatalf("second call: kind %d, where %q; calls %+v", sc.kind, sc.where.Text, u.state.Calls)
	}
	if n := len(u.console.order); n != 2 {
		t.Fatalf("cards %v, want one per call", u.console.order)
	}
}

// The settings pick the phone click-to-dial rings first, among the
// user's phones; it is saved and in force at once, and when it is not
// registered the dial window says which phone rings instead.
func TestSettingsDialDevice(t *testing.T) {
	o, d, u := carlReady(t)
	u.settings.show()
	v := u.settings
	wantOpts := []string{dialAutomatic, "204 (Carl)", "205 (Carl's softphone)"}
	if !slices.Equal(v.dialDevice.Options, wantOpts) || v.dialDevice.SelectedIndex() != 0 {
		t.Fatalf("dial from: %q selected %d, want %q with Automatic", v.dialDevice.Options, v.dialDevice.SelectedIndex(), wantOpts)
	}
	v.dialDevice.SetSelectedIndex(2)
	test.Tap(v.saveBtn)
	s, _, err := settings.Load(filepath.Join(d.Dir, settings.FileName))
	if err != nil || s.DialDevice != "205" || d.Settings.DialDevice != "205" {
		t.Fatalf("saved dial_device %q (desk %q), %v", s.DialDevice, d.Settings.DialDevice, err)
	}
	u.dial.show("")
	test.Type(u.dial.entry, "030 1234567")
	if want := "Your phone 205 rings first — pick up to call Jane Doe (+49 30 1234567)"; u.dial.preview.Text != want {
		t.Fatalf("preview %q, want %q", u.dial.preview.Text, want)
	}
	u.dial.win.hide()

	if err := o.Sim.SetRegistered(context.Background(), "205", false); err != nil {
		t.Fatal(err)
	}
	waitRender(t, u, "softphone unregistered", func(s app.State) bool { return len(s.Devices) == 2 && !s.Devices[1].Registered })
	if got := v.dialDevice.Selected; got != "205 (Carl's softphone) — not registered" {
		t.Errorf("dial from shows %q: the choice stays, marked", got)
	}
	u.dial.show("")
	test.Type(u.dial.entry, "030 1234567")
	if want := "Your phone 205 is not registered. Your phone 204 rings first — pick up to call Jane Doe (+49 30 1234567)"; u.dial.preview.Text != want {
		t.Fatalf("preview %q, want %q", u.dial.preview.Text, want)
	}
}
