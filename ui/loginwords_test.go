package ui

import (
	"testing"

	"github.com/deskline/deskline/app"
	"github.com/deskline/deskline/app/tokens"
)

func TestLoginWords(t *testing.T) {
	if got, want := loginWhere("wss://cti.example:8443/v1/ws"), "Log in to the Deskline server at cti.example:8443"; got != want {
		t.Errorf("loginWhere = %q, want %q", got, want)
	}
	if got := loggedInText("Ann Weber"); got != "Logged in as Ann Weber" {
		t.Errorf("loggedInText = %q", got)
	}
	refused := &app.LinkError{Problem: app.LinkRefused, Host: "cti:8080"}
	for _, tc := range []struct {
		s    app.State
		want string
	}{
		{app.State{}, "Your password is needed to connect."},
		{app.State{Reason: "wrong user or password"}, "Wrong user or password."},
		{app.State{Reason: "x", Problem: refused},
			"Cannot reach the Deskline server at cti:8080: it refuses connections (not running, or the wrong port)."},
		{app.State{Reason: "logged out", KeyringProblem: tokens.KeyringLocked},
			"Logged out.\nThe keyring stayed locked. Deskline asks for your password at every start until it is unlocked."},
	} {
		if got := loginWhyText(tc.s); got != tc.want {
			t.Errorf("loginWhyText(%+v)\n got %q\nwant %q", tc.s, got, tc.want)
		}
	}
}
