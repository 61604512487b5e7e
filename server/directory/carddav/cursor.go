package carddav

import (
	"encoding/json"

	"github.com/deskline/deskline/server/directory"
)

// cursor is the sync state kept in Book.Cursor between fetches.
type cursor struct {
	Book      string              `json:"book"`                 // the collection's path it belongs to
	SyncToken string              `json:"sync_token,omitempty"` // RFC 6578
	CTag      string              `json:"ctag,omitempty"`       // empty when not known to match the cards
	ETags     map[string]string   `json:"etags"`                // href → ETag of every card
	Warnings  map[string][]string `json:"warnings,omitempty"`   // href → its warnings, kept while it is unchanged
}

// lastCursor reads last's cursor when it is for this book; nil otherwise
// (first fetch, another book, or unreadable: a full fetch).
func lastCursor(last *directory.Book, book string) *cursor {
	if last == nil || len(last.Cursor) == 0 {
		return nil
	}
	var c cursor
	if err := json.Unmarshal(last.Cursor, &c); err != nil || c.Book != book || c.ETags == nil {
		return nil
	}
	return &c
}

func (c *cursor) encode() json.RawMessage {
	b, err := json.Marshal(c)
	if err != nil {
		panic(err) // strings and maps of strings always marshal
	}
	return b
}
