package ui

import (
	"os"
	"strings"
	"testing"
	"time"

	"github.com/deskline/deskline/app"
	"github.com/deskline/deskline/ctiproto"
)

func TestTileWords(t *testing.T) {
	ago := func(secs int) time.Time { return testNow.Add(-time.Duration(secs) * time.Second) }
	for _, tc := range []struct {
		c             app.Colleague
		state, detail string
	}{
		{app.Colleague{Device: "208", Status: ctiproto.StatusIdle, Since: ago(3000), Who: "old caller"}, "Free", "208"},
		{app.Colleague{Device: "203", Status: ctiproto.StatusRinging, Since: ago(12), Who: "Jane Doe"}, "Ringing 0:12", "203 · Jane Doe"},
		{app.Colleague{Device: "201", Status: ctiproto.StatusInCall, Since: ago(3725)}, "Talking 1:02:05", "201"},
		{app.Colleague{Device: "207", Status: ctiproto.StatusOnHold, Since: ago(45), Who: "Paul"}, "On hold 0:45", "207 · Paul"},
		{app.Colleague{Device: "204", Status: ctiproto.StatusDND, Since: ago(1200)}, "Do not disturb since 09:40", "204"},
		{app.Colleague{Device: "205", Status: ctiproto.StatusOffline}, "Offline", "205"},
		{app.Colleague{Device: "206", Status: ctiproto.StatusForwarded, ForwardTo: "204"}, "Forwarded to 204", "206"},
		{app.Colleague{Device: "206", Status: ctiproto.StatusForwarded, ForwardTo: "+49 170 5550100"}, "Forwarded to +49 170…", "206"},
		{app.Colleague{Device: "209", Status: "strange"}, "strange", "209"},
	} {
		if got := tileState(tc.c, testNow); got != tc.state {
			t.Errorf("%s: state %q, want %q", tc.c.Device, got, tc.state)
		}
		if got := tileDetail(tc.c); got != tc.detail {
			t.Errorf("%s: detail %q, want %q", tc.c.Device, got, tc.detail)
		}
	}
	if got := tileName(app.Colleague{Device: "1", Name: "Bartholomew Fitzgerald-Smythe"}, false); got != "Bartholomew Fitzgeral…" {
		t.Errorf("long name %q", got)
	}
	if got := tileName(app.Colleague{Device: "203", Name: "Bob"}, true); got != "★ Bob" {
		t.Errorf("favourite %q", got)
	}
}

func TestColleagueWarning(t *testing.T) {
	for _, tc := range []struct {
		c        app.Colleague
		how, out string
	}{
		{app.Colleague{Device: "208", Name: "Finn", Status: ctiproto.StatusIdle}, toTransfer, ""},
		{app.Colleague{Device: "201", Name: "Ann", Status: ctiproto.StatusInCall}, toTransfer, "Ann is on the phone. Press again to transfer anyway."},
		{app.Colleague{Device: "204", Status: ctiproto.StatusDND}, toAnnounce, "204 does not want to be disturbed. Press again to announce anyway."},
		{app.Colleague{Device: "206", Name: "Dora", Status: ctiproto.StatusForwarded, ForwardTo: "204"}, toTransfer, "Dora forwards calls to 204. Press again to transfer anyway."},
		{app.Colleague{Device: "205", Name: "Carl", Status: ctiproto.StatusOffline}, toTransfer, "Carl has no phone online. Press again to transfer anyway."},
		{app.Colleague{Device: "203", Name: "Bob", Status: ctiproto.StatusRinging}, toTransfer, "Bob has a call ringing. Press again to transfer anyway."},
		{app.Colleague{Device: "207", Name: "Eva", Status: ctiproto.StatusOnHold}, toTransfer, "Eva has a call on hold. Press again to transfer anyway."},
	} {
		if got := colleagueWarning(tc.c, tc.how); got != tc.out {
			t.Errorf("%s: %q, want %q", tc.c.Device, got, tc.out)
		}
	}
}

func TestWaitingWords(t *testing.T) {
	ago := func(secs int) time.Time { return testNow.Add(-time.Duration(secs) * time.Second) }
	for _, tc := range []struct {
		w    app.WaitingCaller
		want string
		late bool
	}{
		{app.WaitingCaller{Position: 1, Joined: ago(59), Who: "Jane Doe"}, "1. Jane Doe · 0:59", false},
		{app.WaitingCaller{Position: 2, Joined: ago(60)}, "2. Caller · WAITING 1:00", true},
	} {
		if got, late := waitingText(tc.w, testNow); got != tc.want || late != tc.late {
			t.Errorf("%q %v, want %q %v", got, late, tc.want, tc.late)
		}
	}
	if got, late := parkedText(app.ParkedCall{Slot: "701", Who: "Max", Mine: true, Since: ago(5)}, testNow); got != "701 · Max (by you) · 0:05" || late {
		t.Errorf("parked %q", got)
	}
	for q, want := range map[*app.WaitingQueue]string{
		{Number: "600", Name: "Front desk", Waiting: make([]app.WaitingCaller, 2)}: "Front desk (600) · 2 waiting",
		{Number: "610"}: "610 · nobody waiting",
	} {
		if got := queueTitle(*q); got != want {
			t.Errorf("queue title %q, want %q", got, want)
		}
	}
	it := consoleItem{kind: cardRinging, call: app.Call{Display: "Max", Since: ago(4)}}
	if got := callRowText(it, "701", testNow); got != "RECALL from park 701: Max · Ringing 0:04" {
		t.Errorf("recall row %q", got)
	}
}

func TestSwitchboardHeaderWords(t *testing.T) {
	s := sbState()
	if got := callingText(app.Colleague{Device: "208", Name: "Finn"}); got != "Calling Finn…" {
		t.Errorf("%q", got)
	}
	if got := doneText(toAnnounce, app.Colleague{Device: "203"}); got != "Calling 203 to announce the caller…" {
		t.Errorf("%q", got)
	}
	if got := switchboardHeader(s, 7, 7); got != "1 of 7 colleagues free" {
		t.Errorf("%q", got)
	}
	if got := switchboardHeader(s, 2, 7); got != "1 of 7 colleagues free · 2 match" {
		t.Errorf("%q", got)
	}
	s.Switchboard.Watching = false
	if got := switchboardHeader(s, 0, 0); !strings.HasPrefix(got, "Colleagues' lines are not shown") {
		t.Errorf("%q", got)
	}
}

// Every key is in the help overlay and in docs/switchboard.md, and every
// function key has a button that says it.
func TestSwitchboardKeysDocumented(t *testing.T) {
	doc, err := os.ReadFile("../docs/switchboard.md")
	if err != nil {
		t.Fatal(err)
	}
	help := helpText()
	for _, k := range switchboardKeys {
		row := "| " + k.name + " | " + k.what + " |"
		if !strings.Contains(string(doc), row) {
			t.Errorf("docs/switchboard.md lacks the row %q", row)
		}
		if !strings.Contains(help, k.what) {
			t.Errorf("help lacks %q", k.what)
		}
	}
	u := sbOffline(t, sbState())
	for _, k := range switchboardKeys {
		if strings.HasPrefix(string(k.key), "F") {
			if b := u.switchboard.calls.buttons[k.key]; b == nil || !strings.HasSuffix(b.Text, "("+string(k.key)+")") {
				t.Errorf("no button says %s", k.key)
			}
		}
	}
}
