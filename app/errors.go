package app

import (
	"errors"
	"fmt"

	"github.com/deskline/deskline/ctiproto"
)

// Errors of actions that never reached the server.
var (
	ErrNotConnected   = errors.New("app: not connected to the server")
	ErrConnectionLost = errors.New("app: the connection was lost before the server answered; check the call list")
	ErrNoSuchCall     = errors.New("app: no such call on your phones")
	// ErrNoConsultation: a consultation step with no announced transfer
	// going on (it ended meanwhile).
	ErrNoConsultation = errors.New("app: no announced transfer in progress")
)

// ErrEmptyPassword: Login was asked with no password.
var ErrEmptyPassword = errors.New("app: empty password")

// NoNumberError says a text (typed, pasted, a link, a journal entry)
// holds no phone number to dial. It is ErrNoNumber for errors.Is.
type NoNumberError struct {
	Text     string // an excerpt of the text looked at, "" for a journal entry
	Withheld bool   // a journal entry whose caller withheld their number
}

func (e *NoNumberError) Error() string {
	if e.Withheld {
		return ErrNoNumber.Error() + ": the caller withheld their number"
	}
	return fmt.Sprintf("%v in %q", ErrNoNumber, e.Text)
}

// Is makes errors.Is(err, ErrNoNumber) hold.
func (e *NoNumberError) Is(target error) bool { return target == ErrNoNumber }

// PasswordURLError: Login refuses to send the password to URL, which is
// not wss:// (or ws:// to this machine); Err is the protocol's reason.
type PasswordURLError struct {
	URL string
	Err error
}

func (e *PasswordURLError) Error() string { return "app: login to " + e.URL + ": " + e.Err.Error() }
func (e *PasswordURLError) Unwrap() error { return e.Err }

// LogoutError: the token was forgotten here, but the server could not be
// told (Err says why), so the login stays valid there until it expires.
type LogoutError struct{ Err error }

func (e *LogoutError) Error() string {
	return fmt.Sprintf("app: logged out here, but the server was not told (%v): the login stays valid there until it expires", e.Err)
}
func (e *LogoutError) Unwrap() error { return e.Err }

// AutostartError says why start at login could not be set: Reason in
// words that stand on their own, Err the system's error where there is
// one (a *fs.PathError of the entry).
type AutostartError struct {
	Reason string
	Err    error
}

func (e *AutostartError) Error() string {
	if e.Err == nil {
		return "app: start at login: " + e.Reason
	}
	if e.Reason == "" {
		return "app: start at login: " + e.Err.Error()
	}
	return "app: start at login: " + e.Reason + ": " + e.Err.Error()
}
func (e *AutostartError) Unwrap() error { return e.Err }

// WatchError: the address books are loaded but not watched for changes
// (Err says why); edits show after the next start.
type WatchError struct{ Err error }

func (e *WatchError) Error() string {
	return "app: address books are not watched for changes: " + e.Err.Error()
}
func (e *WatchError) Unwrap() error { return e.Err }

// ClientSettingsError: the settings name a server and a user, but no
// client can be made from them (Err says why, e.g. a bad server URL).
type ClientSettingsError struct{ Err error }

func (e *ClientSettingsError) Error() string {
	return "app: cannot connect with these settings: " + e.Err.Error()
}
func (e *ClientSettingsError) Unwrap() error { return e.Err }

// OptionError: New refuses an option (named by its settings key, Field:
// "server_url", "user", "ca_file"), with Reason in words, or the system's
// Err (a CA file that cannot be read).
type OptionError struct {
	Field  string
	Reason string
	Err    error
}

func (e *OptionError) Error() string {
	if e.Err != nil {
		return "app: " + e.Field + ": " + e.Err.Error()
	}
	return "app: " + e.Field + ": " + e.Reason
}
func (e *OptionError) Unwrap() error { return e.Err }

// DownError: the link went down before the server answered a login;
// Reason says why, as State.Reason does.
type DownError struct{ Reason string }

func (e *DownError) Error() string { return "app: " + e.Reason }

// ActionError is the server's refusal of an action, or of a login.
type ActionError struct {
	Action       string // what was asked: "answer", "login", …
	Code         string // the ctiproto error code
	Message      string // the server's words
	RetryAfterMS int
}

// Error is the refusal for a log: "app: make-call: the line is busy".
func (e *ActionError) Error() string {
	what := e.Action
	if what == "" {
		what = "request"
	}
	return fmt.Sprintf("app: %s: %s", what, e.Reason())
}

// Reason says why the action was refused, in words for the user ("the
// line is busy"), from Code (and Message where the code needs it); a UI
// names the action in its own words beside it.
func (e *ActionError) Reason() string { return explain(e.Code, e.Message) }

// explain says what a code means to a person.
func explain(code, msg string) string {
	switch code {
	case ctiproto.CodeForbidden:
		return "that phone is not yours"
	case ctiproto.CodeNotSupported:
		return "your telephone system cannot do this"
	case ctiproto.CodeInvalidNumber:
		return "the telephone system cannot dial this number"
	case ctiproto.CodeExchangeUnavailable:
		return "the telephone system is unreachable right now (" + msg + ")"
	case ctiproto.CodeNotFound:
		return "that call has ended"
	case ctiproto.CodeInvalidState:
		return "the call is not in a state that allows this"
	case ctiproto.CodeBusy:
		return "the line is busy"
	case ctiproto.CodeAuthFailed:
		return "wrong user or password"
	case ctiproto.CodeThrottled:
		return "too many failed logins: wait a little and try again"
	case ctiproto.CodeServerBusy:
		return "the server is busy: trying again shortly"
	case ctiproto.CodeTimeout:
		return "the telephone system did not answer in time; check the call list"
	}
	return msg
}

func actionError(action string, e *ctiproto.Error) *ActionError {
	return &ActionError{Action: action, Code: e.Code, Message: e.Message, RetryAfterMS: e.RetryAfterMS}
}
