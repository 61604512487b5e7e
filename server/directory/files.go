package directory

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/deskline/deskline/contacts"
)

// Files returns a Source that reads vCard files and folders on the
// server with package contacts, as a desk reads its own books: for a
// company book exported to a share, and for the demo.
func Files(norm *contacts.Normalizer, paths ...string) Source {
	return files{norm: norm, paths: paths}
}

type files struct {
	norm  *contacts.Normalizer
	paths []string
}

// Fetch reads every path again. A path that is gone or unreadable fails
// the fetch (keeping the last good copy) rather than emptying the book.
// A read that outlasts ctx (a hung network share, a FIFO) fails the fetch;
// its goroutine finishes or stays blocked on its own.
func (f files) Fetch(ctx context.Context, _ *Book) (*Book, error) {
	done := make(chan fetched, 1)
	go func() {
		nb, err := f.read()
		done <- fetched{nb, err}
	}()
	select {
	case r := <-done:
		return r.book, r.err
	case <-ctx.Done():
		return nil, fmt.Errorf("directory: vcard book %s: %w", strings.Join(f.paths, ", "), ctx.Err())
	}
}

type fetched struct {
	book *Book
	err  error
}

// read reads the files.
func (f files) read() (*Book, error) {
	for _, p := range f.paths {
		fh, err := os.Open(p)
		if err != nil {
			return nil, fmt.Errorf("directory: vcard book: %w", err)
		}
		fh.Close()
	}
	d := contacts.NewDirectory(f.norm)
	warns := d.Load(f.paths...)
	nb := &Book{Contacts: d.Contacts(), Transferred: d.Len()}
	for _, c := range nb.Contacts {
		c.ID = f.relativeID(c)
	}
	for _, w := range warns {
		nb.Warnings = append(nb.Warnings, w.String())
	}
	return nb, nil
}

// relativeID is c's ID with its file named from the folder of the path
// configured ("staff.vcf#uid", "team/anna.vcf#uid"): the ID goes to every
// desk, and the server's own file layout is none of their business.
func (f files) relativeID(c *contacts.Contact) string {
	for _, p := range f.paths {
		rel, err := filepath.Rel(filepath.Dir(p), c.Book)
		if err == nil && !strings.HasPrefix(rel, "..") {
			return rel + strings.TrimPrefix(c.ID, c.Book)
		}
	}
	return filepath.Base(c.Book) + strings.TrimPrefix(c.ID, c.Book)
}
