package carddav

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strings"

	"github.com/deskline/deskline/contacts"
	"github.com/deskline/deskline/server/directory"
	"github.com/emersion/go-webdav/carddav"
)

// Fetch returns the book as it is now, downloading only what changed
// since last when it can: sync-collection with last's token; when the
// server refuses the token or does not sync, the collection's ctag (the
// same: nothing to download), then the ETags of a listing (only the
// cards whose ETag changed). The first time, or with no usable cursor,
// every card is downloaded.
func (s *Source) Fetch(ctx context.Context, last *directory.Book) (*directory.Book, error) {
	book, err := s.collection(ctx)
	if err != nil {
		return nil, err
	}
	prev := lastCursor(last, book)
	if prev != nil && prev.SyncToken != "" {
		b, err := s.syncChanges(ctx, book, last, prev)
		if err == nil || !refused(err) {
			return b, err
		}
	}
	if prev == nil {
		return s.listChanges(ctx, book, last, nil)
	}
	// Ask the ctag alone first: unchanged, the listing is not needed.
	objs, err := s.davRequest(ctx, "PROPFIND", book, "0", propfindCollection)
	if err != nil {
		return nil, err
	}
	if len(objs) == 1 && withSlash(objs[0].href) == book && objs[0].ctag != "" && objs[0].ctag == prev.CTag {
		next := *prev
		next.SyncToken = objs[0].syncToken
		return &directory.Book{Contacts: last.Contacts, Cursor: next.encode(), Warnings: last.Warnings}, nil
	}
	return s.listChanges(ctx, book, last, prev)
}

// refused reports whether a sync-collection failed because the server
// will not do it (refused token, no such report), not because it is
// down: then the ctag and ETags are tried instead.
func refused(err error) bool {
	var e *Error
	if !errors.As(err, &e) {
		return false
	}
	return e.Code/100 == 4 && e.Code != http.StatusUnauthorized || e.Code == http.StatusNotImplemented
}

// syncChanges asks for the hrefs changed and deleted since prev's token.
func (s *Source) syncChanges(ctx context.Context, book string, last *directory.Book, prev *cursor) (*directory.Book, error) {
	resp, err := s.dav.SyncCollection(ctx, book, &carddav.SyncQuery{SyncToken: prev.SyncToken})
	if err != nil {
		return nil, asError("REPORT", s.urlOf(book), err)
	}
	next := &cursor{Book: book, SyncToken: resp.SyncToken, ETags: make(map[string]string, len(prev.ETags))}
	for h, e := range prev.ETags {
		next.ETags[h] = e
	}
	// Only an explicit 404 in the sync removes a card.
	for _, h := range resp.Deleted {
		delete(next.ETags, h)
	}
	var changed []string
	for _, o := range resp.Updated {
		if o.ETag == "" || prev.ETags[o.Path] != o.ETag {
			changed = append(changed, o.Path)
			next.ETags[o.Path] = o.ETag
		}
	}
	if err := s.checkCount("REPORT", book, len(next.ETags)); err != nil {
		return nil, err
	}
	// next.CTag stays empty: the sync does not say which ctag goes with
	// these cards, and a stale one could later hide a change.
	return s.assemble(ctx, book, last, prev, next, changed, nil)
}

