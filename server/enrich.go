package server

import (
	"strings"
	"sync"
	"time"

	"github.com/deskline/deskline/ctiproto"
	"github.com/deskline/deskline/server/directory"
)

// enricher finds the directory's contact for a party's number among a
// user's books (PROTOCOL.md section 19). One exchange event fans out to
// every user whose device it concerns (a ring group rings ten desks), and
// users with the same books get the same answer: a short memo makes that
// one lookup per (number, set of books), not one per user or desk, and
// hands every user the same *ctiproto.Contact, which is never modified.
type enricher struct {
	dir *directory.Directory

	mu    sync.Mutex
	memo  map[enrichKey]*ctiproto.Contact // nil value: nobody has the number
	since time.Time                       // when memo was started
}

// enrichKey is a number as the exchange wrote it and a user's set of
// books (booksKey).
type enrichKey struct{ books, number string }

// enrichMemo is how long a lookup is reused. An event reaches all its
// users within moments; after that a number is looked up afresh, so a
// contact a book gained since shows from the next call on. The memo is
// dropped whole at that age, which also bounds its size to the calls of
// one such period.
const enrichMemo = 2 * time.Second

func newEnricher(dir *directory.Directory) *enricher {
	if dir == nil {
		return nil
	}
	return &enricher{dir: dir, memo: make(map[enrichKey]*ctiproto.Contact)}
}

// contact returns the best match for number in books, without its
// numbers; nil when none of the books has it.
func (e *enricher) contact(books []string, key, number string) *ctiproto.Contact {
	if e == nil || len(books) == 0 || number == "" {
		return nil
	}
	k := enrichKey{books: key, number: number}
	now := time.Now()
	e.mu.Lock()
	if now.Sub(e.since) > enrichMemo {
		clear(e.memo)
		e.since = now
	}
	c, ok := e.memo[k]
	e.mu.Unlock()
	if ok {
		return c
	}
	if ms := e.dir.Lookup(books, number); len(ms) > 0 {
		wc := wireContact(ms[0].Contact)
		c = &wc
	}
	e.mu.Lock()
	e.memo[k] = c
	e.mu.Unlock()
	return c
}

// useDirectory gives u its books and the shared enricher; its own
// devices are never looked up.
func (s *Server) useDirectory(u *userLog, e *enricher, devices []string) {
	if s.opts.Directory == nil || len(s.opts.DirectoryBooks[u.name]) == 0 {
		return
	}
	u.books = s.opts.DirectoryBooks[u.name]
	u.booksKey, u.enrich = booksKey(u.books), e
	u.own = make(map[string]bool, len(devices))
	for _, d := range devices {
		u.own[d] = true
	}
}

// booksKey names a set of books as one memo key part.
func booksKey(books []string) string { return strings.Join(books, "\x00") }

// enrichParty gives p the user's directory match for its number, unless
// it has one or the number is one of the user's own devices. p may be
// shared with other users' events: it is copied, never changed. Called
// with u.mu held.
func (u *userLog) enrichParty(p *ctiproto.Party) *ctiproto.Party {
	if p == nil || p.Contact != nil || u.enrich == nil || u.own[p.Number] {
		return p
	}
	c := u.enrich.contact(u.books, u.booksKey, p.Number)
	if c == nil {
		return p
	}
	q := *p
	q.Contact = c
	return &q
}

// enrichCalls fills in the contacts of calls that have none yet: calls
// in progress when the server started, or that rang before their book
// was loaded. calls is the caller's copy. Called with u.mu held.
func (u *userLog) enrichCalls(calls []ctiproto.Call) {
	for i := range calls {
		calls[i].Other = *u.enrichParty(&calls[i].Other)
	}
}

// enrichParked is enrichCalls for parked calls.
func (u *userLog) enrichParked(ps []ctiproto.Parked) {
	for i := range ps {
		ps[i].Other = *u.enrichParty(&ps[i].Other)
	}
}
