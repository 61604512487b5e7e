package directory

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/deskline/deskline/contacts"
)

// Defaults of BookConfig.
const (
	// DefaultRefresh is how often a book is fetched: 15 minutes keeps a
	// new colleague or customer a coffee break away from every pop, while
	// a CardDAV sync of an unchanged book costs one small request.
	DefaultRefresh = 15 * time.Minute
	// DefaultTimeout bounds one fetch: a full read of a large LDAP
	// directory takes seconds; a source that hangs longer is failing.
	DefaultTimeout = 2 * time.Minute
)

// failedRetry is the longest a book that failed waits before it tries
// again (sooner if its Refresh is shorter): a source down at start should
// be served within a minute of coming back, not a refresh period later.
const failedRetry = time.Minute

// BookConfig is one address book of the directory.
type BookConfig struct {
	// Name is unique; users see it as the source of a contact
	// ("Staff", "Customers"). It may not contain "/".
	Name    string
	Source  Source
	Refresh time.Duration // how often it is fetched (0: DefaultRefresh)
	Timeout time.Duration // bound on one fetch (0: DefaultTimeout)
	// Origin names what the book is read from (its type, URL, base DN,
	// filter, paths), saved with its copy: after the configuration points
	// the book elsewhere, a restart does not serve a copy of the old
	// source. Default "": any copy saved under the name is served.
	Origin string
}

// Directory is the company directory: its books, each serving its last
// good copy through a contacts index. Search, Lookup and Photo never wait
// for a fetch. Books are added before Start and fixed afterwards.
type Directory struct {
	norm  *contacts.Normalizer
	store store
	log   *slog.Logger

	books  []*book
	byName map[string]*book
}

// New returns an empty directory whose books' numbers are normalised
// with norm. stateDir keeps each book's last good copy across restarts;
// "" keeps none.
func New(norm *contacts.Normalizer, stateDir string, log *slog.Logger) *Directory {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Directory{norm: norm, store: store{dir: stateDir}, log: log, byName: map[string]*book{}}
}

// Add adds a book; it must be called before Start.
func (d *Directory) Add(c BookConfig) error {
	switch {
	case c.Name == "" || strings.Contains(c.Name, "/"):
		return fmt.Errorf("directory: book name %q: must be set and without \"/\"", c.Name)
	case d.byName[c.Name] != nil:
		return fmt.Errorf("directory: book %q: added twice", c.Name)
	case c.Source == nil:
		return fmt.Errorf("directory: book %q: no source", c.Name)
	}
	if c.Refresh <= 0 {
		c.Refresh = DefaultRefresh
	}
	if c.Timeout <= 0 {
		c.Timeout = DefaultTimeout
	}
	b := newBook(c, d)
	d.books = append(d.books, b)
	d.byName[c.Name] = b
	return nil
}

// Books returns the books' names in the order they were added.
func (d *Directory) Books() []string {
	names := make([]string, len(d.books))
	for i, b := range d.books {
		names[i] = b.cfg.Name
	}
	return names
}

// Start serves each book's persisted copy at once, then fetches every
// book in its own goroutine on its schedule until ctx ends.
func (d *Directory) Start(ctx context.Context) {
	for _, b := range d.books {
		b.loadPersisted()
		go b.run(ctx)
	}
}

// Refresh fetches one book now.
func (d *Directory) Refresh(ctx context.Context, name string) error {
	b := d.byName[name]
	if b == nil {
		return fmt.Errorf("directory: no book %q", name)
	}
	return b.refresh(ctx)
}

// Wait returns when every book has a copy in service or has failed its
// first fetch, or when ctx ends.
func (d *Directory) Wait(ctx context.Context) error {
	for _, b := range d.books {
		select {
		case <-b.first:
		case <-ctx.Done():
			return fmt.Errorf("directory: waiting for book %q: %w", b.cfg.Name, ctx.Err())
		}
	}
	return nil
}

// Status reports every book, in the order they were added.
func (d *Directory) Status() []Status {
	out := make([]Status, len(d.books))
	for i, b := range d.books {
		out[i] = b.statusNow()
	}
	return out
}

// Search finds contacts as the user types (contacts.Directory.Search) in
// the named books: one list, best first, ties by name and ID, at most
// limit (contacts.DefaultSearchLimit when limit <= 0).
func (d *Directory) Search(books []string, query string, limit int) []contacts.Match {
	if limit <= 0 {
		limit = contacts.DefaultSearchLimit
	}
	return d.merge(books, limit, func(idx *contacts.Directory) []contacts.Match { return idx.Search(query, limit) })
}

// Lookup finds who has number in the named books, best first.
func (d *Directory) Lookup(books []string, number string) []contacts.Match {
	return d.merge(books, 0, func(idx *contacts.Directory) []contacts.Match { return idx.Lookup(number) })
}

// merge runs find on each named book and ranks the matches as one list,
// cut to limit when limit > 0.
func (d *Directory) merge(books []string, limit int, find func(*contacts.Directory) []contacts.Match) []contacts.Match {
	var all []contacts.Match
	merged := false
	for _, name := range books {
		b := d.byName[name]
		if b == nil {
			continue
		}
		found := find(b.served.Load().index)
		switch {
		case len(found) == 0:
		case all == nil:
			all = found // usually the only book with a match: no copy
		default:
			all, merged = append(all, found...), true
		}
	}
	if merged {
		slices.SortStableFunc(all, rank)
	}
	if limit > 0 && len(all) > limit {
		all = all[:limit]
	}
	return all
}

// rank orders matches from several books as one book orders its own:
// score, then name, then ID.
func rank(a, b contacts.Match) int {
	if c := cmp.Compare(b.Score, a.Score); c != 0 {
		return c
	}
	if c := cmp.Compare(a.Contact.DisplayName(), b.Contact.DisplayName()); c != 0 {
		return c
	}
	return cmp.Compare(ContactID(a.Contact), ContactID(b.Contact))
}

// ContactID is a directory contact's id on the wire: its book and its
// id within the book, stable while the book has the contact.
func ContactID(c *contacts.Contact) string { return c.Book + "/" + c.ID }

// PhotoRef names a contact's inline photo for Photo; "" when it has none.
func PhotoRef(c *contacts.Contact) string {
	if c.Photo == nil || len(c.Photo.Data) == 0 {
		return ""
	}
	return ContactID(c)
}

// Photo returns the photo ref names if its book is one of books.
func (d *Directory) Photo(books []string, ref string) (*contacts.Photo, bool) {
	name, _, ok := strings.Cut(ref, "/")
	if !ok || !slices.Contains(books, name) || d.byName[name] == nil {
		return nil, false
	}
	c := d.byName[name].served.Load().byID[ref]
	if c == nil || c.Photo == nil || len(c.Photo.Data) == 0 {
		return nil, false
	}
	return c.Photo, true
}

// errNoCopy is why a book serves nothing: never fetched, nothing persisted.
var errNoCopy = errors.New("not fetched yet")