// listChanges lists the collection's ETags and downloads the cards that
// are new or changed since prev (all of them without prev). A card of
// last absent from the listing is gone; so the listing must be whole: one
// without the collection's own response (an empty 207, a proxy's cut
// answer) fails the fetch rather than empty the book.
func (s *Source) listChanges(ctx context.Context, book string, last *directory.Book, prev *cursor) (*directory.Book, error) {
	objs, err := s.davRequest(withResponseLimit(ctx, maxListingSize), "PROPFIND", book, "1", propfindList)
	if err != nil {
		return nil, err
	}
	if err := s.checkCount("PROPFIND", book, len(objs)-1); err != nil {
		return nil, err
	}
	next := &cursor{Book: book, ETags: make(map[string]string, len(objs))}
	lengths := map[string]int64{}
	var changed []string
	self := false
	for _, o := range objs {
		if withSlash(o.href) == book {
			self = true
			next.SyncToken, next.CTag = o.syncToken, o.ctag
			continue
		}
		if o.collection || o.gone {
			continue
		}
		next.ETags[o.href] = o.etag
		lengths[o.href] = o.length
		if prev == nil || o.etag == "" || prev.ETags[o.href] != o.etag {
			changed = append(changed, o.href)
		}
	}
	if !self {
		return nil, &Error{Method: "PROPFIND", URL: s.urlOf(book), Code: http.StatusMultiStatus, Err: fmt.Errorf(
			"the listing (%d responses) lacks the collection's own response: incomplete; the last copy is kept", len(objs))}
	}
	return s.assemble(ctx, book, last, prev, next, changed, lengths)
}

// checkCount refuses a book of more than MaxCardsPerBook cards (as a
// listing or sync names them) before any is downloaded: a hostile or
// runaway server must not fill the server's memory.
func (s *Source) checkCount(method, book string, n int) error {
	if n > s.lim.MaxCardsPerBook {
		return &Error{Method: method, URL: s.urlOf(book), Err: fmt.Errorf(
			"the book has %d cards, more than %d (the MaxCardsPerBook limit); refused, the last copy is kept", n, s.lim.MaxCardsPerBook)}
	}
	return nil
}

// assemble downloads the changed cards and builds the book: the cards of
// next.ETags in href order, changed ones parsed anew, the others reused
// from last as they were (the same *Contact values, their warnings kept).
func (s *Source) assemble(ctx context.Context, book string, last *directory.Book, prev, next *cursor, changed []string, lengths map[string]int64) (*directory.Book, error) {
	fetched, err := s.download(ctx, book, changed, lengths)
	if err != nil {
		return nil, err
	}
	var reuse map[string][]*contacts.Contact
	if prev != nil && last != nil {
		reuse = make(map[string][]*contacts.Contact, len(last.Contacts))
		for _, c := range last.Contacts {
			// By the ID, which names the href ("/alice/book/x.vcf#uid");
			// Book is the directory's (the book's name once served).
			href, _, _ := strings.Cut(c.ID, "#")
			reuse[href] = append(reuse[href], c)
		}
	}
	hrefs := make([]string, 0, len(next.ETags))
	for h := range next.ETags {
		hrefs = append(hrefs, h)
	}
	sort.Strings(hrefs)
	out := &directory.Book{Contacts: make([]*contacts.Contact, 0, len(hrefs)), Transferred: fetched.transferred}
	next.Warnings = map[string][]string{}
	for _, h := range hrefs {
		cards, warns := reuse[h], prev.warnings(h)
		if r, ok := fetched.cards[h]; ok {
			cards, warns = r.contacts, r.warnings
			if r.etag != "" {
				next.ETags[h] = r.etag
			}
		}
		out.Contacts = append(out.Contacts, cards...)
		if len(warns) > 0 {
			next.Warnings[h] = warns
			out.Warnings = append(out.Warnings, warns...)
		}
	}
	// A card file may hold several cards: the contacts are bounded too.
	if err := s.checkCount("REPORT", book, len(out.Contacts)); err != nil {
		return nil, err
	}
	out.Cursor = next.encode()
	return out, nil
}

func (c *cursor) warnings(href string) []string {
	if c == nil {
		return nil
	}
	return c.Warnings[href]
}

// asError gives an error from go-webdav the package's form; those from
// the doer already have it.
func asError(method, url string, err error) error {
	var e *Error
	if errors.As(err, &e) {
		return err
	}
	return &Error{Method: method, URL: url, Err: fmt.Errorf("answer unreadable: %w", err)}
}

func (s *Source) urlOf(p string) string {
	return redact(s.endpoint.ResolveReference(&url.URL{Path: p}))
}

var _ directory.Source = (*Source)(nil)

// String names the source in logs: its URL, without credentials.
func (s *Source) String() string { return fmt.Sprintf("carddav %s", redact(s.endpoint)) }
