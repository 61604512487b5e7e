package tokens

import (
	"errors"
	"fmt"
	"net"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/zalando/go-keyring"
)

// Every test of package tokens runs against go-keyring's in-memory mock: no
// test of this package may touch the OS keyring of the person running it.
// keyring.MockInit cannot be undone, so it is done once for the whole test
// binary, before any test runs. The real keyring, the no-keyring cases and
// keyring.MockInitWithError are tested in app/tokens/keyringtest, in their own
// processes.
func init() { keyring.MockInit() }

// Server URLs of these tests; no other test of package tokens should use them,
// since all share one mock keyring.
const (
	ktServerA = "wss://keyring-test-a.invalid/v1/ws"
	ktServerB = "wss://keyring-test-b.invalid:8443/v1/ws"
)

// ktToken returns a well-formed test token.
func ktToken(n int) string { return fmt.Sprintf("tok-%d-%s", n, strings.Repeat("x", 40)) }

func TestKeyringRoundTrip(t *testing.T) {
	s := NewKeyring()
	t.Cleanup(func() { _ = s.Delete(ktServerA, "alice") })

	if _, err := s.Get(ktServerA, "alice"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Get before Set: err = %v, want ErrNotFound", err)
	}
	if err := s.Set(ktServerA, "alice", ktToken(1)); err != nil {
		t.Fatalf("Set: %v", err)
	}
	if got, err := s.Get(ktServerA, "alice"); err != nil || got != ktToken(1) {
		t.Fatalf("Get = %q, %v; want the token", got, err)
	}
	// It is stored under service "deskline", account "<user>@<server URL>".
	if got, err := keyring.Get("deskline", "alice@"+ktServerA); err != nil || got != ktToken(1) {
		t.Fatalf("keyring.Get(deskline, alice@server) = %q, %v", got, err)
	}
	if err := s.Set(ktServerA, "alice", ktToken(2)); err != nil {
		t.Fatalf("Set again: %v", err)
	}
	if got, err := s.Get(ktServerA, "alice"); err != nil || got != ktToken(2) {
		t.Fatalf("Get after replace = %q, %v; want the second token", got, err)
	}
	if err := s.Delete(ktServerA, "alice"); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	if _, err := s.Get(ktServerA, "alice"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Get after Delete: err = %v, want ErrNotFound", err)
	}
	if err := s.Delete(ktServerA, "alice"); err != nil {
		t.Fatalf("Delete of a missing token = %v, want nil", err)
	}
	if err := s.Delete(ktServerB, "nobody"); err != nil {
		t.Fatalf("Delete of a never stored token = %v, want nil", err)
	}
}

// Both stores must behave alike; these tests run on each.
func tokenStores() map[string]func() Store {
	return map[string]func() Store{
		"keyring": func() Store { return NewKeyring() },
		"memory":  func() Store { return NewMemory() },
		"keyring-zero-value": func() Store {
			return &Keyring{}
		},
		"memory-zero-value": func() Store { return &Memory{} },
	}
}

func TestStoreSeparation(t *testing.T) {
	for name, newStore := range tokenStores() {
		t.Run(name, func(t *testing.T) {
			s := newStore()
			keys := []struct{ server, user string }{
				{ktServerA, "alice"},
				{ktServerA, "bob"},
				{ktServerB, "alice"},
				{ktServerA, "alice@example.com"}, // user names may be mail addresses
				{ktServerA + "/", "alice"},       // the URL is taken as given
			}
			t.Cleanup(func() {
				for _, k := range keys {
					_ = s.Delete(k.server, k.user)
				}
			})
			for i, k := range keys {
				if err := s.Set(k.server, k.user, ktToken(i)); err != nil {
					t.Fatalf("Set(%q, %q): %v", k.server, k.user, err)
				}
			}
			for i, k := range keys {
				if got, err := s.Get(k.server, k.user); err != nil || got != ktToken(i) {
					t.Fatalf("Get(%q, %q) = %q, %v; want token %d", k.server, k.user, got, err, i)
				}
			}
			if err := s.Delete(keys[0].server, keys[0].user); err != nil {
				t.Fatal(err)
			}
			if _, err := s.Get(keys[0].server, keys[0].user); !errors.Is(err, ErrNotFound) {
				t.Fatalf("deleted token: err = %v, want ErrNotFound", err)
			}
			for i, k := range keys[1:] {
				if got, err := s.Get(k.server, k.user); err != nil || got != ktToken(i+1) {
					t.Fatalf("Delete of another key removed (%q, %q): %q, %v", k.server, k.user, got, err)
				}
			}
			if _, err := s.Get(ktServerB, "carol"); !errors.Is(err, ErrNotFound) {
				t.Fatalf("unknown user: err = %v, want ErrNotFound", err)
			}
			if err := s.Delete(ktServerB, "carol"); err != nil {
				t.Fatalf("Delete of a missing token = %v, want nil", err)
			}
		})
	}
}

