// Package tokens keeps the device tokens the server hands out at login,
// one per (server URL, user): in the OS keyring (Keyring) where there is
// one, else for the run only (Memory). A keyring that cannot be used is a
// *NoKeyringError saying why, so the app can tell the user.
package tokens

import (
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/deskline/deskline/ctiproto"
)

// Store keeps device tokens, one per (server URL, user).
//
// Tokens are secrets: no implementation logs them or puts them in an error
// message.
type Store interface {
	Get(server, user string) (string, error) // ErrNotFound when none is stored
	Set(server, user, token string) error
	Delete(server, user string) error // nil when there was none
}

// ErrNotFound is returned by Store.Get when no token is stored for the
// server and user (or the stored one is unusable): log in with the password.
var ErrNotFound = errors.New("tokens: no stored token")

// KeyringService is the service name under which tokens are stored in the
// OS keyring. The account is "<user>@<server URL>".
const KeyringService = "deskline"

// Bounds on what a Store accepts. Tokens follow ctiproto's rule for
// the token member (1 to ctiproto.MaxTokenLength bytes of printable ASCII
// without spaces); user names ctiproto's rule for users. The server URL
// bound keeps service, account and token well below the smallest keyring
// limit (about 3000 bytes on macOS).
const (
	MaxLength          = ctiproto.MaxTokenLength // 256
	MaxServerURLLength = 1024
)

// tokenAccount returns the keyring account "<user>@<server URL>" or says
// what is wrong with server or user. The server URL may not contain "@",
// so the account names exactly one (server, user) pair even when the user
// name is a mail address.
func tokenAccount(server, user string) (string, error) {
	switch {
	case server == "":
		return "", errors.New("tokens: empty server URL")
	case len(server) > MaxServerURLLength:
		return "", fmt.Errorf("tokens: server URL too long: %d bytes, max %d", len(server), MaxServerURLLength)
	case strings.ContainsFunc(server, func(r rune) bool { return r == '@' || unicode.IsSpace(r) || unicode.IsControl(r) }):
		return "", fmt.Errorf("tokens: server URL %q must not contain \"@\", spaces or control characters", server)
	case !utf8.ValidString(server):
		return "", errors.New("tokens: server URL is not valid UTF-8")
	case user == "":
		return "", errors.New("tokens: empty user name")
	case len(user) > ctiproto.MaxUserLength:
		return "", fmt.Errorf("tokens: user name too long: %d bytes, max %d", len(user), ctiproto.MaxUserLength)
	case strings.ContainsFunc(user, unicode.IsControl):
		return "", fmt.Errorf("tokens: user name %q must not contain control characters", user)
	case !utf8.ValidString(user):
		return "", errors.New("tokens: user name is not valid UTF-8")
	}
	return user + "@" + server, nil
}

// tokenProblem says what is wrong with a token, or returns "". It follows
// ctiproto's rule for tokens and never quotes the token.
func tokenProblem(token string) string {
	if token == "" {
		return "empty"
	}
	if len(token) > MaxLength {
		return fmt.Sprintf("too long: %d bytes, max %d", len(token), MaxLength)
	}
	for i := 0; i < len(token); i++ {
		if token[i] <= ' ' || token[i] > '~' {
			return fmt.Sprintf("byte %d is not printable ASCII", i)
		}
	}
	return ""
}
