package carddav

import (
	"context"
	"encoding/xml"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/deskline/deskline/contacts"
	"github.com/deskline/deskline/internal/people"
	"github.com/deskline/deskline/internal/radicale"
	"github.com/deskline/deskline/server/directory"
)

// benchCards is the book size.
const benchCards = 10_000

// benchTimeout allows for Radicale reading 10,000 cards per request on a
// busy machine (see DefaultTimeout) with room to spare.
const benchTimeout = 10 * time.Minute

func benchSource(b *testing.B) (*radicale.Server, *Source) {
	srv := radicale.Start(b, generatedBook(benchCards, people.BrokenCards(6)))
	src := newSource(b, srv, srv.BookURL(bookName), func(c *Config) { c.Timeout = benchTimeout })
	return srv, src
}

// BenchmarkFetchFull10k: one op is the first fetch of 10,000 cards from
// Radicale (listing and 50 multigets), Radicale's item cache warm.
// "first-s" is the very first fetch, Radicale parsing every card.
func BenchmarkFetchFull10k(b *testing.B) {
	_, src := benchSource(b)
	start := time.Now()
	fetch(b, src, nil)
	first := time.Since(start)
	var book *directory.Book
	for b.Loop() {
		book = fetch(b, src, nil)
	}
	b.ReportMetric(first.Seconds(), "first-s")
	if book.Transferred != benchCards+6 {
		b.Fatalf("transferred %d", book.Transferred)
	}
	b.ReportMetric(float64(book.Transferred), "cards/op")
}

// BenchmarkFetchIncremental10: one op is the sync of 10 changed cards in
// the 10,000-card book (sync-collection and one multiget).
func BenchmarkFetchIncremental10(b *testing.B) {
	srv, src := benchSource(b)
	last := fetch(b, src, nil)
	round := 0
	for b.Loop() {
		b.StopTimer()
		round++
		for k := range 10 {
			srv.Put(bookName, changedCard(k*997+round, fmt.Sprint("Round ", round)))
		}
		b.StartTimer()
		next := fetch(b, src, last)
		if next.Transferred != 10 {
			b.Fatalf("transferred %d, want 10", next.Transferred)
		}
		last = next
	}
	b.ReportMetric(10, "cards/op")
}

// BenchmarkFetchFull10kLocal is BenchmarkFetchFull10k against an
// in-process server that answers from memory: this package's own cost
// (requests, XML, parsing, normalising), without Radicale's.
func BenchmarkFetchFull10kLocal(b *testing.B) {
	srv := memoryServer(b, benchCards)
	s, err := New(Config{URL: srv.URL + "/alice/book/"}, normalizer(b), contacts.Limits{})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	var book *directory.Book
	for b.Loop() {
		book, err = s.Fetch(context.Background(), nil)
		if err != nil {
			b.Fatal(err)
		}
	}
	if len(book.Contacts) != benchCards {
		b.Fatalf("%d contacts", len(book.Contacts))
	}
}

var hrefRE = regexp.MustCompile(`<d:href>([^<]*)</d:href>`)

// memoryServer answers the listing and multigets of n generated cards.
func memoryServer(b *testing.B, n int) *httptest.Server {
	cards := map[string]string{}
	var list strings.Builder
	list.WriteString(`<?xml version="1.0"?><d:multistatus xmlns:d="DAV:" xmlns:cs="http://calendarserver.org/ns/" xmlns:c="urn:ietf:params:xml:ns:carddav">`)
	list.WriteString(`<d:response><d:href>/alice/book/</d:href><d:propstat><d:prop><d:resourcetype><d:collection/><c:addressbook/></d:resourcetype><cs:getctag>"c1"</cs:getctag><d:sync-token>t1</d:sync-token></d:prop><d:status>HTTP/1.1 200 OK</d:status></d:propstat></d:response>`)
	for i := range n {
		href := "/alice/book/" + cardName(i)
		cards[href] = people.VCard(i)
		fmt.Fprintf(&list, `<d:response><d:href>%s</d:href><d:propstat><d:prop><d:getetag>"e%d"</d:getetag><d:getcontentlength>%d</d:getcontentlength></d:prop><d:status>HTTP/1.1 200 OK</d:status></d:propstat></d:response>`, href, i, len(cards[href]))
	}
	list.WriteString(`</d:multistatus>`)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body := readRequest(r)
		w.Header().Set("Content-Type", "application/xml")
		w.WriteHeader(http.StatusMultiStatus)
		if r.Method == "PROPFIND" {
			w.Write([]byte(list.String()))
			return
		}
		var out strings.Builder
		out.WriteString(`<?xml version="1.0"?><d:multistatus xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:carddav">`)
		for _, m := range hrefRE.FindAllStringSubmatch(body, -1) {
			fmt.Fprintf(&out, `<d:response><d:href>%s</d:href><d:propstat><d:prop><d:getetag>"e"</d:getetag><c:address-data>`, m[1])
			xml.EscapeText(&out, []byte(cards[m[1]]))
			out.WriteString(`</c:address-data></d:prop><d:status>HTTP/1.1 200 OK</d:status></d:propstat></d:response>`)
		}
		out.WriteString(`</d:multistatus>`)
		w.Write([]byte(out.String()))
	}))
	b.Cleanup(srv.Close)
	return srv
}

func readRequest(r *http.Request) string {
	var b strings.Builder
	buf := make([]byte, 64<<10)
	for {
		n, err := r.Body.Read(buf)
		b.Write(buf[:n])
		if err != nil {
			return b.String()
		}
	}
}
