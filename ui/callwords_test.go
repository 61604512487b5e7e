package ui

import (
	"testing"
	"time"

	"github.com/deskline/deskline/app"
	"github.com/deskline/deskline/contacts"
	"github.com/deskline/deskline/ctiproto"
)

// twoPhones is a user with a desk phone and a softphone that answers by
// itself.
func twoPhones() app.State {
	return app.State{Devices: []app.Device{{ID: "201", Name: "Desk phone"}, {ID: "205", Name: "Softphone", AutoAnswer: true}}}
}

func TestWhereText(t *testing.T) {
	one := connected()
	two := twoPhones()
	two.Calls = []app.Call{{ID: "c1", Device: "201", State: ctiproto.StateAlerting, Direction: ctiproto.DirectionIncoming},
		{ID: "c1", Device: "205", State: ctiproto.StateAlerting, Direction: ctiproto.DirectionIncoming}}
	for _, tc := range []struct {
		name string
		k    cardKind
		call app.Call
		s    app.State
		want string
	}{
		{"ringing at two", cardRinging, app.Call{ID: "c1"}, two, "Ringing on 201 (Desk phone), 205 (Softphone)"},
		{"live, one phone", cardLive, app.Call{Device: "201"}, one, "Talking on 201"},
		{"live, two phones", cardLive, app.Call{Device: "205"}, two, "Talking on 205 (Softphone)"},
		{"held", cardHeld, app.Call{Device: "201"}, one, "On hold on 201 — the caller hears music"},
		{"dialling, far end rings", cardDialling, app.Call{Device: "201", State: ctiproto.StateConnected}, one, "Ringing at the other end"},
		{"dialling, auto answer", cardDialling, app.Call{Device: "205", State: ctiproto.StateInitiated}, two,
			"Your phone 205 (Softphone) answers by itself, then calls"},
		{"dialling, pick up", cardDialling, app.Call{Device: "201", State: ctiproto.StateInitiated}, one,
			"Your phone 201 rings — pick up to call"},
	} {
		if got := whereText(tc.k, tc.call, tc.s); got != tc.want {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
	}
}

func TestQueueText(t *testing.T) {
	for _, tc := range []struct {
		queue  string
		waited time.Duration
		want   string
	}{
		{"", 42 * time.Second, ""},
		{"Sales", 0, "Sales"},
		{"Sales", 42 * time.Second, "Sales · waited 0:42"},
		{"Sales", 61*time.Minute + 5*time.Second, "Sales · waited 1:01:05"},
	} {
		if got := queueText(tc.queue, tc.waited); got != tc.want {
			t.Errorf("queueText(%q, %v) = %q, want %q", tc.queue, tc.waited, got, tc.want)
		}
	}
}

func TestHeaderText(t *testing.T) {
	items := func(kinds ...cardKind) []consoleItem {
		var out []consoleItem
		for _, k := range kinds {
			out = append(out, consoleItem{kind: k})
		}
		return out
	}
	for _, tc := range []struct {
		items []consoleItem
		want  string
	}{
		{nil, ""},
		{items(cardRinging), "1 caller waiting"},
		{items(cardRinging, cardRinging, cardLive, cardHeld), "2 callers waiting · 1 live call · 1 on hold"},
		{items(cardDialling, cardFailed, cardFailed), "1 calling · 2 not connected"},
	} {
		if got := headerText(tc.items); got != tc.want {
			t.Errorf("headerText = %q, want %q", got, tc.want)
		}
	}
}

func TestCardLabels(t *testing.T) {
	for _, tc := range []struct{ got, want string }{
		{holdLabel(false, false), "Hold"},
		{holdLabel(true, false), "Retrieve"},
		{holdLabel(true, true), "Swap"},
		{crmLabel(true), "Open in CRM"},
		{crmLabel(false), "CRM: none set (Settings)"},
		{copyLabel(false), "Copy number"},
		{copyLabel(true), "Copied"},
		{pickerPrompt(true), "Forward to: number or name"},
		{pickerPrompt(false), "Transfer to: number or name"},
		{calledAtText(time.Date(2026, 3, 2, 13, 5, 0, 0, time.UTC), time.FixedZone("CET", 3600)), "Called at 14:05"},
	} {
		if tc.got != tc.want {
			t.Errorf("%q, want %q", tc.got, tc.want)
		}
	}
	for k := cardRinging; k <= cardFailed; k++ {
		if kindWords[k] == "" {
			t.Errorf("card kind %d has no marker words", k)
		}
	}
}

func TestRingNotice(t *testing.T) {
	s := twoPhones()
	s.Calls = []app.Call{{ID: "c1", Device: "201", State: ctiproto.StateAlerting, Direction: ctiproto.DirectionIncoming}}
	acme := &contacts.Contact{Organization: "Acme GmbH", Department: "Purchasing"}
	for _, tc := range []struct {
		name        string
		c           app.Call
		title, text string
	}{
		{"bare", app.Call{ID: "c9", Display: "+49 30 901820"}, "Call from +49 30 901820", "+49 30 901820"},
		{"contact at a phone via a queue", app.Call{ID: "c1", Display: "Lena Hoffmann", Contact: acme, Queue: "Sales"},
			"Call from Lena Hoffmann", "+49 30 901820 · Acme GmbH, Purchasing · on 201 (Desk phone) · via Sales"},
	} {
		title, text := ringNotice(s, tc.c, "+49 30 901820")
		if title != tc.title || text != tc.text {
			t.Errorf("%s: %q / %q, want %q / %q", tc.name, title, text, tc.title, tc.text)
		}
	}
}
