package server

import (
	"errors"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/deskline/deskline/ctiproto"
	"github.com/deskline/deskline/pbx/sim"
	"github.com/deskline/deskline/server/auth"
	"github.com/deskline/deskline/server/config"
	"golang.org/x/crypto/bcrypt"
)

func mustEnter(t *testing.T, g *loginGate, addr string, known bool) func(bool) {
	t.Helper()
	release, err := g.enter(addr, known, time.Minute)
	if err != nil {
		t.Fatalf("enter %s: %v", addr, err)
	}
	return release
}

func wantBusy(t *testing.T, err error) *busyError {
	t.Helper()
	var b *busyError
	if !errors.As(err, &b) || b.retryAfter <= 0 {
		t.Fatalf("err = %v, want *busyError with a retry time", err)
	}
	return b
}

// One address gets at most loginsPerAddress checks; others still enter.
func TestLoginGatePerAddress(t *testing.T) {
	g := newLoginGate(16)
	var releases []func(bool)
	for range loginsPerAddress {
		releases = append(releases, mustEnter(t, g, "192.0.2.1", true))
	}
	_, err := g.enter("192.0.2.1", true, time.Minute)
	wantBusy(t, err)
	mustEnter(t, g, "192.0.2.2", true)
	releases[0](false)
	mustEnter(t, g, "192.0.2.1", true)
}

// Once the failure budget is spent, unknown user names are refused at
// once; known ones still enter.
func TestLoginGateShedsUnknownNamesFirst(t *testing.T) {
	g := newLoginGate(2)
	for i := range failureBudget {
		mustEnter(t, g, fmt.Sprintf("198.51.100.%d", i), false)(true)
	}
	_, err := g.enter("198.51.100.200", false, time.Minute)
	if b := wantBusy(t, err); b.retryAfter > failureBudgetWindow {
		t.Errorf("retry after %s, want at most %s", b.retryAfter, failureBudgetWindow)
	}
	mustEnter(t, g, "192.0.2.1", true)(false)
}

// A freed slot goes to a waiting known user name before unknown ones that
// waited longer.
func TestLoginGateKnownNamesFirst(t *testing.T) {
	g := newLoginGate(1)
	hold := mustEnter(t, g, "192.0.2.1", true)
	got := make(chan string, 2)
	wait := func(addr string, known bool, queued int) {
		go func() {
			if release, err := g.enter(addr, known, time.Minute); err == nil {
				got <- addr
				release(false)
			}
		}()
		for { // until it waits in its queue
			g.mu.Lock()
			n := len(g.queue[0]) + len(g.queue[1])
			g.mu.Unlock()
			if n == queued {
				return
			}
			time.Sleep(time.Millisecond)
		}
	}
	wait("198.51.100.1", false, 1)
	wait("192.0.2.2", true, 2)
	hold(false)
	if first := <-got; first != "192.0.2.2" {
		t.Fatalf("first served %s, want the known name's 192.0.2.2", first)
	}
	<-got
}

// A spray of made-up user names from many addresses does not keep real
// users from logging in with their password: the spray is shed once the
// failure budget is spent, and known names go first. Timings scale with
// one password check (c) on this machine: the hello timeout is 10c, and
// the spray queues about 100 checks (50c on two cores) ahead of the user.
func TestSprayOfUnknownNamesDoesNotStarveLogins(t *testing.T) {
	hash, c := sprayHash(t)
	limits := config.Default().Limits
	limits.HelloTimeout = max(10*c, time.Second)
	e := newSlowEnv(t, string(hash), limits)

	var fails atomic.Int32
	stop := make(chan struct{})
	done := make(chan struct{}, 100)
	for g := range 100 {
		go func() {
			defer func() { done <- struct{}{} }()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				code := e.guess(fmt.Sprintf("127.1.%d.%d", g, i%250+1), fmt.Sprintf("nobody%d-%d", g, i))
				switch code {
				case ctiproto.CodeAuthFailed:
					fails.Add(1)
				case ctiproto.CodeServerBusy:
					time.Sleep(20 * time.Millisecond) // shed: keep the loop from spinning
				}
			}
		}()
	}
	defer func() {
		close(stop)
		for range 100 {
			<-done
		}
	}()
	for fails.Load() < failureBudget {
		time.Sleep(10 * time.Millisecond)
	}
	for i := range 3 {
		cl := e.dial()
		cl.send(&ctiproto.Hello{ID: "h", User: "ann", Password: "secret"})
		m, err := cl.read(limits.HelloTimeout + 10*c)
		if _, ok := m.(*ctiproto.Welcome); !ok || err != nil {
			t.Fatalf("login %d during the spray: %s %v", i, dump(m), err)
		}
		cl.conn.Close()
	}
}

// sprayCheck bounds one password check in the spray test. Its timings
// scale with a check, but the failure budget's window
// (failureBudgetWindow, 10 s) does not: the spray must spend the budget
// well within the window, which it cannot when the race detector and a
// loaded machine make a check of cost 10 take a second.
const sprayCheck = 100 * time.Millisecond

// sprayHash hashes "secret" at bcrypt cost 10, or lower until one check
// takes at most sprayCheck here, and returns the hash and that time.
func sprayHash(t *testing.T) ([]byte, time.Duration) {
	t.Helper()
	for cost := 10; ; cost-- {
		hash, err := bcrypt.GenerateFromPassword([]byte("secret"), cost)
		if err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		bcrypt.CompareHashAndPassword(hash, []byte("secret"))
		if c := time.Since(start); c <= sprayCheck || cost == bcrypt.MinCost {
			t.Logf("bcrypt cost %d: one check takes %v", cost, c)
			return hash, c
		}
	}
}

// newSlowEnv is newEnv with every user's password hashed as hash.
func newSlowEnv(t *testing.T, hash string, limits config.Limits) *testEnv {
	t.Helper()
	ex, err := sim.New(testSimConfig())
	if err != nil {
		t.Fatal(err)
	}
	users := make([]auth.User, len(testUsers))
	for i, u := range testUsers {
		u.PasswordHash = hash
		users[i] = u
	}
	a, err := auth.New(users, auth.Options{})
	if err != nil {
		t.Fatal(err)
	}
	e := &testEnv{t: t, sim: ex, auth: a}
	e.start(users, limits)
	return e
}
