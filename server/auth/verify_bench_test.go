package auth

import (
	"testing"
	"time"
)

// BenchmarkVerify measures the connect-path check with 20000 issued tokens
// (one per desktop of a large site), verified from all CPUs at once.
//
//	go test -run '^$' -bench Verify -benchmem ./server/auth
func BenchmarkVerify(b *testing.B) {
	a, c := newTestAuth(b, Options{})
	toks := make([]string, 20000)
	u, now := a.User("ben"), c.Now()
	for i := range toks { // directly: issueLocked caps tokens per user
		toks[i] = newToken()
		t := &token{hash: hashToken(toks[i]), user: u, issued: now, expires: now.Add(time.Hour)}
		t.id = tokenID(t.hash)
		a.tokens[t.hash] = t
	}
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
