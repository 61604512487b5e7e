package settings

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"math/big"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
)

// settingsTestCA writes a self-signed CA certificate as PEM and returns
// its path.
func settingsTestCA(t *testing.T) string {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "Deskline test CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), IsCA: true,
		BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "ca.pem")
	os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600)
	return path
}

// settingsNoLocale clears the locale so defaults are predictable.
func settingsNoLocale(t *testing.T) {
	for _, v := range []string{"LC_ALL", "LC_TELEPHONE", "LANG"} {
		t.Setenv(v, "")
	}
}

func TestDefault(t *testing.T) {
	settingsNoLocale(t)
	s := Default()
	want := Settings{ServerURL: "ws://127.0.0.1:8720/v1/ws", HomeRegion: "DE", MaxInternalDigits: 6, Switchboard: "automatic",
		Popup: Popup{Enabled: true, TakeFocus: false, Notify: true, CloseAfterAnswer: true}}
	if !reflect.DeepEqual(s, want) {
		t.Fatalf("defaults\n got %+v\nwant %+v", s, want)
	}
	if err := s.Validate(); err != nil {
		t.Fatalf("defaults do not validate: %v", err)
	}
	t.Setenv("LANG", "de_AT.UTF-8")
	if r := Default().HomeRegion; r != "AT" {
		t.Fatalf("LANG=de_AT.UTF-8: region %s, want AT", r)
	}
}

func TestRegionOrigin(t *testing.T) {
	for _, c := range []struct {
		env      map[string]string
		want     string // "": the fallback
		from     string // the variable read
		fallback bool
	}{
		{env: map[string]string{"LANG": "de_CH.UTF-8"}, want: "CH", from: "LANG"},
		{env: map[string]string{"LANG": "sr_RS@latin"}, want: "RS", from: "LANG"},
		{env: map[string]string{"LANG": "en_GB"}, want: "GB", from: "LANG"},
		{env: map[string]string{"LANG": "C.UTF-8"}, from: "LANG"},
		{env: map[string]string{"LANG": "POSIX"}, from: "LANG"},
		{env: map[string]string{"LANG": "en"}, from: "LANG"},
		{env: map[string]string{"LANG": "xx_ZZ.UTF-8"}, from: "LANG"},
		{env: map[string]string{}},
		{env: map[string]string{"LANG": "en_US.UTF-8", "LC_TELEPHONE": "de_DE.UTF-8"}, want: "DE", from: "LC_TELEPHONE"},
		{env: map[string]string{"LANG": "en_US.UTF-8", "LC_TELEPHONE": "de_DE", "LC_ALL": "fr_FR"}, want: "FR", from: "LC_ALL"},
		// LC_ALL=C decides: no region, even though LANG has one.
		{env: map[string]string{"LANG": "de_AT.UTF-8", "LC_ALL": "C"}, from: "LC_ALL"},
	} {
		got := regionOrigin(func(k string) string { return c.env[k] })
		want := RegionOrigin{Region: c.want, Locale: c.env[c.from], Var: c.from}
		if c.want == "" {
			want.Region, want.Fallback = FallbackHomeRegion, true
		}
		if got != want {
			t.Errorf("%v: %+v, want %+v", c.env, got, want)
		}
	}
}

func TestSettingsRoundTrip(t *testing.T) {
	settingsNoLocale(t)
	book := filepath.Join(t.TempDir(), "team.vcf")
	os.WriteFile(book, []byte("BEGIN:VCARD\r\nEND:VCARD\r\n"), 0o600)
	s := Settings{ServerURL: "wss://cti.example.com/v1/ws", User: "anna@example.com", CAFile: settingsTestCA(t),
		HomeRegion: "AT", MaxInternalDigits: 4, AddressBooks: []string{book, t.TempDir()},
		Popup:  Popup{Enabled: true, TakeFocus: true, Notify: false, CloseAfterAnswer: false},
		CRMURL: "https://crm.example/search?phone={number}&e164={e164}", StartAtLogin: true}
	path := filepath.Join(t.TempDir(), "cfg", "settings.json")
	if err := Save(path, s); err != nil {
		t.Fatal(err)
	}
	fi, _ := os.Stat(path)
	if fi.Mode().Perm() != 0o600 {
		t.Fatalf("settings mode %v, want 0600", fi.Mode().Perm())
	}
	data, _ := os.ReadFile(path)
	if !strings.Contains(string(data), `"version": 1`) {
		t.Fatalf("no version in the file:\n%s", data)
	}
	got, warnings, err := Load(path)
	if err != nil || len(warnings) > 0 {
		t.Fatalf("Load: %v %q", err, warnings)
	}
	if !reflect.DeepEqual(got, s) {
		t.Fatalf("round trip\n got %+v\nwant %+v", got, s)
	}
}

