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
	{errNoClient, "Not set up yet: open Settings and log in"},
	{app.ErrNotConnected, "Not connected to the server"},
	{app.ErrConnectionLost, "The connection was lost before the server answered; check the call list"},
	{app.ErrNoSuchCall, "No such call on your phones"},
	{app.ErrStopped, "Deskline is not connected: it is stopping or restarting"},
	{app.ErrAlreadyRunning, "Deskline is already connecting"},
	{app.ErrAutostartUnsupported, "Start at login is not supported on this system yet"},
	{app.ErrEmptyPassword, "Enter your password"},
	{app.ErrNoNumber, "No phone number found"},
	{contacts.ErrNotANumber, "Not a phone number"},
	{journal.ErrClosed, "The call list is closed: Deskline is restarting"},
	{tokens.ErrNotFound, "No login stored on this computer: log in"},
	{context.Canceled, "Cancelled"},
}

// userText words an error for a person: a type by its fields, a sentinel
// by what it is. An action that ran out of time says so in seconds. An
// error nobody has given words yet shows its own text, capitalised.
func userText(err error) string {
	if err == nil {
		return ""
	}
	if j, ok := err.(interface{ Unwrap() []error }); ok { // errors.Join: a line each
		var lines []string
		for _, e := range j.Unwrap() {
			lines = append(lines, userText(e))
		}
		return strings.Join(lines, "\n")
	}
	if words, ok := typedText(err); ok {
		return words
	}
	for _, s := range sentinelWords {
		if errors.Is(err, s.err) {
			return s.words
		}
	}
	return capitalize(err.Error())
}

// typedText words the errors that carry fields; ok is false for others.
// The wrappers come first (a logout that timed out is worded as a
// logout, with the timeout as its reason), then the causes.
func typedText(err error) (words string, ok bool) {
	var (
		link     *app.LinkError
		refused  *app.ActionError
		noNumber *app.NoNumberError
		pwURL    *app.PasswordURLError
		logout   *app.LogoutError
		start    *app.AutostartError
		template *crm.Error
		book     *settings.BookError
		setting  *settings.Error
		keyring  *tokens.NoKeyringError
		warning  contacts.Warning
		setWarn  *settings.Warning
		jWarn    *journal.Warning
		watch    *app.WatchError
		noClient *app.ClientSettingsError
		path     *fs.PathError
		link2    *os.LinkError
	)
	switch {
	case errors.As(err, &pwURL):
		return "Log in: the password would travel unencrypted to " + hostOf(pwURL.URL) + "; use a wss:// server address", true
	case errors.As(err, &logout):
		return "Logged out here, but the server was not told (" + userText(logout.Err) + "): the login stays valid there until it expires", true
	case errors.As(err, &start):
		return autostartText(start), true
	case errors.As(err, &watch):
		return "Address books are not watched for changes: " + userText(watch.Err), true
	case errors.As(err, &noClient):
		return "Cannot connect with these settings: " + userText(noClient.Err), true
	case errors.Is(err, context.DeadlineExceeded):
		return fmt.Sprintf("No answer within %d s; check the call list", int(actionTimeout/time.Second)), true
	case errors.As(err, &link):
		return problemText(link), true
	case errors.As(err, &refused):
		return refusalText(refused), true
	case errors.As(err, &noNumber):
		return noNumberText(noNumber), true
	case errors.As(err, &template):
		return crmProblemText(template), true
	case errors.As(err, &book):
		return bookText(book), true
	case errors.As(err, &setting):
		return settingText(setting), true
	case errors.As(err, &keyring):
		return keyringText(keyring.Problem()), true
	case errors.As(err, &setWarn):
		return settingsWarningText(setWarn), true
	case errors.As(err, &jWarn):
		return journalWarningText(jWarn), true
	case errors.As(err, &warning):
		return bookWarningText(warning), true
	case errors.As(err, &path):
		return fileProblemText(path.Op, path.Path, path.Err), true
	case errors.As(err, &link2):
		return fileProblemText(link2.Op, link2.New, link2.Err), true
	}
	return "", false
}

// noNumberText words a text without a number to dial.
func noNumberText(e *app.NoNumberError) string {
	if e.Withheld {
		return "No number to call: the caller withheld it"
	}
	return fmt.Sprintf("No phone number found in %q", e.Text)
}

// autostartText words why start at login could not be set, without the
// feature's name: the sentence around it names it.
func autostartText(e *app.AutostartError) string {
	switch {
	case e.Err == nil:
		return capitalize(e.Reason)
	case e.Reason == "":
		return userText(e.Err)
	}
	return capitalize(e.Reason) + ": " + userText(e.Err)
}

// crmProblemText words a CRM template that gives no link.
func crmProblemText(e *crm.Error) string { return capitalize(e.Reason) }

// settingText names a setting the way the settings window labels it.
func settingText(e *settings.Error) string { return settingLabel(e.Field) + ": " + e.Reason }

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
	return capitalize(joinParts(": ", where, what))
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
	return withReason("Cannot "+verb+" "+path, why)
}

// settingsWarningText words a problem in the settings file: the setting
// as the settings window labels it, what is wrong and what was used.
func settingsWarningText(w *settings.Warning) string {
	switch {
	case w.MovedTo != "":
		return "The settings file " + w.Path + " could not be read (" + w.Reason + "); it was moved to " + w.MovedTo + " and the defaults apply"
	case w.Unknown:
		return fmt.Sprintf("Settings file %s: unknown setting %q ignored", w.Path, w.Field)
	case w.Book > 0:
		return fmt.Sprintf("Address book %d: %s", w.Book, w.Reason)
	case w.Field != "":
		return settingLabel(w.Field) + ": " + w.Reason
	}
	return "Settings file " + w.Path + ": " + w.Reason
}

// settingLabel is the settings window's label of a JSON key, the key
// itself (capitalised) for one the window does not show.
func settingLabel(field string) string {
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
