package server

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/deskline/deskline/contacts"
	"github.com/deskline/deskline/ctiproto"
	"github.com/deskline/deskline/internal/people"
	"github.com/deskline/deskline/server/directory"
)

// memSource hands out contacts built in memory: the benchmarks time the
// server's answer, not a parser.
type memSource []*contacts.Contact

func (s memSource) Fetch(context.Context, *directory.Book) (*directory.Book, error) {
	return &directory.Book{Contacts: slices.Clone(s), Transferred: len(s)}, nil
}

// benchDirectory is one book of n generated people.
func benchDirectory(b *testing.B, n int) *directory.Directory {
	norm, err := contacts.NewNormalizer("DE", 0)
	if err != nil {
		b.Fatal(err)
	}
	src := make(memSource, n)
	for i := range src {
		p := people.Get(i)
		c := &contacts.Contact{ID: p.UID, FormattedName: p.FullName(), GivenName: p.Given, FamilyName: p.Family,
			Organization: p.Organization, Department: p.Department, Title: p.Title}
		for _, ph := range p.Phones {
			num, err := norm.Normalize(ph.Number)
			if err != nil {
				b.Fatal(err)
			}
			c.Phones = append(c.Phones, contacts.Phone{Raw: ph.Number, Number: num, Types: ph.Types})
		}
		src[i] = c
	}
	d := directory.New(norm, "", nil)
	if err := d.Add(directory.BookConfig{Name: "Company", Source: src}); err != nil {
		b.Fatal(err)
	}
	if err := d.Refresh(context.Background(), "Company"); err != nil {
		b.Fatal(err)
	}
	return d
}

// keystrokes are prefixes of names as a person types them.
func keystrokes() []string {
	var keys []string
	for i := range 200 {
		name := []rune(people.Get(i * 499).FullName())
		for j := 1; j <= len(name); j++ {
			keys = append(keys, string(name[:j]))
		}
	}
	return keys
}

// BenchmarkSearchAnswer100k: one op is the server's whole answer to one
// keystroke's search over 100,000 contacts (the directory's search, the
// contacts grouped with their numbers, the result encoded), limit 20.
//
//	go test -run '^$' -bench SearchAnswer -benchmem ./server
func BenchmarkSearchAnswer100k(b *testing.B) {
	d := benchDirectory(b, 100_000)
	books, keys := []string{"Company"}, keystrokes()
	took := make([]time.Duration, 0, 1<<16)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		start := time.Now()
		res := &ctiproto.Result{ID: "1", Contacts: group(d.Search(books, keys[i%len(keys)], ctiproto.DefaultSearchLimit*matchesPerContact), ctiproto.DefaultSearchLimit)}
		if _, err := ctiproto.Encode(res); err != nil {
			b.Fatal(err)
		}
		if len(took) < cap(took) {
			took = append(took, time.Since(start))
		}
		i++
	}
	slices.Sort(took)
	b.ReportMetric(float64(took[len(took)*99/100].Microseconds())/1000, "p99-ms")
}
