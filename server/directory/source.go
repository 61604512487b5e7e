package directory

import (
	"context"
	"encoding/json"
	"time"

	"github.com/deskline/deskline/contacts"
)

// Source fetches one address book from where the company keeps it: a
// CardDAV address book (package carddav), an LDAP directory (package
// ldap) or vCard files on the server (Files). The Directory calls Fetch
// from one goroutine per book, never two at once for the same source.
type Source interface {
	// Fetch returns the whole book as it is now. last is the last good
	// copy (nil the first time, or after a restart with nothing
	// persisted); a source that syncs incrementally reads last.Cursor and
	// reuses last.Contacts it did not see change. ctx carries the fetch's
	// deadline. A returned error keeps last in service: the source is
	// reported failing and tried again at its next refresh.
	Fetch(ctx context.Context, last *Book) (*Book, error)
}

// Book is one fetched copy of a source's contacts.
type Book struct {
	// Contacts, each with a stable ID unique within the book (the
	// directory prefixes it with the book's name) and numbers
	// normalised with the Directory's Normalizer. The directory sets
	// each new contact's Book to the book's name, so a source that
	// reuses last's contacts finds them by ID, never by Book. Shared
	// with readers once returned: never modified afterwards.
	Contacts []*contacts.Contact `json:"contacts"`
	// Cursor is the source's own sync state (a CardDAV sync token and
	// the ETags of its cards, an LDAP highest modifyTimestamp),
	// persisted with the copy and handed back in last; opaque here.
	Cursor json.RawMessage `json:"cursor,omitempty"`
	// Warnings are cards or entries that were skipped or loaded in part,
	// each naming the card or entry; they never fail a fetch.
	Warnings []string `json:"warnings,omitempty"`
	// Transferred counts the cards or entries this fetch downloaded: all
	// of them on a full fetch, only the changed ones on an incremental
	// one (status and tests read it).
	Transferred int `json:"transferred"`
	// Fetched is when the copy was fetched (set by the Directory).
	Fetched time.Time `json:"fetched"`
}
