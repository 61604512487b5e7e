package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/deskline/deskline/ctiproto"
	"github.com/deskline/deskline/internal/people"
	"github.com/gorilla/websocket"
)

// The directory's search under load (-searchers, issue 17): the server
// gets a company book of -book people (internal/people, written as one
// vCard file), and -searchers desks type names into the dial window at
// -search-rate keystrokes a second each, one search per keystroke, while
// the call load runs. Each searcher is a second connection of user
// i mod -clients (a desk's dial window shares its user's session rules).
// The figure is the search round trip: request written to result read.

// bookName is the load's directory book.
const bookName = "Company"

// writeBook writes n generated people as vCard 3.0 to dir/book.vcf.
func writeBook(dir string, n int) (string, error) {
	path := filepath.Join(dir, "book.vcf")
	f, err := os.Create(path)
	if err != nil {
		return "", err
	}
	w := bufio.NewWriter(f)
	for i := range n {
		writeCard(w, people.Get(i))
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return "", fmt.Errorf("writing %s: %w", path, err)
	}
	return path, f.Close()
}

func writeCard(w *bufio.Writer, p people.Person) {
	fmt.Fprintf(w, "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:%s\r\nFN:%s\r\nN:%s;%s;;;\r\nORG:%s;%s\r\nTITLE:%s\r\nEMAIL:%s\r\n",
		p.UID, p.FullName(), p.Family, p.Given, p.Organization, p.Department, p.Title, p.Email)
	for _, ph := range p.Phones {
		fmt.Fprintf(w, "TEL;TYPE=%s:%s\r\n", strings.ToUpper(strings.Join(ph.Types, ",")), ph.Number)
	}
	w.WriteString("END:VCARD\r\n")
}

// writeDirectory adds the book to the server's config.
func writeDirectory(w *bufio.Writer, book string) {
	fmt.Fprintf(w, "[directory]\nhome_region = \"DE\"\n\n[[directory.books]]\nname = %q\ntype = \"vcard\"\n", bookName)
	fmt.Fprintf(w, "[directory.books.vcard]\npaths = [%q]\n\n", book)
}

// waitBook polls /healthz until the book is in service.
func (s *serverProc) waitBook(ctx context.Context, n int) error {
	ctx, cancel := context.WithTimeout(ctx, bookWait)
	defer cancel()
	last := "no answer"
	for {
		h, err := s.health(ctx)
		if err == nil && len(h.Directory) == 1 && h.Directory[0].Contacts > 0 {
			if h.Directory[0].Contacts != n {
				return fmt.Errorf("directory: %d contacts in service, want %d", h.Directory[0].Contacts, n)
			}
			return nil
		}
		if err == nil && len(h.Directory) == 1 {
			last = h.Directory[0].Error // "not fetched yet" while it loads
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("directory: book not in service after %s: %s", bookWait, last)
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// bookWait bounds the first load of the book (100,000 cards: seconds).
const bookWait = time.Minute

// SearchFigures are the searchers' figures.
type SearchFigures struct {
	Searchers   int     `json:"searchers"`
	RateEach    float64 `json:"keystrokes_per_s_each"`
	Book        int     `json:"book_contacts"`
	Sent        int64   `json:"sent"`
	Results     int64   `json:"results"`
	WithHits    int64   `json:"with_contacts"` // results that found someone
	RateLimited int64   `json:"rate_limited"`
	Errors      int64   `json:"errors"`
	FirstError  string  `json:"first_error,omitempty"`
	RoundTrip   Latency `json:"round_trip_ms"`
}

// searchRun collects what the searchers measured.
type searchRun struct {
	mu   sync.Mutex
	rtt  []time.Duration
	figs SearchFigures
}

func (r *searchRun) add(rtt time.Duration, res *ctiproto.Result, err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.figs.Sent++
	switch e, isErr := err.(*ctiproto.Error); {
	case err == nil:
		r.figs.Results++
		r.rtt = append(r.rtt, rtt)
		if len(res.Contacts) > 0 {
			r.figs.WithHits++
		}
	case isErr && e.Code == ctiproto.CodeRateLimited:
		r.figs.RateLimited++
	default:
		r.figs.Errors++
		if r.figs.FirstError == "" {
			r.figs.FirstError = err.Error()
		}
	}
}

// searchersLogin logs the searchers in, a few at a time (the server
// checks 4 passwords at once per address).
func searchersLogin(ctx context.Context, srv *serverProc, o options, progress io.Writer) ([]*websocket.Conn, error) {
	fmt.Fprintf(progress, "logging in %d searchers…\n", o.Searchers)
	conns := make([]*websocket.Conn, o.Searchers)
	errs := make([]error, o.Searchers)
	var wg sync.WaitGroup
	for w := range searcherDialers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < len(conns); i += searcherDialers {
				conns[i], errs[i] = searcherLogin(ctx, srv.wsURL(), userName(i%o.Clients))
			}
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			for _, c := range conns {
				if c != nil {
					c.Close()
				}
			}
			return nil, err
		}
	}
	return conns, nil
}

// searcherDialers is how many searchers log in at once.
const searcherDialers = 4

// searchPhase has the logged-in searchers type for d and puts their
// figures in rep.
func searchPhase(ctx context.Context, conns []*websocket.Conn, o options, d time.Duration, rep *Report, progress io.Writer) error {
	fmt.Fprintf(progress, "searchers: %d desks at %g keystrokes/s each over %d contacts…\n", o.Searchers, o.SearchRate, o.Book)
	run := &searchRun{figs: SearchFigures{Searchers: o.Searchers, RateEach: o.SearchRate, Book: o.Book}}
	end := time.Now().Add(d)
	var wg sync.WaitGroup
	for i, c := range conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer c.Close()
			typeNames(ctx, c, i, o.SearchRate, end, run)
		}()
	}
	wg.Wait()
	slices.Sort(run.rtt)
	run.figs.RoundTrip = latencyOf(run.rtt)
	rep.Search = &run.figs
	return ctx.Err()
}

