package ui

import (
	"testing"

	"github.com/deskline/deskline/app"
	"github.com/deskline/deskline/contacts"
)

func TestForwardWords(t *testing.T) {
	if got := forwardLabelText(""); got != "Forward calls…" {
		t.Errorf("off: %q", got)
	}
	if got := forwardLabelText("+49 30 1234567"); got != "Forwarding to +49 30 1234567…" {
		t.Errorf("on: %q", got)
	}
	clara := app.DialTarget{Display: "+49 30 1234567", Contact: &contacts.Contact{FormattedName: "Clara Weiss"}}
	for _, tc := range []struct {
		text string
		t    app.DialTarget
		err  error
		want string
	}{
		{"", app.DialTarget{}, &app.NoNumberError{}, "Type a number or a name."},
		{"nobody", app.DialTarget{}, &app.NoNumberError{Text: "nobody"}, `No phone number found in "nobody"`},
		{"clara", clara, nil, "Calls to your phone will ring at Clara Weiss (+49 30 1234567)."},
		{"204", app.DialTarget{Display: "204"}, nil, "Calls to your phone will ring at 204."},
	} {
		if got := forwardPreview(tc.text, tc.t, tc.err); got != tc.want {
			t.Errorf("forwardPreview(%q) = %q, want %q", tc.text, got, tc.want)
		}
	}
}
