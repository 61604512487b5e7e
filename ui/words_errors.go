package ui

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
	"time"

	"github.com/deskline/deskline/app"
	"github.com/deskline/deskline/app/crm"
	"github.com/deskline/deskline/app/journal"
	"github.com/deskline/deskline/app/settings"
	"github.com/deskline/deskline/app/tokens"
	"github.com/deskline/deskline/contacts"
)

// Errors reach people worded from what they are (a sentinel) or from
// their fields (a type), never by editing the text they carry for logs.

// errNoClient is what actions say before the app is set up.
var errNoClient = errors.New("ui: not set up yet")

// sentinelWords word the errors that say all with what they are.
var sentinelWords = []struct {
	err   error
	words string
}{
	{errNoClient, "not set up yet: open Settings and log in"},
	{app.ErrNotConnected, "not connected to the server"},
	{app.ErrConnectionLost, "the connection was lost before the server answered; check the call list"},
	{app.ErrNoSuchCall, "no such call on your phones"},
	{app.ErrStopped, "Deskline is not connected: it is stopping or restarting"},
	{app.ErrAlreadyRunning, "Deskline is already connecting"},
	{app.ErrAutostartUnsupported, "start at login is not supported on this system yet"},
	{app.ErrEmptyPassword, "enter your password"},
	{app.ErrNoNumber, "no phone number found"},
	{contacts.ErrNotANumber, "not a phone number"},
	{journal.ErrClosed, "the call list is closed: Deskline is restarting"},
	{tokens.ErrNotFound, "no login stored on this computer: log in"},
	{context.Canceled, "cancelled"},
}

// userText words an error for a person, as a sentence of its own.
func userText(err error) string { return capitalize(causeText(err)) }

// causeText words an error to follow other words ("…: " + causeText): a
// type by its fields, a sentinel by what it is, each of errors.Join's on
// a line. An error nobody has given words yet shows its own text.
func causeText(err error) string {
	if err == nil {
		return ""
	}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		var lines []string
		for _, e := range j.Unwrap() {
			lines = append(lines, userText(e))
		}
		return strings.Join(lines, "\n")
	}
	for _, word := range typedWords {
		if words, ok := word(err); ok {
			return words
		}
	}
	for _, s := range sentinelWords {
		if errors.Is(err, s.err) {
			return s.words
		}
	}
	return err.Error()
}

// typedWords word the errors that carry fields, first match wins: the
// wrappers come first (a logout that timed out is worded as a logout,
// with the timeout as its reason), then the causes. Set in init: the
// wrappers' words word their causes with this list.
var typedWords []func(error) (string, bool)

func init() {
	typedWords = []func(error) (string, bool){
		as(pwURLText), as(logoutText), as(autostartText), as(watchText), as(clientSettingsText),
		as(optionText), as(ringText),
		timeoutText, as(problemText), as(refusalText), as(downText), as(noNumberText),
		as(crmProblemText), as(bookText), as(settingText), as(keyringErrorText),
		as(settingsWarningText), as(journalWarningText), as(bookWarningText),
		as(configDirText), as(pathText), as(renameText),
	}
}

// as turns words for the error type E into a wording of any error that
// is, or wraps, an E.
func as[E error](words func(E) string) func(error) (string, bool) {
	return func(err error) (string, bool) {
		var e E
		if errors.As(err, &e) {
			return words(e), true
		}
		return "", false
	}
}

// timeoutText: an action ran out of time, said in seconds.
func timeoutText(err error) (string, bool) {
	if !errors.Is(err, context.DeadlineExceeded) {
		return "", false
	}
	return fmt.Sprintf("no answer within %d s; check the call list", int(actionTimeout/time.Second)), true
}

func pwURLText(e *app.PasswordURLError) string {
	return "Log in: the password would travel unencrypted to " + hostOf(e.URL) + "; use a wss:// server address"
}

func logoutText(e *app.LogoutError) string {
	return "logged out here, but the server was not told (" + causeText(e.Err) + "): the login stays valid there until it expires"
}

func watchText(e *app.WatchError) string {
	return "address books are not watched for changes: " + causeText(e.Err)
}

func clientSettingsText(e *app.ClientSettingsError) string {
	return "cannot connect with these settings: " + causeText(e.Err)
}

func downText(e *app.DownError) string { return e.Reason }

func keyringErrorText(e *tokens.NoKeyringError) string { return keyringText(e.Problem()) }

func pathText(e *fs.PathError) string { return fileProblemText(e.Op, e.Path, e.Err) }

func renameText(e *os.LinkError) string { return fileProblemText(e.Op, e.New, e.Err) }

