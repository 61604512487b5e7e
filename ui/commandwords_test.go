package ui

import "testing"

func TestCommandWords(t *testing.T) {
	for _, tc := range []struct{ got, want string }{
		{recentLabel(0), "Recent calls"},
		{recentLabel(2), "Recent calls (2 missed)"},
		{callsLabel(0), "Calls (0)"},
		{callsLabel(3), "Calls (3)"},
		{mainWhyText("", ""), "This desktop shows no tray icons, so Deskline runs in this window. Closing it quits Deskline."},
		{mainWhyText("No tray here", "No keyring."), "No tray here, so Deskline runs in this window. Closing it quits Deskline.\nNo keyring."},
	} {
		if tc.got != tc.want {
			t.Errorf("%q, want %q", tc.got, tc.want)
		}
	}
}
