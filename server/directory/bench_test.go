package directory

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/deskline/deskline/contacts"
	"github.com/deskline/deskline/internal/people"
)

// The figures: 100,000 entries across sources, index build under
// 1 s, reverse lookup under 1 µs, search per keystroke p99 under 5 ms.
// Reproduce with
//
//	go test -run '^$' -bench . -benchmem ./server/directory

// benchBooks splits benchEntries people over three books, as a company
// with a staff LDAP and two CardDAV books would.
var benchBooks = []struct {
	name     string
	from, to int
}{{"Staff", 0, 20_000}, {"Customers", 20_000, 70_000}, {"Suppliers", 70_000, 100_000}}

var bench struct {
	once  sync.Once
	norm  *contacts.Normalizer
	books map[string][]*contacts.Contact
	dir   *Directory
}

// source is a Source that hands out contacts built in memory, so the
// benchmarks time the directory and not a parser.
type source []*contacts.Contact

func (s source) Fetch(context.Context, *Book) (*Book, error) {
	return &Book{Contacts: slices.Clone(s), Transferred: len(s)}, nil
}

// person builds person i as a source hands it over: numbers normalised.
func person(norm *contacts.Normalizer, i int) *contacts.Contact {
	p := people.Get(i)
	c := &contacts.Contact{ID: p.UID, FormattedName: p.FullName(), GivenName: p.Given, FamilyName: p.Family,
		Organization: p.Organization, Department: p.Department, Title: p.Title, Emails: []string{p.Email}}
	for _, ph := range p.Phones {
		n, err := norm.Normalize(ph.Number)
		if err != nil {
			panic(err)
		}
		c.Phones = append(c.Phones, contacts.Phone{Raw: ph.Number, Number: n, Types: ph.Types})
	}
	return c
}

func benchSetup(b *testing.B) {
	bench.once.Do(func() {
		norm, err := contacts.NewNormalizer("DE", 0)
		if err != nil {
			b.Fatal(err)
		}
		bench.norm, bench.books = norm, map[string][]*contacts.Contact{}
		for _, bk := range benchBooks {
			for i := bk.from; i < bk.to; i++ {
				bench.books[bk.name] = append(bench.books[bk.name], person(norm, i))
			}
		}
		bench.dir = benchDirectory(b)
	})
}

// benchDirectory builds and fills a directory of the three books.
func benchDirectory(b *testing.B) *Directory {
	d := New(bench.norm, "", nil)
	for _, bk := range benchBooks {
		if err := d.Add(BookConfig{Name: bk.name, Source: source(bench.books[bk.name])}); err != nil {
			b.Fatal(err)
		}
	}
	for _, bk := range benchBooks {
		if err := d.Refresh(context.Background(), bk.name); err != nil {
			b.Fatal(err)
		}
	}
	return d
}

func allBooks() []string {
	names := make([]string, len(benchBooks))
	for i, bk := range benchBooks {
		names[i] = bk.name
	}
	return names
}

// BenchmarkIndex100k: one op puts fresh copies of all three books in
// service (index build), as after a refresh of every source.
func BenchmarkIndex100k(b *testing.B) {
	benchSetup(b)
	b.ReportAllocs()
	for b.Loop() {
		benchDirectory(b)
	}
}

// BenchmarkLookup100k: one op is a reverse lookup of a caller's E.164
// number across the three books.
func BenchmarkLookup100k(b *testing.B) {
	benchSetup(b)
	books := allBooks()
	keys := make([]string, 1000)
	for i := range keys {
		keys[i] = people.WorkKey(i * 97)
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if len(bench.dir.Lookup(books, keys[i%len(keys)])) == 0 {
			b.Fatalf("%s not found", keys[i%len(keys)])
		}
		i++
	}
}

// BenchmarkSearchKeystroke100k: one op is one keystroke of typing a name
// letter by letter across the three books, limit 20; it reports the p99
// of a keystroke as well as the mean.
func BenchmarkSearchKeystroke100k(b *testing.B) {
	benchSetup(b)
	books := allBooks()
	var keys []string
	for i := 0; i < 200; i++ {
		name := []rune(people.Get(i * 499).FullName())
		for j := 1; j <= len(name); j++ {
			if name[j-1] != ' ' {
				keys = append(keys, string(name[:j]))
			}
		}
	}
	took := make([]time.Duration, 0, 1<<16)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		start := time.Now()
		bench.dir.Search(books, keys[i%len(keys)], 20)
		if len(took) < cap(took) {
			took = append(took, time.Since(start))
		}
		i++
	}
	slices.Sort(took)
	b.ReportMetric(float64(took[len(took)*99/100].Microseconds())/1000, "p99-ms")
}
