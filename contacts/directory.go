package contacts

import (
	"errors"
	"fmt"
	"io/fs"
	"strings"
	"sync"
	"sync/atomic"
)

// Warning is a problem met while loading: the file, the card (1-based; 0
// for the file as a whole) and the card's FN when known. Warnings never
// stop a load.
type Warning struct {
	File string
	Card int
	Name string
	Err  error
}

// String formats the warning as "contacts: book.vcf: card 7 (Jane Doe): …".
func (w Warning) String() string {
	var b strings.Builder
	b.WriteString("contacts: ")
	if w.File != "" {
		b.WriteString(w.File)
		b.WriteString(": ")
	}
	if w.Card > 0 {
		fmt.Fprintf(&b, "card %d", w.Card)
		if w.Name != "" {
			fmt.Fprintf(&b, " (%s)", w.Name)
		}
		b.WriteString(": ")
	}
	if w.Err != nil {
		b.WriteString(w.Err.Error())
	}
	return b.String()
}

// Error makes a Warning usable as an error; it reads as String.
func (w Warning) Error() string { return w.String() }

// Unwrap returns the underlying error.
func (w Warning) Unwrap() error { return w.Err }

// Match is one (contact, number) pair found by Lookup or Search.
type Match struct {
	Contact *Contact
	Phone   Phone // the matching number, or for a name match one of the contact's numbers
	Score   int   // higher is better; only the order within one result means anything
}

// Directory is a set of address books loaded from vCard files and folders.
// It is safe for concurrent use: Lookup and Search read an immutable
// snapshot and never wait for a Load, which builds the next snapshot aside
// and swaps it in.
type Directory struct {
	norm *Normalizer
	snap atomic.Pointer[snapshot]

	loadMu sync.Mutex // one Load at a time
	limits Limits     // guarded by loadMu

	loadedMu sync.Mutex
	loaded   chan struct{} // closed and replaced after every Load, for watchers
}

// NewDirectory returns an empty Directory that normalises numbers with n.
func NewDirectory(n *Normalizer) *Directory {
	d := &Directory{norm: n, limits: DefaultLimits(), loaded: make(chan struct{})}
	d.snap.Store(buildSnapshot(nil, nil))
	return d
}

// Normalizer returns the normaliser the directory uses.
func (d *Directory) Normalizer() *Normalizer { return d.norm }

// SetLimits sets the input limits for the next Load; zero fields mean the
// defaults.
func (d *Directory) SetLimits(l Limits) {
	d.loadMu.Lock()
	d.limits = l.withDefaults()
	d.loadMu.Unlock()
}

// Load reads the given vCard files (.vcf, .vcard; any name when given
// directly) and folders (recursively, .vcf and .vcard files, hidden ones
// skipped) and replaces what was loaded. Problems are returned as warnings
// and never stop the load; a path that cannot be read is a warning too.
func (d *Directory) Load(paths ...string) []Warning {
	d.loadMu.Lock()
	defer d.loadMu.Unlock()
	contacts, warns := loadBooks(paths, d.norm, d.limits)
	d.swap(append([]string(nil), paths...), contacts)
	return warns
}

// Set replaces what is loaded with cs, contacts read from elsewhere (the
// server's CardDAV and LDAP books), indexed as a Load indexes files.
// Their numbers must have been normalised with d's Normalizer. cs and its
// contacts are shared with readers from now on: do not modify them.
func (d *Directory) Set(cs []*Contact) {
	d.loadMu.Lock()
	defer d.loadMu.Unlock()
	d.swap(nil, cs)
}

// swap serves a new snapshot of contacts and wakes the watchers.
func (d *Directory) swap(paths []string, contacts []*Contact) {
	d.snap.Store(buildSnapshot(paths, contacts))
	d.loadedMu.Lock()
	close(d.loaded)
	d.loaded = make(chan struct{})
	d.loadedMu.Unlock()
}

// Contacts returns every contact loaded, by name. The slice and the
// contacts are shared: do not modify them.
func (d *Directory) Contacts() []*Contact { return d.snap.Load().contacts }

// loadedChan returns a channel closed by the next Load.
func (d *Directory) loadedChan() <-chan struct{} {
	d.loadedMu.Lock()
	defer d.loadedMu.Unlock()
	return d.loaded
}

// Paths returns the paths of the last Load.
func (d *Directory) Paths() []string { return append([]string(nil), d.snap.Load().paths...) }

// Len returns the number of contacts loaded.
func (d *Directory) Len() int { return len(d.snap.Load().contacts) }

// Lookup finds the contacts with the given number, written in any form
// ("030 1234567" finds "+49 30 1234567"). Matches are ranked: the same
// extension first, then preferred, work and main numbers, then by name;
// ties are broken by contact ID, so the first match is a stable choice.
// number may also be a tel:, sip: or callto: URI, as exchanges report
// callers. It returns nil when the number is not a number or nobody has it.
func (d *Directory) Lookup(number string) []Match {
	var buf [keyBufLen]byte
	if key, ok := d.norm.plainKey(number, buf[:0]); ok {
		return d.snap.Load().lookupKey(key) // the exchange's E.164, dialled digits
	}
	num, err := d.norm.NormalizeAny(number)
	if err != nil {
		return nil
	}
	return d.snap.Load().lookup(num)
}

// LookupNumber is Lookup for a number already normalised.
func (d *Directory) LookupNumber(num Number) []Match { return d.snap.Load().lookup(num) }

// DefaultSearchLimit is the number of matches Search returns when asked
// for limit <= 0.
const DefaultSearchLimit = 50

// Search finds contacts as the user types. Words match word prefixes of
// the name and organisation, case- and accent-insensitively ("jo do" finds
// John Doe, "müll" and "mull" find Müller); digits match the contacts'
// numbers by prefix in any written form ("030 12" finds +49 30 12…) or as
// a substring. Each (contact, number) pair is one Match — a name match
// lists each of the contact's numbers, preferred first — and contacts
// without numbers are not listed. Matches are ranked best first, ties by
// name and then ID.
func (d *Directory) Search(query string, limit int) []Match {
	if limit <= 0 {
		limit = DefaultSearchLimit
	}
	return d.snap.Load().search(d.norm, query, limit)
}

// pathError returns the reason of a file system error without the path
// that Warning names anyway.
func pathError(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
