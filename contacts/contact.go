package contacts

import "strings"

// Phone is one TEL of a contact.
type Phone struct {
	Raw    string   // as written in the card
	Number Number   // normalised
	Types  []string // lower-case: work, home, cell, fax, pager, voice, main, text, video, other…; shared, do not modify
	Pref   int      // 1 most preferred … 100; 0 none
}

// Photo is a contact's picture: inline data, or a URI to fetch it from.
type Photo struct {
	Data      []byte // decoded image, when inline
	MediaType string // "image/jpeg", "image/png", … when known
	URI       string // when the card links to the photo instead
}

// Contact is one card of an address book. Contacts returned by a Directory
// are shared between readers and must not be modified.
type Contact struct {
	ID            string // stable: book file + "#" + UID (or "#" + card index when the card has none)
	Book          string // the file it came from
	FormattedName string // FN
	GivenName     string // N, given
	FamilyName    string // N, family
	Organization  string // ORG, first component
	Department    string // ORG, further components joined with ", "
	Title         string
	Note          string
	Emails        []string
	Phones        []Phone
	Photo         *Photo
}

// DisplayName returns the name to show: FN, else given and family name,
// else the organisation, else the first number.
func (c *Contact) DisplayName() string {
	if fn := strings.TrimSpace(c.FormattedName); fn != "" {
		return fn
	}
	if name := strings.TrimSpace(c.GivenName + " " + c.FamilyName); name != "" {
		return name
	}
	if org := strings.TrimSpace(c.Organization); org != "" {
		return org
	}
	if len(c.Phones) > 0 {
		return c.Phones[0].Number.Display
	}
	return ""
}

// HasType reports whether the phone has type t (lower case).
func (p Phone) HasType(t string) bool {
	for _, have := range p.Types {
		if have == t {
			return true
		}
	}
	return false
}
