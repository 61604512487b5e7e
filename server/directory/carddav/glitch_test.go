package carddav

import (
	"io"
	"net/http"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/deskline/deskline/contacts"
	"github.com/deskline/deskline/internal/people"
	"github.com/deskline/deskline/internal/radicale"
)

// rewriting puts a proxy in front of srv that passes the requests match
// picks to srv itself and hands edit the answer before it goes back.
func rewriting(t *testing.T, srv *radicale.Server, match func(r *http.Request, body string) bool, edit func(answer string) string) string {
	px := proxy(t, srv.URL, func(w http.ResponseWriter, r *http.Request, body string) bool {
		if !match(r, body) {
			return false
		}
		req, err := http.NewRequestWithContext(r.Context(), r.Method, srv.URL+r.URL.Path, strings.NewReader(body))
		if err != nil {
			t.Error(err)
			return false
		}
		req.Header = r.Header.Clone()
		req.Header.Del("Accept-Encoding") // the answer is edited as text
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Error(err)
			return false
		}
		defer resp.Body.Close()
		answer, _ := io.ReadAll(resp.Body)
		w.Header().Set("Content-Type", resp.Header.Get("Content-Type"))
		w.WriteHeader(resp.StatusCode)
		io.WriteString(w, edit(string(answer)))
		return true
	})
	return px.URL + "/" + srv.User + "/" + bookName + "/"
}

// responseOf finds href's response in one of Radicale's 207 answers.
func responseOf(href string) *regexp.Regexp {
	return regexp.MustCompile(`(?s)<response><href>` + regexp.QuoteMeta(href) + `</href>.*?</response>`)
}

// A multiget whose 207 answer leaves out a card asked for, or answers it
// 404 though the listing or sync just named it, is a glitch: the fetch
// fails, naming how many and which, and the book keeps its last copy.
// The next fetch, the glitch over, finds every change.
func TestMultigetGlitch(t *testing.T) {
	for _, glitch := range []struct {
		name, why string
		answer    func(href string) string
	}{
		{"left out", "not in the multiget answer", func(string) string { return "" }},
		{"404", "answered 404 Not Found though just listed", func(href string) string {
			return "<response><href>" + href + "</href><status>HTTP/1.1 404 Not Found</status></response>"
		}},
	} {
		t.Run(glitch.name, func(t *testing.T) {
			srv := radicale.Start(t, smallBook(20))
			var drop atomic.Value // the href whose answer the proxy replaces
			drop.Store("")
			url := rewriting(t, srv,
				func(r *http.Request, body string) bool { return strings.Contains(body, "addressbook-multiget") },
				func(answer string) string {
					h := drop.Load().(string)
					if h == "" {
						return answer
					}
					return responseOf(h).ReplaceAllLiteralString(answer, glitch.answer(h))
				})
			s := newSource(t, srv, url, nil)
			href := "/alice/book/" + cardName(4)

			drop.Store(href)
			fetchErr(t, s, nil, "REPORT", url, "1 of the 20 cards asked for", glitch.why, href)
			drop.Store("")
			last := fetch(t, s, nil)

			srv.Put(bookName, changedCard(4, "Changed"))
			srv.Put(bookName, changedCard(9, "Changed"))
			drop.Store(href)
			fetchErr(t, s, &booked{last}, "REPORT", url, "1 of the 2 cards asked for", glitch.why, href)
			drop.Store("")
			next := fetch(t, s, last)
			if len(next.Contacts) != 20 || next.Transferred != 2 {
				t.Fatalf("after the glitch: %d contacts, %d transferred", len(next.Contacts), next.Transferred)
			}
			for _, i := range []int{4, 9} {
				if c := byHref(next)["/alice/book/"+cardName(i)]; c == nil || c.Title != "Changed" {
					t.Errorf("person %d: change not seen: %+v", i, c)
				}
			}
		})
	}
}

