package auth

import (
	"context"
	"encoding/hex"
	"log/slog"
	"time"
)

// Shared is the state the nodes of a cluster share: the issued tokens (by
// hash) and the login throttle's records. With Options.Shared nil an Auth
// is one node's alone, exactly as without a cluster.
//
// With a Shared every node mirrors every token in memory, so Verify stays
// a map lookup; a token another node issued a moment ago and not yet
// mirrored is read from the Shared on a miss. Token changes are written
// through after the change is made in memory, so a node whose link to the
// others is down still logs users in and verifies what it holds. The
// implementation (server/cluster) keeps failed token writes and retries
// them; failed throttle writes are dropped (see pullLogins).
//
// What sharing does not make atomic: a revocation reaches the other
// nodes' mirrors a moment later (milliseconds; seconds while NATS elects
// a new leader), RevokeAll ends the user's tokens this node has mirrored,
// and two nodes refreshing the same token at the same instant both
// succeed (the old token ends either way).
type Shared interface {
	// PutToken stores rec for every node.
	PutToken(ctx context.Context, rec TokenRecord) error
	// DeleteToken removes the token whose hash is hash on every node.
	DeleteToken(ctx context.Context, hash string) error
	// Token reads the token whose hash is hash; ok is false when none is
	// stored.
	Token(ctx context.Context, hash string) (rec TokenRecord, ok bool, err error)
	// Mirror calls apply for every stored token and returns once it has
	// (or ctx ends); then it calls apply for every later change, in the
	// order they were stored, from one goroutine, until the Shared is
	// closed. A change this node made comes back too.
	Mirror(ctx context.Context, apply func(TokenChange)) error
	// Logins reads the throttle records of keys; keys with no record are
	// absent from the map.
	Logins(ctx context.Context, keys []string) (map[string]LoginRecord, error)
	// UpdateLogin changes key's record atomically across nodes: change
	// gets the stored record (zero when none) and is called again if
	// another node stored one in between. A zero result removes the key.
	UpdateLogin(ctx context.Context, key string, change func(*LoginRecord)) error
}

// TokenRecord is an issued token as the nodes share it: never the token,
// only its hash.
type TokenRecord struct {
	Hash    string // hex SHA-256 of the token
	User    string
	Issued  time.Time
	Expires time.Time
}

// TokenChange is a token stored (Deleted false) or removed (only
// Record.Hash set).
type TokenChange struct {
	Record  TokenRecord
	Deleted bool
}

// LoginRecord is the shared part of one throttle key's history (see
// record): the failures, the lockout, and for a user-at-address key when
// it was last vouched for. What is in flight and the slowing of user names
// stay per node.
type LoginRecord struct {
	Fails   []time.Time
	Until   time.Time
	Lockout time.Duration
	Trusted time.Time
}

// IsZero reports whether r holds nothing worth storing.
func (r LoginRecord) IsZero() bool {
	return len(r.Fails) == 0 && r.Until.IsZero() && r.Lockout == 0 && r.Trusted.IsZero()
}

// Limits of the calls into a Shared.
const (
	// sharedTimeout bounds one call into the Shared, so a slow link to
	// the other nodes delays a login or a connect by at most this much.
	sharedTimeout = 2 * time.Second
	// mirrorTimeout bounds New's wait for the mirror's first copy of the
	// tokens: a bucket of a few hundred thousand tokens loads well within.
	mirrorTimeout = 30 * time.Second
	// maxLookups bounds the token reads from the Shared on a local miss
	// running at once: a flood of made-up tokens costs the link little.
	// A miss beyond it is answered from the mirror alone.
	maxLookups = 16
	// tombKeep is how long a token deleted here is remembered, so that a
	// late echo of its creation (the mirror lagging behind a link outage)
	// does not bring it back.
	tombKeep = 10 * time.Minute
)

// sharedChange is a token change made here, waiting to be written through.
type sharedChange struct {
	rec TokenRecord
	del bool
}

// openShared loads the shared tokens into memory and keeps them mirrored.
func (a *Auth) openShared() error {
	if a.shared == nil {
		return nil
	}
	if a.opts.StorePath != "" {
		a.warnings = append(a.warnings, "auth: tokens are shared by the cluster; the token store file "+
			a.opts.StorePath+" is not used")
		a.opts.StorePath = ""
	}
	a.tombs = make(map[tokenHash]time.Time)
	a.lookups = make(chan struct{}, maxLookups)
	a.trustWrites = make(chan struct{}, maxTrustWrites)
	ctx, cancel := context.WithTimeout(context.Background(), mirrorTimeout)
	defer cancel()
	if err := a.shared.Mirror(ctx, a.mirror); err != nil {
		return &sharedError{op: "mirror tokens", err: err}
	}
	return nil
}

// mirror applies a token change the Shared reports. A token removed
// elsewhere that this node still held is reported to SetOnRevoke's f.
func (a *Auth) mirror(c TokenChange) {
	h, ok := parseHash(c.Record.Hash)
	if !ok {
		slog.Warn("auth: shared token with a malformed hash ignored")
		return
	}
	var gone string
	a.mu.Lock()
	switch t := a.tokens[h]; {
	case c.Deleted:
		delete(a.tombs, h)
		if t != nil {
			delete(a.tokens, h)
			gone = t.id
		}
	case a.tombs[h].IsZero():
		if nt := a.sharedToken(h, c.Record); nt != nil {
			a.tokens[h] = nt
		}
	}
	a.mu.Unlock()
	if f := a.onRevoke.Load(); gone != "" && f != nil {
		(*f)([]string{gone})
	}
}

