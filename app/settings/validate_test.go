package settings

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// validSettingsForTest passes Validate and uses every optional field.
func validSettingsForTest(t *testing.T) Settings {
	s := Default()
	s.ServerURL = "wss://cti.example.com:8443/v1/ws?tenant=a"
	s.User = "anna@example.com"
	s.CAFile = settingsTestCA(t)
	s.HomeRegion = "CH"
	s.AddressBooks = []string{t.TempDir()}
	s.CRMURL = "https://crm.example/contacts/{e164}?q={name}&c={company}#{number}"
	return s
}

func TestSettingsValidateAccepts(t *testing.T) {
	s := validSettingsForTest(t)
	if err := s.Validate(); err != nil {
		t.Fatalf("valid settings: %v", err)
	}
	for _, u := range []string{"ws://10.0.0.5:8720/v1/ws", "WSS://cti.example.com/v1/ws", "ws://[::1]:8720/v1/ws"} {
		s.ServerURL = u
		if err := s.Validate(); err != nil {
			t.Errorf("%s: %v", u, err)
		}
	}
}

func TestSettingsValidateRejects(t *testing.T) {
	dir := t.TempDir()
	notPEM := filepath.Join(dir, "not.pem")
	os.WriteFile(notPEM, []byte("hello"), 0o600)
	badCert := filepath.Join(dir, "bad.pem")
	os.WriteFile(badCert, []byte("-----BEGIN CERTIFICATE-----\naGVsbG8=\n-----END CERTIFICATE-----\n"), 0o600)
	book := filepath.Join(dir, "book.vcf")
	os.WriteFile(book, nil, 0o600)
	for _, c := range []struct {
		field, reason string
		mutate        func(*Settings)
	}{
		{"server_url", "required", func(s *Settings) { s.ServerURL = "" }},
		{"server_url", "must start with ws:// or wss://", func(s *Settings) { s.ServerURL = "https://cti.example.com/v1/ws" }},
		{"server_url", "must start with ws:// or wss://", func(s *Settings) { s.ServerURL = "cti.example.com:8720" }},
		{"server_url", "no host", func(s *Settings) { s.ServerURL = "ws:///v1/ws" }},
		{"server_url", "not a URL", func(s *Settings) { s.ServerURL = "ws://cti example.com/" }},
		{"server_url", "must not contain a user or password", func(s *Settings) { s.ServerURL = "wss://anna:secret@cti.example.com/" }},
		{"server_url", "#fragment", func(s *Settings) { s.ServerURL = "wss://cti.example.com/v1/ws#x" }},
		{"server_url", "port 0 is not 1–65535", func(s *Settings) { s.ServerURL = "ws://cti.example.com:0/" }},
		{"server_url", "port 70000 is not 1–65535", func(s *Settings) { s.ServerURL = "ws://cti.example.com:70000/" }},
		{"user", "too long", func(s *Settings) { s.User = strings.Repeat("a", 129) }},
		{"user", "control characters", func(s *Settings) { s.User = "anna\n" }},
		{"user", "leading or trailing spaces", func(s *Settings) { s.User = " anna" }},
		{"ca_file", "must be an absolute path", func(s *Settings) { s.CAFile = "ca.pem" }},
		{"ca_file", "no such file", func(s *Settings) { s.CAFile = filepath.Join(dir, "missing.pem") }},
		{"ca_file", "holds no PEM certificate", func(s *Settings) { s.CAFile = notPEM }},
		{"ca_file", "certificate 1 does not parse", func(s *Settings) { s.CAFile = badCert }},
		{"ca_file", "is a directory", func(s *Settings) { s.CAFile = dir }},
		{"home_region", "required", func(s *Settings) { s.HomeRegion = "" }},
		{"home_region", `must be upper case: "DE"`, func(s *Settings) { s.HomeRegion = "de" }},
		{"home_region", "not a region code", func(s *Settings) { s.HomeRegion = "XX" }},
		{"home_region", "not a region code", func(s *Settings) { s.HomeRegion = "Germany" }},
		{"max_internal_digits", "1 is not 2–8", func(s *Settings) { s.MaxInternalDigits = 1 }},
		{"max_internal_digits", "9 is not 2–8", func(s *Settings) { s.MaxInternalDigits = 9 }},
		{"address_books[1]", "empty path", func(s *Settings) { s.AddressBooks = []string{book, ""} }},
		{"address_books[0]", "must be an absolute path", func(s *Settings) { s.AddressBooks = []string{"book.vcf"} }},
		{"address_books[0]", "no such file", func(s *Settings) { s.AddressBooks = []string{filepath.Join(dir, "x.vcf")} }},
		{"address_books[1]", "listed twice", func(s *Settings) { s.AddressBooks = []string{book, book} }},
		{"crm_url", "unknown placeholder {phone}", func(s *Settings) { s.CRMURL = "https://crm.example/?p={phone}" }},
		{"crm_url", "not an http:// or https:// URL", func(s *Settings) { s.CRMURL = "ftp://crm.example/{number}" }},
		{"crm_url", "not an http:// or https:// URL", func(s *Settings) { s.CRMURL = "crm.example/search?q={number}" }},
		{"crm_url", "in the scheme or host", func(s *Settings) { s.CRMURL = "https://{company}.crm.example/" }},
		{"crm_url", "unclosed {", func(s *Settings) { s.CRMURL = "https://crm.example/?q={number" }},
	} {
		s := validSettingsForTest(t)
		c.mutate(&s)
		err := s.Validate()
		var se *Error
		if !errors.As(err, &se) {
			t.Errorf("%s (%s): error %v, want a *Error", c.field, c.reason, err)
			continue
		}
		if se.Field != c.field || !strings.Contains(se.Reason, c.reason) {
			t.Errorf("error %q, want field %s with %q", err, c.field, c.reason)
		}
		if !strings.HasPrefix(err.Error(), "settings: "+c.field+": ") {
			t.Errorf("error %q does not start with settings: %s:", err, c.field)
		}
		// The entry at fault, for the window to name without parsing Field.
		want := 0
		fmt.Sscanf(c.field, "address_books[%d]", &want)
		if strings.HasPrefix(c.field, "address_books[") {
			want++
		}
		if se.Book != want {
			t.Errorf("%s: Book %d, want %d", c.field, se.Book, want)
		}
	}
}

// Validate reports every problem, not just the first.
func TestSettingsValidateAllAtOnce(t *testing.T) {
	s := Settings{ServerURL: "http://x", HomeRegion: "XX", MaxInternalDigits: 0,
		CAFile: "rel.pem", AddressBooks: []string{"a", "b"}, CRMURL: "https://x/{y}", User: "\t"}
	err := s.Validate()
	var fields []string
	for _, e := range err.(interface{ Unwrap() []error }).Unwrap() {
		fields = append(fields, e.(*Error).Field)
	}
	want := "server_url user ca_file home_region max_internal_digits address_books[0] address_books[1] crm_url"
	if got := strings.Join(fields, " "); got != want {
		t.Fatalf("fields %s\nwant   %s", got, want)
	}
}
