package app

import (
	"context"
	"strings"
	"sync"
	"time"

	"github.com/deskline/deskline/ctiproto"
)

// Searching as the user types: the user's books answer at once, the
// directory when the server does. Typing fast sends one request per
// pause, and an answer for older text never replaces a newer list.

const (
	// FindDebounce is the pause in typing after which the directory is
	// asked: a fast typist (8-10 keys a second) sends a request per word
	// rather than per key, and a pause reads as instant (under 150 ms).
	FindDebounce = 120 * time.Millisecond
	// minDirectoryQuery: shorter text matches half the company; the
	// user's books still answer it.
	minDirectoryQuery = 2
	// directoryTimeout bounds a search: later than that the user has
	// read the local rows and moved on.
	directoryTimeout = 3 * time.Second
	// directoryLimit is how many contacts a search asks the server for:
	// more than any field shows, so merging keeps the best.
	directoryLimit = 20
)

// Answer is the merged rows for Text, once the directory answered.
type Answer struct {
	Text string
	Rows []Found
	// Unreachable: the directory could not be searched (an error, the
	// server's rate limit, the link went): Rows are the user's books.
	Unreachable bool
	gen         uint64
}

// Finder is one search field's search. Type gives the local rows at
// once; the merged rows follow through the answer function, called on
// a goroutine of the finder's (a UI posts them to its main goroutine and
// checks Current there).
type Finder struct {
	find   Find
	client *Client // nil: the user's books alone
	answer func(Answer)
	// Wait makes Type ask the directory itself and return the merged
	// rows, with no debounce and no answer call: for tests.
	Wait     bool
	Debounce time.Duration // FindDebounce when zero

	mu      sync.Mutex
	gen     uint64
	timer   *time.Timer
	cancel  context.CancelFunc
	pending *pendingSearch // the directory search for the text typed last, nil for none
	// waitFailed: Wait's search for the text typed last failed.
	waitFailed bool
}

// pendingSearch is a directory search on its way (or waiting out the
// debounce): what Flush waits for.
type pendingSearch struct {
	gen    uint64
	s      State
	text   string
	ctx    context.Context
	done   chan struct{} // closed when rows and failed are set
	rows   []Found       // the merged rows, the local ones when the search failed
	failed bool          // the search failed
}

// NewFinder returns a finder searching with f and asking c's directory
// (nil: none); answer gets the merged rows when the directory answered.
func NewFinder(f Find, c *Client, answer func(Answer)) *Finder {
	return &Finder{find: f, client: c, answer: answer}
}

// Type searches text: the rows found now (the user's books and the
// colleagues of s, the state the view shows), with the directory's to
// follow through the answer function when there is a directory to ask.
func (f *Finder) Type(s State, text string) []Found {
	text = strings.TrimSpace(text)
	f.mu.Lock()
	f.gen++
	gen := f.gen
	f.stopLocked()
	f.waitFailed = false
	f.mu.Unlock()
	rows := f.find.Merge(s, text, nil)
	if !f.asks(text) {
		return rows
	}
	if f.Wait {
		server, err := f.search(context.Background(), text)
		f.mu.Lock()
		f.waitFailed = err != nil
		f.mu.Unlock()
		return f.find.Merge(s, text, server)
	}
	ctx, cancel := context.WithCancel(context.Background())
	p := &pendingSearch{gen: gen, s: s, text: text, ctx: ctx, done: make(chan struct{})}
	f.mu.Lock()
	if gen == f.gen {
		f.cancel, f.pending = cancel, p
		f.timer = time.AfterFunc(f.debounce(), func() { f.ask(p) })
	} else {
		cancel()
	}
	f.mu.Unlock()
	return rows
}

// Flush is Enter before the directory answered: when the text typed
// last asks the directory (see Type) it asks at once if the debounce has
// not run out and reports true; done then gets the merged rows, on
// a goroutine of the finder's, when the server answers — the local rows
// when it cannot (offline, an error, directoryTimeout) — and not at all
// when other text is typed or the finder stops meanwhile. False: the
// rows given are final, done is not called.
func (f *Finder) Flush(done func(Answer)) bool {
	f.mu.Lock()
	p := f.pending
	if p == nil || p.gen != f.gen {
		f.mu.Unlock()
		return false
	}
	if f.timer != nil && f.timer.Stop() {
		go f.ask(p) // the debounce had not run out: ask now
	}
	f.timer = nil
	f.mu.Unlock()
	go func() {
		select {
		case <-p.done:
		case <-p.ctx.Done():
		}
		if p.ctx.Err() == nil && f.Current(Answer{gen: p.gen}) {
			done(Answer{Text: p.text, Rows: p.rows, Unreachable: p.failed, gen: p.gen})
		}
	}()
	return true
}

func (f *Finder) debounce() time.Duration {
	if f.Debounce > 0 {
		return f.Debounce
	}
	return FindDebounce
}

// asks reports whether the directory is asked for text.
func (f *Finder) asks(text string) bool {
	return f.client != nil && len([]rune(text)) >= minDirectoryQuery && f.client.directoryOn()
}

// Unreachable reports whether text would ask the user's directory but
// cannot: the desk is offline (or, with Wait, the search Type made
// failed). The rows Type gave are then all there is, and a view says so.
func (f *Finder) Unreachable(text string) bool {
	if f.client == nil || len([]rune(strings.TrimSpace(text))) < minDirectoryQuery {
		return false
	}
	f.mu.Lock()
	failed := f.waitFailed
	f.mu.Unlock()
	return failed || f.client.directoryUnreachable()
}

// ask sends the search and hands on the merged rows, unless newer text
// was typed meanwhile. A failed search hands on the local rows, marked
// Unreachable: a dim line, no error for what the user did not ask for.
func (f *Finder) ask(p *pendingSearch) {
	server, err := f.search(p.ctx, p.text)
	p.rows, p.failed = f.find.Merge(p.s, p.text, server), err != nil // server is nil when it failed
	// Kept as f.pending: an Enter after the answer, which the view may
	// not have drawn yet, gets these rows at once.
	close(p.done)
	if !f.Current(Answer{gen: p.gen}) {
		return
	}
	f.answer(Answer{Text: p.text, Rows: p.rows, Unreachable: p.failed, gen: p.gen})
}

func (f *Finder) search(ctx context.Context, text string) ([]ctiproto.Contact, error) {
	ctx, cancel := context.WithTimeout(ctx, directoryTimeout)
	defer cancel()
	return f.client.SearchDirectory(ctx, text, directoryLimit)
}

// Current reports whether a is the answer for the text typed last: the
// UI drops it otherwise.
func (f *Finder) Current(a Answer) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return a.gen == f.gen
}

// Stop drops what is on its way (the window closes).
func (f *Finder) Stop() {
	f.mu.Lock()
	f.gen++
	f.stopLocked()
	f.mu.Unlock()
}

func (f *Finder) stopLocked() {
	if f.timer != nil {
		f.timer.Stop()
		f.timer = nil
	}
	if f.cancel != nil {
		f.cancel()
		f.cancel = nil
	}
	f.pending = nil
}
