package directory

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/deskline/deskline/contacts"
)

// Status is one book's state, for /healthz, metrics and the log.
type Status struct {
	Book        string    `json:"book"`
	Contacts    int       `json:"contacts"`
	Fetched     time.Time `json:"fetched,omitzero"` // when the copy in service was fetched; zero: none
	FromDisk    bool      `json:"from_disk,omitempty"`
	Tried       time.Time `json:"tried,omitzero"`  // the last fetch attempt
	Err         string    `json:"error,omitempty"` // why the last attempt failed; "" when it worked
	Warnings    int       `json:"warnings"`
	Transferred int       `json:"transferred"` // cards or entries the last fetch downloaded
}

// served is what readers of a book see: one copy, indexed. Swapped whole.
type served struct {
	index *contacts.Directory
	byID  map[string]*contacts.Contact // ContactID → contact, for photos
}

// book is one address book: its source, the copy in service and its
// status. One goroutine (run) fetches; readers load served.
type book struct {
	cfg    BookConfig
	d      *Directory
	served atomic.Pointer[served]
	first  chan struct{} // closed once a copy is served or the first fetch failed
	once   sync.Once

	fetchMu sync.Mutex // one fetch at a time (run and Refresh)

	mu     sync.Mutex // guards the fields below
	last   *Book      // the copy in service; nil: none
	status Status
}

func newBook(c BookConfig, d *Directory) *book {
	b := &book{cfg: c, d: d, first: make(chan struct{}), status: Status{Book: c.Name, Err: errNoCopy.Error()}}
	b.served.Store(&served{index: contacts.NewDirectory(d.norm)})
	return b
}

// run fetches the book now — a restart should serve what the source has
// now, even with a saved copy in service — and then every Refresh, sooner
// after a failure, until ctx ends.
func (b *book) run(ctx context.Context) {
	wait := time.Duration(0)
	for {
		select {
		case <-ctx.Done():
			return
		case <-time.After(wait):
		}
		wait = b.cfg.Refresh
		if err := b.refresh(ctx); err != nil {
			wait = min(b.cfg.Refresh, failedRetry)
		}
	}
}

// refresh fetches the book once and serves the new copy; on failure the
// last good copy stays in service.
func (b *book) refresh(ctx context.Context) error {
	b.fetchMu.Lock()
	defer b.fetchMu.Unlock()
	defer b.once.Do(func() { close(b.first) })
	b.mu.Lock()
	last := b.last
	b.mu.Unlock()
	fctx, cancel := context.WithTimeout(ctx, b.cfg.Timeout)
	defer cancel()
	started := time.Now()
	nb, err := b.cfg.Source.Fetch(fctx, last)
	if err == nil && nb == nil {
		err = fmt.Errorf("directory: book %q: the source returned nothing", b.cfg.Name)
	}
	if err != nil {
		b.failed(started, err)
		return err
	}
	nb.Fetched = started
	b.serve(nb, false)
	b.d.store.save(b.cfg.Name, b.cfg.Origin, nb, b.d.log)
	return nil
}

// failed records a failed fetch, logging only a change of state.
func (b *book) failed(at time.Time, err error) {
	b.mu.Lock()
	was := b.status.Err
	b.status.Tried, b.status.Err = at, err.Error()
	n := b.status.Contacts
	b.mu.Unlock()
	if was != err.Error() {
		b.d.log.Warn("directory: book failing; serving its last good copy", "book", b.cfg.Name, "err", err, "contacts", n)
	}
}

// serve puts nb in service.
func (b *book) serve(nb *Book, fromDisk bool) {
	s := &served{index: contacts.NewDirectory(b.d.norm), byID: make(map[string]*contacts.Contact, len(nb.Contacts))}
	for _, c := range nb.Contacts {
		if c.Book != b.cfg.Name {
			c.Book = b.cfg.Name // a new contact, not yet shared
		}
		s.byID[ContactID(c)] = c
	}
	s.index.Set(nb.Contacts)
	b.served.Store(s)
	b.mu.Lock()
	was := b.status.Err
	news := b.last == nil || !slices.Equal(b.last.Warnings, nb.Warnings)
	b.last = nb
	b.status = Status{Book: b.cfg.Name, Contacts: len(nb.Contacts), Fetched: nb.Fetched, FromDisk: fromDisk,
		Tried: b.status.Tried, Warnings: len(nb.Warnings), Transferred: nb.Transferred}
	if !fromDisk {
		b.status.Tried = nb.Fetched
	}
	b.mu.Unlock()
	if was != "" && was != errNoCopy.Error() && !fromDisk {
		b.d.log.Info("directory: book recovered", "book", b.cfg.Name, "contacts", len(nb.Contacts))
	}
	if !news || fromDisk {
		return
	}
	for _, w := range nb.Warnings[:min(len(nb.Warnings), maxLoggedWarnings)] {
		b.d.log.Warn("directory: skipped", "book", b.cfg.Name, "why", w)
	}
}

// maxLoggedWarnings caps the warnings one fetch logs (only when they
// changed): a broken book could otherwise write a line per card.
const maxLoggedWarnings = 20

// loadPersisted serves the book's copy from the state directory, if any.
func (b *book) loadPersisted() {
	nb, err := b.d.store.load(b.cfg.Name, b.cfg.Origin, b.d.norm)
	if err != nil {
		b.d.log.Warn("directory: cannot read the saved copy; fetching", "book", b.cfg.Name, "err", err)
		return
	}
	if nb != nil {
		b.serve(nb, true)
		b.once.Do(func() { close(b.first) })
	}
}

func (b *book) statusNow() Status {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.status
}
