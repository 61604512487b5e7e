package ctiproto

import "fmt"

// The company directory (issue 17, PROTOCOL.md section 19): search as the
// user types, reverse lookup, photos, and the directory's match on every
// party the server sends. All of it is deskline.v2 only.

// Request types of the directory.
const (
	TypeSearch   = "search"    // search the books the user may see (Search)
	TypeLookup   = "lookup"    // who has this number (Lookup)
	TypeGetPhoto = "get-photo" // a directory contact's photo (GetPhoto)
)

// Search finds directory contacts as the user types: words match the
// beginnings of words of names and companies, digits match numbers. The
// result's Contacts are ranked best first, at most Limit (default and
// maximum in section 19).
type Search struct {
	ID    string `json:"id"`
	Query string `json:"query"`
	Limit int    `json:"limit,omitempty"`
}

// Lookup finds the directory contacts that have Number, written in any
// form; the result's Contacts are ranked best first.
type Lookup struct {
	ID     string `json:"id"`
	Number string `json:"number"`
}

// GetPhoto fetches the photo a Contact refers to; the result carries it
// as Image.
type GetPhoto struct {
	ID    string `json:"id"`
	Photo string `json:"photo"`
}

// Contact is a directory contact as the server sends it: in a search or
// lookup result with its numbers, and on a Party (Party.Contact) without
// them, so that every desk pops the same caller.
type Contact struct {
	ID         string `json:"id"`   // stable while the book has the contact
	Book       string `json:"book"` // the address book it is in, as the server names it
	Name       string `json:"name"`
	Company    string `json:"company,omitempty"`
	Department string `json:"department,omitempty"`
	Title      string `json:"title,omitempty"`
	// Photo refers to the contact's photo for get-photo; absent: none.
	Photo string `json:"photo,omitempty"`
	// Numbers: in a search or lookup result, each of the contact's
	// numbers, the one that matched first.
	Numbers []ContactNumber `json:"numbers,omitempty"`
	// Score: in a search or lookup result, how well the contact matched,
	// on the scale of package contacts' ranking (higher is better), so a
	// desk can rank it among its own books' matches.
	Score int `json:"score,omitempty"`
}

// ContactNumber is one number of a Contact.
type ContactNumber struct {
	Number  string   `json:"number"`          // what to dial: E.164 or an internal extension
	Display string   `json:"display"`         // as a person reads it: "+49 30 1234567"
	Types   []string `json:"types,omitempty"` // lower-case vCard types: work, cell, home, fax, …
}

// Image is a photo: its media type and the image, standard base64 (the
// decoder reads strings, not bytes).
type Image struct {
	MediaType string `json:"media_type"`
	Data      string `json:"data"`
}

// Limits of the directory (PROTOCOL.md sections 11 and 19).
const (
	// MaxQueryLength bounds a search query: what a person types to find
	// a name, a company or a number. The longest name with its company
	// is far shorter; the bound keeps a query cheap to normalise and
	// match on every keystroke.
	MaxQueryLength = 128

	// DefaultSearchLimit is how many contacts a search returns when its
	// limit is absent: more than a dial window shows at once.
	DefaultSearchLimit = 20
	// MaxSearchLimit bounds a search's limit: a search is a list to
	// pick from as one types, not an export of the directory, and 50
	// contacts with their numbers stay well within a frame.
	MaxSearchLimit = 50

	// MaxContactNumbers bounds the numbers of one contact in a result:
	// people have a handful; a card with hundreds is broken or hostile
	// and must not blow up a frame (the server sends the first ones,
	// the matched one first).
	MaxContactNumbers = 20

	// MaxRefLength bounds a contact's id and a photo reference: the
	// book's name and the contact's id in its source (a vCard UID, an
	// LDAP DN) joined, which the server makes and the client only echoes.
	MaxRefLength = 512

	// MaxPhotoBytes bounds a photo get-photo returns, decoded: the
	// server keeps thumbnails of at most 144 pixels a side, which are a
	// few KiB to some tens of KiB; 128 KiB (about 171 KiB of base64)
	// keeps the result far below MaxServerMessageBytes. A larger photo
	// is not offered (the contact has no photo member).
	MaxPhotoBytes = 128 << 10

	// DefaultSearchesPerSecond and DefaultSearchBurst form the token
	// bucket of a connection's directory requests (search, lookup,
	// get-photo), a budget apart from the commands': a person types
	// some ten keystrokes a second and a desk searches at most once a
	// keystroke, so typing fits with room to spare, never makes a
	// transfer wait, and a runaway client is told rate-limited.
	DefaultSearchesPerSecond = 20
	DefaultSearchBurst       = 40

	// maxPhotoData is MaxPhotoBytes in standard base64.
	maxPhotoData = (MaxPhotoBytes + 2) / 3 * 4
)

// directorySpecs are the spec table's entries for the directory.
func directorySpecs() []*spec {
	return []*spec{
		{typ: TypeSearch, kind: request, new: func() Message { return new(Search) }, check: checkSearch},
		{typ: TypeLookup, kind: request, new: func() Message { return new(Lookup) }},
		{typ: TypeGetPhoto, kind: request, new: func() Message { return new(GetPhoto) }},
	}
}

// checkSearch bounds the limit; 0 (absent) means DefaultSearchLimit.
func checkSearch(m Message) *DecodeError {
	if l := m.(*Search).Limit; l > MaxSearchLimit {
		return invalidField("limit", fmt.Sprintf("too large: %d, max %d", l, MaxSearchLimit))
	}
	return nil
}

// checkContacts bounds a result's contacts and their numbers.
func checkContacts(cs []Contact) *DecodeError {
	if len(cs) > MaxSearchLimit {
		return invalidField("contacts", fmt.Sprintf("too many: %d contacts, max %d", len(cs), MaxSearchLimit))
	}
	for i, c := range cs {
		if len(c.Numbers) > MaxContactNumbers {
			return invalidField(fmt.Sprintf("contacts[%d].numbers", i),
				fmt.Sprintf("too many: %d numbers, max %d", len(c.Numbers), MaxContactNumbers))
		}
	}
	return nil
}

// Text rules of the directory's members (textRules).
var (
	queryRule = textRule{max: MaxQueryLength} // "": an empty list
	refRule   = textRule{max: MaxRefLength, nonEmpty: true}
	photoData = textRule{max: maxPhotoData, nonEmpty: true, ascii: true}
	mediaType = textRule{max: MaxFieldLength, nonEmpty: true, ascii: true}
)

// inContact reports whether the member at path index i is a member of a
// contact object (Party.contact, Result.contacts), whose id is a
// reference (refRule), not a request id.
func (d *decoder) inContact(i int) bool {
	for i--; i >= 0; i-- {
		if n := d.path[i].name; n != "" {
			return n == "contact" || n == "contacts"
		}
	}
	return false
}

func (*Search) MessageType() string   { return TypeSearch }
func (*Lookup) MessageType() string   { return TypeLookup }
func (*GetPhoto) MessageType() string { return TypeGetPhoto }
