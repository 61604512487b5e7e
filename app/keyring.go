package app

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"os/exec"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/zalando/go-keyring"

	"github.com/deskline/deskline/ctiproto"
)

// TokenStore keeps device tokens, one per (server URL, user).
//
// Tokens are secrets: no implementation logs them or puts them in an error
// message.
type TokenStore interface {
	Get(server, user string) (string, error) // ErrNoToken when none is stored
	Set(server, user, token string) error
	Delete(server, user string) error // nil when there was none
}

// ErrNoToken is returned by TokenStore.Get when no token is stored for the
// server and user (or the stored one is unusable): log in with the password.
var ErrNoToken = errors.New("app: no stored token")

// KeyringService is the service name under which tokens are stored in the
// OS keyring. The account is "<user>@<server URL>".
const KeyringService = "deskline"

// Bounds on what a TokenStore accepts. Tokens follow ctiproto's rule for
// the token member (1 to ctiproto.MaxTokenLength bytes of printable ASCII
// without spaces); user names ctiproto's rule for users. The server URL
// bound keeps service, account and token well below the smallest keyring
// limit (about 3000 bytes on macOS).
const (
	MaxStoredTokenLength = ctiproto.MaxTokenLength // 256
	MaxServerURLLength   = 1024
)

// DefaultKeyringTimeout bounds one keyring operation. A keyring may show
// an unlock prompt, which takes a person some seconds; a D-Bus peer that
// never answers must not hang the app. When the time is up the operation
// fails with a *NoKeyringError (the call itself may still finish in the
// background: go-keyring cannot be cancelled).
const DefaultKeyringTimeout = 60 * time.Second

// probeAccount is the keyring account ProbeKeyring writes. It has no "@",
// so it never collides with the account of a real token.
const probeAccount = "deskline-keyring-probe"

// NoKeyringError says the OS keyring cannot be used, and why (no D-Bus
// session, no secret service, locked collection, …). The app then keeps
// tokens in a MemoryStore and asks for the password at every start.
type NoKeyringError struct{ Err error }

// Error reads "app: no keyring available (<reason>): Deskline will ask for
// the password at every start".
func (e *NoKeyringError) Error() string {
	return "app: no keyring available (" + keyringReason(e.Err) +
		"): Deskline will ask for the password at every start"
}

// Unwrap returns the cause, for errors.Is and errors.As.
func (e *NoKeyringError) Unwrap() error { return e.Err }

// Problem says which piece is missing, for the UI to word.
func (e *NoKeyringError) Problem() KeyringProblem { return keyringKind(e.Err) }

// KeyringProblem is why the OS keyring cannot be used, as a kind the UI
// words for people (the causes' own messages quote D-Bus object paths).
type KeyringProblem string

// The kinds of keyring trouble; go-keyring on Linux fails in a different
// way for each (see NOTES-platform.md).
const (
	KeyringNoSession KeyringProblem = "no-session-bus"    // no D-Bus session bus (a bare X session, ssh)
	KeyringNoService KeyringProblem = "no-secret-service" // no GNOME Keyring or KWallet on the bus
	KeyringLocked    KeyringProblem = "locked"            // the keyring stayed locked (unlock refused)
	KeyringTimedOut  KeyringProblem = "timed-out"         // it did not answer within DefaultKeyringTimeout
	KeyringOther     KeyringProblem = "other"             // none of these; the cause says what
)

// maxReasonLength bounds the cause text in NoKeyringError.Error.
const maxReasonLength = 300

// keyringKind classifies the cause of a NoKeyringError. go-keyring gives
// no types for most of its failures, so this goes by type where there is
// one and by the D-Bus error names otherwise.
func keyringKind(err error) KeyringProblem {
	if err == nil {
		return KeyringOther
	}
	msg := err.Error()
	var (
		timeout *keyringTimeoutError
		execErr *exec.Error
		netErr  *net.OpError
	)
	switch {
	case errors.As(err, &timeout):
		return KeyringTimedOut
	case errors.As(err, &execErr), errors.As(err, &netErr),
		strings.Contains(msg, "dbus-launch"), strings.Contains(msg, "session bus"):
		return KeyringNoSession
	case strings.Contains(msg, "failed to unlock"):
		return KeyringLocked
	case strings.Contains(msg, "org.freedesktop.secrets"), strings.Contains(msg, "ServiceUnknown"):
		return KeyringNoService
	}
	return KeyringOther
}

