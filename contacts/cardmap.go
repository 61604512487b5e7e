package contacts

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/emersion/go-vcard"
)

// contact maps a parsed card to a Contact. problems are the parts of the
// card that could not be used; c is nil when nothing could.
func (p *cardParser) contact(card vcard.Card, file string, index int) (c *Contact, problems []string) {
	c = &Contact{Book: file}
	c.FormattedName = textValue(card.PreferredValue(vcard.FieldFormattedName))
	if n := card.Name(); n != nil {
		c.GivenName, c.FamilyName = textValue(n.GivenName), textValue(n.FamilyName)
	}
	if org := splitStructured(card.PreferredValue(vcard.FieldOrganization)); len(org) > 0 {
		c.Organization = org[0]
		c.Department = strings.Join(org[1:], ", ")
	}
	c.Title = textValue(card.PreferredValue(vcard.FieldTitle))
	c.Note = textValue(strings.Join(card.Values(vcard.FieldNote), "\n"))
	for _, e := range card.Values(vcard.FieldEmail) {
		if e = strings.TrimSpace(strings.TrimPrefix(e, "mailto:")); e != "" {
			c.Emails = append(c.Emails, e)
		}
	}
	labels := appleLabels(card)
	if tels := card[vcard.FieldTelephone]; len(tels) > 0 {
		c.Phones = make([]Phone, 0, len(tels))
	}
	for _, f := range card[vcard.FieldTelephone] {
		ph, err := p.phone(f, labels[f.Group])
		if err != nil {
			problems = append(problems, fmt.Sprintf("TEL %q: %v; ignored", excerpt(f.Value), err))
			continue
		}
		c.Phones = append(c.Phones, ph)
	}
	photo, err := p.photo(card)
	if err != nil {
		problems = append(problems, err.Error())
	}
	c.Photo = photo
	if c.FormattedName == "" && c.GivenName == "" && c.FamilyName == "" && c.Organization == "" &&
		len(c.Phones) == 0 && len(c.Emails) == 0 {
		return nil, append(problems, "card has no name, organisation, number or e-mail address; skipped")
	}
	return c, problems
}

// phone reads one TEL: text (vCard 3.0) or a tel: URI (vCard 4.0,
// VALUE=uri), its types and its preference.
func (p *cardParser) phone(f *vcard.Field, label string) (Phone, error) {
	raw := strings.TrimSpace(unescapeText(f.Value))
	var num Number
	var err error
	if strings.EqualFold(f.Params.Get(vcard.ParamValue), "uri") || hasPrefixFold(raw, "tel:") || hasPrefixFold(raw, "sip:") {
		num, err = p.norm.ParseURI(raw)
	} else {
		num, err = p.norm.Normalize(raw)
	}
	if err != nil {
		return Phone{}, fmt.Errorf("not a phone number")
	}
	types, pref := p.phoneTypes(f, label)
	return Phone{Raw: raw, Number: num, Types: types, Pref: pref}, nil
}

// typeAliases maps the types tools write to the vCard ones.
var typeAliases = map[string]string{"mobile": "cell", "iphone": "cell", "cellular": "cell", "facsimile": "fax"}

// phoneTypes returns the lower-case types of a TEL, interned, and its
// preference: PREF=n (vCard 4.0) or TYPE=pref (vCard 3.0, 1).
func (p *cardParser) phoneTypes(f *vcard.Field, label string) ([]string, int) {
	var buf [8]string
	types := buf[:0]
	pref := 0
	add := func(t string) {
		t = p.lowerType(strings.TrimSpace(t))
		if a, ok := typeAliases[t]; ok {
			t = a
		}
		if t == "pref" {
			pref = 1
			return
		}
		for _, have := range types {
			if have == t {
				return
			}
		}
		if t != "" && len(types) < len(buf) {
			types = append(types, t)
		}
	}
	for _, t := range f.Params[vcard.ParamType] {
		for part := range strings.SplitSeq(t, ",") {
			add(part)
		}
	}
	for _, t := range appleLabelTypes(label) {
		add(t)
	}
	// Most TELs have no PREF: no Atoi, and no error value made for "".
	if v := f.Params.Get(vcard.ParamPreferred); v != "" {
		if n, err := strconv.Atoi(v); err == nil && n >= 1 && n <= 100 {
			pref = n
		}
	}
	return p.intern(types), pref
}

