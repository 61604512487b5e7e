package auth

import (
	"net"
	"net/netip"
	"time"
)

// maxLockout caps the doubling lockout: a person who mistyped their
// password a dozen times waits at most a quarter of an hour.
const maxLockout = 15 * time.Minute

// sweepAt is the number of records above which cold ones are swept, so a
// spray of made-up user names or addresses cannot grow memory without end.
// The next sweep waits until the map has doubled, keeping the cost per
// attempt constant.
const sweepAt = 1024

// throttle counts failed logins per key ("u:"+user name, "a:"+address).
// It is guarded by Auth.mu.
type throttle struct {
	limit     int
	window    time.Duration
	records   map[string]*record
	nextSweep int
}

// record is the failure history of one key.
type record struct {
	fails   []time.Time   // failures within the window
	pending int           // attempts whose password check is running
	until   time.Time     // locked until then
	lockout time.Duration // length of the last lockout; 0 when cold
}

func newThrottle(limit int, window time.Duration) *throttle {
	return &throttle{limit: limit, window: window, records: make(map[string]*record), nextSweep: sweepAt}
}

// loginKeys are the throttle keys of one attempt: the user name and the
// remote address. A user name locks out guessing at one account from many
// addresses; an address locks out one machine guessing at many accounts.
func loginKeys(user, remoteAddr string) []string {
	return []string{"u:" + user, "a:" + addrKey(remoteAddr)}
}

// addrKey is the address without port. IPv6 addresses count per /64, the
// block one end site usually gets: otherwise a single attacker could rotate
// through 2^64 addresses.
func addrKey(remoteAddr string) string {
	host, _, err := net.SplitHostPort(remoteAddr)
	if err != nil {
		host = remoteAddr
	}
	ip, err := netip.ParseAddr(host)
	if err != nil {
		return host
	}
	ip = ip.Unmap().WithZone("")
	if ip.Is6() {
		p, _ := ip.Prefix(64)
		return p.String()
	}
	return ip.String()
}

// addrInFlight is how many password checks may run at once for one remote
// address while it has no failures: enough for an office behind one NAT
// address logging in at nine o'clock, too few for a parallel guessing run.
const addrInFlight = 32

// begin admits an attempt or says how long to wait. An admitted attempt is
// counted as pending until finish, so parallel guesses cannot all slip in
// before the first failure is recorded. keys[0] is the user name, which
// allows as many checks in flight as failures; keys[1] the address.
func (t *throttle) begin(keys []string, now time.Time) time.Duration {
	var wait time.Duration
	for i, k := range keys {
		inFlight := t.limit
		if i > 0 {
			inFlight = max(t.limit, addrInFlight)
		}
		wait = max(wait, t.get(k, now).wait(now, t.limit, inFlight, t.window))
	}
	if wait > 0 {
		return wait
	}
	for _, k := range keys {
		t.get(k, now).pending++
	}
	t.sweep(now)
	return 0
}

// finish settles an admitted attempt. A success clears the user's history
// (keys[0]) but not the count of other checks still in flight; the address
// keeps its failures, other accounts may be guessed from there.
func (t *throttle) finish(keys []string, ok bool, now time.Time) {
	for i, k := range keys {
		r := t.get(k, now)
		r.pending = max(r.pending-1, 0)
		switch {
		case ok && i == 0:
			*r = record{pending: r.pending}
		case !ok:
			r.fail(now, t.limit, t.window)
		}
	}
}

func (t *throttle) get(k string, now time.Time) *record {
	r := t.records[k]
	if r == nil {
		r = &record{}
		t.records[k] = r
	}
	r.cool(now, t.window)
	return r
}

// sweep drops records with nothing left to remember.
func (t *throttle) sweep(now time.Time) {
	if len(t.records) < t.nextSweep {
		return
	}
	for k, r := range t.records {
		if r.cool(now, t.window); r.idle(now) {
			delete(t.records, k)
		}
	}
	t.nextSweep = max(sweepAt, 2*len(t.records))
}

// cool forgets failures older than the window, and the lockout length once
// a quiet period as long as the last lockout has passed after it.
func (r *record) cool(now time.Time, window time.Duration) {
	i := 0
	for i < len(r.fails) && now.Sub(r.fails[i]) >= window {
		i++
	}
	r.fails = r.fails[i:]
	if r.lockout > 0 && !now.Before(r.until.Add(r.lockout)) {
		r.lockout = 0
	}
}

func (r *record) idle(now time.Time) bool {
	return len(r.fails) == 0 && r.pending == 0 && r.lockout == 0 && !now.Before(r.until)
}

// wait is how long an attempt must wait now; 0 admits it. Checks in flight
// count against the failure limit once a failure is on record (they may
// all fail), and against inFlight always; they finish within a second.
func (r *record) wait(now time.Time, limit, inFlight int, window time.Duration) time.Duration {
	switch {
	case now.Before(r.until):
		return r.until.Sub(now)
	case len(r.fails) > 0 && len(r.fails)+r.pending >= limit:
		return min(r.fails[0].Add(window).Sub(now), time.Second)
	case r.pending >= inFlight:
		return time.Second
	}
	return 0
}

// fail records a failure. Reaching max failures in the window, or failing
// again soon after a lockout, locks the key: first for one window, then for
// twice as long each time, up to maxLockout.
func (r *record) fail(now time.Time, limit int, window time.Duration) {
	r.fails = append(r.fails, now)
	if len(r.fails) < limit && r.lockout == 0 {
		return
	}
	r.lockout = min(max0(2*r.lockout, window), maxLockout)
	r.until = now.Add(r.lockout)
	r.fails = r.fails[:0]
}

func max0(d, fallback time.Duration) time.Duration {
	if d <= 0 {
		return fallback
	}
	return d
}
