package keyringtest

import (
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/zalando/go-keyring"

	"github.com/deskline/deskline/app/tokens"
)

// dbusError stands for a typed error a keyring library could return.
type dbusError struct{ name string }

func (e *dbusError) Error() string { return e.name + ": the secret service is gone" }

// TestMockInitWithError runs tokens.Keyring on go-keyring's error mock:
// every failure is a *tokens.NoKeyringError whose cause stays reachable. It
// lives here, not in package tokens, because the mock cannot be undone in a
// test binary; afterwards it puts a working mock back (keyring.MockInit),
// so no later test in this process sees a failing keyring. The child
// processes of the real-keyring tests never run it.
func TestMockInitWithError(t *testing.T) {
	if scenario := os.Getenv(envChild); scenario != "" {
		t.Fatalf("TestMockInitWithError ran in the child of scenario %q", scenario)
	}
	t.Cleanup(keyring.MockInit)

	cause := &dbusError{name: "org.freedesktop.DBus.Error.ServiceUnknown"}
	keyring.MockInitWithError(cause)
	s := tokens.NewKeyring()
	check := func(op string, err error) {
		t.Helper()
		var nk *tokens.NoKeyringError
		if !errors.As(err, &nk) {
			t.Fatalf("%s: err = %v (%T), want *tokens.NoKeyringError", op, err, err)
		}
		var de *dbusError
		if !errors.As(err, &de) || de != cause || !errors.Is(err, cause) || errors.Unwrap(err) != error(cause) {
			t.Fatalf("%s: the cause is not reachable through errors.As/Is/Unwrap: %v", op, err)
		}
		msg := err.Error()
		if !strings.HasPrefix(msg, "tokens: no keyring available (") ||
			!strings.Contains(msg, cause.Error()) ||
			!strings.HasSuffix(msg, "Deskline will ask for the password at every start") {
			t.Fatalf("%s: message %q", op, msg)
		}
		if strings.Contains(msg, testToken) {
			t.Fatalf("%s: message quotes the token", op)
		}
	}
	check("Set", s.Set(testServer, "alice", testToken))
	_, err := s.Get(testServer, "alice")
	if errors.Is(err, tokens.ErrNotFound) {
		t.Fatalf("Get: a failing keyring must not look like an empty one: %v", err)
	}
	check("Get", err)
	check("Delete", s.Delete(testServer, "alice"))
	check("ProbeKeyring", tokens.ProbeKeyring())

	// keyring.ErrNotFound is no failure: no token stored, nothing to delete.
	keyring.MockInitWithError(keyring.ErrNotFound)
	if _, err := s.Get(testServer, "alice"); err != tokens.ErrNotFound {
		t.Fatalf("Get with ErrNotFound: err = %v, want ErrNotFound", err)
	}
	if err := s.Delete(testServer, "alice"); err != nil {
		t.Fatalf("Delete with ErrNotFound = %v, want nil", err)
	}

	// keyring.MockInit puts a working (empty) mock back.
	keyring.MockInit()
	if err := s.Set(testServer, "alice", testToken); err != nil {
		t.Fatalf("Set after MockInit: %v", err)
	}
	if got, err := s.Get(testServer, "alice"); err != nil || got != testToken {
		t.Fatalf("Get after MockInit = %q, %v", got, err)
	}
	if err := tokens.ProbeKeyring(); err != nil {
		t.Fatalf("ProbeKeyring after MockInit: %v", err)
	}
}
