package app

import (
	"errors"
	"io/fs"
	"strings"
	"syscall"
	"testing"
)

// TestErrorsCarryFields: the errors a person meets keep what a UI words
// them from as fields, and still read as log lines with the app's prefix.
func TestErrorsCarryFields(t *testing.T) {
	for _, tc := range []struct {
		err  error
		is   error // errors.Is holds, or nil
		text string
	}{
		{&NoNumberError{Text: "see you"}, ErrNoNumber, `app: no phone number found in "see you"`},
		{&NoNumberError{Withheld: true}, ErrNoNumber, "app: no phone number found: the caller withheld their number"},
		{&LogoutError{Err: ErrNotConnected}, ErrNotConnected,
			"app: logged out here, but the server was not told (app: not connected to the server): the login stays valid there until it expires"},
		{&PasswordURLError{URL: "ws://x/v1/ws", Err: errors.New("ctiproto: refusing")}, nil, "app: login to ws://x/v1/ws: ctiproto: refusing"},
		{&AutostartError{Reason: "no home folder"}, nil, "app: start at login: no home folder"},
		{&AutostartError{Err: &fs.PathError{Op: "write", Path: "/a", Err: syscall.EACCES}}, syscall.EACCES,
			"app: start at login: write /a: permission denied"},
		{&AutostartError{Reason: "cannot remove the entry", Err: syscall.EPERM}, syscall.EPERM,
			"app: start at login: cannot remove the entry: operation not permitted"},
	} {
		if got := tc.err.Error(); got != tc.text {
			t.Errorf("%#v reads\n %q, want\n %q", tc.err, got, tc.text)
		}
		if tc.is != nil && !errors.Is(tc.err, tc.is) {
			t.Errorf("%v is not %v", tc.err, tc.is)
		}
	}
}

func TestPrepareDialNoNumberText(t *testing.T) {
	ann := newOffice(t).desk("ann")
	_, err := ann.PrepareDial("  see you tomorrow  ")
	var e *NoNumberError
	if !errors.As(err, &e) || e.Text != "see you tomorrow" || e.Withheld {
		t.Errorf("PrepareDial: %#v, want a NoNumberError with the text looked at", err)
	}
	if err := ann.Login(t.Context(), ""); !errors.Is(err, ErrEmptyPassword) {
		t.Errorf("Login without a password: %v", err)
	}
}

func TestAutostartEntryErrorsAreTyped(t *testing.T) {
	for _, exec := range []string{"bin/deskline", "/opt/a=b/deskline"} {
		_, err := autostartEntry(exec, nil)
		var e *AutostartError
		if !errors.As(err, &e) || !strings.Contains(e.Reason, exec) {
			t.Errorf("autostartEntry(%q): %#v", exec, err)
		}
	}
}