// searcherLogin opens a v2 connection for user and waits for its welcome.
func searcherLogin(ctx context.Context, url, user string) (*websocket.Conn, error) {
	conn, resp, err := dialer.DialContext(ctx, url, http.Header{})
	if err != nil {
		return nil, fmt.Errorf("searcher %s: dial: %w", user, err)
	}
	resp.Body.Close()
	if err := writeMsg(conn, &ctiproto.Hello{ID: "h", User: user, Password: loadPassword, Client: "deskline-load searcher"}); err != nil {
		conn.Close()
		return nil, err
	}
	m, err := readReply(conn, "h", welcomeTimeout)
	if err != nil {
		conn.Close()
		return nil, fmt.Errorf("searcher %s: %w", user, err)
	}
	if w, ok := m.(*ctiproto.Welcome); !ok || len(w.Directory) == 0 {
		conn.Close()
		return nil, fmt.Errorf("searcher %s: welcome without the directory: %v", user, m)
	}
	return conn, nil
}

// typeNames types people's names one keystroke at a time, a search per
// keystroke, at rate keystrokes a second, until end.
func typeNames(ctx context.Context, c *websocket.Conn, i int, rate float64, end time.Time, run *searchRun) {
	rng := rand.New(rand.NewPCG(uint64(i), 17))
	gap := time.Duration(float64(time.Second) / rate)
	next := time.Now().Add(time.Duration(rng.Int64N(int64(gap)))) // spread the desks over the period
	var name []rune
	typed := 0
	for n := 0; ; n++ {
		sleep(ctx, time.Until(next))
		if ctx.Err() != nil || time.Now().After(end) {
			return
		}
		next = next.Add(gap)
		if typed == len(name) {
			name, typed = []rune(people.Get(rng.IntN(100_000)).FullName()), 0
		}
		typed++
		id := strconv.Itoa(n)
		start := time.Now()
		if err := writeMsg(c, &ctiproto.Search{ID: id, Query: string(name[:typed])}); err != nil {
			run.add(0, nil, err)
			return
		}
		m, err := readReply(c, id, searchTimeout)
		rtt := time.Since(start)
		switch m := m.(type) {
		case *ctiproto.Result:
			run.add(rtt, m, nil)
		case *ctiproto.Error:
			run.add(rtt, nil, m)
		default:
			run.add(rtt, nil, fmt.Errorf("search: %v", err))
			return
		}
	}
}

// searchTimeout: a search not answered by then counts as an error.
const searchTimeout = 10 * time.Second

func writeMsg(c *websocket.Conn, m ctiproto.Message) error {
	b, err := ctiproto.Encode(m)
	if err != nil {
		return err
	}
	c.SetWriteDeadline(time.Now().Add(5 * time.Second))
	return c.WriteMessage(websocket.TextMessage, b)
}

// readReply reads frames until the welcome, result or error for id,
// skipping the user's events.
func readReply(c *websocket.Conn, id string, timeout time.Duration) (ctiproto.Message, error) {
	c.SetReadDeadline(time.Now().Add(timeout))
	for {
		_, data, err := c.ReadMessage()
		if err != nil {
			return nil, err
		}
		m, err := ctiproto.Decode(data)
		if err != nil {
			return nil, err
		}
		switch m := m.(type) {
		case *ctiproto.Welcome:
			return m, nil
		case *ctiproto.Result:
			if m.ID == id {
				return m, nil
			}
		case *ctiproto.Error:
			if m.ID == id {
				return m, nil
			}
		}
	}
}

// writeSearch prints the searchers' figures.
func (r *Report) writeSearch(b *strings.Builder) {
	f := r.Search
	if f == nil {
		return
	}
	fmt.Fprintf(b, "search:             %d desks × %g keystrokes/s over %d contacts: %d sent, %d results (%d found someone), %d rate-limited, %d errors\n",
		f.Searchers, f.RateEach, f.Book, f.Sent, f.Results, f.WithHits, f.RateLimited, f.Errors)
	rt := f.RoundTrip
	fmt.Fprintf(b, "search round trip:  p50 %.3f ms  p90 %.3f ms  p99 %.3f ms  max %.3f ms  (%d samples)\n",
		rt.P50, rt.P90, rt.P99, rt.Max, rt.Samples)
	if f.FirstError != "" {
		fmt.Fprintf(b, "                    first error: %s\n", f.FirstError)
	}
}
