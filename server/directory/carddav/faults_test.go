package carddav

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/deskline/deskline/contacts"
	"github.com/deskline/deskline/internal/people"
	"github.com/deskline/deskline/internal/radicale"
	"github.com/deskline/deskline/server/directory"
)

// hangLimit only catches a fetch that hangs; it is no performance figure.
const hangLimit = 20 * time.Second

// fetchErr fetches and wants an error naming method and URL, returned
// well before hangLimit.
func fetchErr(t *testing.T, s *Source, last *booked, method, url string, why ...string) error {
	t.Helper()
	start := time.Now()
	b, err := s.Fetch(context.Background(), last.book())
	if time.Since(start) > hangLimit {
		t.Errorf("fetch took %v", time.Since(start))
	}
	if err == nil {
		t.Fatalf("fetch gave %d contacts, want an error", len(b.Contacts))
	}
	msg := err.Error()
	t.Log(msg)
	if !strings.HasPrefix(msg, "carddav: "+method+" "+url) {
		t.Errorf("error %q does not name %s %s", msg, method, url)
	}
	for _, w := range why {
		if !strings.Contains(msg, w) {
			t.Errorf("error %q does not say %q", msg, w)
		}
	}
	return err
}

func smallBook(n int) radicale.Book { return generatedBook(n, nil) }

func TestDownAtStart(t *testing.T) {
	url := closedPort(t)
	s, err := New(Config{URL: url}, normalizer(t), contacts.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	fetchErr(t, s, nil, "PROPFIND", url, "connection refused")
}

func TestKilledMidRefresh(t *testing.T) {
	srv := radicale.Start(t, smallBook(50))
	killed := false
	px := proxy(t, srv.URL, func(w http.ResponseWriter, r *http.Request, body string) bool {
		if strings.Contains(body, "addressbook-multiget") && killed {
			srv.Stop()
			panic(http.ErrAbortHandler) // the connection drops mid-answer
		}
		return false
	})
	s := newSource(t, srv, px.URL+"/alice/book/", nil)
	last := fetch(t, s, nil)
	srv.Put(bookName, changedCard(7, "Changed"))
	killed = true
	fetchErr(t, s, &booked{last}, "REPORT", px.URL+"/alice/book/", "connection closed before the answer was complete")
	// Down since: the next refresh fails too, naming why.
	fetchErr(t, s, &booked{last}, "REPORT", px.URL+"/alice/book/", "502 Bad Gateway")
}

func TestSlowServer(t *testing.T) {
	quit := make(chan struct{})
	stall := func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-quit:
		}
	}
	before := httptest.NewServer(http.HandlerFunc(stall))
	defer before.Close()
	midway := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusMultiStatus)
		w.Write([]byte(`<?xml version="1.0"?><multistatus xmlns="DAV:"><response>`))
		w.(http.Flusher).Flush()
		stall(w, r)
	}))
	defer midway.Close()
	defer close(quit) // before the servers close
	for _, srv := range []*httptest.Server{before, midway} {
		url := srv.URL + "/alice/book/"
		s, err := New(Config{URL: url, Timeout: 300 * time.Millisecond}, normalizer(t), contacts.Limits{})
		if err != nil {
			t.Fatal(err)
		}
		fetchErr(t, s, nil, "PROPFIND", url, "no answer within 300ms (the timeout)")
	}
}

func TestHugeCard(t *testing.T) {
	book := smallBook(20)
	book.Cards = append(book.Cards, radicale.Card{Name: "huge.vcf", Text: people.HugeCard("huge", 2<<20)})
	srv := radicale.Start(t, book)
	s := newSource(t, srv, srv.BookURL(bookName), nil)
	full := fetch(t, s, nil)
	// Listed larger than MaxCardSize: never downloaded.
	if len(full.Contacts) != 20 || full.Transferred != 20 || len(full.Warnings) != 1 ||
		!strings.Contains(full.Warnings[0], "/alice/book/huge.vcf") || !strings.Contains(full.Warnings[0], "MaxCardSize") {
		t.Fatalf("%d contacts, %d transferred, warnings %q", len(full.Contacts), full.Transferred, full.Warnings)
	}
	// Synced (no size known beforehand): downloaded, then skipped.
	srv.Put(bookName, radicale.Card{Name: "huge2.vcf", Text: people.HugeCard("huge2", 2<<20)})
	next := fetch(t, s, full)
	if len(next.Contacts) != 20 || next.Transferred != 1 || len(next.Warnings) != 2 ||
		!strings.Contains(next.Warnings[1], "/alice/book/huge2.vcf") || !strings.Contains(next.Warnings[1], "MaxCardSize") {
		t.Fatalf("%d contacts, %d transferred, warnings %q", len(next.Contacts), next.Transferred, next.Warnings)
	}
}

