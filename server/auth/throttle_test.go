package auth

import (
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"
)

// throttled asserts that err is a *ThrottledError with RetryAfter want.
func throttled(t *testing.T, err error, want time.Duration) {
	t.Helper()
	var te *ThrottledError
	if !errors.As(err, &te) {
		t.Fatalf("err = %v, want *ThrottledError", err)
	}
	if te.RetryAfter != want {
		t.Fatalf("RetryAfter = %v, want %v", te.RetryAfter, want)
	}
}

// Failures on a user name from many addresses slow further attempts from
// untrusted addresses (one per window/limit) but never lock the name.
func TestThrottlePerUserSlowsOnly(t *testing.T) {
	a, c := newTestAuth(t, Options{})
	for i := range 5 { // from different addresses: the user name counts
		if _, err := a.Login("ben", "wrong", fmt.Sprintf("198.51.100.%d:4000", i)); !errors.Is(err, ErrBadCredentials) {
			t.Fatalf("attempt %d: %v", i, err)
		}
	}
	_, err := a.Login("ben", "neb", "203.0.113.7:1")
	throttled(t, err, 12*time.Second) // the last failure was just now
	if err.Error() != "auth: too many failed logins, retry in 12s" {
		t.Errorf("message %q", err)
	}
	mustLogin(t, a, "clara", "aralc") // other users are not affected
	c.Advance(6 * time.Second)
	_, err = a.Login("ben", "neb", "203.0.113.8:1") // slowed, never locked:
	throttled(t, err, 6*time.Second)                // the wait does not grow
	c.Advance(6 * time.Second)
	mustLoginFrom(t, a, "ben", "neb", "203.0.113.7:1")
}

// An address the user logged in from, or connected from with a valid
// token, is never locked out by failures elsewhere, however many.
func TestTrustedAddressNotLockedByOthers(t *testing.T) {
	a, c := newTestAuth(t, Options{})
	mustLoginFrom(t, a, "ben", "neb", "192.0.2.1:1")
	a.Trust("clara", "192.0.2.2")
	for i := range 200 {
		c.Advance(time.Second)
		_, _ = a.Login("ben", "wrong", fmt.Sprintf("198.51.100.%d:1", i%3))
		_, _ = a.Login("clara", "wrong", fmt.Sprintf("198.51.100.%d:1", i%3))
		if i%20 == 0 {
			mustLoginFrom(t, a, "ben", "neb", "192.0.2.1:1")
			mustLoginFrom(t, a, "clara", "aralc", "192.0.2.2:1")
		}
	}
}

func mustLoginFrom(t *testing.T, a *Auth, user, pw, addr string) {
	t.Helper()
	if _, err := a.Login(user, pw, addr); err != nil {
		t.Fatalf("login %s from %s: %v", user, addr, err)
	}
}

func TestThrottlePerAddress(t *testing.T) {
	a, _ := newTestAuth(t, Options{})
	for i := range 5 { // many user names, one address, changing ports
		_, _ = a.Login(fmt.Sprintf("guess%d", i), "x", fmt.Sprintf("198.51.100.9:%d", 4000+i))
	}
	_, err := a.Login("ben", "neb", "198.51.100.9:5000")
	throttled(t, err, time.Minute)
	if _, err := a.Login("ben", "neb", "198.51.100.10:5000"); err != nil {
		t.Fatalf("other address: %v", err)
	}
	// IPv6 addresses count per /64.
	for i := range 5 {
		_, _ = a.Login("guess", "x", fmt.Sprintf("[2001:db8:1:2::%x]:443", i))
	}
	_, err = a.Login("ben", "neb", "[2001:db8:1:2:ffff::1]:443")
	throttled(t, err, time.Minute)
	if _, err := a.Login("ben", "neb", "[2001:db8:1:3::1]:443"); err != nil {
		t.Fatalf("other /64: %v", err)
	}
}

func TestSuccessResetsUserCounter(t *testing.T) {
	a, _ := newTestAuth(t, Options{MaxFailures: 3})
	for round := range 3 {
		for i := range 2 {
			addr := fmt.Sprintf("192.0.2.%d:1", 10*round+i) // keep the address counters low
			if _, err := a.Login("ben", "wrong", addr); !errors.Is(err, ErrBadCredentials) {
				t.Fatalf("round %d: %v", round, err)
			}
		}
		if _, err := a.Login("ben", "neb", fmt.Sprintf("192.0.2.%d:1", 10*round+5)); err != nil {
			t.Fatalf("round %d: %v", round, err)
		}
	}
}

