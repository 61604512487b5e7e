package contacts

import (
	"fmt"
	"net/url"
	"strings"
)

// maxURILen bounds ParseURI's input; a phone URI is short.
const maxURILen = 512

// ParseURI reads a phone number from a tel: (RFC 3966), callto: or sip:/sips:
// URI, as found in mails and web pages: percent-encoding and visual
// separators are undone, ";ext=" becomes the extension, and a local number
// takes its ";phone-context=" when that is a global number prefix, else the
// home region. "sip:+4930123@pbx.example;user=phone" and "sip:201@pbx" give
// the user part's number; "callto://+4930…" is read like callto:+4930….
func (n *Normalizer) ParseURI(uri string) (Number, error) {
	s := strings.TrimSpace(uri)
	scheme, rest, ok := strings.Cut(s, ":")
	if !ok || len(s) > maxURILen {
		return Number{}, notAPhoneURI(uri, "")
	}
	switch strings.ToLower(scheme) {
	case "tel":
		return n.parseTelSubscriber(rest, uri)
	case "callto":
		return n.parseCallto(rest, uri)
	case "sip", "sips":
		return n.parseSIP(rest, uri)
	}
	return Number{}, notAPhoneURI(uri, "not a tel:, callto: or sip: URI")
}

// NormalizeAny reads s as a URI when it starts with tel:, sip:, sips: or
// callto:, else as a written number (Normalize).
func (n *Normalizer) NormalizeAny(s string) (Number, error) {
	t := strings.TrimSpace(s)
	for _, scheme := range []string{"tel:", "sip:", "sips:", "callto:"} {
		if hasPrefixFold(t, scheme) {
			return n.ParseURI(t)
		}
	}
	return n.Normalize(s)
}

// parseTelSubscriber reads RFC 3966's telephone-subscriber: a number and
// ;name=value parameters. It is the whole of a tel: URI and the user part of
// a sip: URI with user=phone.
func (n *Normalizer) parseTelSubscriber(s, uri string) (Number, error) {
	s, _, _ = strings.Cut(s, "?") // headers: never part of the number
	decoded, err := url.PathUnescape(s)
	if err != nil {
		return Number{}, notAPhoneURI(uri, "bad percent-encoding")
	}
	parts := strings.Split(decoded, ";")
	number := strings.TrimSpace(parts[0])
	var ext, context string
	for _, p := range parts[1:] {
		name, value, _ := strings.Cut(p, "=")
		switch strings.ToLower(strings.TrimSpace(name)) {
		case "ext":
			if ext != "" {
				return Number{}, notAPhoneURI(uri, "two extensions")
			}
			ext = value
		case "phone-context":
			context = strings.TrimSpace(value)
		}
	}
	if !strings.HasPrefix(number, "+") && strings.HasPrefix(context, "+") {
		// A local number in a global context: the context's digits come
		// first, as libphonenumber reads it.
		number = context + number
	}
	return n.withURIExt(number, ext, uri)
}

// withURIExt normalises number and adds ext, which must be digits.
func (n *Normalizer) withURIExt(number, ext, uri string) (Number, error) {
	num, err := n.Normalize(number)
	if err != nil {
		return Number{}, notAPhoneURI(uri, "")
	}
	if ext == "" {
		return num, nil
	}
	sc := scanNumber(ext)
	if !sc.plain() || sc.plus || sc.digits == "" || len(sc.digits) > 10 {
		return Number{}, notAPhoneURI(uri, "bad extension")
	}
	if num.Ext != "" {
		return Number{}, notAPhoneURI(uri, "two extensions")
	}
	num.Ext = sc.digits
	num.Display = withExt(num.Display, num.Ext)
	return num, nil
}

// parseCallto reads callto:+4930… and the callto://+4930… that mail
// programs write; a Skype name is not a number.
func (n *Normalizer) parseCallto(s, uri string) (Number, error) {
	s = strings.TrimPrefix(s, "//")
	s, _, _ = strings.Cut(s, "?")
	s = strings.TrimSuffix(s, "/")
	if user, _, ok := strings.Cut(s, "@"); ok {
		s = user
	}
	return n.parseTelSubscriber(s, uri)
}

// parseSIP reads the number in a SIP URI's user part
// (sip:user[:password]@host;params?headers). A URI without "@" is read as
// sip:201 — a user, not a host — since that is how phones write extensions.
func (n *Normalizer) parseSIP(s, uri string) (Number, error) {
	s = strings.TrimPrefix(s, "//")
	s, _, _ = strings.Cut(s, "?")
	user, _, hasHost := strings.Cut(s, "@")
	if !hasHost {
		user, _, _ = strings.Cut(s, ";") // URI parameters follow the host
	}
	// The password follows the first ':' of the user info; RFC 3966
	// parameters (;ext=, ;phone-context=) stay with the number.
	if number, params, ok := strings.Cut(user, ";"); ok {
		number, _, _ = strings.Cut(number, ":")
		user = number + ";" + params
	} else {
		user, _, _ = strings.Cut(user, ":")
	}
	if user == "" {
		return Number{}, notAPhoneURI(uri, "no user part")
	}
	return n.parseTelSubscriber(user, uri)
}

func notAPhoneURI(uri, why string) error {
	uri = excerpt(uri)
	if why != "" {
		return fmt.Errorf("%w: %q (%s)", ErrNotANumber, uri, why)
	}
	return fmt.Errorf("%w: %q", ErrNotANumber, uri)
}