func TestWrongPassword(t *testing.T) {
	srv := radicale.Start(t, smallBook(3))
	wrong := writeFile(t, "password", "not-"+srv.Password+"\n")
	s := newSource(t, srv, srv.BookURL(bookName), func(c *Config) { c.PasswordFile = wrong })
	err := fetchErr(t, s, nil, "PROPFIND", srv.BookURL(bookName), "401 Unauthorized", "authentication failed")
	if strings.Contains(err.Error(), srv.Password) {
		t.Errorf("error %q shows the password", err)
	}
	var e *Error
	if !errors.As(err, &e) || e.Code != http.StatusUnauthorized {
		t.Errorf("error %#v", err)
	}
}

func TestGarbage(t *testing.T) {
	answers := []struct {
		name   string
		status int
		body   string
		size   int // bytes of '<' after body
		why    string
	}{
		{"not XML", http.StatusMultiStatus, "<html><body>Welcome to nginx!", 0, "not a WebDAV multistatus"},
		{"HTML page", http.StatusOK, "<html>login here</html>", 0, "answered 200 OK, not 207 Multi-Status"},
		{"endless", http.StatusMultiStatus, `<?xml version="1.0"?><multistatus xmlns="DAV:">`, maxResponseSize + 1, "larger than"},
	}
	for _, a := range answers {
		t.Run(a.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.WriteHeader(a.status)
				w.Write([]byte(a.body))
				chunk := []byte(strings.Repeat("<", 64<<10))
				for n := 0; n < a.size; n += len(chunk) {
					if _, err := w.Write(chunk); err != nil {
						return
					}
				}
			}))
			defer srv.Close()
			url := srv.URL + "/alice/book/"
			s, err := New(Config{URL: url}, normalizer(t), contacts.Limits{})
			if err != nil {
				t.Fatal(err)
			}
			fetchErr(t, s, nil, "PROPFIND", url, a.why)
		})
	}
	t.Run("sync-collection", func(t *testing.T) {
		// Garbage where go-webdav reads the answer: the same form.
		srv := radicale.Start(t, smallBook(3))
		px := proxy(t, srv.URL, func(w http.ResponseWriter, r *http.Request, body string) bool {
			if strings.Contains(body, "sync-collection") {
				w.WriteHeader(http.StatusMultiStatus)
				w.Write([]byte("garbage"))
				return true
			}
			return false
		})
		s := newSource(t, srv, px.URL+"/alice/book/", nil)
		last := fetch(t, s, nil)
		fetchErr(t, s, &booked{last}, "REPORT", px.URL+"/alice/book/", "answer unreadable")
	})
}

func TestConfig(t *testing.T) {
	n := normalizer(t)
	for _, c := range []Config{
		{URL: "ftp://x/"},
		{URL: "https://user:pw@x/"},
		{URL: "https://x/", PasswordFile: "/nonexistent/pw"},
		{URL: "https://x/", CAFile: writeFile(t, "ca.pem", "not a certificate")},
		// A password in the URL is never echoed, whatever else is wrong.
		{URL: "ftp://user:secret@x/"},
		{URL: "https://user:secret@/"},
		{URL: "user:secret@x"},
		{URL: "https://user:secret@x/%zz"},
		{URL: "https://user:secret@[::1/"},
	} {
		_, err := New(c, n, contacts.Limits{})
		if err == nil || !strings.HasPrefix(err.Error(), "carddav: ") || strings.Contains(err.Error(), "pw@") || strings.Contains(err.Error(), "secret") {
			t.Errorf("%+v: %v", c, err)
		}
		t.Log(err)
	}
}

// The password is the first line of password_file, without its line end;
// what follows (a second line, a comment) is not sent.
func TestPasswordFirstLine(t *testing.T) {
	srv := radicale.Start(t, smallBook(3))
	for _, text := range []string{"%s\nsecond line\n", "%s\r\n# rotated 2026-12-01\r\n", "%s"} {
		pw := writeFile(t, "password", fmt.Sprintf(text, srv.Password))
		s := newSource(t, srv, srv.BookURL(bookName), func(c *Config) { c.PasswordFile = pw })
		if b, err := s.Fetch(context.Background(), nil); err != nil || len(b.Contacts) != 3 {
			t.Errorf("password file %q: %v", text, err)
		}
	}
}

// A request's default bound leaves a whole fetch (the directory's bound,
// the book's timeout) room for the listing and the downloads after it.
func TestTimeoutBelowFetch(t *testing.T) {
	if 2*DefaultTimeout > directory.DefaultTimeout {
		t.Errorf("DefaultTimeout %v: more than half of a whole fetch's %v", DefaultTimeout, directory.DefaultTimeout)
	}
}
