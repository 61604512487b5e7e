package ui

import "testing"

func TestDeskNotifications(t *testing.T) {
	for _, tc := range []struct {
		got, want [2]string
	}{
		{pair(startProblemsText("Home region: bad", 1)), [2]string{"Deskline started with problems", "Home region: bad"}},
		{pair(startProblemsText("A", 2)), [2]string{"Deskline started with problems", "A (and more: see Settings)"}},
		{pair(demoWelcomeText("201", false)), [2]string{"Welcome to the Deskline demo",
			`Your phone 201 rings in a moment, from a contact in the demo address book. "Ring me (demo)" rings it again; Dial… calls a contact.`}},
		{pair(demoWelcomeText("201", true)), [2]string{"Welcome to the Deskline demo",
			`Your phone 201 rings in a moment, from a contact in the demo address book. "Ring me (demo)" rings it again; Dial… calls a contact. Switchboard… shows your colleagues' phones: one of them rings next, for you to pick up.`}},
	} {
		if tc.got != tc.want {
			t.Errorf("got %q\nwant %q", tc.got, tc.want)
		}
	}
}
