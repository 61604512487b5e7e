package carddav

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	"github.com/deskline/deskline/contacts"
	"github.com/deskline/deskline/internal/people"
	"github.com/deskline/deskline/internal/radicale"
	"github.com/deskline/deskline/server/directory"
)

const bookName = "book"

func cardName(i int) string { return people.Get(i).UID + ".vcf" }

// generatedBook is count people plus the broken cards.
func generatedBook(count int, broken []people.Broken) radicale.Book {
	b := radicale.Book{Name: bookName, Cards: make([]radicale.Card, 0, count+len(broken))}
	for i := range count {
		b.Cards = append(b.Cards, radicale.Card{Name: cardName(i), Text: people.VCard(i)})
	}
	for _, c := range broken {
		b.Cards = append(b.Cards, radicale.Card{Name: c.UID + ".vcf", Text: c.Text})
	}
	return b
}

func normalizer(t testing.TB) *contacts.Normalizer {
	n, err := contacts.NewNormalizer("DE", 4)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// newSource makes a source for url with srv's credentials.
func newSource(t testing.TB, srv *radicale.Server, url string, mod func(*Config)) *Source {
	t.Helper()
	cfg := Config{URL: url, Username: srv.User, PasswordFile: srv.PasswordFile}
	if mod != nil {
		mod(&cfg)
	}
	s, err := New(cfg, normalizer(t), contacts.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func fetch(t testing.TB, s *Source, last *directory.Book) *directory.Book {
	t.Helper()
	b, err := s.Fetch(context.Background(), last)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// byKey indexes a book's contacts by their numbers' E.164 keys.
func byKey(b *directory.Book) map[string]*contacts.Contact {
	m := make(map[string]*contacts.Contact, len(b.Contacts)*2)
	for _, c := range b.Contacts {
		for _, p := range c.Phones {
			m[p.Number.Key] = c
		}
	}
	return m
}

func byHref(b *directory.Book) map[string]*contacts.Contact {
	m := make(map[string]*contacts.Contact, len(b.Contacts))
	for _, c := range b.Contacts {
		m[c.Book] = c
	}
	return m
}

// changedCard is person i with a new title: the change to look for.
func changedCard(i int, title string) radicale.Card {
	p := people.Get(i)
	p.Title = title
	return radicale.Card{Name: cardName(i), Text: p.VCard(people.Version(i), people.HasPhoto(i))}
}

// proxy puts an httptest server in front of target; hook may answer a
// request itself (returning true) or let it through.
func proxy(t testing.TB, target string, hook func(w http.ResponseWriter, r *http.Request, body string) bool) *httptest.Server {
	u, err := url.Parse(target)
	if err != nil {
		t.Fatal(err)
	}
	rp := httputil.NewSingleHostReverseProxy(u)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		if hook != nil && hook(w, r, string(body)) {
			return
		}
		rp.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv
}

// closedPort returns a loopback URL nothing listens on.
func closedPort(t testing.TB) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return "http://" + addr + "/alice/book/"
}

func writeFile(t testing.TB, name, text string) string {
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// booked wraps a possibly nil last copy for fetchErr.
type booked struct{ b *directory.Book }

func (b *booked) book() *directory.Book {
	if b == nil {
		return nil
	}
	return b.b
}
