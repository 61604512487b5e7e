package carddav

import (
	"context"
	"fmt"
	"path"
	"strings"
)

// collection returns the address book's path: URL itself when it is an
// address book, else the book discovered under it (URL as principal or
// home set) with go-webdav. Resolved once per Source.
func (s *Source) collection(ctx context.Context) (string, error) {
	if s.book != "" {
		return s.book, nil
	}
	p := s.endpoint.Path
	if p == "" {
		p = "/"
	}
	objs, err := s.davRequest(ctx, "PROPFIND", p, "0", propfindCollection)
	if err != nil {
		return "", err
	}
	if len(objs) > 0 && objs[0].addressBook {
		s.book = withSlash(p)
		return s.book, nil
	}
	book, err := s.discover(ctx, p)
	if err != nil {
		return "", &Error{Method: "PROPFIND", URL: redact(s.endpoint), Err: err}
	}
	s.book = book
	return book, nil
}

// discover finds the books under a principal or home set and takes the
// one named cfg.Book, or the first.
func (s *Source) discover(ctx context.Context, p string) (string, error) {
	home, err := s.dav.FindAddressBookHomeSet(ctx, p)
	if err != nil {
		home = p // not a principal: perhaps the home set itself
	}
	books, err := s.dav.FindAddressBooks(ctx, home)
	if err != nil {
		return "", fmt.Errorf("not an address book, and no address books found under it: %w", err)
	}
	var names []string
	for _, b := range books {
		if s.cfg.Book == "" || b.Name == s.cfg.Book || path.Base(strings.TrimSuffix(b.Path, "/")) == s.cfg.Book {
			return withSlash(b.Path), nil
		}
		names = append(names, path.Base(strings.TrimSuffix(b.Path, "/")))
	}
	if s.cfg.Book == "" {
		return "", fmt.Errorf("not an address book, and none under it")
	}
	return "", fmt.Errorf("no address book %q under it (found %s)", s.cfg.Book, strings.Join(names, ", "))
}

func withSlash(p string) string {
	if strings.HasSuffix(p, "/") {
		return p
	}
	return p + "/"
}
