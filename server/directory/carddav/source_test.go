package carddav

import (
	"flag"
	"net/http"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/deskline/deskline/internal/people"
	"github.com/deskline/deskline/internal/radicale"
	"github.com/deskline/deskline/server/directory"
)

// bookSize is the generated book of the main test. Radicale 3.1 reads
// every card of the collection (in Python) for a listing or a ctag: some
// 2.5 ms a card here, 25-35 s for the 10,000 cards, several times
// per test (about 2½ minutes in all). A plain `go test` keeps 1,000;
// `make test` (and so CI) runs the 10,000 through
// DESKLINE_RADICALE_CARDS, as does
//
//	go test -run TestRadicaleBook -timeout 30m ./server/directory/carddav -args -cards 10000
//
// and the benchmarks use 10,000.
var bookSize = flag.Int("cards", cardsFromEnv(1000), "cards in the generated Radicale book of TestRadicaleBook (default $DESKLINE_RADICALE_CARDS, else 1000)")

// cardsFromEnv is $DESKLINE_RADICALE_CARDS when it is a number, else def.
func cardsFromEnv(def int) int {
	if n, err := strconv.Atoi(os.Getenv("DESKLINE_RADICALE_CARDS")); err == nil && n > 0 {
		return n
	}
	return def
}

// One Radicale with bookSize generated cards and broken ones: the full
// fetch, an incremental sync, and the fallbacks when the server will not
// sync, each building on the last.
func TestRadicaleBook(t *testing.T) {
	broken := people.BrokenCards(6)
	srv := radicale.Start(t, generatedBook((*bookSize), broken))
	src := newSource(t, srv, srv.BookURL(bookName), nil)

	full := fetch(t, src, nil)
	checkFull(t, full, broken)

	var inc *directory.Book
	t.Run("incremental", func(t *testing.T) {
		inc = checkIncremental(t, srv, src, full)
	})
	if inc == nil {
		t.FailNow()
	}
	t.Run("token refused", func(t *testing.T) {
		inc = checkFallback(t, srv, inc, 403, `<?xml version="1.0"?><d:error xmlns:d="DAV:"><d:valid-sync-token/></d:error>`, 100)
	})
	t.Run("no sync-collection", func(t *testing.T) {
		checkFallback(t, srv, inc, 501, "not implemented", 200)
	})
	t.Run("principal", func(t *testing.T) {
		// The user's principal URL finds the book; only its listing is
		// compared here (the full fetch is above).
		p := newSource(t, srv, srv.PrincipalURL(), func(c *Config) { c.Book = bookName })
		book, err := p.collection(t.Context())
		if err != nil || book != "/"+srv.User+"/"+bookName+"/" {
			t.Fatalf("discovered %q, %v", book, err)
		}
	})
}

func checkFull(t *testing.T, full *directory.Book, broken []people.Broken) {
	t.Helper()
	keys := byKey(full)
	for i := range *bookSize {
		c := keys[people.WorkKey(i)]
		if c == nil || c.FormattedName != people.Get(i).FullName() || c.ID != "/alice/book/"+cardName(i)+"#"+people.Get(i).UID {
			t.Fatalf("person %d (%s): found %+v", i, people.WorkKey(i), c)
		}
		if (c.Photo != nil) != people.HasPhoto(i) || len(c.Phones) != len(people.Get(i).Phones) {
			t.Fatalf("person %d: photo %v, phones %+v", i, c.Photo, c.Phones)
		}
	}
	if full.Transferred != (*bookSize)+len(broken) {
		t.Errorf("transferred %d, want %d", full.Transferred, (*bookSize)+len(broken))
	}
	if len(full.Warnings) != len(broken) {
		t.Fatalf("%d warnings, want one per broken card:\n%s", len(full.Warnings), strings.Join(full.Warnings, "\n"))
	}
	for _, b := range broken {
		n := 0
		for _, w := range full.Warnings {
			if strings.Contains(w, "/alice/book/"+b.UID+".vcf") && strings.Contains(w, b.Why) {
				n++
			}
		}
		if n != 1 {
			t.Errorf("broken card %s: %d warnings naming it, want 1:\n%s", b.UID, n, strings.Join(full.Warnings, "\n"))
		}
	}
	// The broken cards that still have a name and a number load.
	if want := (*bookSize) + len(broken) - (len(broken)+2)/3; len(full.Contacts) != want {
		t.Errorf("%d contacts, want %d", len(full.Contacts), want)
	}
}

