package contacts

import "testing"

func BenchmarkNormalize(b *testing.B) {
	n := mustNormalizer(b, "DE")
	for _, in := range []string{"+49 30 1234567", "030 1234567", "+49-30-1234567;ext=89", "201"} {
		b.Run(in, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := n.Normalize(in); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