func TestSettingsSaveRefusesInvalid(t *testing.T) {
	path := filepath.Join(t.TempDir(), "settings.json")
	s := Default()
	s.ServerURL = "http://cti.example.com"
	s.MaxInternalDigits = 12
	err := Save(path, s)
	if err == nil || !strings.Contains(err.Error(), "server_url") || !strings.Contains(err.Error(), "max_internal_digits") {
		t.Fatalf("Save of invalid settings: %v", err)
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Fatalf("invalid settings were written: %v", err)
	}
}

func TestSettingsLoadMissingFile(t *testing.T) {
	settingsNoLocale(t)
	s, warnings, err := Load(filepath.Join(t.TempDir(), "settings.json"))
	if err != nil || len(warnings) > 0 || !reflect.DeepEqual(s, Default()) {
		t.Fatalf("missing file: %+v %q %v, want the defaults", s, warnings, err)
	}
}

func TestSettingsLoadBadValuesFallBack(t *testing.T) {
	settingsNoLocale(t)
	dir := t.TempDir()
	book := filepath.Join(dir, "book.vcf")
	os.WriteFile(book, nil, 0o600)
	missing := filepath.Join(dir, "gone.vcf")
	path := filepath.Join(dir, "settings.json")
	os.WriteFile(path, []byte(`{
  "version": 1,
  "server_url": "http://cti.example.com",
  "user": "anna",
  "home_region": "XX",
  "max_internal_digits": "six",
  "address_books": ["`+book+`", "`+missing+`"],
  "popup": {"take_focus": "yes", "notify": false, "colour": "red"},
  "crm_url": "https://crm.example/{foo}",
  "start_at_login": true,
  "dial_links_at_once": true,
  "theme": "dark"
}`), 0o600)
	s, warnings, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	want := Default()
	want.User, want.StartAtLogin, want.Popup.Notify = "anna", true, false
	want.DialLinksAtOnce = true
	want.AddressBooks = []string{book}
	if !reflect.DeepEqual(s, want) {
		t.Fatalf("loaded\n got %+v\nwant %+v", s, want)
	}
	all := errors.Join(asErrors(warnings)...).Error()
	for _, w := range []string{
		`server_url: "http://cti.example.com" must start with ws:// or wss://; using the default`,
		`home_region: "XX" is not a region`,
		"max_internal_digits: want a whole number, got string; using the default",
		"address_books[1]: " + missing + ": no such file or directory; left out of the list",
		"popup.take_focus: want true or false, got string",
		`unknown setting "popup.colour" ignored`,
		`crm_url: "https://crm.example/{foo}": unknown placeholder {foo}`,
		`unknown setting "theme" ignored`,
	} {
		if !strings.Contains(all, w) {
			t.Errorf("warnings lack %q", w)
		}
	}
	for _, w := range warnings {
		if !strings.HasPrefix(w.Error(), "settings "+path+": ") {
			t.Errorf("warning does not name the file: %q", w)
		}
	}
	if len(warnings) != 8 {
		t.Errorf("%d warnings, want 8:\n%s", len(warnings), all)
	}
	if err := s.Validate(); err != nil {
		t.Fatalf("loaded settings do not validate: %v", err)
	}
}

func TestSettingsLoadNoVersion(t *testing.T) {
	path := filepath.Join(t.TempDir(), "settings.json")
	os.WriteFile(path, []byte(`{"user":"anna"}`), 0o600)
	s, warnings, err := Load(path)
	if err != nil || s.User != "anna" || len(warnings) != 1 || !strings.Contains(warnings[0].Error(), "no version") {
		t.Fatalf("no version: %+v %q %v", s, warnings, err)
	}
}

