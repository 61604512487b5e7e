package ldap

import (
	"context"
	"testing"

	"github.com/deskline/deskline/internal/slapd"
)

// BenchmarkFetch is a full fetch of 10,000 inetOrgPerson entries from a
// local slapd: dial, bind, 20 pages of 500, mapping and normalising
// every number (about 18,000).
func BenchmarkFetch(b *testing.B) {
	srv := slapd.Start(b, entries(0, tenThousand, inetOrgPerson))
	benchFetch(b, newSource(b, config(srv)))
}

// BenchmarkFetchAD is BenchmarkFetch with the AD preset and AD-like entries.
func BenchmarkFetchAD(b *testing.B) {
	srv := slapd.Start(b, entries(0, tenThousand, adUser))
	cfg := config(srv)
	cfg.BaseDN, cfg.Schema = slapd.AD, "ad"
	benchFetch(b, newSource(b, cfg))
}

// benchFetch fetches s's 10,000 entries b.N times.
func benchFetch(b *testing.B, s *Source) {
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		book, err := s.Fetch(context.Background(), nil)
		if err != nil || len(book.Contacts) != tenThousand {
			b.Fatalf("Fetch: %v", err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*tenThousand), "ns/entry")
}
