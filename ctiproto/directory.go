package ctiproto

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

func (*Search) MessageType() string   { return TypeSearch }
func (*Lookup) MessageType() string   { return TypeLookup }
func (*GetPhoto) MessageType() string { return TypeGetPhoto }
