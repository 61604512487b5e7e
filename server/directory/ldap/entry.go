package ldap

import (
	"fmt"
	"strings"
	"unicode/utf8"

	goldap "github.com/go-ldap/ldap/v3"

	"github.com/deskline/deskline/contacts"
)

// mapper turns entries into contacts with one Config's mapping.
type mapper struct {
	fields map[string][]string
	norm   *contacts.Normalizer
	lim    contacts.Limits // the photo limits, as a desk's book has
}

// contact maps e. It returns nil when e has neither a name nor a number
// (the warning says so), and a warning for each part it dropped: an
// unparseable number, a photo that is no image or over a limit.
func (m *mapper) contact(e *goldap.Entry) (*contacts.Contact, []string) {
	var warns []string
	c := &contacts.Contact{
		ID:            m.id(e),
		FormattedName: m.first(e, FieldDisplay),
		GivenName:     m.first(e, FieldGiven),
		FamilyName:    m.first(e, FieldFamily),
		Organization:  m.first(e, FieldOrganization),
		Department:    m.first(e, FieldDepartment),
		Title:         m.first(e, FieldTitle),
	}
	if c.FormattedName == "" {
		c.FormattedName = m.first(e, FieldName)
	}
	for _, a := range m.fields[FieldEmail] {
		c.Emails = append(c.Emails, e.GetEqualFoldAttributeValues(a)...)
	}
	for _, pf := range phoneFields {
		for _, a := range m.fields[pf.field] {
			for _, raw := range e.GetEqualFoldAttributeValues(a) {
				num, err := m.norm.Normalize(raw)
				if err != nil {
					warns = append(warns, fmt.Sprintf("%s: %s %q: not a phone number, left out", e.DN, a, raw))
					continue
				}
				c.Phones = append(c.Phones, contacts.Phone{Raw: raw, Number: num, Types: pf.types})
			}
		}
	}
	if p, w := m.photo(e); w != "" {
		warns = append(warns, w)
	} else {
		c.Photo = p
	}
	if c.DisplayName() == "" {
		return nil, append(warns, fmt.Sprintf("%s: no name and no number, skipped", e.DN))
	}
	return c, warns
}

// id is the entry's UUID or GUID, else its DN (stable until the entry is
// renamed).
func (m *mapper) id(e *goldap.Entry) string {
	for _, a := range m.fields[FieldID] {
		raw := e.GetEqualFoldRawAttributeValue(a)
		switch {
		case len(raw) == 0:
			continue
		case strings.EqualFold(a, "objectGUID") && len(raw) == 16:
			return guid(raw)
		case utf8.Valid(raw):
			return string(raw)
		default:
			return fmt.Sprintf("%x", raw)
		}
	}
	return e.DN
}

// guid writes AD's objectGUID as Windows shows it: the first three fields
// are stored little-endian.
func guid(b []byte) string {
	return fmt.Sprintf("%02x%02x%02x%02x-%02x%02x-%02x%02x-%x-%x",
		b[3], b[2], b[1], b[0], b[5], b[4], b[7], b[6], b[8:10], b[10:])
}

func (m *mapper) first(e *goldap.Entry, field string) string {
	for _, a := range m.fields[field] {
		if v := strings.TrimSpace(e.GetEqualFoldAttributeValue(a)); v != "" {
			return v
		}
	}
	return ""
}

// photo returns the entry's photo as a vCard's is kept (size and pixel
// limits, a thumbnail of at most contacts.PhotoThumbSide a side), or a
// warning naming the entry when it is broken or over a limit.
func (m *mapper) photo(e *goldap.Entry) (*contacts.Photo, string) {
	for _, a := range m.fields[FieldPhoto] {
		data := e.GetEqualFoldRawAttributeValue(a)
		if len(data) == 0 {
			continue
		}
		p, err := contacts.PhotoFromData(data, m.lim)
		if err != nil {
			return nil, fmt.Sprintf("%s: %s %v, left out", e.DN, a, err)
		}
		return p, ""
	}
	return nil, ""
}

// attributes lists every attribute the mapping reads, for the search
// request: the server sends only those.
func (m *mapper) attributes() []string {
	var attrs []string
	for _, as := range m.fields {
		attrs = append(attrs, as...)
	}
	return attrs
}