// checkIncremental changes 10 cards and deletes 2: only the 10 come.
func checkIncremental(t *testing.T, srv *radicale.Server, src *Source, full *directory.Book) *directory.Book {
	var changed []int
	for k := range 10 {
		changed = append(changed, k*(*bookSize)/10+5)
	}
	for _, i := range changed {
		srv.Put(bookName, changedCard(i, "Changed"))
	}
	deleted := []int{2, 3}
	for _, i := range deleted {
		srv.Delete(bookName, cardName(i))
	}
	inc := fetch(t, src, full)
	if inc.Transferred != len(changed) {
		t.Errorf("transferred %d, want %d", inc.Transferred, len(changed))
	}
	if len(inc.Contacts) != len(full.Contacts)-len(deleted) {
		t.Errorf("%d contacts, want %d", len(inc.Contacts), len(full.Contacts)-len(deleted))
	}
	before, after := byHref(full), byHref(inc)
	for _, i := range changed {
		if c := after["/alice/book/"+cardName(i)]; c == nil || c.Title != "Changed" {
			t.Errorf("person %d: change not seen: %+v", i, c)
		}
	}
	for _, i := range deleted {
		if c := after["/alice/book/"+cardName(i)]; c != nil {
			t.Errorf("person %d deleted but still there", i)
		}
	}
	same := 0
	for href, c := range after {
		if before[href] == c {
			same++
		}
	}
	if want := len(full.Contacts) - len(deleted) - len(changed); same != want {
		t.Errorf("%d contacts reused (same pointer), want %d", same, want)
	}
	if len(inc.Warnings) != len(full.Warnings) {
		t.Errorf("warnings of unchanged broken cards not kept: %v", inc.Warnings)
	}
	return inc
}

// checkFallback puts a proxy in front that answers every sync-collection
// with code: the ctag then says nothing changed (nothing downloaded), and
// after n more changes the ETags find exactly those.
func checkFallback(t *testing.T, srv *radicale.Server, last *directory.Book, code int, answer string, base int) *directory.Book {
	syncs := 0
	px := proxy(t, srv.URL, func(w http.ResponseWriter, r *http.Request, body string) bool {
		if r.Method == "REPORT" && strings.Contains(body, "sync-collection") {
			syncs++
			w.Header().Set("Content-Type", "application/xml")
			w.WriteHeader(code)
			w.Write([]byte(answer))
			return true
		}
		return false
	})
	src := newSource(t, srv, px.URL+"/alice/book/", nil)
	same := fetch(t, src, last)
	if syncs != 1 || same.Transferred != 0 || len(same.Contacts) != len(last.Contacts) {
		t.Fatalf("unchanged book: %d syncs, transferred %d, %d contacts", syncs, same.Transferred, len(same.Contacts))
	}
	for i := range 3 {
		srv.Put(bookName, changedCard(base+i, "Fallback"))
	}
	next := fetch(t, src, same)
	if next.Transferred != 3 {
		t.Errorf("transferred %d, want 3", next.Transferred)
	}
	if c := byHref(next)["/alice/book/"+cardName(base)]; c == nil || c.Title != "Fallback" {
		t.Errorf("change not seen: %+v", c)
	}
	// Nothing changed since: the ctag says so, no listing, nothing downloaded.
	again := fetch(t, src, next)
	if again.Transferred != 0 || len(again.Contacts) != len(next.Contacts) || &again.Contacts[0] != &next.Contacts[0] {
		t.Errorf("unchanged ctag: transferred %d, contacts not last's", again.Transferred)
	}
	return again
}
