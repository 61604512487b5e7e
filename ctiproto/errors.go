package ctiproto

import "strconv"

// Error codes: the Code of an Error message. PROTOCOL.md says when each is
// sent and whether the connection stays open.
const (
	// Frame and message errors, found by the decoder.
	CodeBadFrame     = "bad-frame"     // not UTF-8, not JSON, or not a JSON object
	CodeUnknownType  = "unknown-type"  // type names no message the receiver accepts
	CodeMissingField = "missing-field" // a required field is absent (Field names it)
	CodeInvalidField = "invalid-field" // a field is unknown, mistyped, too long or out of range
	CodeTooLarge     = "too-large"     // the frame exceeds the size limit

	// Login and session errors.
	CodeNotAuthenticated = "not-authenticated" // a command before the welcome
	CodeAuthFailed       = "auth-failed"       // wrong user or password
	CodeTokenExpired     = "token-expired"     // the device token's lifetime is over
	CodeTokenInvalid     = "token-invalid"     // the device token is unknown or revoked
	CodeThrottled        = "throttled"         // too many failed logins; wait RetryAfterMS
	CodeServerBusy       = "server-busy"       // the password was not checked: busy with other logins; wait RetryAfterMS
	CodeProtocolError    = "protocol-error"    // a message out of order, e.g. a second hello
	CodeTooManySessions  = "too-many-sessions" // the token or user has as many connections as allowed

	// Command errors.
	CodeForbidden           = "forbidden"            // the device is not assigned to the user
	CodeNotFound            = "not-found"            // no such call (or device)
	CodeInvalidState        = "invalid-state"        // the call is not in a state that allows this
	CodeNotSupported        = "not-supported"        // the exchange lacks this service
	CodeInvalidNumber       = "invalid-number"       // the exchange cannot dial this number
	CodeBusy                = "busy"                 // the device is busy
	CodeExchangeUnavailable = "exchange-unavailable" // the link to the exchange is down
	CodeRateLimited         = "rate-limited"         // too many commands; wait RetryAfterMS
	CodeTimeout             = "timeout"              // the exchange did not answer in time
	CodeInternal            = "internal"             // a server fault; the server logged it
)

// WebSocket close codes the server uses. The standard ones have the same
// numbers as in RFC 6455 (and gorilla/websocket); this package does not
// import a WebSocket library.
const (
	CloseNormal        = 1000 // orderly close
	CloseGoingAway     = 1001 // server shutdown: reconnect at once
	CloseMessageTooBig = 1009 // a frame exceeded the size limit
	CloseProtocolError = 4000 // no hello in time, or a second hello
	CloseAuthFailed    = 4001 // login failed: do not retry with the same token
	CloseTokenRevoked  = 4002 // the connection's token was revoked
	CloseSlowConsumer  = 4003 // the send queue overflowed: reconnect and resume
	CloseRateLimited   = 4004 // too many bad frames
	// CloseKeepAliveTimeout: no pong or other frame within the pong wait.
	// Not 1001, which tells clients to come back at once: a client that
	// stalled (a network outage, a suspended laptop) must back off.
	CloseKeepAliveTimeout = 4005
	// CloseTooManySessions: the token or user has as many connections as
	// allowed; reconnect with backoff (a stale one may yet time out).
	CloseTooManySessions = 4006
)

// codes is every error code; Decode rejects an Error message with another.
var codes = set(CodeBadFrame, CodeUnknownType, CodeMissingField,
	CodeInvalidField, CodeTooLarge, CodeNotAuthenticated, CodeAuthFailed,
	CodeTokenExpired, CodeTokenInvalid, CodeThrottled, CodeServerBusy, CodeProtocolError,
	CodeForbidden, CodeNotFound, CodeInvalidState, CodeNotSupported,
	CodeInvalidNumber, CodeBusy, CodeExchangeUnavailable, CodeRateLimited,
	CodeTimeout, CodeInternal, CodeTooManySessions)

// DecodeError says why a frame was rejected. It carries what the receiver
// needs to answer with an Error message: the request id when it could be
// read (so the client can match the error to its request), the code and
// the offending field.
type DecodeError struct {
	ID    string // the request id, if it could be read and is valid
	Type  string // the message type, if known
	Code  string // one of the Code* constants
	Field string // the offending field, e.g. "device" or "resume.seq"
	Msg   string // what is wrong, in words
}

func (e *DecodeError) Error() string {
	if e.Type == "" {
		return "ctiproto: " + e.Msg
	}
	return "ctiproto: " + e.Type + ": " + e.Msg
}

// Reply is the Error message that answers the rejected frame.
func (e *DecodeError) Reply() *Error {
	msg := e.Msg
	if e.Type != "" {
		msg = e.Type + ": " + msg
	}
	return &Error{ID: e.ID, Code: e.Code, Field: e.Field, Message: msg}
}

// Error makes an Error message usable as a Go error on the client side.
func (m *Error) Error() string {
	s := "ctiproto: " + m.Code
	if m.Field != "" {
		s += " (" + strconv.Quote(m.Field) + ")"
	}
	if m.Message != "" {
		s += ": " + m.Message
	}
	return s
}

// IsErrorCode reports whether code is one of the Code* constants.
func IsErrorCode(code string) bool { return codes[code] }

// set makes a lookup table of strings.
func set(s ...string) map[string]bool {
	m := make(map[string]bool, len(s))
	for _, v := range s {
		m[v] = true
	}
	return m
}
