package server

import (
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/deskline/deskline/ctiproto"
)

// searchMemo keeps the answers to the shortest searches for a moment.
// The first keystroke or two of a name ("s", "sc") match a large part of
// a big book and cost the most — 15 ms for "s" over 100,000 contacts,
// against well under 1 ms from the third letter on — and they are the
// searches every desk types: one desk's answer serves the others with
// the same books. Longer queries are cheap and rarely shared, and are
// not kept.
type searchMemo struct {
	mu    sync.Mutex
	m     map[searchKey][]ctiproto.Contact // shared, never modified
	since time.Time                        // when m was started
}

type searchKey struct {
	books, query string // booksKey; the query in lower case (the search ignores case)
	limit        int
}

const (
	// memoRunes: queries of at most this many characters are kept.
	memoRunes = 2
	// searchMemoTTL is how long an answer is reused. Books change on
	// their refresh (10 s at the shortest, 15 min by default); an answer
	// a few seconds old is one a desk could have had anyway. The memo is
	// dropped whole at that age.
	searchMemoTTL = 5 * time.Second
	// maxSearchMemo bounds the answers kept within one period: the one-
	// and two-letter queries of a few sets of books.
	maxSearchMemo = 4096
)

// memoKey is the key of a query worth keeping; false for one that is not.
func memoKey(books string, query string, limit int) (searchKey, bool) {
	if utf8.RuneCountInString(query) > memoRunes {
		return searchKey{}, false
	}
	return searchKey{books: books, query: strings.ToLower(query), limit: limit}, true
}

func (m *searchMemo) get(k searchKey) ([]ctiproto.Contact, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if time.Since(m.since) > searchMemoTTL {
		return nil, false
	}
	cs, ok := m.m[k]
	return cs, ok
}

func (m *searchMemo) put(k searchKey, cs []ctiproto.Contact) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if now := time.Now(); now.Sub(m.since) > searchMemoTTL || len(m.m) >= maxSearchMemo {
		m.m, m.since = make(map[searchKey][]ctiproto.Contact), now
	}
	m.m[k] = cs
}
