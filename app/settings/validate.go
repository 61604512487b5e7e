package settings

import (
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"unicode"

	"github.com/deskline/deskline/app/crm"
	"github.com/deskline/deskline/ctiproto"
	"github.com/nyaruka/phonenumbers"
)

// Error is one invalid setting. Field is the JSON key
// ("server_url", "address_books[1]"), so a settings window can mark the
// right input.
type Error struct {
	Field  string
	Reason string
	// Book is the address_books entry at fault, counted from 1 as the
	// settings window lists them (Field is then "address_books[Book-1]");
	// 0 for every other field.
	Book int
	// Server is the server_urls entry at fault, counted from 1 (Field is
	// then "server_urls[Server-1]"); 0 for every other field.
	Server int
}

func (e *Error) Error() string {
	return "settings: " + e.Field + ": " + e.Reason
}

// Validate reports every invalid field at once (errors.Join of
// *Error), so the user fixes them in one go. It checks the
// environment too: the CA file and the address books must exist now.
func (s Settings) Validate() error {
	var errs []error
	for _, c := range checks {
		errs = append(errs, c.check(s)...)
	}
	return errors.Join(errs...)
}

// settingCheck validates one field and knows how to reset it, so that
// Load can replace exactly the bad fields by their defaults.
type settingCheck struct {
	check func(Settings) []error
	reset func(s *Settings, def Settings, errs []error)
	note  string // what Load did about it, if not "using the default"
}

var checks = []settingCheck{
	{check: settingField("server_url", func(s Settings) string { return serverURLProblem(s.ServerURL) }),
		reset: func(s *Settings, d Settings, _ []error) { s.ServerURL = d.ServerURL }},
	{check: serverURLsProblems, reset: dropBadServerURLs, note: "left out of the list"},
	{check: settingField("user", func(s Settings) string { return userProblem(s.User) }),
		reset: func(s *Settings, d Settings, _ []error) { s.User = d.User }},
	{check: settingField("ca_file", func(s Settings) string { return caFileProblem(s.CAFile) }),
		reset: func(s *Settings, d Settings, _ []error) { s.CAFile = d.CAFile }},
	{check: settingField("home_region", func(s Settings) string { return regionProblem(s.HomeRegion) }),
		reset: func(s *Settings, d Settings, _ []error) { s.HomeRegion = d.HomeRegion }},
	{check: settingField("max_internal_digits", func(s Settings) string { return internalDigitsProblem(s.MaxInternalDigits) }),
		reset: func(s *Settings, d Settings, _ []error) { s.MaxInternalDigits = d.MaxInternalDigits }},
	{check: addressBooksProblems, reset: dropBadAddressBooks, note: "left out of the list"},
	{check: settingField("crm_url", func(s Settings) string { return crm.TemplateProblem(s.CRMURL) }),
		reset: func(s *Settings, d Settings, _ []error) { s.CRMURL = d.CRMURL }},
	{check: settingField("dial_device", func(s Settings) string { return dialDeviceProblem(s.DialDevice) }),
		reset: func(s *Settings, d Settings, _ []error) { s.DialDevice = d.DialDevice }},
	{check: settingField("switchboard", func(s Settings) string { return switchboardProblem(s.Switchboard) }),
		reset: func(s *Settings, d Settings, _ []error) { s.Switchboard = d.Switchboard }},
}

// dialDeviceProblem: a device id as the protocol carries it. Whether the
// user has that phone is known only once connected (a phone taken away
// is passed over then).
func dialDeviceProblem(id string) string {
	switch {
	case len(id) > ctiproto.MaxFieldLength:
		return fmt.Sprintf("longer than %d characters: not a phone of yours", ctiproto.MaxFieldLength)
	case ctiproto.CleanText(id) != id || strings.TrimSpace(id) != id:
		return "has spaces or control characters: not a phone of yours"
	}
	return ""
}

