// Package crm builds the link to a CRM for a call from the URL template
// in the settings: placeholders filled and escaped for where they stand,
// only http and https, no placeholder in the scheme or host.
package crm

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
)

// Values fill the placeholders of a CRM URL template.
type Values struct {
	Number  string // {number}: the other party as the exchange gave it, e.g. "030 1234567"
	E164    string // {e164}: the same number normalised, e.g. "+49301234567"; "" if unknown
	Name    string // {name}: best known name
	Company string // {company}: from the matching contact, if any
}

// placeholders lists the known placeholder names in the order the
// error message shows them.
var placeholders = []string{"number", "e164", "name", "company"}

func (v Values) value(name string) (string, bool) {
	switch name {
	case "number":
		return v.Number, true
	case "e164":
		return v.E164, true
	case "name":
		return v.Name, true
	case "company":
		return v.Company, true
	}
	return "", false
}

// Error says why a template cannot give a CRM link: URL is the template,
// or the link it expanded to when the problem is in the result (the
// scheme, the host, a path segment); Reason says what is wrong, in words
// that stand on their own ("unknown placeholder {phone} (known: …)").
type Error struct {
	URL    string
	Reason string
}

// Error is the problem for a log: `crm: "https://…/{phone}": unknown placeholder …`.
func (e *Error) Error() string { return "crm: " + e.problem() }

// problem is the URL and the reason, as the settings file's warnings
// name a bad crm_url.
func (e *Error) problem() string { return fmt.Sprintf("%q: %s", e.URL, e.Reason) }

// URL expands template (e.g. "https://crm.example/search?phone={number}")
// with v. Every value is escaped for where its placeholder sits, so that
// a name like "Smith & Jones" stays one value:
//
//   - in the query or the fragment (after ? or #): url.QueryEscape, the
//     form encoding web applications decode (space → "+", "+" → "%2B",
//     "&" → "%26");
//   - in the path: url.PathEscape (space → "%20", "/" → "%2F"), since a
//     "+" in a path is a plus, not a space.
//
// A value that would make a path segment "." or ".." is refused (see
// checkSegments). Placeholders in the scheme or host are refused: caller id comes from
// outside, and must not choose which server the browser talks to. An
// unknown placeholder is an error naming it, and the result must be an
// http or https URL with a host.
func URL(template string, v Values) (string, error) {
	u, err := expand(template, v)
	if err != nil {
		return "", err
	}
	return u, nil
}

// TemplateProblem says what is wrong with a template, "" if nothing. It
// expands awkward sample values: escaping makes any values as good as
// any others, so what can fail is the template itself.
func TemplateProblem(template string) string {
	if template == "" {
		return ""
	}
	sample := Values{Number: "030 1234567", E164: "+49301234567", Name: "Jörg Müller & Söhne", Company: "A/B GmbH"}
	if _, err := expand(template, sample); err != nil {
		return err.problem()
	}
	return ""
}

func expand(template string, v Values) (string, *Error) {
	hostEnd := hostEndOf(template)
	queryStart := len(template)
	if i := strings.IndexAny(template, "?#"); i >= 0 {
		queryStart = i
	}
	var b strings.Builder
	rest := template
	for {
		open := strings.IndexByte(rest, '{')
		if open < 0 {
			b.WriteString(rest)
			break
		}
		pos := len(template) - len(rest) + open
		end := strings.IndexByte(rest[open:], '}')
		if end < 0 {
			return "", &Error{template, fmt.Sprintf("unclosed { at byte %d", pos)}
		}
		name := rest[open+1 : open+end]
		val, ok := v.value(name)
		switch {
		case !ok:
			return "", &Error{template, fmt.Sprintf("unknown placeholder {%s} (known: {%s})", name, strings.Join(placeholders, "}, {"))}
		case pos < hostEnd:
			return "", &Error{template, fmt.Sprintf("placeholder {%s} in the scheme or host; only the path and query may hold call data", name)}
		case pos < queryStart:
			val = url.PathEscape(val)
		default:
			val = url.QueryEscape(val)
		}
		b.WriteString(rest[:open])
		b.WriteString(val)
		rest = rest[open+end+1:]
	}
	if err := checkHTTPURL(b.String()); err != nil {
		return "", err
	}
	if err := checkSegments(b.String()); err != nil {
		return "", err
	}
	return b.String(), nil
}

// checkSegments refuses a URL whose path holds a "." or ".." segment.
// Escaping cannot keep a value of "." or ".." in its place: browsers
// (the WHATWG URL standard) take "%2e" for a dot and resolve the segment,
// so "/contacts/{name}/edit" with the name ".." would open "/edit".
// Values are path-escaped, so no value makes a "/" of its own; a segment
// of dots can only be a whole value or values and dots side by side.
func checkSegments(raw string) *Error {
	u, _ := url.Parse(raw) // checkHTTPURL parsed it
	for _, seg := range strings.Split(u.EscapedPath(), "/") {
		if d, err := url.PathUnescape(seg); err == nil && (d == "." || d == "..") {
			return &Error{raw, fmt.Sprintf("the path segment %q would move up the path; a value must not be \".\" or \"..\"", seg)}
		}
	}
	return nil
}

// hostEndOf is the byte offset where the path, query or fragment
// starts: everything before it is scheme and host.
func hostEndOf(template string) int {
	start := 0
	if i := strings.Index(template, "://"); i >= 0 {
		start = i + len("://")
	}
	if i := strings.IndexAny(template[start:], "/?#"); i >= 0 {
		return start + i
	}
	return len(template)
}

func checkHTTPURL(raw string) *Error {
	u, err := url.Parse(raw)
	switch {
	case err != nil:
		return &Error{raw, fmt.Sprintf("not a URL: %v", errors.Unwrap(err))}
	case u.Scheme != "http" && u.Scheme != "https":
		return &Error{raw, "not an http:// or https:// URL"}
	case u.Host == "":
		return &Error{raw, "no host"}
	}
	return nil
}
