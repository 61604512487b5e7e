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
)

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
