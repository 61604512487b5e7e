package auth

import (
	"errors"
	"fmt"
	"time"
)

// Errors returned by Login, Verify, Refresh and Revoke. The server maps them
// to the ctiproto codes auth-failed, token-expired and token-invalid.
var (
	// ErrBadCredentials: the user name or the password is wrong. The two
	// cases are deliberately not told apart.
	ErrBadCredentials = errors.New("auth: wrong user name or password")
	// ErrTokenExpired: the token was valid but its lifetime is over; the
	// client should ask for the password again.
	ErrTokenExpired = errors.New("auth: token expired")
	// ErrTokenInvalid: the token is unknown, malformed or was revoked.
	ErrTokenInvalid = errors.New("auth: token invalid or revoked")
)

// ThrottledError is returned by Login while a user name or a remote address
// is locked out after too many failed logins. Match it with errors.As and a
// *ThrottledError target.
type ThrottledError struct {
	RetryAfter time.Duration // how long until a login may be tried again
}

func (e *ThrottledError) Error() string {
	return fmt.Sprintf("auth: too many failed logins, retry in %s", roundUp(e.RetryAfter))
}

// roundUp rounds to whole seconds, upwards, so "retry in 1s" is never too early.
func roundUp(d time.Duration) time.Duration {
	if d <= 0 {
		return 0
	}
	return (d + time.Second - 1).Truncate(time.Second)
}
