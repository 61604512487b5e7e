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

// trustFor is how long a successful login (or a connect with a valid
// device token) from an address vouches for that user at that address: as
// long as a device token lives by default, so the desk a person works at
// is never locked out by someone else guessing at their name.
const trustFor = DefaultTokenLifetime

// throttle counts failed logins per key: "p:" a user name at an address,
// "a:" an address, "u:" a user name. It is guarded by Auth.mu.
//
// The pair and the address lock out (a machine guessing at one account,
// or at many); the user name only slows attempts from addresses not
// trusted for that user, so guesses from elsewhere never lock the real
// user out of the desk they log in from.
type throttle struct {
	limit     int
	window    time.Duration
	records   map[string]*record
	trusted   map[string]time.Time // pair key -> last success or token connect
	nextSweep int
}

// record is the failure history of one key.
type record struct {
	fails   []time.Time   // failures within the window
	pending int           // attempts whose password check is running
	until   time.Time     // locked until then
	lockout time.Duration // length of the last lockout; 0 when cold
	slowed  time.Time     // user keys: last attempt admitted from an untrusted address
}

func newThrottle(limit int, window time.Duration) *throttle {
	return &throttle{limit: limit, window: window, records: make(map[string]*record),
		trusted: make(map[string]time.Time), nextSweep: sweepAt}
}

// attemptKeys are the throttle keys of one login attempt.
type attemptKeys struct {
	pair, addr, user string
	trusted          bool // set by begin: the pair vouched for itself
}

// loginKeys are the throttle keys of an attempt by user from remoteAddr.
func loginKeys(user, remoteAddr string) attemptKeys {
	a := addrKey(remoteAddr)
	return attemptKeys{pair: "p:" + a + "|" + user, addr: "a:" + a, user: "u:" + user}
}

// AddrKey is the key remoteAddr (host or host:port) counts under when
// limits apply per address: the host, or its /64 for IPv6 (see addrKey).
func AddrKey(remoteAddr string) string { return addrKey(remoteAddr) }

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
// before the first failure is recorded. A trusted pair answers only for
// its own failures; otherwise the address and the user name count too.
func (t *throttle) begin(k *attemptKeys, now time.Time) time.Duration {
	k.trusted = t.isTrusted(k.pair, now)
	wait := t.get(k.pair, now).wait(now, t.limit, t.limit, t.window)
	if !k.trusted {
		wait = max(wait, t.get(k.addr, now).wait(now, t.limit, max(t.limit, addrInFlight), t.window))
		wait = max(wait, t.get(k.user, now).slow(now, t.limit, t.window))
	}
	if wait > 0 {
		return wait
	}
	t.get(k.pair, now).pending++
	if !k.trusted {
		t.get(k.addr, now).pending++
		u := t.get(k.user, now)
		u.pending++
		u.slowed = now
	}
	t.sweep(now)
	return 0
}

// finish settles an admitted attempt. A success clears the pair's and
// the user name's history (but not the count of other checks still in
// flight) and trusts the pair; the address keeps its failures, other
// accounts may be guessed from there.
func (t *throttle) finish(k attemptKeys, ok bool, now time.Time) {
	p := t.get(k.pair, now)
	p.pending = max(p.pending-1, 0)
	if ok {
		*p = record{pending: p.pending}
		t.trusted[k.pair] = now
	} else {
		p.fail(now, t.limit, t.window)
	}
	u := t.get(k.user, now)
	if ok {
		u.fails = u.fails[:0]
	}
	if k.trusted {
		return
	}
	a := t.get(k.addr, now)
	a.pending, u.pending = max(a.pending-1, 0), max(u.pending-1, 0)
	if !ok {
		a.fail(now, t.limit, t.window)
		u.note(now, t.limit)
	}
}

// trust vouches for user at remoteAddr (a connect with a valid token).
func (t *throttle) trust(k attemptKeys, now time.Time) { t.trusted[k.pair] = now }

func (t *throttle) isTrusted(pair string, now time.Time) bool {
	at, ok := t.trusted[pair]
	return ok && now.Sub(at) < trustFor
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
	if len(t.records)+len(t.trusted) < t.nextSweep {
		return
	}
	for k, r := range t.records {
		if r.cool(now, t.window); r.idle(now) {
			delete(t.records, k)
		}
	}
	for k, at := range t.trusted {
		if now.Sub(at) >= trustFor {
			delete(t.trusted, k)
		}
	}
	t.nextSweep = max(sweepAt, 2*len(t.records)+len(t.trusted))
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

// slow is how long an attempt on a user name from an untrusted address
// must wait: while the name has had limit failures within the window,
// such attempts are spaced window/limit apart (one check at a time),
// which bounds guessing from many addresses without ever locking out.
func (r *record) slow(now time.Time, limit int, window time.Duration) time.Duration {
	if len(r.fails) < limit {
		return 0
	}
	gap := window / time.Duration(limit)
	if next := r.slowed.Add(gap); now.Before(next) {
		return next.Sub(now)
	}
	if r.pending > 0 {
		return gap
	}
	return 0
}

// note records a failure on a user name, keeping the last limit only: a
// user name slows attempts, it does not lock.
func (r *record) note(now time.Time, limit int) {
	r.fails = append(r.fails, now)
	if len(r.fails) > limit {
		r.fails = r.fails[len(r.fails)-limit:]
	}
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
