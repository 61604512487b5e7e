package cluster

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/deskline/deskline/internal/natstest"
	"github.com/deskline/deskline/server/auth"
)

// benchTokens is how many tokens the Verify benchmarks hold: a large
// site's desktops, few enough to store in the bucket within seconds.
const benchTokens = 5000

// BenchmarkVerify compares the connect-path check of a node alone (tokens
// from the store file) with a node of a cluster (tokens mirrored from the
// bucket), both verified from all CPUs at once, and the cost of a miss
// in the cluster (a well-formed token the mirror lacks: read from the
// bucket).
//
//	go test -run '^$' -bench Verify -benchmem ./server/cluster
func BenchmarkVerify(b *testing.B) {
	toks, recs := benchRecords(b)
	b.Run("alone", func(b *testing.B) {
		store := filepath.Join(b.TempDir(), "tokens.json")
		writeStore(b, store, recs)
		a, err := auth.New(testUsers(b), auth.Options{StorePath: store})
		if err != nil {
			b.Fatal(err)
		}
		verifyParallel(b, a, toks)
	})
	nc := natstest.Start(b, 3)
	an := newAuthNode(b, "a", nc.URLs(), auth.Options{})
	putAll(b, an.shared, recs)
	bn := newAuthNode(b, "b", nc.URLs(), auth.Options{}) // mirrors them at start
	b.Run("shared", func(b *testing.B) { verifyParallel(b, bn.auth, toks) })
	b.Run("shared-miss", func(b *testing.B) {
		unknown := newBenchToken()
		b.ReportAllocs()
		for b.Loop() {
			if _, err := bn.auth.Verify(unknown); err == nil {
				b.Fatal("unknown token valid")
			}
		}
	})
}

func verifyParallel(b *testing.B, a *auth.Auth, toks []string) {
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			if _, err := a.Verify(toks[i%len(toks)]); err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
}

func newBenchToken() string {
	buf := make([]byte, 32)
	_, _ = rand.Read(buf)
	return base64.RawURLEncoding.EncodeToString(buf)
}

func benchRecords(b *testing.B) ([]string, []auth.TokenRecord) {
	now := time.Now()
	toks := make([]string, benchTokens)
	recs := make([]auth.TokenRecord, benchTokens)
	for i := range toks {
		toks[i] = newBenchToken()
		h := sha256.Sum256([]byte(toks[i]))
		recs[i] = auth.TokenRecord{Hash: hex.EncodeToString(h[:]), User: "ben", Issued: now, Expires: now.Add(time.Hour)}
	}
	return toks, recs
}

// writeStore writes recs as auth's store file (version 1).
func writeStore(b *testing.B, path string, recs []auth.TokenRecord) {
	type stored struct {
		SHA256  string    `json:"sha256"`
		User    string    `json:"user"`
		Issued  time.Time `json:"issued"`
		Expires time.Time `json:"expires"`
	}
	f := struct {
		Version int      `json:"version"`
		Tokens  []stored `json:"tokens"`
	}{Version: 1}
	for _, r := range recs {
		f.Tokens = append(f.Tokens, stored{r.Hash, r.User, r.Issued, r.Expires})
	}
	data, err := json.Marshal(f)
	if err == nil {
		err = os.WriteFile(path, data, 0o600)
	}
	if err != nil {
		b.Fatal(err)
	}
}

// putAll stores recs from a few writers at once.
func putAll(b *testing.B, s *AuthShared, recs []auth.TokenRecord) {
	const writers = 16
	var wg sync.WaitGroup
	errs := make(chan error, writers)
	for w := range writers {
		wg.Go(func() {
			for i := w; i < len(recs); i += writers {
				if err := s.PutToken(context.Background(), recs[i]); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		b.Fatal(err)
	}
}
