package auth

import (
	"context"
	"time"
)

// pullLogins replaces this node's failure records for keys by the
// cluster's, so failures on every node count: five failures spread over
// three nodes lock out as five on one do. The records are the cluster's
// truth as long as the link works (every failure is written through by
// pushLogins).
//
// Without the link the node fails open to its own throttle: it goes on
// counting, locking out and checking passwords with what it has. Failing
// closed would turn an outage of NATS into an outage of every password
// login; failing open costs only that a guesser spreading attempts over
// the nodes gets the node count times the limit while the link is down —
// each node still locks him out on its own, and bcrypt stays slow.
func (a *Auth) pullLogins(k attemptKeys) {
	if a.shared == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), sharedTimeout)
	defer cancel()
	recs, err := a.shared.Logins(ctx, []string{k.pair, k.addr, k.user})
	if err != nil {
		a.warnShared("auth: shared login records unavailable; throttling on this node's alone", "err", err)
		return
	}
	now := a.opts.Now()
	a.mu.Lock()
	defer a.mu.Unlock()
	for _, key := range []string{k.pair, k.addr, k.user} {
		a.throttle.get(key, now).merge(recs[key])
	}
	if at := recs[k.pair].Trusted; at.After(a.throttle.trusted[k.pair]) {
		a.throttle.trusted[k.pair] = at
	}
}

// pushLogins writes the outcome of an attempt through to the cluster's
// records, as finish wrote it to this node's: each change is applied to
// the latest stored record, so attempts on several nodes at once all
// count. A failed write is logged and dropped (see pullLogins).
func (a *Auth) pushLogins(k attemptKeys, ok bool, now time.Time) {
	if a.shared == nil {
		return
	}
	limit, window := a.opts.MaxFailures, a.opts.FailureWindow
	fail := func(s *LoginRecord) { s.apply(now, window, func(r *record) { r.fail(now, limit, window) }) }
	if ok {
		a.updateLogin(k.pair, func(s *LoginRecord) { *s = LoginRecord{Trusted: now} })
		a.updateLogin(k.user, func(s *LoginRecord) { s.Fails = nil })
	} else {
		a.updateLogin(k.pair, fail)
	}
	if k.trusted || ok {
		return
	}
	a.updateLogin(k.addr, fail)
	a.updateLogin(k.user, func(s *LoginRecord) { s.apply(now, window, func(r *record) { r.note(now, limit) }) })
}

// maxTrustWrites bounds the trust writes running at once. Trust runs on
// every token connect, and after a node fails its desks reconnect to the
// others by the ten thousand, each new to its node: the writes go on in
// the background, and those beyond the bound are skipped (the node's own
// trust holds; the others learn of the pair at its next login).
const maxTrustWrites = 8

// shareTrust writes through, in the background, that k.pair was vouched
// for at now.
func (a *Auth) shareTrust(k attemptKeys, now time.Time) {
	if a.shared == nil {
		return
	}
	select {
	case a.trustWrites <- struct{}{}:
	default:
		return
	}
	go func() {
		defer func() { <-a.trustWrites }()
		a.updateLogin(k.pair, func(s *LoginRecord) { s.Trusted = now })
	}()
}

func (a *Auth) updateLogin(key string, change func(*LoginRecord)) {
	ctx, cancel := context.WithTimeout(context.Background(), sharedTimeout)
	defer cancel()
	if err := a.shared.UpdateLogin(ctx, key, change); err != nil {
		a.warnShared("auth: login record not shared with the cluster", "err", err)
	}
}

// load replaces r's shared part by s; what is in flight here stays.
func (r *record) load(s LoginRecord) {
	r.fails = append(r.fails[:0], s.Fails...)
	r.until, r.lockout = s.Until, s.Lockout
}

// merge takes the cluster's record s, which holds every failure written
// through; a lockout this node set but has not yet written through (an
// attempt finishing at the same moment) is kept.
func (r *record) merge(s LoginRecord) {
	until, lockout := r.until, r.lockout
	r.load(s)
	if until.After(r.until) {
		r.until, r.lockout = until, lockout
	}
}

// apply runs f, one of record's changes, on the shared record s.
func (s *LoginRecord) apply(now time.Time, window time.Duration, f func(*record)) {
	var r record
	r.load(*s)
	r.cool(now, window)
	f(&r)
	s.Fails, s.Until, s.Lockout = r.fails, r.until, r.lockout
	if len(s.Fails) == 0 {
		s.Fails = nil
	}
	if !now.Before(s.Until) && s.Lockout == 0 {
		s.Until = time.Time{}
	}
}
