package ui

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"syscall"
	"testing"

	"github.com/deskline/deskline/app"
	"github.com/deskline/deskline/app/crm"
	"github.com/deskline/deskline/app/journal"
	"github.com/deskline/deskline/app/settings"
	"github.com/deskline/deskline/app/tokens"
	"github.com/deskline/deskline/contacts"
)

// TestErrorWords: every error a person meets is worded from its type's
// fields or from the sentinel it is, however it was wrapped for logs.
func TestErrorWords(t *testing.T) {
	denied := &fs.PathError{Op: "write", Path: "/cfg/settings.json", Err: syscall.EACCES}
	for _, tc := range []struct {
		err  error
		want string
	}{
		{errNoClient, "Not set up yet: open Settings and log in"},
		{fmt.Errorf("answer: %w", app.ErrNoSuchCall), "No such call on your phones"},
		{app.ErrConnectionLost, "The connection was lost before the server answered; check the call list"},
		{app.ErrStopped, "Deskline is not connected: it is stopping or restarting"},
		{app.ErrEmptyPassword, "Enter your password"},
		{app.ErrAutostartUnsupported, "Start at login is not supported on this system yet"},
		{fmt.Errorf("%w: %q", contacts.ErrNotANumber, "abc"), "Not a phone number"},
		{journal.ErrClosed, "The call list is closed: Deskline is restarting"},
		{tokens.ErrNotFound, "No login stored on this computer: log in"},
		{&app.NoNumberError{Text: "call me"}, `No phone number found in "call me"`},
		{&app.NoNumberError{Withheld: true}, "No number to call: the caller withheld it"},
		{app.ErrNoNumber, "No phone number found"},
		{&app.PasswordURLError{URL: "ws://pbx.example:8080/v1/ws", Err: errors.New("ctiproto: refusing …")},
			"Log in: the password would travel unencrypted to pbx.example:8080; use a wss:// server address"},
		{&app.LogoutError{Err: app.ErrNotConnected},
			"Logged out here, but the server was not told (not connected to the server): the login stays valid there until it expires"},
		{&app.LogoutError{Err: context.DeadlineExceeded},
			"Logged out here, but the server was not told (no answer within 15 s; check the call list): the login stays valid there until it expires"},
		{&app.AutostartError{Reason: `"bin/deskline" is not an absolute path`}, `"bin/deskline" is not an absolute path`},
		{&app.AutostartError{Reason: "no home folder", Err: errors.New("$HOME is not defined")}, "No home folder: $HOME is not defined"},
		{&app.AutostartError{Err: denied}, "Cannot save /cfg/settings.json: permission denied"},
		{&crm.Error{URL: "https://crm/{x}", Reason: "unknown placeholder {x}"}, "Unknown placeholder {x}"},
		{&settings.Error{Field: "home_region", Reason: `"XX" is not a region`}, `Home region: "XX" is not a region`},
		{&settings.Error{Field: "popup.enabled", Reason: "not a boolean"}, "Popup.enabled: not a boolean"},
		{&settings.Error{Field: "address_books[2]", Book: 3, Reason: "/b/x.txt is not a vCard file (.vcf)"}, "Address book 3: /b/x.txt is not a vCard file (.vcf)"},
		{&settings.BookError{Path: "/b", Problem: settings.BookNotVCard}, "/b is not a vCard file (.vcf)"},
		{&tokens.NoKeyringError{Err: errors.New("timed out")}, keyringText((&tokens.NoKeyringError{Err: errors.New("timed out")}).Problem())},
		{contacts.Warning{File: "über.vcf", Err: errors.New("no END:VCARD")}, "Über.vcf: no END:VCARD"},
		{contacts.Warning{File: "a.vcf", Card: 7, Name: "Jane Doe", Err: errors.New("PHOTO is empty; ignored")},
			"A.vcf: card 7 (Jane Doe): PHOTO is empty; ignored"},
		{errors.Join(&settings.Error{Field: "user", Reason: "empty"}, &settings.Error{Field: "crm_url", Reason: "no host"}),
			"User: empty\nCRM link: no host"},
		{&settings.Warning{Path: "/cfg/settings.json", Field: "home_region", Reason: `"XX" is not a region; using the default`},
			`Home region: "XX" is not a region; using the default`},
		{&settings.Warning{Path: "/cfg/settings.json", Field: "popup.take_focus", Reason: "want true or false, got string; using the default"},
			"Popup.take_focus: want true or false, got string; using the default"},
		{&settings.Warning{Path: "/cfg/settings.json", Field: "address_books[1]", Book: 2, Reason: "/b/gone.vcf: no such file or directory; left out of the list"},
			"Address book 2: /b/gone.vcf: no such file or directory; left out of the list"},
		{&settings.Warning{Path: "/cfg/settings.json", Field: "theme", Unknown: true}, `Settings file /cfg/settings.json: unknown setting "theme" ignored`},
		{&settings.Warning{Path: "/cfg/settings.json", Reason: "no version; read as version 1"}, "Settings file /cfg/settings.json: no version; read as version 1"},
		{&settings.Warning{Path: "/cfg/settings.json", Reason: "not a settings file: EOF", MovedTo: "/cfg/settings.json.corrupt-1"},
			"The settings file /cfg/settings.json could not be read (not a settings file: EOF); it was moved to /cfg/settings.json.corrupt-1 and the defaults apply"},
		{&journal.Warning{Path: "/cfg/journal.json", Entry: 3, Reason: "no id"}, "Call list: call 3 left out: no id"},
		{&journal.Warning{Path: "/cfg/journal.json", Reason: "no version", MovedTo: "/cfg/journal.json.corrupt-1"},
			"The call list /cfg/journal.json could not be read (no version); it was moved to /cfg/journal.json.corrupt-1 and a new one started"},
		{&app.WatchError{Err: contacts.Warning{File: "/b", Err: errors.New("cannot watch: too many open files")}},
			"Address books are not watched for changes: /b: cannot watch: too many open files"},
		{&app.ClientSettingsError{Err: &app.NoNumberError{Text: "x"}}, `Cannot connect with these settings: no phone number found in "x"`},
		{&app.OptionError{Field: "server_url", Reason: `"http://x": want ws://host:port/v1/ws or wss://…`},
			`Server: "http://x": want ws://host:port/v1/ws or wss://…`},
		{&app.ClientSettingsError{Err: &app.OptionError{Field: "ca_file", Err: &fs.PathError{Op: "open", Path: "/ca.pem", Err: syscall.ENOENT}}},
			"Cannot connect with these settings: CA certificates: cannot open /ca.pem: no such file or directory"},
		{&app.DownError{Reason: "server unreachable"}, "Server unreachable"},
		{&app.DemoRingError{Problem: app.RingNoDevice}, "No phone to ring yet: is the demo user logged in?"},
		{&app.DemoRingError{Device: "201", URL: "http://127.0.0.1:8080/v1/sim/ring", Problem: app.RingNoSimAPI, Err: errors.New("404")},
			"The server at 127.0.0.1:8080 has no sim API: run the demo server (make run, or enable [sim_api] in its configuration)"},
		{&app.DemoRingError{Device: "201", URL: "http://127.0.0.1:8080/v1/sim/ring", Problem: app.RingServerDown, Err: errors.New("dial tcp")},
			"Nothing answers at 127.0.0.1:8080: is the demo server running (make run)?"},
		{&app.DemoRingError{Device: "999", URL: "http://127.0.0.1:8080/v1/sim/ring", Problem: app.RingRefused, Err: errors.New("the server answered 404 Not Found: sim: ring 999: not an extension")},
			"The demo server did not ring 999: the server answered 404 Not Found: sim: ring 999: not an extension"},
		{&settings.DirError{Dir: "cfg", Reason: "DESKLINE_CONFIG_DIR must be an absolute path"}, "DESKLINE_CONFIG_DIR must be an absolute path (cfg)"},
		{&settings.DirError{Dir: "/ro/deskline", Reason: "cannot create the configuration folder", Err: &fs.PathError{Op: "mkdir", Path: "/ro/deskline", Err: syscall.EROFS}},
			"Cannot create the configuration folder (/ro/deskline): cannot create the folder /ro/deskline: read-only file system"},
		{fmt.Errorf("settings: %w", denied), "Cannot save /cfg/settings.json: permission denied"},
		{fmt.Errorf("journal: %w", &fs.PathError{Op: "read", Path: "/cfg/journal.json", Err: errors.New("not a regular file")}),
			"Cannot read /cfg/journal.json: not a regular file"},
		{&os.LinkError{Op: "rename", Old: "/cfg/.tmp", New: "/cfg/journal.json", Err: syscall.EROFS},
			"Cannot save /cfg/journal.json: read-only file system"},
		{&fs.PathError{Op: "chmod", Path: "/x", Err: syscall.EPERM}, "Cannot use /x: operation not permitted"},
	} {
		if got := userText(tc.err); got != tc.want {
			t.Errorf("userText(%v)\n got %q\nwant %q", tc.err, got, tc.want)
		}
	}
}

// TestCRMHint: the settings window's CRM hint is worded from the
// template check's fields, or shows the sample link.
func TestCRMHint(t *testing.T) {
	for _, tc := range []struct{ template, want string }{
		{"", "Off: no CRM page is opened for calls."},
		{"https://crm.example/?p={phone}", "Unknown placeholder {phone} (known: {number}, {e164}, {name}, {company})"},
		{"ftp://crm.example/{number}", "Not an http:// or https:// URL"},
		{"https://crm.example/?q={e164}", "For Lena Hoffmann calling from 030 1234567: https://crm.example/?q=%2B49301234567"},
	} {
		if got, _ := crmHint(tc.template); got != tc.want {
			t.Errorf("crmHint(%q) = %q, want %q", tc.template, got, tc.want)
		}
	}
}