// A listing is whole only with the collection's own response in it: a
// card absent from it is deleted. One without (cut by a proxy, or an
// empty 207) fails the fetch, first or incremental, rather than empty the
// book.
func TestListingIncomplete(t *testing.T) {
	for _, cut := range []struct {
		name string
		edit func(string) string
	}{
		{"no own response", func(answer string) string { return responseOf("/alice/book/").ReplaceAllLiteralString(answer, "") }},
		{"empty", func(string) string { return `<?xml version="1.0"?><multistatus xmlns="DAV:"/>` }},
	} {
		t.Run(cut.name, func(t *testing.T) {
			srv := radicale.Start(t, smallBook(10))
			var on atomic.Bool
			url := rewriting(t, srv,
				func(r *http.Request, body string) bool {
					return r.Method == "PROPFIND" && r.Header.Get("Depth") == "1" && on.Load()
				}, cut.edit)
			s := newSource(t, srv, url, nil)
			on.Store(true)
			fetchErr(t, s, nil, "PROPFIND", url, "lacks the collection's own response")
			on.Store(false)
			last := fetch(t, s, nil)
			if len(last.Contacts) != 10 {
				t.Fatalf("%d contacts", len(last.Contacts))
			}

			// The ETag listing, after a refused sync token and a changed ctag.
			srv.Put(bookName, changedCard(3, "Changed"))
			refusing := proxy(t, strings.TrimSuffix(url, "/alice/book/"), func(w http.ResponseWriter, r *http.Request, body string) bool {
				if strings.Contains(body, "sync-collection") {
					w.WriteHeader(http.StatusNotImplemented)
					return true
				}
				return false
			})
			fallback := newSource(t, srv, refusing.URL+"/alice/book/", nil)
			on.Store(true)
			fetchErr(t, fallback, &booked{last}, "PROPFIND", refusing.URL+"/alice/book/", "lacks the collection's own response")
			on.Store(false)
			next := fetch(t, fallback, last)
			if len(next.Contacts) != 10 || next.Transferred != 1 {
				t.Fatalf("after the cut: %d contacts, %d transferred", len(next.Contacts), next.Transferred)
			}
		})
	}
}

// A book of more than MaxCardsPerBook cards is refused, by its listing
// or its sync, before any card is downloaded.
func TestMaxCardsPerBook(t *testing.T) {
	srv := radicale.Start(t, smallBook(12))
	limited := func(max int) *Source {
		s, err := New(Config{URL: srv.BookURL(bookName), Username: srv.User, PasswordFile: srv.PasswordFile},
			normalizer(t), contacts.Limits{MaxCardsPerBook: max})
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	fetchErr(t, limited(10), nil, "PROPFIND", srv.BookURL(bookName), "12 cards, more than 10 (the MaxCardsPerBook limit)")

	s := limited(13)
	last := fetch(t, s, nil)
	srv.Put(bookName, radicale.Card{Name: cardName(12), Text: changedCard(12, "New").Text})
	srv.Put(bookName, radicale.Card{Name: cardName(13), Text: changedCard(13, "New").Text})
	fetchErr(t, s, &booked{last}, "REPORT", srv.BookURL(bookName), "14 cards, more than 13 (the MaxCardsPerBook limit)")
}

// A listing of the most cards a book may hold fits within maxListingSize,
// at the bytes a card Radicale writes.
func TestListingLimit(t *testing.T) {
	const cards = 200
	srv := radicale.Start(t, smallBook(cards))
	req, err := http.NewRequest("PROPFIND", srv.BookURL(bookName), strings.NewReader(propfindList))
	if err != nil {
		t.Fatal(err)
	}
	req.SetBasicAuth(srv.User, srv.Password)
	req.Header.Set("Depth", "1")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil || resp.StatusCode != http.StatusMultiStatus {
		t.Fatalf("%s: %v", resp.Status, err)
	}
	perCard := len(b) / cards
	t.Logf("Radicale's listing: %d bytes a card; %d MB for %d cards", perCard, perCard*contacts.DefaultMaxCardsPerBook>>20, contacts.DefaultMaxCardsPerBook)
	if need := int64(perCard) * contacts.DefaultMaxCardsPerBook; need > maxListingSize {
		t.Errorf("a listing of %d cards is some %d bytes, more than maxListingSize (%d)", contacts.DefaultMaxCardsPerBook, need, maxListingSize)
	}
}

// Cards whose names need escaping load and sync: a multiget asks for each
// as the listing named it (Radicale read "a;b.vcf" as "a" and answered 404).
func TestOddHrefs(t *testing.T) {
	names := []string{"a b.vcf", "x+y@z.vcf", "müller.vcf", "p%41.vcf", "semi;colon&amp.vcf"}
	b := smallBook(3)
	for i, name := range names {
		b.Cards = append(b.Cards, radicale.Card{Name: name, Text: people.VCard(10 + i)})
	}
	srv := radicale.Start(t, b)
	s := newSource(t, srv, srv.BookURL(bookName), nil)
	full := fetch(t, s, nil)
	for _, name := range names {
		if byHref(full)["/alice/book/"+name] == nil {
			t.Errorf("%s: not loaded", name)
		}
	}
	if len(full.Contacts) != 3+len(names) || len(full.Warnings) != 0 {
		t.Fatalf("%d contacts, warnings %q", len(full.Contacts), full.Warnings)
	}
	srv.Put(bookName, radicale.Card{Name: "a b.vcf", Text: changedCard(10, "Changed").Text})
	next := fetch(t, s, full)
	if c := byHref(next)["/alice/book/a b.vcf"]; next.Transferred != 1 || len(next.Contacts) != len(full.Contacts) || c == nil || c.Title != "Changed" {
		t.Errorf("sync: %d transferred, %d contacts, changed card %+v", next.Transferred, len(next.Contacts), c)
	}
}