func TestStoreRefusesBadInput(t *testing.T) {
	long := strings.Repeat("A", MaxLength+1)
	badTokens := map[string]string{
		"empty":        "",
		"257 bytes":    long,
		"space":        "secret token-xyz",
		"newline":      "secret-token\n",
		"non-ASCII":    "secret-tökén",
		"control char": "secret\x00token",
	}
	badKeys := []struct{ what, server, user string }{
		{"empty server", "", "alice"},
		{"empty user", ktServerA, ""},
		{"@ in server", "wss://alice@keyring-test-a.invalid", "alice"},
		{"space in server", "wss://keyring test.invalid", "alice"},
		{"long server", "wss://" + strings.Repeat("a", MaxServerURLLength), "alice"},
		{"long user", ktServerA, strings.Repeat("u", 129)},
		{"control in user", ktServerA, "al\nice"},
		{"bad UTF-8 in user", ktServerA, "al\xffice"},
	}
	for name, newStore := range tokenStores() {
		t.Run(name, func(t *testing.T) {
			s := newStore()
			for what, tok := range badTokens {
				err := s.Set(ktServerA, "refused", tok)
				if err == nil {
					_ = s.Delete(ktServerA, "refused")
					t.Fatalf("Set with a %s token: no error", what)
				}
				var nk *NoKeyringError
				if errors.As(err, &nk) {
					t.Errorf("Set with a %s token: %v is a NoKeyringError", what, err)
				}
				if tok != "" && strings.Contains(err.Error(), tok) {
					t.Errorf("Set with a %s token: the error quotes the token: %v", what, err)
				}
				if _, err := s.Get(ktServerA, "refused"); !errors.Is(err, ErrNotFound) {
					t.Errorf("after a refused %s token: Get err = %v, want ErrNotFound", what, err)
				}
			}
			for _, k := range badKeys {
				if err := s.Set(k.server, k.user, ktToken(0)); err == nil {
					t.Errorf("Set with %s: no error", k.what)
				} else if strings.Contains(err.Error(), ktToken(0)) {
					t.Errorf("Set with %s: the error quotes the token: %v", k.what, err)
				}
				if _, err := s.Get(k.server, k.user); err == nil || errors.Is(err, ErrNotFound) {
					t.Errorf("Get with %s: err = %v, want an error other than ErrNotFound", k.what, err)
				}
				if err := s.Delete(k.server, k.user); err == nil {
					t.Errorf("Delete with %s: no error", k.what)
				}
			}
			// The bound itself is allowed.
			max := strings.Repeat("A", MaxLength)
			if err := s.Set(ktServerA, "max", max); err != nil {
				t.Fatalf("Set with a %d-byte token: %v", MaxLength, err)
			}
			if got, err := s.Get(ktServerA, "max"); err != nil || got != max {
				t.Fatalf("Get of the %d-byte token: %d bytes, %v", MaxLength, len(got), err)
			}
			if err := s.Delete(ktServerA, "max"); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// A token put into the keyring by something else and too long (or not a
// token at all) is ignored: Get says ErrNotFound without quoting it.
func TestKeyringIgnoresMalformedStoredToken(t *testing.T) {
	s := NewKeyring()
	bad := "oversized-" + strings.Repeat("Z", 300)
	if err := keyring.Set(KeyringService, "mallory@"+ktServerB, bad); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Delete(ktServerB, "mallory") })
	_, err := s.Get(ktServerB, "mallory")
	if !errors.Is(err, ErrNotFound) {
		t.Fatalf("Get of a malformed stored token: err = %v, want ErrNotFound", err)
	}
	if strings.Contains(err.Error(), "ZZZZ") {
		t.Fatalf("error quotes the stored value: %v", err)
	}
}

func TestProbeKeyringWithMock(t *testing.T) {
	if err := ProbeKeyring(); err != nil {
		t.Fatalf("ProbeKeyring with go-keyring's mock: %v", err)
	}
	if _, err := keyring.Get(KeyringService, probeAccount); !errors.Is(err, keyring.ErrNotFound) {
		t.Fatalf("the probe entry stayed behind: err = %v", err)
	}
}

// fakeBackend fails every call with err, as go-keyring does when there is
// no keyring.
type fakeBackend struct {
	err error
}

func (f fakeBackend) Set(service, account, secret string) error   { return f.err }
func (f fakeBackend) Get(service, account string) (string, error) { return "", f.err }
func (f fakeBackend) Delete(service, account string) error        { return f.err }

// The errors go-keyring gives on Linux, as seen on Debian 12 (the same
// cases run against real D-Bus sessions in keyringtest), and what the
// message must say.
func linuxKeyringFailures() []struct {
	name, want string
	kind       KeyringProblem
	err        error
} {
	return []struct {
		name, want string
		kind       KeyringProblem
		err        error
	}{
		{"no session bus", "no D-Bus session bus", KeyringNoSession,
			&exec.Error{Name: "dbus-launch", Err: exec.ErrNotFound}},
		{"bus address pointing nowhere", "no D-Bus session bus", KeyringNoSession,
			&net.OpError{Op: "dial", Net: "unix", Err: errors.New("connect: no such file or directory")}},
		{"no secret service", "no Secret Service", KeyringNoService,
			errors.New("The name org.freedesktop.secrets was not provided by any .service files")},
		{"locked collection", "locked", KeyringLocked,
			errors.New("failed to unlock correct collection '/org/freedesktop/secrets/aliases/default'")},
		{"something else", "something odd happened", KeyringOther, errors.New("something odd happened")},
	}
}

func TestKeyringFailuresAreNoKeyringErrors(t *testing.T) {
	for _, c := range linuxKeyringFailures() {
		t.Run(c.name, func(t *testing.T) {
			s := &Keyring{backend: fakeBackend{err: c.err}, turn: make(chan struct{}, 1), timeout: 10 * time.Second}
			check := func(op string, err error) {
				t.Helper()
				var nk *NoKeyringError
				if !errors.As(err, &nk) {
					t.Fatalf("%s: err = %v (%T), want *NoKeyringError", op, err, err)
				}
				if !errors.Is(err, c.err) || errors.Unwrap(err) != c.err {
					t.Fatalf("%s: the cause %v is not visible through Unwrap", op, c.err)
				}
				msg := err.Error()
				if !strings.HasPrefix(msg, "tokens: no keyring available (") ||
					!strings.HasSuffix(msg, "): Deskline will ask for the password at every start") {
					t.Fatalf("%s: message %q has not the documented form", op, msg)
				}
				if !strings.Contains(msg, c.want) || !strings.Contains(msg, c.err.Error()) {
					t.Fatalf("%s: message %q does not say %q and the cause", op, msg, c.want)
				}
				if nk.Problem() != c.kind {
					t.Fatalf("%s: problem %q, want %q", op, nk.Problem(), c.kind)
				}
				if strings.Contains(msg, ktToken(7)) {
					t.Fatalf("%s: message quotes the token: %q", op, msg)
				}
			}
			check("Set", s.Set(ktServerA, "alice", ktToken(7)))
			_, err := s.Get(ktServerA, "alice")
			if errors.Is(err, ErrNotFound) {
				t.Fatalf("Get: a broken keyring must not look like an empty one: %v", err)
			}
			check("Get", err)
			check("Delete", s.Delete(ktServerA, "alice"))
			check("probe", s.probe())
		})
	}
}

// Should a keyring ever quote the secret in an error, the message hides it.
func TestNoKeyringErrorRedactsToken(t *testing.T) {
	tok := ktToken(9)
	cause := errors.New("cannot store secret " + tok + " today")
	s := &Keyring{backend: fakeBackend{err: cause}, turn: make(chan struct{}, 1), timeout: 10 * time.Second}
	err := s.Set(ktServerA, "alice", tok)
	var nk *NoKeyringError
	if !errors.As(err, &nk) || !errors.Is(err, cause) {
		t.Fatalf("err = %v, want a *NoKeyringError caused by %v", err, cause)
	}
	if strings.Contains(err.Error(), tok) {
		t.Fatalf("message quotes the token: %q", err.Error())
	}
	if !strings.Contains(err.Error(), "cannot store secret [redacted] today") {
		t.Fatalf("message %q lost the rest of the cause", err.Error())
	}
}

func TestNoKeyringErrorBoundsLongCause(t *testing.T) {
	err := &NoKeyringError{Err: errors.New(strings.Repeat("é", 1000))}
	msg := err.Error()
	if len(msg) > maxReasonLength+100 {
		t.Fatalf("message is %d bytes", len(msg))
	}
	if !strings.Contains(msg, "…") || !strings.HasSuffix(msg, "ask for the password at every start") {
		t.Fatalf("message %q", msg)
	}
	if got := (&NoKeyringError{}).Error(); !strings.Contains(got, "unknown cause") {
		t.Fatalf("nil cause: %q", got)
	}
}

// blockingBackend never answers until released, like a D-Bus peer that hangs
// or an unlock prompt nobody answers.
type blockingBackend struct{ release chan struct{} }

func (b blockingBackend) Set(service, account, secret string) error { <-b.release; return nil }
func (b blockingBackend) Get(service, account string) (string, error) {
	<-b.release
	return "", keyring.ErrNotFound
}
func (b blockingBackend) Delete(service, account string) error { <-b.release; return nil }

func TestKeyringTimesOut(t *testing.T) {
	b := blockingBackend{release: make(chan struct{})}
	s := &Keyring{backend: b, turn: make(chan struct{}, 1), timeout: 50 * time.Millisecond}
	t.Cleanup(func() { close(b.release) })

	for _, op := range []string{"Set", "Get (waiting for its turn)"} {
		start := time.Now()
		var err error
		if op == "Set" {
			err = s.Set(ktServerA, "alice", ktToken(1))
		} else {
			_, err = s.Get(ktServerA, "alice")
		}
		var nk *NoKeyringError
		var te *keyringTimeoutError
		if !errors.As(err, &nk) || !errors.As(err, &te) {
			t.Fatalf("%s: err = %v, want a *NoKeyringError caused by a timeout", op, err)
		}
		if !strings.Contains(err.Error(), "did not answer within 50ms") || nk.Problem() != KeyringTimedOut {
			t.Fatalf("%s: message %q", op, err.Error())
		}
		if d := time.Since(start); d > 5*time.Second {
			t.Fatalf("%s took %v", op, d)
		}
	}
}

func TestMemoryConcurrentUse(t *testing.T) {
	m := NewMemory()
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			user := fmt.Sprintf("user%d", i)
			for j := range 50 {
				if err := m.Set(ktServerA, user, ktToken(j)); err != nil {
					t.Error(err)
					return
				}
				if got, err := m.Get(ktServerA, user); err != nil || got != ktToken(j) {
					t.Errorf("Get = %q, %v", got, err)
					return
				}
			}
			if err := m.Delete(ktServerA, user); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
}

func TestKeyringConcurrentUse(t *testing.T) {
	s := NewKeyring()
	var wg sync.WaitGroup
	for i := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			user := fmt.Sprintf("concurrent%d", i)
			defer func() { _ = s.Delete(ktServerB, user) }()
			for j := range 20 {
				if err := s.Set(ktServerB, user, ktToken(j)); err != nil {
					t.Error(err)
					return
				}
				if got, err := s.Get(ktServerB, user); err != nil || got != ktToken(j) {
					t.Errorf("Get = %q, %v", got, err)
					return
				}
			}
		}()
	}
	wg.Wait()
}
