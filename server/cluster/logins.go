package cluster

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"time"

	"github.com/deskline/deskline/server/auth"
	"github.com/nats-io/nats.go/jetstream"
)

// Limits of the shared login records.
const (
	// maxKeyText is the longest throttle key kept readable (base64url) in
	// a bucket key; longer ones (a made-up user name of kilobytes) are
	// hashed, as a NATS subject must stay well under the server's
	// control line limit of 4 KB.
	maxKeyText = 192
	// maxUpdateTries bounds the read-change-write rounds of UpdateLogin
	// when other nodes write the same record at once: each lost round
	// means another node's write went in, so a few suffice.
	maxUpdateTries = 10
)

// loginValue is a throttle record's entry in <name>_logins.
type loginValue struct {
	Fails   []time.Time   `json:"fails,omitempty"`
	Until   time.Time     `json:"until,omitzero"`
	Lockout time.Duration `json:"lockout_ns,omitempty"`
	Trusted time.Time     `json:"trusted,omitzero"`
}

// loginKey is the bucket key of a throttle key ("p:host|user", "a:host",
// "u:user"): base64url, as user names and IPv6 addresses hold characters
// a key may not; a SHA-256 for overlong ones.
func loginKey(key string) string {
	if base64.RawURLEncoding.EncodedLen(len(key)) <= maxKeyText {
		return base64.RawURLEncoding.EncodeToString([]byte(key))
	}
	h := sha256.Sum256([]byte(key))
	return "sha256." + hex.EncodeToString(h[:])
}

// Logins reads the records of keys; keys with none are absent.
func (s *AuthShared) Logins(ctx context.Context, keys []string) (map[string]auth.LoginRecord, error) {
	out := make(map[string]auth.LoginRecord, len(keys))
	for _, k := range keys {
		rec, _, err := s.login(ctx, loginKey(k))
		if err != nil {
			return nil, err
		}
		if !rec.IsZero() {
			out[k] = rec
		}
	}
	return out, nil
}

// login reads one record and its revision (0: none stored).
func (s *AuthShared) login(ctx context.Context, key string) (auth.LoginRecord, uint64, error) {
	if err := s.linked(); err != nil {
		return auth.LoginRecord{}, 0, &Error{Op: "read login record", Target: keyName(s.logins, key), Err: err}
	}
	e, err := s.logins.Get(ctx, key)
	if errors.Is(err, jetstream.ErrKeyNotFound) {
		return auth.LoginRecord{}, 0, nil
	}
	if err != nil {
		return auth.LoginRecord{}, 0, &Error{Op: "read login record", Target: keyName(s.logins, key), Err: err}
	}
	var v loginValue
	if err := json.Unmarshal(e.Value(), &v); err != nil {
		return auth.LoginRecord{}, e.Revision(), &Error{Op: "decode login record", Target: keyName(s.logins, key), Err: err}
	}
	return auth.LoginRecord{Fails: v.Fails, Until: v.Until, Lockout: v.Lockout, Trusted: v.Trusted}, e.Revision(), nil
}

// UpdateLogin applies change to the stored record of key by compare and
// set, again on the newer record when another node wrote in between. A
// corrupt record is logged and replaced; a zero result deletes the key.
func (s *AuthShared) UpdateLogin(ctx context.Context, key string, change func(*auth.LoginRecord)) error {
	bk := loginKey(key)
	var err error
	for range maxUpdateTries {
		var done bool
		done, err = s.updateOnce(ctx, bk, change)
		if done || err != nil {
			return err
		}
	}
	return &Error{Op: "update login record", Target: keyName(s.logins, bk), Err: errors.New("too many concurrent writers")}
}

// updateOnce is one round of UpdateLogin; done false: lost to another
// writer, try again.
func (s *AuthShared) updateOnce(ctx context.Context, key string, change func(*auth.LoginRecord)) (bool, error) {
	rec, rev, err := s.login(ctx, key)
	var bad *Error
	corrupt := errors.As(err, &bad) && bad.Op == "decode login record"
	if corrupt {
		s.node.log.Error("cluster: corrupt login record replaced", "err", err)
		rec, err = auth.LoginRecord{}, nil
	}
	if err != nil {
		return false, err
	}
	var old []byte
	if !corrupt {
		old = encodeLogin(rec)
	}
	change(&rec)
	val := encodeLogin(rec)
	switch {
	case bytes.Equal(old, val) && rev != 0:
		return true, nil // nothing changed
	case rec.IsZero() && rev == 0:
		return true, nil
	case rec.IsZero():
		err = s.logins.Delete(ctx, key, jetstream.LastRevision(rev))
	case rev == 0:
		_, err = s.logins.Create(ctx, key, val)
	default:
		_, err = s.logins.Update(ctx, key, val, rev)
	}
	if errors.Is(err, jetstream.ErrKeyExists) || errors.Is(err, jetstream.ErrKeyRevisionMismatch) {
		return false, nil
	}
	if err != nil {
		return false, &Error{Op: "write login record", Target: keyName(s.logins, key), Err: err}
	}
	return true, nil
}

func encodeLogin(r auth.LoginRecord) []byte {
	b, _ := json.Marshal(loginValue{Fails: r.Fails, Until: r.Until, Lockout: r.Lockout, Trusted: r.Trusted})
	return b
}
