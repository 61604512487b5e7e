package ui

import (
	"strings"
	"testing"

	"github.com/deskline/deskline/app"
)

// TestLinkNotifications: a handed-over link's notifications, title and
// text, with another program's text cut to linkShown characters.
func TestLinkNotifications(t *testing.T) {
	target := app.DialTarget{Display: "+49 30 1234567", Device: "201"}
	long := strings.Repeat("7", 200)
	for _, tc := range []struct {
		got, want [2]string
	}{
		{pair(linkWaitingText("tel:+49301234567")), [2]string{"Deskline is connecting", "It dials tel:+49301234567 once connected."}},
		{pair(linkWaitingText(long)), [2]string{"Deskline is connecting", "It dials " + long[:linkShown-1] + "… once connected."}},
		{pair(linkDiallingText(target)), [2]string{"Dialling +49 30 1234567", "Your phone 201 rings first — pick up to call +49 30 1234567"}},
		{pair(linkFailedText(target, app.ErrNotConnected)), [2]string{"Cannot dial +49 30 1234567", "Not connected to the server"}},
	} {
		if tc.got != tc.want {
			t.Errorf("got %q\nwant %q", tc.got, tc.want)
		}
	}
}

// pair holds a title and a text for comparing.
func pair(title, body string) [2]string { return [2]string{title, body} }
