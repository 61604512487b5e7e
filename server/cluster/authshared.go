package cluster

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/deskline/deskline/server/auth"
	"github.com/nats-io/nats.go/jetstream"
)

// Limits of the shared auth state.
const (
	// retryEvery is how often token writes that failed (the link was
	// down) are tried again: a token issued during an outage reaches the
	// other nodes within this of the link's return.
	retryEvery = time.Second
	// maxPending bounds the token writes kept for a retry: one per login
	// or revocation during an outage; past it the oldest kind is lost
	// only in that the other nodes do not learn of it (the node that made
	// it still holds it).
	maxPending = 100_000
)

// errNoLink is returned at once while the NATS link is down, instead of
// waiting for a request's timeout on every login.
var errNoLink = errors.New("no NATS link")

// AuthShared is the auth state the nodes share (auth.Shared) in two
// buckets: <name>_tokens, device tokens by hex SHA-256 (never the token),
// and <name>_logins, the login throttle's records. It lives until the
// context given to NewAuthShared ends.
type AuthShared struct {
	node   *Node
	ctx    context.Context
	tokens jetstream.KeyValue
	logins jetstream.KeyValue

	// writing is held by every token write, so a retried change never
	// overtakes a newer one of the same token (a revocation).
	writing sync.Mutex
	mu      sync.Mutex
	pending map[string]*auth.TokenRecord // token writes to retry by hash; nil: a delete
}

var _ auth.Shared = (*AuthShared)(nil)

// NewAuthShared opens (creating them if need be) the buckets <name>_tokens
// and <name>_logins for auth.Options.Shared. o is the auth.Options the
// server passes to auth.New: its token lifetime and failure window size
// the buckets' retention. The mirror and the retries run until ctx ends.
func NewAuthShared(ctx context.Context, n *Node, o auth.Options) (*AuthShared, error) {
	tokens, err := n.KeyValue(ctx, "tokens", jetstream.KeyValueConfig{
		Description: "Deskline device tokens by SHA-256 (auth)",
		TTL:         tokensKeep(o.TokenLifetime),
		History:     1,
	})
	if err != nil {
		return nil, err
	}
	logins, err := n.KeyValue(ctx, "logins", jetstream.KeyValueConfig{
		Description: "Deskline failed logins and trusted addresses (auth throttle)",
		TTL:         loginsKeep(o.FailureWindow),
		History:     1,
	})
	if err != nil {
		return nil, err
	}
	s := &AuthShared{node: n, ctx: ctx, tokens: tokens, logins: logins,
		pending: make(map[string]*auth.TokenRecord)}
	go s.retry()
	return s, nil
}

// tokensKeep is the tokens bucket's MaxAge: a token's lifetime, plus the
// week auth remembers an expired token to tell its client "expired"
// rather than "invalid". A backstop only: auth forgets expired tokens by
// itself, and a token is never rewritten after it is issued.
func tokensKeep(lifetime time.Duration) time.Duration {
	if lifetime <= 0 {
		lifetime = auth.DefaultTokenLifetime
	}
	return lifetime + expiredKeep
}

// expiredKeep matches auth's: how long an expired token is remembered.
const expiredKeep = 7 * 24 * time.Hour

// maxLockout matches auth's: the longest lockout.
const maxLockout = 15 * time.Minute

// loginsKeep is the logins bucket's MaxAge: a record matters for the
// failure window, or for a lockout (at most maxLockout) and the quiet
// period after it as long again before its length is forgotten. A record
// not written for that long holds nothing auth would act on, so a spray
// of made-up user names leaves nothing behind. The trust of an address
// for a user is shared as long (each node keeps its own for longer).
func loginsKeep(window time.Duration) time.Duration {
	if window <= 0 {
		window = auth.DefaultFailureWindow
	}
	return window + 2*maxLockout
}

// linked fails fast while the NATS link is down.
func (s *AuthShared) linked() error {
	if !s.node.NC.IsConnected() {
		return errNoLink
	}
	return nil
}

// keep remembers a token write that failed, for retry; a later write of
// the same token replaces it.
func (s *AuthShared) keep(hash string, rec *auth.TokenRecord) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.pending[hash]; !ok && len(s.pending) >= maxPending {
		s.node.log.Error("cluster: too many token changes waiting for the NATS link; one not shared", "bucket", s.tokens.Bucket())
		return
	}
	s.pending[hash] = rec
}

// retry writes the kept token changes while the link works.
func (s *AuthShared) retry() {
	tick := time.NewTicker(retryEvery)
	defer tick.Stop()
	for {
		select {
		case <-s.ctx.Done():
			return
		case <-tick.C:
		}
		if s.linked() == nil {
			s.retryPending()
		}
	}
}

// retryPending writes the kept changes until one fails: the rest wait
// for the next round rather than each waiting out a request's timeout
// while the stream has no leader (every new write waits on s.writing).
func (s *AuthShared) retryPending() {
	s.writing.Lock()
	defer s.writing.Unlock()
	s.mu.Lock()
	batch := s.pending
	s.pending = make(map[string]*auth.TokenRecord)
	s.mu.Unlock()
	var failed error
	done := 0
	for hash, rec := range batch {
		if failed == nil {
			ctx, cancel := context.WithTimeout(s.ctx, requestTimeout)
			failed = s.store(ctx, hash, rec)
			cancel()
			if failed == nil {
				done++
				continue
			}
		}
		s.keep(hash, rec)
	}
	if len(batch) > 0 {
		s.node.log.Info("cluster: token changes made without the NATS link retried",
			"bucket", s.tokens.Bucket(), "written", done, "waiting", len(batch)-done, "err", failed)
	}
}
