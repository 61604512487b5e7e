package server

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"strings"
	"unicode"

	"github.com/deskline/deskline/contacts"
	"github.com/deskline/deskline/ctiproto"
	"github.com/deskline/deskline/internal/cut"
	"github.com/deskline/deskline/server/directory"
)

// The company directory's requests (PROTOCOL.md section 19): search,
// lookup and get-photo, answered from the books the user may see, which
// are fixed at start (userLog.books). They never reach the exchange.

// Bounds of a contact on the wire. A book is input from elsewhere; these
// keep 50 contacts with 20 numbers each well inside one frame (about
// 450 KiB at worst, MaxServerMessageBytes is 1 MiB) without an encode to
// find out.
const (
	// maxContactText bounds a name, company, department or title: what
	// a person reads in a list.
	maxContactText = 256
	// maxDisplayText bounds a number as shown ("+49 30 1234567 ext. 89").
	maxDisplayText = 64
	// maxNumberTypes and maxTypeText bound a number's types (work, cell…).
	maxNumberTypes = 8
	maxTypeText    = 32
)

// matchesPerContact: Search counts (contact, number) matches, and a name
// match yields each of the contact's numbers; asking for this many
// matches per contact wanted fills the list for people with a few
// numbers each, at a cost that stays within the keystroke budget.
const matchesPerContact = 4

// isDirectoryRequest reports whether m is one of the directory's
// requests, which have their own rate budget (session.dirLimiter).
func isDirectoryRequest(m ctiproto.Message) bool {
	switch m.(type) {
	case *ctiproto.Search, *ctiproto.Lookup, *ctiproto.GetPhoto:
		return true
	}
	return false
}

// directoryRequest answers search, lookup and get-photo.
func (s *session) directoryRequest(m ctiproto.Message) (*ctiproto.Result, error) {
	dir, books := s.srv.opts.Directory, s.user.books
	switch c := m.(type) {
	case *ctiproto.Search:
		limit := c.Limit
		if limit <= 0 {
			limit = ctiproto.DefaultSearchLimit
		}
		if dir == nil || strings.TrimSpace(c.Query) == "" {
			return &ctiproto.Result{}, nil
		}
		return &ctiproto.Result{Contacts: s.search(dir, c.Query, limit)}, nil
	case *ctiproto.Lookup:
		if dir == nil || strings.TrimSpace(c.Number) == "" {
			return &ctiproto.Result{}, nil
		}
		return &ctiproto.Result{Contacts: group(dir.Lookup(books, c.Number), ctiproto.MaxSearchLimit)}, nil
	case *ctiproto.GetPhoto:
		return s.photo(dir, books, c.Photo)
	}
	return nil, &ctiproto.Error{Code: ctiproto.CodeUnknownType, Message: "not a directory request: " + m.MessageType()}
}

// search finds up to limit contacts for query in the user's books; the
// shortest queries' answers are shared for a moment (searchMemo).
func (s *session) search(dir *directory.Directory, query string, limit int) []ctiproto.Contact {
	k, keep := memoKey(s.user.booksKey, query, limit)
	if keep {
		if cs, ok := s.srv.searches.get(k); ok {
			return cs
		}
	}
	cs := group(dir.Search(s.user.books, query, limit*matchesPerContact), limit)
	if keep {
		s.srv.searches.put(k, cs)
	}
	return cs
}

// photo answers get-photo: a photo of a contact in the user's books, not
// over the limit. Anything else is not-found, the same answer for a book
// the user may not see as for one that does not exist.
func (s *session) photo(dir *directory.Directory, books []string, ref string) (*ctiproto.Result, error) {
	var p *contacts.Photo
	ok := false
	if dir != nil {
		p, ok = dir.Photo(books, ref)
	}
	if !ok || len(p.Data) > ctiproto.MaxPhotoBytes {
		return nil, &ctiproto.Error{Code: ctiproto.CodeNotFound, Field: "photo", Message: "no such photo in your books"}
	}
	mt := p.MediaType
	if mt == "" || len(mt) > ctiproto.MaxFieldLength || strings.ContainsAny(mt, " \t\r\n") {
		mt = "application/octet-stream" // the desk sniffs the image anyway
	}
	return &ctiproto.Result{Image: &ctiproto.Image{MediaType: mt, Data: base64.StdEncoding.EncodeToString(p.Data)}}, nil
}

// group turns matches, best first, into at most limit contacts, each
// once, in the order of its best match, with its numbers: the ones that
// matched first, in match order, then the rest of the card's.
func group(ms []contacts.Match, limit int) []ctiproto.Contact {
	var out []ctiproto.Contact
	at := make(map[*contacts.Contact]int, min(len(ms), limit))
	for _, m := range ms {
		i, seen := at[m.Contact]
		if !seen {
			if len(out) == limit {
				continue // a further number of a contact already listed may follow
			}
			i = len(out)
			at[m.Contact] = i
			out = append(out, wireContact(m.Contact))
			out[i].Score = m.Score // its best match's: matches come best first
		}
		out[i].Numbers = addNumber(out[i].Numbers, m.Phone)
	}
	for c, i := range at {
		for _, p := range c.Phones {
			out[i].Numbers = addNumber(out[i].Numbers, p)
		}
	}
	return out
}

// addNumber appends p unless the list has its number or is full.
func addNumber(ns []ctiproto.ContactNumber, p contacts.Phone) []ctiproto.ContactNumber {
	key := p.Number.Key
	if key == "" || len(key) > ctiproto.MaxNumberLength || len(ns) == ctiproto.MaxContactNumbers {
		return ns
	}
	for _, n := range ns {
		if n.Number == key {
			return ns
		}
	}
	n := ctiproto.ContactNumber{Number: key, Display: cleanText(p.Number.Display, maxDisplayText)}
	for _, t := range p.Types[:min(len(p.Types), maxNumberTypes)] {
		n.Types = append(n.Types, cleanText(t, maxTypeText))
	}
	return append(ns, n)
}

// wireContact is c as a party carries it: without numbers.
func wireContact(c *contacts.Contact) ctiproto.Contact {
	w := ctiproto.Contact{
		ID:         contactID(c),
		Book:       c.Book,
		Name:       cleanText(c.DisplayName(), maxContactText),
		Company:    cleanText(c.Organization, maxContactText),
		Department: cleanText(c.Department, maxContactText),
		Title:      cleanText(c.Title, maxContactText),
	}
	if ref := directory.PhotoRef(c); ref != "" && len(ref) <= ctiproto.MaxRefLength && !hasControl(ref) &&
		len(c.Photo.Data) <= ctiproto.MaxPhotoBytes {
		w.Photo = ref
	}
	return w
}

// contactID is the contact's wire id; one too long for the protocol (a
// deep LDAP DN) is replaced by a digest of it, as stable.
func contactID(c *contacts.Contact) string {
	id := directory.ContactID(c)
	if len(id) <= ctiproto.MaxRefLength && !hasControl(id) {
		return id
	}
	sum := sha256.Sum256([]byte(id))
	return c.Book + "/#" + hex.EncodeToString(sum[:])
}

// cleanText is s on one line, cut to max bytes on a character boundary:
// the protocol's free text, from a card that may hold anything.
func cleanText(s string, max int) string {
	if hasControl(s) {
		s = strings.Map(func(r rune) rune {
			if unicode.IsControl(r) {
				return ' '
			}
			return r
		}, s)
	}
	return cut.Bytes(strings.TrimSpace(s), max)
}

// hasControl reports whether s has a control character, which the
// protocol's ids and references may not.
func hasControl(s string) bool { return strings.IndexFunc(s, unicode.IsControl) >= 0 }