// intern shares one slice between all phones of the same types.
func (p *cardParser) intern(types []string) []string {
	if len(types) == 0 {
		return nil
	}
	var buf [64]byte // the key on the stack: the lookup copies nothing
	key := buf[:0]
	for i, t := range types {
		if i > 0 {
			key = append(key, ',')
		}
		key = append(key, t...)
	}
	if s, ok := p.types[string(key)]; ok {
		return s
	}
	s := append([]string(nil), types...)
	if len(p.types) < maxTypeSets {
		p.types[string(key)] = s
	}
	return s
}

// maxTypeSets bounds the parser's interned type combinations: a book
// uses a few dozen ("work,voice", "cell"), and one CardParser lives as
// long as the CardDAV book it parses for, so cards with ever new TYPE
// values must not grow it without end. Past it a phone's types are its
// own slice.
const maxTypeSets = 256

// maxLowerTypes bounds the parser's memo of lower-cased TYPE values: a
// book uses a handful, and a hostile one must not grow it without end.
const maxLowerTypes = 256

// lowerType is strings.ToLower for TYPE values, remembered per parser:
// every TEL of a book repeats the same few ("WORK", "CELL").
func (p *cardParser) lowerType(t string) string {
	if l, ok := p.lower[t]; ok {
		return l
	}
	l := strings.ToLower(t)
	if len(p.lower) < maxLowerTypes {
		p.lower[strings.Clone(t)] = l
	}
	return l
}

// appleLabels maps item groups to their X-ABLabel: Apple Contacts writes
// "item1.TEL:…" with "item1.X-ABLabel:_$!<Mobile>!$_".
func appleLabels(card vcard.Card) map[string]string {
	fields := card["X-ABLABEL"]
	if len(fields) == 0 {
		return nil
	}
	m := make(map[string]string, len(fields))
	for _, f := range fields {
		if f.Group != "" {
			m[f.Group] = f.Value
		}
	}
	return m
}

// appleLabelTypes reads Apple's built-in labels; custom labels are not
// types.
func appleLabelTypes(label string) []string {
	switch strings.ToLower(label) {
	case "_$!<main>!$_":
		return []string{"main"}
	case "_$!<mobile>!$_", "iphone":
		return []string{"cell"}
	case "_$!<homefax>!$_":
		return []string{"home", "fax"}
	case "_$!<workfax>!$_":
		return []string{"work", "fax"}
	case "_$!<otherfax>!$_":
		return []string{"fax"}
	case "_$!<pager>!$_":
		return []string{"pager"}
	case "_$!<other>!$_":
		return []string{"other"}
	}
	return nil
}

// textValue undoes the escapes go-vcard leaves ("\;", "\N") and trims.
func textValue(s string) string { return strings.TrimSpace(unescapeText(s)) }

var textUnescaper = strings.NewReplacer(`\;`, ";", `\N`, "\n", `\:`, ":")

func unescapeText(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	return textUnescaper.Replace(s)
}

// splitStructured splits a structured value (ORG) at the semicolons that
// are not escaped, and drops empty components.
func splitStructured(s string) []string {
	var out []string
	start := 0
	for i := 0; i <= len(s); i++ {
		if i < len(s) && s[i] == '\\' {
			i++
			continue
		}
		if i >= len(s) || s[i] == ';' {
			if part := textValue(s[start:min(i, len(s))]); part != "" {
				out = append(out, part)
			}
			start = i + 1
		}
	}
	return out
}

func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}
