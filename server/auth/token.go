package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"time"
)

// tokenBytes is the token's entropy: 256 bits, beyond any guessing.
const tokenBytes = 32

// tokenLen is the length of a token as text (base64url, no padding).
var tokenLen = base64.RawURLEncoding.EncodedLen(tokenBytes)

// expiredKeep is how long an expired token is remembered (by hash) so that
// its client is told "expired, log in again" rather than "invalid"; after
// that it is pruned.
const expiredKeep = 7 * 24 * time.Hour

// maxTokensPerUser bounds the tokens one user can pile up (a client that
// logs in on every start would otherwise grow the store for a month). The
// oldest token goes first; its device must log in again.
const maxTokensPerUser = 50

// tokenHash is the SHA-256 of a token. A fast hash is right here, unlike for
// passwords: a token is 256 random bits, so there is nothing to guess from
// the hash, and Verify must stay cheap for thousands of connecting clients.
type tokenHash [sha256.Size]byte

// token is an issued token, known only by its hash.
type token struct {
	hash    tokenHash
	id      string
	user    *User
	issued  time.Time
	expires time.Time
}

// newToken returns 32 bytes from crypto/rand, base64url without padding.
func newToken() string {
	b := make([]byte, tokenBytes)
	_, _ = rand.Read(b) // never fails: crypto/rand crashes the program instead
	return base64.RawURLEncoding.EncodeToString(b)
}

// hashToken hashes tok; a token-sized string is copied to the stack first,
// which keeps Verify free of allocations.
func hashToken(tok string) tokenHash {
	var buf [64]byte
	if len(tok) <= len(buf) {
		n := copy(buf[:], tok)
		return sha256.Sum256(buf[:n])
	}
	return sha256.Sum256([]byte(tok))
}

// tokenID is the loggable name of a token: 16 hex digits of its hash.
func tokenID(h tokenHash) string { return hex.EncodeToString(h[:8]) }

func (t *token) grant() Grant {
	return Grant{User: t.user, TokenID: t.id, Expires: t.expires}
}

// Verify checks a token presented on connect. It costs one SHA-256 and one
// map lookup under a read lock.
func (a *Auth) Verify(tok string) (Grant, error) {
	if len(tok) != tokenLen {
		return Grant{}, ErrTokenInvalid // not ours; skip hashing junk
	}
	h := hashToken(tok)
	now := a.opts.Now()
	a.mu.RLock()
	t := a.tokens[h] // tokens never change once in the map
	a.mu.RUnlock()
	if t == nil {
		t = a.fetch(h)
	}
	switch {
	case t == nil:
		return Grant{}, ErrTokenInvalid
	case !now.Before(t.expires):
		return Grant{}, ErrTokenExpired
	}
	return t.grant(), nil
}

// Refresh replaces a valid token by a new one with a fresh lifetime; the old
// token is revoked. An expired token cannot be refreshed.
func (a *Auth) Refresh(tok string) (Grant, error) {
	old, err := a.Verify(tok)
	if err != nil {
		return Grant{}, err
	}
	a.mu.Lock()
	h := hashToken(tok)
	if a.tokens[h] == nil { // revoked since Verify
		a.mu.Unlock()
		return Grant{}, ErrTokenInvalid
	}
	delete(a.tokens, h)
	g := a.issueLocked(old.User, a.opts.Now())
	a.shareDeleteLocked(h) // after the new token: the desk is never left with none
	a.mu.Unlock()
	a.sendShared()
	a.persist()
	return g, nil
}

// Revoke ends a token (logout, lost device) and returns its id so the server
// can close the sessions opened with it.
func (a *Auth) Revoke(tok string) (string, error) {
	if len(tok) != tokenLen {
		return "", ErrTokenInvalid
	}
	h := hashToken(tok)
	a.mu.RLock()
	t := a.tokens[h]
	a.mu.RUnlock()
	if t == nil {
		a.fetch(h) // issued elsewhere a moment ago: revoke it all the same
	}
	a.mu.Lock()
	t = a.tokens[h]
	if t == nil {
		a.mu.Unlock()
		return "", ErrTokenInvalid
	}
	delete(a.tokens, h)
	a.shareDeleteLocked(h)
	a.mu.Unlock()
	a.sendShared()
	a.persist()
	return t.id, nil
}

// RevokeAll ends every token of user and returns their ids so the server
// can close the sessions opened with them.
func (a *Auth) RevokeAll(user string) []string {
	a.mu.Lock()
	var ids []string
	for h, t := range a.tokens {
		if t.user.Name == user {
			ids = append(ids, t.id)
			delete(a.tokens, h)
			a.shareDeleteLocked(h)
		}
	}
	a.mu.Unlock()
	a.sendShared()
	if len(ids) > 0 {
		a.persist()
	}
	return ids
}

// issueLocked creates a token for u, pruning old ones. Hold a.mu.
func (a *Auth) issueLocked(u *User, now time.Time) Grant {
	a.pruneLocked(now)
	a.capUserLocked(u.Name)
	tok := newToken()
	t := &token{hash: hashToken(tok), user: u, issued: now, expires: now.Add(a.opts.TokenLifetime)}
	t.id = tokenID(t.hash)
	a.tokens[t.hash] = t
	a.sharePutLocked(t)
	g := t.grant()
	g.Token = tok
	return g
}

// pruneLocked forgets tokens expired longer than expiredKeep. Hold a.mu.
func (a *Auth) pruneLocked(now time.Time) {
	for h, t := range a.tokens {
		if now.Sub(t.expires) > expiredKeep {
			delete(a.tokens, h) // on every node alike: no need to share it
		}
	}
	a.pruneTombsLocked(now)
}

// capUserLocked drops the oldest tokens of user until a new one fits under
// maxTokensPerUser. Hold a.mu.
func (a *Auth) capUserLocked(user string) {
	for {
		var oldest *token
		n := 0
		for _, t := range a.tokens {
			if t.user.Name != user {
				continue
			}
			n++
			if oldest == nil || t.issued.Before(oldest.issued) {
				oldest = t
			}
		}
		if n < maxTokensPerUser {
			return
		}
		delete(a.tokens, oldest.hash)
		a.shareDeleteLocked(oldest.hash)
	}
}
