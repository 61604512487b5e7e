package tokens

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"os/exec"
	"strings"
	"time"

	"github.com/zalando/go-keyring"

	"github.com/deskline/deskline/internal/cut"
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
// tokens in a Memory and asks for the password at every start.
type NoKeyringError struct{ Err error }

// Error reads "tokens: no keyring available (<reason>): Deskline will ask for
// the password at every start".
func (e *NoKeyringError) Error() string {
	return "tokens: no keyring available (" + keyringReason(e.Err) +
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
// way for each: no session bus, no Secret Service on it, a locked
// collection (each case is run for real in package keyringtest).
const (
	KeyringNoSession KeyringProblem = "no-session-bus"    // no D-Bus session bus (a bare X session, ssh)
	KeyringNoService KeyringProblem = "no-secret-service" // no GNOME Keyring or KWallet on the bus
	KeyringLocked    KeyringProblem = "locked"            // the keyring stayed locked (unlock refused)
	KeyringTimedOut  KeyringProblem = "timed-out"         // it did not answer within DefaultKeyringTimeout
	KeyringOther     KeyringProblem = "other"             // none of these; the cause says what
)

// maxReasonLength bounds the cause text in NoKeyringError.Error (the
// mark of a cut comes on top).
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
		return cut.Bytes(msg, maxReasonLength)
	}
	return what + ": " + cut.Bytes(msg, maxReasonLength-len(what)-2)
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

// keyringBackend is the part of go-keyring a Keyring uses; tests
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

// Keyring stores tokens in the OS keyring under service "deskline",
// account "<user>@<server URL>". Any go-keyring error other than
// keyring.ErrNotFound is a *NoKeyringError: on Linux a missing session bus,
// a missing secret service and a locked collection each fail with another
// error type, and all mean the same to the app. A Keyring is safe for
// concurrent use; its zero value is ready to use.
type Keyring struct {
	backend keyringBackend // nil: goKeyring
	turn    chan struct{}  // nil: goKeyringTurn
	timeout time.Duration  // 0: DefaultKeyringTimeout
}

var _ Store = (*Keyring)(nil)

// NewKeyring returns a Store on the OS keyring.
func NewKeyring() *Keyring {
	return &Keyring{backend: goKeyring{}, turn: goKeyringTurn, timeout: DefaultKeyringTimeout}
}

// Get returns the token stored for server and user, ErrNotFound when there
// is none, or a *NoKeyringError.
func (s *Keyring) Get(server, user string) (string, error) {
	account, err := tokenAccount(server, user)
	if err != nil {
		return "", err
	}
	token, err := s.call(func(b keyringBackend) (string, error) { return b.Get(KeyringService, account) })
	switch {
	case errors.Is(err, keyring.ErrNotFound):
		return "", ErrNotFound
	case err != nil:
		return "", noKeyring(err, "")
	}
	if problem := tokenProblem(token); problem != "" {
		return "", fmt.Errorf("tokens: the token stored in the keyring for %s is unusable (%s) and was ignored: %w",
			account, problem, ErrNotFound)
	}
	return token, nil
}

// Set stores token for server and user, replacing any stored before.
func (s *Keyring) Set(server, user, token string) error {
	account, err := tokenAccount(server, user)
	if err != nil {
		return err
	}
	if problem := tokenProblem(token); problem != "" {
		return fmt.Errorf("tokens: token for %s refused: %s", account, problem)
	}
	_, err = s.call(func(b keyringBackend) (string, error) { return "", b.Set(KeyringService, account, token) })
	if err != nil {
		return noKeyring(err, token)
	}
	return nil
}

// Delete removes the token stored for server and user; it returns nil when
// there was none.
func (s *Keyring) Delete(server, user string) error {
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
func (s *Keyring) call(op func(keyringBackend) (string, error)) (string, error) {
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
func ProbeKeyring() error { return NewKeyring().probe() }

func (s *Keyring) probe() error {
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