func TestSettingsCorruptFileMovedAside(t *testing.T) {
	settingsNoLocale(t)
	for name, content := range map[string]string{
		"bad json":      `{"server_url": "ws://x`,
		"wrong version": `{"version": 2, "user": "anna"}`,
		"not an object": `"hello"`,
		"null":          `null`,
	} {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "settings.json")
			os.WriteFile(path, []byte(content), 0o600)
			s, warnings, err := Load(path)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(s, Default()) {
				t.Fatalf("corrupt file: %+v, want the defaults", s)
			}
			aside, _ := filepath.Glob(path + ".corrupt-*")
			if len(aside) != 1 {
				t.Fatalf("corrupt copies %v, want one", aside)
			}
			if kept, _ := os.ReadFile(aside[0]); string(kept) != content {
				t.Fatalf("moved-aside file holds %q", kept)
			}
			if len(warnings) != 1 || !strings.Contains(warnings[0].Error(), aside[0]) || !strings.Contains(warnings[0].Error(), "corrupt") {
				t.Fatalf("warnings %q", warnings)
			}
		})
	}
}

func TestSettingsUnreadableIsError(t *testing.T) {
	settingsNoLocale(t)
	path := filepath.Join(t.TempDir(), "settings.json")
	os.Mkdir(path, 0o700)
	s, _, err := Load(path)
	if err == nil || !strings.HasPrefix(err.Error(), "settings: ") {
		t.Fatalf("settings path is a folder: error %v", err)
	}
	if !reflect.DeepEqual(s, Default()) {
		t.Fatal("an unreadable file did not come with the defaults")
	}
	var se *Error
	if errors.As(err, &se) {
		t.Fatal("a read error posed as a field error")
	}
}

// What a running desk takes in place, and what needs a new one.
func TestNeedsNewDesk(t *testing.T) {
	base := Default()
	base.ServerURL, base.User, base.AddressBooks = "wss://cti.example/v1/ws", "ann", []string{"/srv/team.vcf"}
	for _, tc := range []struct {
		name string
		edit func(*Settings)
		want bool
	}{
		{"nothing", func(*Settings) {}, false},
		{"popup", func(s *Settings) { s.Popup.Enabled = !s.Popup.Enabled }, false},
		{"crm", func(s *Settings) { s.CRMURL = "https://crm.example/{e164}" }, false},
		{"dial device", func(s *Settings) { s.DialDevice = "205" }, false},
		{"switchboard", func(s *Settings) { s.Switchboard = SwitchboardOff }, false},
		{"server", func(s *Settings) { s.ServerURL = "wss://other.example/v1/ws" }, true},
		{"user", func(s *Settings) { s.User = "bob" }, true},
		{"certificate", func(s *Settings) { s.CAFile = "/etc/ca.pem" }, true},
		{"region", func(s *Settings) { s.HomeRegion = "AT" }, true},
		{"digits", func(s *Settings) { s.MaxInternalDigits++ }, true},
		{"books", func(s *Settings) { s.AddressBooks = append(s.AddressBooks, "/srv/more") }, true},
	} {
		s := base
		s.AddressBooks = slices.Clone(base.AddressBooks)
		tc.edit(&s)
		if got := NeedsNewDesk(base, s); got != tc.want {
			t.Errorf("%s: NeedsNewDesk = %v, want %v", tc.name, got, tc.want)
		}
	}
}

// TestReadWarningsCarryFields: Read's warnings name the setting and the
// address book at fault as fields, for the settings window to word.
func TestReadWarningsCarryFields(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "settings.json")
	missing := filepath.Join(dir, "gone.vcf")
	os.WriteFile(path, []byte(`{"version": 1, "home_region": "XX", "address_books": ["`+missing+`"], "theme": "dark"}`), 0o600)
	_, warnings, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]Warning{}
	for _, w := range warnings {
		if w.Path != path {
			t.Errorf("%+v: Path %q, want %q", w, w.Path, path)
		}
		got[w.Field] = *w
	}
	if w := got["home_region"]; !strings.HasPrefix(w.Reason, `"XX" is not a region`) || w.Unknown || w.Book != 0 {
		t.Errorf("home_region: %+v", w)
	}
	if w := got["address_books[0]"]; w.Book != 1 || !strings.Contains(w.Reason, missing) {
		t.Errorf("address book: %+v", w)
	}
	if w := got["theme"]; !w.Unknown {
		t.Errorf("theme: %+v", w)
	}
	os.WriteFile(path, []byte(`{not json`), 0o600)
	_, warnings, err = Load(path)
	if err != nil || len(warnings) != 1 || warnings[0].MovedTo == "" || !strings.HasPrefix(warnings[0].Reason, "not a settings file") {
		t.Errorf("corrupt file: %+v, %v", warnings, err)
	}
}

// asErrors lists warnings as errors, to join them for a search.
func asErrors(ws []*Warning) []error {
	errs := make([]error, len(ws))
	for i, w := range ws {
		errs[i] = w
	}
	return errs
}