func TestThrottledAttemptsSkipPassword(t *testing.T) {
	a, _ := newTestAuth(t, Options{MaxFailures: 2})
	_, _ = a.Login("ben", "a", "192.0.2.1:1")
	_, _ = a.Login("ben", "b", "192.0.2.1:1")
	calls := countComparisons(t)
	for range 10 {
		_, err := a.Login("ben", "neb", "192.0.2.1:1")
		throttled(t, err, time.Minute)
	}
	if *calls != 0 {
		t.Fatalf("%d password comparisons while throttled", *calls)
	}
}

func TestLockoutDoublesAndCaps(t *testing.T) {
	a, c := newTestAuth(t, Options{})
	fail := func() { _, _ = a.Login("ben", "wrong", "192.0.2.1:1") }
	for range 5 {
		fail()
	}
	for _, want := range []time.Duration{time.Minute, 2 * time.Minute, 4 * time.Minute,
		8 * time.Minute, 15 * time.Minute, 15 * time.Minute} {
		_, err := a.Login("ben", "neb", "192.0.2.1:1")
		throttled(t, err, want)
		c.Advance(want)
		fail() // one more failure right after the lockout locks again
	}
	// A quiet period as long as the last lockout cools the key down.
	c.Advance(30 * time.Minute)
	fail()
	mustLogin(t, a, "ben", "neb")
}

func TestParallelGuessesAreBounded(t *testing.T) {
	a, _ := newTestAuth(t, Options{})
	var wg sync.WaitGroup
	var mu sync.Mutex
	checked := 0
	for range 50 {
		wg.Go(func() {
			_, err := a.Login("ben", "wrong", "192.0.2.1:1")
			if errors.Is(err, ErrBadCredentials) {
				mu.Lock()
				checked++
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if checked > 5 {
		t.Fatalf("%d of 50 parallel guesses were checked, want at most 5", checked)
	}
	// A parallel spray over many names from one address is bounded by
	// the address's in-flight allowance.
	checked = 0
	for i := range 100 {
		wg.Go(func() {
			_, err := a.Login(fmt.Sprintf("name%d", i), "wrong", "192.0.2.2:1")
			if errors.Is(err, ErrBadCredentials) {
				mu.Lock()
				checked++
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if checked > addrInFlight {
		t.Fatalf("%d of 100 parallel guesses were checked, want at most %d", checked, addrInFlight)
	}
}

func TestAddrKey(t *testing.T) {
	for in, want := range map[string]string{
		"192.0.2.1:5555":        "192.0.2.1",
		"192.0.2.1":             "192.0.2.1",
		"[::ffff:192.0.2.1]:80": "192.0.2.1",
		"[2001:db8::1]:80":      "2001:db8::/64",
		"[fe80::1%eth0]:80":     "fe80::/64",
		"unix-socket":           "unix-socket",
		"":                      "",
	} {
		if got := addrKey(in); got != want {
			t.Errorf("addrKey(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestThrottleSweepsIdleRecords(t *testing.T) {
	a, c := newTestAuth(t, Options{})
	most := 0
	for i := range 10000 { // a spray of names and addresses, an hour per 1000
		if i%1000 == 0 {
			c.Advance(time.Hour)
		}
		a.mu.Lock()
		keys := loginKeys(fmt.Sprintf("u%d", i), fmt.Sprintf("10.%d.%d.%d:1", i/65536, i/256%256, i%256))
		a.throttle.begin(&keys, c.Now())
		a.throttle.finish(keys, false, c.Now())
		most = max(most, len(a.throttle.records))
		a.mu.Unlock()
	}
	if most > 7500 {
		t.Fatalf("%d throttle records for 30000 keys, of which at most 3000 are recent", most)
	}
}

func TestSuccessKeepsOtherChecksInFlight(t *testing.T) {
	th := newThrottle(5, time.Minute)
	now := newClock().Now()
	keys := loginKeys("ben", "192.0.2.1:1")
	th.begin(&keys, now)
	th.begin(&keys, now)
	th.finish(keys, true, now)  // one attempt succeeds ...
	th.finish(keys, false, now) // ... the other, started alongside, fails
	r := th.records[keys.pair]
	if r.pending != 0 || len(r.fails) != 1 {
		t.Fatalf("pair record after both: pending %d, %d failures", r.pending, len(r.fails))
	}
}
