package server

import (
	"fmt"
	"slices"
	"sync"
	"time"
)

// Password checks are slow on purpose (bcrypt), so the server runs at most
// one per core at a time. The gate in front of them keeps that scarce time
// for real people: per address, and for user names that exist.
const (
	// loginsPerAddress is how many password logins from one address may
	// run or wait at once: people behind one office address seldom type
	// their passwords in the same second (desks log in with tokens), and
	// a spray from one machine gets no more of the server's checks.
	loginsPerAddress = 4
	// failureBudget failed password checks across all addresses within
	// failureBudgetWindow mean a spray: from then on, attempts for user
	// names that do not exist are refused at once, without a check, so
	// made-up names from many addresses cannot take the checks real users
	// wait for. Far above an office's typos; the cost is that while the
	// budget is spent, "server-busy" for an unknown name tells it apart
	// from a known one.
	failureBudget       = 20
	failureBudgetWindow = 10 * time.Second
)

// busyError refuses a login whose password was not checked because the
// server is busy with other logins. It is not a judgement on the user.
type busyError struct {
	retryAfter time.Duration
	why        string
}

func (e *busyError) Error() string {
	return fmt.Sprintf("server busy: %s; the password was not checked, retry in %s", e.why, e.retryAfter.Round(time.Second))
}

// loginGate hands out the password-check slots: known user names first,
// at most loginsPerAddress per address, unknown names not at all while
// the failure budget is spent.
type loginGate struct {
	mu      sync.Mutex
	free    int
	perAddr map[string]int   // logins running or waiting, per address key
	queue   [2][]*gateWaiter // waiting: [0] known user names, [1] unknown
	fails   []time.Time      // the last failureBudget failed checks
}

type gateWaiter struct {
	ready   chan struct{} // closed when granted
	granted bool
}

func newLoginGate(slots int) *loginGate {
	return &loginGate{free: slots, perAddr: make(map[string]int)}
}

// enter waits up to wait for a slot. release gives it back and says
// whether the check failed (wrong user or password).
func (g *loginGate) enter(addr string, known bool, wait time.Duration) (release func(failed bool), err error) {
	g.mu.Lock()
	if n := g.perAddr[addr]; n >= loginsPerAddress {
		g.mu.Unlock()
		return nil, &busyError{time.Second, fmt.Sprintf("%d logins from this address are in progress", n)}
	}
	if d := g.spentLocked(time.Now()); d > 0 && !known {
		g.mu.Unlock()
		return nil, &busyError{d, "too many failed logins on the server just now"}
	}
	g.perAddr[addr]++
	release = func(failed bool) { g.release(addr, failed) }
	if g.free > 0 {
		g.free--
		g.mu.Unlock()
		return release, nil
	}
	class := 0
	if !known {
		class = 1
	}
	w := &gateWaiter{ready: make(chan struct{})}
	g.queue[class] = append(g.queue[class], w)
	g.mu.Unlock()
	t := time.NewTimer(wait)
	defer t.Stop()
	select {
	case <-w.ready:
		return release, nil
	case <-t.C:
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	if w.granted { // granted just as the timer fired: take it
		return release, nil
	}
	g.queue[class] = slices.DeleteFunc(g.queue[class], func(x *gateWaiter) bool { return x == w })
	g.leaveLocked(addr)
	return nil, &busyError{time.Second, "other logins are being checked"}
}

// release ends a check: the slot goes to the first waiter for a known
// name, else for an unknown one, else back to the pool.
func (g *loginGate) release(addr string, failed bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.leaveLocked(addr)
	if failed {
		if len(g.fails) == failureBudget {
			g.fails = g.fails[1:]
		}
		g.fails = append(g.fails, time.Now())
	}
	for c := range g.queue {
		if len(g.queue[c]) > 0 {
			w := g.queue[c][0]
			g.queue[c] = g.queue[c][1:]
			w.granted = true
			close(w.ready)
			return
		}
	}
	g.free++
}

func (g *loginGate) leaveLocked(addr string) {
	if g.perAddr[addr]--; g.perAddr[addr] <= 0 {
		delete(g.perAddr, addr)
	}
}

// spentLocked is how long until the failure budget has room again; 0
// while it has room now.
func (g *loginGate) spentLocked(now time.Time) time.Duration {
	if len(g.fails) < failureBudget {
		return 0
	}
	return max(g.fails[0].Add(failureBudgetWindow).Sub(now), 0)
}