// noNumberText words a text without a number to dial.
func noNumberText(e *app.NoNumberError) string {
	if e.Withheld {
		return "no number to call: the caller withheld it"
	}
	return fmt.Sprintf("no phone number found in %q", e.Text)
}

// autostartText words why start at login could not be set, without the
// feature's name: the sentence around it names it.
func autostartText(e *app.AutostartError) string {
	return joinParts(": ", e.Reason, causeText(e.Err))
}

// crmProblemText words a CRM template that gives no link.
func crmProblemText(e *crm.Error) string { return e.Reason }

// settingText names a setting the way the settings window labels it.
func settingText(e *settings.Error) string { return settingName(e.Field, e.Book) + ": " + e.Reason }

// bookWarningText words a problem in an address book: the file, the card
// and the contact where there is one, then what is wrong.
func bookWarningText(w contacts.Warning) string {
	where := w.File
	if w.Card > 0 {
		where = joinParts(": ", where, fmt.Sprintf("card %d", w.Card))
		if w.Name != "" {
			where += " (" + w.Name + ")"
		}
	}
	what := ""
	if w.Err != nil {
		what = w.Err.Error()
	}
	return joinParts(": ", where, what)
}

// fileOps name what was done to a file the way a person says it.
var fileOps = map[string]string{
	"read":                 "read",
	"open":                 "open",
	"write":                "save",
	"sync":                 "save",
	"create the folder of": "create the folder of",
	"move aside":           "move aside",
	"rename":               "save",
	"remove":               "remove",
	"stat":                 "find",
	"lstat":                "find",
	"mkdir":                "create the folder",
}

// fileProblemText words a file that could not be used: what was tried on
// which file and the system's reason ("Cannot save /…/settings.json:
// permission denied").
func fileProblemText(op, path string, err error) string {
	verb, ok := fileOps[op]
	if !ok {
		verb = "use"
	}
	why := ""
	if err != nil {
		why = err.Error()
	}
	return withReason("cannot "+verb+" "+path, why)
}

// settingsWarningText words a problem in the settings file: the setting
// as the settings window labels it, what is wrong and what was used.
func settingsWarningText(w *settings.Warning) string {
	switch {
	case w.MovedTo != "":
		return "The settings file " + w.Path + " could not be read (" + w.Reason + "); it was moved to " + w.MovedTo + " and the defaults apply"
	case w.Unknown:
		return fmt.Sprintf("Settings file %s: unknown setting %q ignored", w.Path, w.Field)
	case w.Field != "":
		return settingName(w.Field, w.Book) + ": " + w.Reason
	}
	return "Settings file " + w.Path + ": " + w.Reason
}

// settingName names a setting the way the settings window labels it:
// the label of its JSON key, "Address book 2" for the book at fault
// (book is 1 + its index, 0 for other settings), the key itself
// (capitalised) for one the window does not show.
func settingName(field string, book int) string {
	if book > 0 {
		return fmt.Sprintf("Address book %d", book)
	}
	var i int
	if _, err := fmt.Sscanf(field, "server_urls[%d]", &i); err == nil {
		return fmt.Sprintf("Server, address %d", i+2) // server_url is the first
	}
	if l, ok := settingsLabels[field]; ok {
		return l
	}
	return capitalize(field)
}

// journalWarningText words a problem in the journal (the recent calls).
func journalWarningText(w *journal.Warning) string {
	switch {
	case w.MovedTo != "":
		return "The call list " + w.Path + " could not be read (" + w.Reason + "); it was moved to " + w.MovedTo + " and a new one started"
	case w.Entry > 0:
		return fmt.Sprintf("Call list: call %d left out: %s", w.Entry, w.Reason)
	}
	return "Call list " + w.Path + ": " + w.Reason
}

// optionText words a setting the client cannot be made with.
func optionText(e *app.OptionError) string {
	if e.Err != nil {
		return settingName(e.Field, 0) + ": " + causeText(e.Err)
	}
	return settingName(e.Field, 0) + ": " + e.Reason
}

// ringText words why the demo could not ring, with what to do.
func ringText(e *app.DemoRingError) string {
	host := hostOf(e.URL)
	switch e.Problem {
	case app.RingNoDevice:
		return "no phone to ring yet: is the demo user logged in?"
	case app.RingNoSimAPI:
		return "the server at " + host + " has no sim API: run the demo server (make run, or enable [sim_api] in its configuration)"
	case app.RingServerDown:
		return "nothing answers at " + host + ": is the demo server running (make run)?"
	}
	return withReason("the demo server did not ring "+e.Device, causeText(e.Err))
}

// configDirText words why there is no configuration folder.
func configDirText(e *settings.DirError) string {
	what := e.Reason
	if e.Dir != "" {
		what += " (" + e.Dir + ")"
	}
	return joinParts(": ", what, causeText(e.Err))
}
