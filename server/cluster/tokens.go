package cluster

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/deskline/deskline/server/auth"
	"github.com/nats-io/nats.go/jetstream"
)

// tokenValue is a token's entry in <name>_tokens; its key is the token's
// hex SHA-256.
type tokenValue struct {
	User    string    `json:"user"`
	Issued  time.Time `json:"issued"`
	Expires time.Time `json:"expires"`
}

// PutToken stores rec for every node. While the link is down, or when the
// write fails, it is kept and retried (the error says it is not shared
// yet).
func (s *AuthShared) PutToken(ctx context.Context, rec auth.TokenRecord) error {
	return s.write(ctx, rec.Hash, &rec)
}

// DeleteToken removes the token whose hash is hash on every node; kept
// and retried as PutToken.
func (s *AuthShared) DeleteToken(ctx context.Context, hash string) error {
	return s.write(ctx, hash, nil)
}

// write stores rec (nil: removes the token) under hash, replacing any
// kept change of that token, and keeps it for retry if that fails.
func (s *AuthShared) write(ctx context.Context, hash string, rec *auth.TokenRecord) error {
	s.writing.Lock()
	defer s.writing.Unlock()
	s.mu.Lock()
	delete(s.pending, hash)
	s.mu.Unlock()
	err := s.store(ctx, hash, rec)
	if err != nil {
		s.keep(hash, rec)
	}
	return err
}

func (s *AuthShared) store(ctx context.Context, hash string, rec *auth.TokenRecord) error {
	op := "put token"
	err := s.linked()
	if err == nil && rec == nil {
		op = "delete token"
		err = s.tokens.Delete(ctx, hash)
	} else if err == nil {
		var b []byte
		b, err = json.Marshal(tokenValue{User: rec.User, Issued: rec.Issued, Expires: rec.Expires})
		if err == nil {
			_, err = s.tokens.Put(ctx, hash, b)
		}
	}
	if err != nil {
		return &Error{Op: op, Target: keyName(s.tokens, hash), Err: err}
	}
	return nil
}

// Token reads the token whose hash is hash.
func (s *AuthShared) Token(ctx context.Context, hash string) (auth.TokenRecord, bool, error) {
	if err := s.linked(); err != nil {
		return auth.TokenRecord{}, false, &Error{Op: "read token", Target: keyName(s.tokens, hash), Err: err}
	}
	e, err := s.tokens.Get(ctx, hash)
	if errors.Is(err, jetstream.ErrKeyNotFound) {
		return auth.TokenRecord{}, false, nil
	}
	if err != nil {
		return auth.TokenRecord{}, false, &Error{Op: "read token", Target: keyName(s.tokens, hash), Err: err}
	}
	rec, err := decodeToken(s.tokens, e)
	if err != nil {
		s.node.log.Error("cluster: corrupt shared token", "err", err)
	}
	return rec, err == nil, err
}

// decodeToken reads a token's entry; a value that is not one is an error
// naming the bucket and the key.
func decodeToken(kv jetstream.KeyValue, e jetstream.KeyValueEntry) (auth.TokenRecord, error) {
	var v tokenValue
	err := json.Unmarshal(e.Value(), &v)
	if err == nil && (v.User == "" || v.Expires.IsZero()) {
		err = errors.New("no user or expiry")
	}
	if err != nil {
		return auth.TokenRecord{}, &Error{Op: "decode token", Target: keyName(kv, e.Key()), Err: err}
	}
	return auth.TokenRecord{Hash: e.Key(), User: v.User, Issued: v.Issued, Expires: v.Expires}, nil
}

// keyName names a key of a bucket in errors and logs.
func keyName(kv jetstream.KeyValue, key string) string {
	return fmt.Sprintf("%s key %s", kv.Bucket(), key)
}