// SetOnRevoke registers f to be called with the ids of tokens this node
// held that another node revoked or replaced (Revoke, RevokeAll, Refresh
// or the per-user cap there), so the server closes the sessions opened
// with them here, as it does itself after a revocation made here. f runs
// on the mirror's goroutine, one call at a time: it must not block for
// long, nor call Auth's token methods. Without Options.Shared it is never
// called.
func (a *Auth) SetOnRevoke(f func(ids []string)) { a.onRevoke.Store(&f) }

// sharedToken turns rec into a token of a configured user, or nil.
func (a *Auth) sharedToken(h tokenHash, rec TokenRecord) *token {
	acc := a.accounts[rec.User]
	if acc == nil || rec.Expires.IsZero() {
		return nil // the user is not configured here: neither are their tokens
	}
	return &token{hash: h, id: tokenID(h), user: acc.user, issued: rec.Issued, expires: rec.Expires}
}

// fetch reads a token missing from the mirror from the Shared: another
// node may have issued it a moment ago.
func (a *Auth) fetch(h tokenHash) *token {
	if a.shared == nil {
		return nil
	}
	select {
	case a.lookups <- struct{}{}:
		defer func() { <-a.lookups }()
	default:
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), sharedTimeout)
	defer cancel()
	rec, ok, err := a.shared.Token(ctx, hex.EncodeToString(h[:]))
	if err != nil {
		a.warnShared("auth: cannot read a shared token", "token", tokenID(h), "err", err)
		return nil
	}
	if !ok {
		return nil
	}
	t := a.sharedToken(h, rec)
	if t == nil {
		return nil
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if !a.tombs[h].IsZero() {
		return nil // revoked here while we read it
	}
	if cur := a.tokens[h]; cur != nil {
		return cur
	}
	a.tokens[h] = t
	return t
}

// sharePutLocked queues t to be written through. Hold a.mu.
func (a *Auth) sharePutLocked(t *token) {
	if a.shared == nil {
		return
	}
	a.outgoing = append(a.outgoing, sharedChange{rec: TokenRecord{Hash: hex.EncodeToString(t.hash[:]),
		User: t.user.Name, Issued: t.issued.UTC(), Expires: t.expires.UTC()}})
}

// shareDeleteLocked queues the removal of the token h, deleted from
// a.tokens, to be written through. Hold a.mu.
func (a *Auth) shareDeleteLocked(h tokenHash) {
	if a.shared == nil {
		return
	}
	a.tombs[h] = a.opts.Now()
	a.outgoing = append(a.outgoing, sharedChange{rec: TokenRecord{Hash: hex.EncodeToString(h[:])}, del: true})
}

// pruneTombsLocked forgets tombstones older than tombKeep. Hold a.mu.
func (a *Auth) pruneTombsLocked(now time.Time) {
	for h, at := range a.tombs {
		if now.Sub(at) > tombKeep {
			delete(a.tombs, h)
		}
	}
}

// sendShared writes the queued token changes through, in the order they
// were made: one writer at a time, so a token's removal never overtakes
// its creation. A failed write is logged; the Shared retries it.
func (a *Auth) sendShared() {
	if a.shared == nil {
		return
	}
	a.sendMu.Lock()
	defer a.sendMu.Unlock()
	a.mu.Lock()
	out := a.outgoing
	a.outgoing = nil
	a.mu.Unlock()
	for _, c := range out {
		ctx, cancel := context.WithTimeout(context.Background(), sharedTimeout)
		var err error
		if c.del {
			err = a.shared.DeleteToken(ctx, c.rec.Hash)
		} else {
			err = a.shared.PutToken(ctx, c.rec)
		}
		cancel()
		if err != nil {
			h, _ := parseHash(c.rec.Hash)
			a.warnShared("auth: token change not yet shared with the cluster", "token", tokenID(h),
				"deleted", c.del, "err", err)
		}
	}
}

// warnEvery spaces the warnings about the link to the other nodes: while
// it is down every login, connect and miss would log one.
const warnEvery = 10 * time.Second

// warnShared logs a failure of the Shared, at most once per warnEvery,
// with the number of those left out since.
func (a *Auth) warnShared(msg string, args ...any) {
	now := time.Now()
	last := a.warned.Load()
	if last != 0 && now.Sub(time.Unix(0, last)) < warnEvery {
		a.unwarned.Add(1)
		return
	}
	if !a.warned.CompareAndSwap(last, now.UnixNano()) {
		a.unwarned.Add(1)
		return
	}
	slog.Warn(msg, append(args, "similar_left_out", a.unwarned.Swap(0))...)
}

func parseHash(s string) (tokenHash, bool) {
	var h tokenHash
	if len(s) != 2*len(h) {
		return h, false
	}
	_, err := hex.Decode(h[:], []byte(s))
	return h, err == nil
}

// sharedError is a failure of the Shared that New reports.
type sharedError struct {
	op  string
	err error
}

func (e *sharedError) Error() string { return "auth: shared state: " + e.op + ": " + e.err.Error() }
func (e *sharedError) Unwrap() error { return e.err }