// field adapts a check of one value to settingCheck.check.
func settingField(name string, problem func(Settings) string) func(Settings) []error {
	return func(s Settings) []error {
		if p := problem(s); p != "" {
			return []error{&Error{Field: name, Reason: p}}
		}
		return nil
	}
}

func serverURLProblem(raw string) string {
	if raw == "" {
		return "required, e.g. " + DefaultServerURL
	}
	u, err := url.Parse(raw)
	switch {
	case err != nil:
		return fmt.Sprintf("%q is not a URL: %v", raw, errors.Unwrap(err))
	case u.Scheme != "ws" && u.Scheme != "wss":
		return fmt.Sprintf("%q must start with ws:// or wss://", raw)
	case u.Hostname() == "":
		return fmt.Sprintf("%q has no host", raw)
	case u.User != nil:
		return "must not contain a user or password; use the user setting and the login window"
	case u.Fragment != "" || strings.Contains(raw, "#"):
		return fmt.Sprintf("%q must not have a #fragment (WebSocket URLs cannot)", raw)
	}
	if p := u.Port(); p != "" {
		if n, err := strconv.Atoi(p); err != nil || n < 1 || n > 65535 {
			return fmt.Sprintf("%q: port %s is not 1–65535", raw, p)
		}
	}
	return ""
}

// userProblem follows the protocol's rule for the hello's user, so a
// setting that saves is one the server can accept. "" = not set up yet.
func userProblem(user string) string {
	if len(user) > ctiproto.MaxUserLength {
		return fmt.Sprintf("too long: %d bytes, max %d", len(user), ctiproto.MaxUserLength)
	}
	for _, c := range user {
		if unicode.IsControl(c) {
			return "must not contain control characters"
		}
	}
	if strings.TrimSpace(user) != user {
		return fmt.Sprintf("%q has leading or trailing spaces", user)
	}
	return ""
}

func caFileProblem(path string) string {
	if path == "" {
		return ""
	}
	if p := absPathProblem(path); p != "" {
		return p
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return fmt.Sprintf("cannot read %s: %v", path, errors.Unwrap(err))
	}
	return pemCertsProblem(path, data)
}

// pemCertsProblem wants at least one certificate and nothing that fails to
// parse: a half-good CA bundle would fail later, at connect, far from
// its cause.
func pemCertsProblem(path string, data []byte) string {
	n := 0
	for block, rest := pem.Decode(data); block != nil; block, rest = pem.Decode(rest) {
		if block.Type != "CERTIFICATE" {
			continue // a key or parameters next to the cert is harmless
		}
		if _, err := x509.ParseCertificate(block.Bytes); err != nil {
			return fmt.Sprintf("%s: certificate %d does not parse: %v", path, n+1, err)
		}
		n++
	}
	if n == 0 {
		return fmt.Sprintf("%s holds no PEM certificate (-----BEGIN CERTIFICATE-----)", path)
	}
	return ""
}

// absPathProblem wants an absolute path to something that exists. A
// tray app started at login has no meaningful working directory, so a
// relative path would resolve somewhere surprising.
func absPathProblem(path string) string {
	if !filepath.IsAbs(path) {
		return fmt.Sprintf("%q must be an absolute path", path)
	}
	if _, err := os.Stat(path); err != nil {
		return fmt.Sprintf("%s: %v", path, errors.Unwrap(err))
	}
	return ""
}

var supportedRegions = sync.OnceValue(phonenumbers.GetSupportedRegions)

func regionSupported(r string) bool { return supportedRegions()[r] }

func regionProblem(r string) string {
	switch up := strings.ToUpper(r); {
	case r == "":
		return "required, e.g. " + FallbackHomeRegion
	case regionSupported(r):
		return ""
	case regionSupported(up):
		return fmt.Sprintf("%q must be upper case: %q", r, up)
	}
	return fmt.Sprintf("%q is not a region code phone numbers know (ISO 3166, e.g. DE, AT, CH, GB, US)", r)
}

func internalDigitsProblem(n int) string {
	if n < 2 || n > 8 {
		return fmt.Sprintf("%d is not 2–8", n)
	}
	return ""
}