// keyringReason turns the cause of a NoKeyringError into a short text for
// logs that says what is missing, followed by the cause's own message.
func keyringReason(err error) string {
	if err == nil {
		return "unknown cause"
	}
	msg := err.Error()
	what := ""
	switch keyringKind(err) {
	case KeyringNoSession:
		what = "no D-Bus session bus"
	case KeyringLocked:
		what = "the keyring is locked and was not unlocked"
	case KeyringNoService:
		what = "no Secret Service on the session bus: install gnome-keyring or KWallet"
	default: // the message says it all, or there is nothing better to say
		return shorten(msg, maxReasonLength)
	}
	return what + ": " + shorten(msg, maxReasonLength-len(what)-2)
}

// shorten cuts s to at most max bytes at a rune boundary, marking the cut.
func shorten(s string, max int) string {
	if len(s) <= max {
		return s
	}
	const mark = "…"
	return cutRunes(s, max-len(mark)) + mark
}

// cutRunes returns at most n bytes of s, never cutting a character.
func cutRunes(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// keyringTimeoutError is the cause of a NoKeyringError when the keyring did
// not answer in time.
type keyringTimeoutError struct{ after time.Duration }

func (e *keyringTimeoutError) Error() string {
	return fmt.Sprintf("the keyring did not answer within %v", e.after)
}

// redactedError hides a secret that a keyring error might quote. Error
// replaces it; Unwrap keeps the original for errors.Is and errors.As.
type redactedError struct {
	msg string
	err error
}

func (e *redactedError) Error() string { return e.msg }
func (e *redactedError) Unwrap() error { return e.err }

// noKeyring wraps a go-keyring error (other than keyring.ErrNotFound) as a
// *NoKeyringError, removing secret from its message should it appear.
func noKeyring(err error, secret string) error {
	if secret != "" && strings.Contains(err.Error(), secret) {
		err = &redactedError{msg: strings.ReplaceAll(err.Error(), secret, "[redacted]"), err: err}
	}
	return &NoKeyringError{Err: err}
}

// keyringBackend is the part of go-keyring a KeyringStore uses; tests
// replace it to simulate a keyring that does not answer.
type keyringBackend interface {
	Set(service, account, secret string) error
	Get(service, account string) (string, error)
	Delete(service, account string) error
}

// goKeyring is the OS keyring through go-keyring (or go-keyring's mock
// after keyring.MockInit).
type goKeyring struct{}

func (goKeyring) Set(service, account, secret string) error {
	return keyring.Set(service, account, secret)
}

func (goKeyring) Get(service, account string) (string, error) {
	return keyring.Get(service, account)
}

func (goKeyring) Delete(service, account string) error {
	return keyring.Delete(service, account)
}

// goKeyringTurn serialises go-keyring calls in this process: its mock is
// not safe for concurrent use, and a keyring that shows an unlock prompt
// should show it once, not once per caller.
var goKeyringTurn = make(chan struct{}, 1)

// KeyringStore stores tokens in the OS keyring under service "deskline",
// account "<user>@<server URL>". Any go-keyring error other than
// keyring.ErrNotFound is a *NoKeyringError: on Linux a missing session bus,
// a missing secret service and a locked collection each fail with another
// error type, and all mean the same to the app. A KeyringStore is safe for
// concurrent use; its zero value is ready to use.
type KeyringStore struct {
	backend keyringBackend // nil: goKeyring
	turn    chan struct{}  // nil: goKeyringTurn
	timeout time.Duration  // 0: DefaultKeyringTimeout
}

var _ TokenStore = (*KeyringStore)(nil)

// NewKeyringStore returns a TokenStore on the OS keyring.
func NewKeyringStore() *KeyringStore {
	return &KeyringStore{backend: goKeyring{}, turn: goKeyringTurn, timeout: DefaultKeyringTimeout}
}

// Get returns the token stored for server and user, ErrNoToken when there
// is none, or a *NoKeyringError.
func (s *KeyringStore) Get(server, user string) (string, error) {
	account, err := tokenAccount(server, user)
	if err != nil {
		return "", err
	}
	token, err := s.call(func(b keyringBackend) (string, error) { return b.Get(KeyringService, account) })
	switch {
	case errors.Is(err, keyring.ErrNotFound):
		return "", ErrNoToken
	case err != nil:
		return "", noKeyring(err, "")
	}
	if problem := tokenProblem(token); problem != "" {
		return "", fmt.Errorf("app: the token stored in the keyring for %s is unusable (%s) and was ignored: %w",
			account, problem, ErrNoToken)
	}
	return token, nil
}

// Set stores token for server and user, replacing any stored before.
func (s *KeyringStore) Set(server, user, token string) error {
	account, err := tokenAccount(server, user)
	if err != nil {
		return err
	}
	if problem := tokenProblem(token); problem != "" {
		return fmt.Errorf("app: token for %s refused: %s", account, problem)
	}
	_, err = s.call(func(b keyringBackend) (string, error) { return "", b.Set(KeyringService, account, token) })
	if err != nil {
		return noKeyring(err, token)
	}
	return nil
}

// Delete removes the token stored for server and user; it returns nil when
// there was none.
func (s *KeyringStore) Delete(server, user string) error {
	account, err := tokenAccount(server, user)
	if err != nil {
		return err
	}
	_, err = s.call(func(b keyringBackend) (string, error) { return "", b.Delete(KeyringService, account) })
	if err != nil && !errors.Is(err, keyring.ErrNotFound) {
		return noKeyring(err, "")
	}
	return nil
}

// call runs op on the backend, one call at a time, and gives up after the
// store's timeout with a *keyringTimeoutError. op's result travels over a
// channel, so an op that finishes late touches nothing of the caller's.
func (s *KeyringStore) call(op func(keyringBackend) (string, error)) (string, error) {
	backend, turn, timeout := s.backend, s.turn, s.timeout
	if backend == nil {
		backend = goKeyring{}
	}
	if turn == nil {
		turn = goKeyringTurn
	}
	if timeout <= 0 {
		timeout = DefaultKeyringTimeout
	}
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	select {
	case turn <- struct{}{}:
	case <-timer.C:
		return "", &keyringTimeoutError{after: timeout}
	}
	type result struct {
		value string
		err   error
	}
	done := make(chan result, 1)
	go func() {
		defer func() { <-turn }()
		v, err := op(backend)
		done <- result{v, err}
	}()
	select {
	case r := <-done:
		return r.value, r.err
	case <-timer.C:
		return "", &keyringTimeoutError{after: timeout}
	}
}

// ProbeKeyring tries the OS keyring once: it stores a random probe value,
// reads it back and deletes it. It returns nil or a *NoKeyringError. The
// app calls it at start to tell the user early that the password will be
// asked for at every start, and why.
func ProbeKeyring() error { return NewKeyringStore().probe() }

func (s *KeyringStore) probe() error {
	var raw [16]byte
	if _, err := rand.Read(raw[:]); err != nil {
		return &NoKeyringError{Err: fmt.Errorf("no random probe value: %w", err)}
	}
	value := "probe-" + hex.EncodeToString(raw[:])
	_, err := s.call(func(b keyringBackend) (string, error) { return "", b.Set(KeyringService, probeAccount, value) })
	if err != nil {
		return noKeyring(err, value)
	}
	got, err := s.call(func(b keyringBackend) (string, error) { return b.Get(KeyringService, probeAccount) })
	switch {
	case errors.Is(err, keyring.ErrNotFound):
		err = errors.New("the keyring lost the probe entry it had just stored")
	case err == nil && got != value:
		err = errors.New("the keyring returned another value than the one stored")
	}
	// Delete even after a failed read, so no probe entry stays behind.
	_, delErr := s.call(func(b keyringBackend) (string, error) { return "", b.Delete(KeyringService, probeAccount) })
	if err != nil {
		return noKeyring(err, value)
	}
	if delErr != nil {
		return noKeyring(delErr, value)
	}
	return nil
}

// MemoryStore keeps tokens for this run only: the explicit fallback when
// the OS keyring cannot be used (see NoKeyringError). Nothing is written
// to disk. A MemoryStore is safe for concurrent use.
type MemoryStore struct {
	mu     sync.Mutex
	tokens map[string]string // by tokenAccount
}

var _ TokenStore = (*MemoryStore)(nil)

// NewMemoryStore returns an empty MemoryStore.
func NewMemoryStore() *MemoryStore {
	return &MemoryStore{tokens: make(map[string]string)}
}

// Get returns the token kept for server and user, or ErrNoToken.
func (m *MemoryStore) Get(server, user string) (string, error) {
	account, err := tokenAccount(server, user)
	if err != nil {
		return "", err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	token, ok := m.tokens[account]
	if !ok {
		return "", ErrNoToken
	}
	return token, nil
}

// Set keeps token for server and user until the process ends.
func (m *MemoryStore) Set(server, user, token string) error {
	account, err := tokenAccount(server, user)
	if err != nil {
		return err
	}
	if problem := tokenProblem(token); problem != "" {
		return fmt.Errorf("app: token for %s refused: %s", account, problem)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.tokens == nil {
		m.tokens = make(map[string]string)
	}
	m.tokens[account] = token
	return nil
}

// Delete forgets the token for server and user; nil when there was none.
func (m *MemoryStore) Delete(server, user string) error {
	account, err := tokenAccount(server, user)
	if err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.tokens, account)
	return nil
}

// tokenAccount returns the keyring account "<user>@<server URL>" or says
// what is wrong with server or user. The server URL may not contain "@",
// so the account names exactly one (server, user) pair even when the user
// name is a mail address.
func tokenAccount(server, user string) (string, error) {
	switch {
	case server == "":
		return "", errors.New("app: token store: empty server URL")
	case len(server) > MaxServerURLLength:
		return "", fmt.Errorf("app: token store: server URL too long: %d bytes, max %d", len(server), MaxServerURLLength)
	case strings.ContainsFunc(server, func(r rune) bool { return r == '@' || unicode.IsSpace(r) || unicode.IsControl(r) }):
		return "", fmt.Errorf("app: token store: server URL %q must not contain \"@\", spaces or control characters", server)
	case !utf8.ValidString(server):
		return "", errors.New("app: token store: server URL is not valid UTF-8")
	case user == "":
		return "", errors.New("app: token store: empty user name")
	case len(user) > ctiproto.MaxUserLength:
		return "", fmt.Errorf("app: token store: user name too long: %d bytes, max %d", len(user), ctiproto.MaxUserLength)
	case strings.ContainsFunc(user, unicode.IsControl):
		return "", fmt.Errorf("app: token store: user name %q must not contain control characters", user)
	case !utf8.ValidString(user):
		return "", errors.New("app: token store: user name is not valid UTF-8")
	}
	return user + "@" + server, nil
}

// tokenProblem says what is wrong with a token, or returns "". It follows
// ctiproto's rule for tokens and never quotes the token.
func tokenProblem(token string) string {
	if token == "" {
		return "empty"
	}
	if len(token) > MaxStoredTokenLength {
		return fmt.Sprintf("too long: %d bytes, max %d", len(token), MaxStoredTokenLength)
	}
	for i := 0; i < len(token); i++ {
		if token[i] <= ' ' || token[i] > '~' {
			return fmt.Sprintf("byte %d is not printable ASCII", i)
		}
	}
	return ""
}
