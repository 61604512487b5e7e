package directory

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"

	"github.com/deskline/deskline/contacts"
)

// store keeps each book's last good copy in a file of the state
// directory, so that a restart while a source is down still serves it.
// dir "" keeps nothing.
type store struct{ dir string }

// fileMode: a copy holds the company's contacts, personal data.
const fileMode = 0o600

// path names a book's file; the name is escaped so that any book name is
// one file name.
func (s store) path(name string) string {
	return filepath.Join(s.dir, url.PathEscape(name)+".json")
}

// save writes nb atomically (a temporary file renamed over the old one):
// a crash mid-write leaves the previous copy. A failure is logged: the
// copy in memory is served either way.
func (s store) save(name, origin string, nb *Book, log *slog.Logger) {
	if s.dir == "" {
		return
	}
	if err := s.write(name, saved{Origin: origin, Book: nb}); err != nil {
		log.Warn("directory: cannot save the book's copy; a restart while its source is down will serve nothing", "book", name, "err", err)
	}
}

// saved is a book's file: the copy and where it was read from.
type saved struct {
	// Origin is BookConfig.Origin when the copy was fetched: a copy from
	// another source (the book's URL or base DN changed since) is not
	// served, as it may hold what the book no longer should.
	Origin string `json:"origin"`
	*Book
}

func (s store) write(name string, nb saved) error {
	if err := os.MkdirAll(s.dir, 0o700); err != nil {
		return err
	}
	data, err := json.Marshal(nb)
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(s.dir, ".book-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(fileMode); err != nil {
		tmp.Close()
		return err
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), s.path(name))
}

// load reads a book's copy; nil, nil when there is none. A copy saved
// from another origin is an error, so it is not served. Numbers are
// normalised again from what the source wrote, so a copy saved before the
// home region changed is looked up as the server now reads numbers.
func (s store) load(name, origin string, norm *contacts.Normalizer) (*Book, error) {
	if s.dir == "" {
		return nil, nil
	}
	data, err := os.ReadFile(s.path(name))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var sv saved
	if err := json.Unmarshal(data, &sv); err != nil {
		return nil, fmt.Errorf("directory: %s: %w", s.path(name), err)
	}
	if sv.Origin != origin {
		return nil, fmt.Errorf("directory: %s was saved from %q, the book now reads %q", s.path(name), sv.Origin, origin)
	}
	if sv.Book == nil {
		return nil, fmt.Errorf("directory: %s: no book in it", s.path(name))
	}
	for _, c := range sv.Contacts {
		if c == nil {
			return nil, fmt.Errorf("directory: %s: an empty contact", s.path(name))
		}
		renormalise(c, norm)
	}
	return sv.Book, nil
}

// renormalise reads c's numbers again; a number that no longer reads is
// kept as saved.
func renormalise(c *contacts.Contact, norm *contacts.Normalizer) {
	for i := range c.Phones {
		if n, err := norm.NormalizeAny(c.Phones[i].Raw); err == nil { // tel: and sip: as cards write them
			c.Phones[i].Number = n
		}
	}
}
