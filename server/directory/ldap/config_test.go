package ldap

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	goldap "github.com/go-ldap/ldap/v3"

	"github.com/deskline/deskline/contacts"
	"github.com/deskline/deskline/internal/people"
)

func TestNewRejectsBadConfigs(t *testing.T) {
	dir := t.TempDir()
	// An empty first line: an empty password, whatever follows.
	empty := filepath.Join(dir, "empty")
	if err := os.WriteFile(empty, []byte("\nsecret\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	ok := Config{URL: "ldap://dir.example", BaseDN: "dc=example"}
	for _, c := range []struct {
		change func(*Config)
		want   string
	}{
		{func(c *Config) { c.URL = "http://dir.example" }, `url "http://dir.example"`},
		{func(c *Config) { c.URL = "ldaps://dir.example"; c.StartTLS = true }, "start_tls with ldaps://"},
		{func(c *Config) { c.BaseDN = "" }, "no base DN"},
		{func(c *Config) { c.BindDN = "cn=x" }, "bind DN cn=x without a password file"},
		{func(c *Config) { c.BindDN, c.PasswordFile = "cn=x", empty }, "is empty"},
		{func(c *Config) { c.BindDN, c.PasswordFile = "cn=x", filepath.Join(dir, "none") }, "password file"},
		{func(c *Config) { c.CAFile = empty }, "no PEM certificate"},
		{func(c *Config) { c.Schema = "novell" }, `schema "novell"`},
		{func(c *Config) { c.Scope = "tree" }, `scope "tree"`},
		{func(c *Config) { c.Filter = "(cn=x" }, "filter (cn=x"},
		{func(c *Config) { c.Attributes = map[string]string{"phone": "x"} }, `unknown field "phone"`},
		{func(c *Config) { c.PageSize = 1 << 20 }, "page size"},
	} {
		cfg := ok
		c.change(&cfg)
		_, err := New(cfg, normalizer(t))
		if err == nil || !strings.HasPrefix(err.Error(), "ldap: ") || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: error %v, want one with %q", cfg, err, c.want)
		}
	}
}

func TestNewFillsDefaults(t *testing.T) {
	s, err := New(Config{URL: "ldap://dir.example", BaseDN: "dc=example", Schema: "ad"}, normalizer(t))
	if err != nil {
		t.Fatal(err)
	}
	c := s.cfg
	if c.Scope != "sub" || c.PageSize != DefaultPageSize || c.Timeout != DefaultTimeout ||
		c.SizeLimit != DefaultSizeLimit || c.Filter != defaultFilters["ad"] {
		t.Errorf("defaults not filled: %+v", c)
	}
}

func TestContactMapping(t *testing.T) {
	m := &mapper{fields: Config{Schema: "ad"}.mapping(), norm: normalizer(t), lim: contacts.Limits{MaxPhotoSize: 100}}
	e := goldap.NewEntry("cn=x,dc=example", map[string][]string{
		"objectGUID":      {string(people.GUID(7))},
		"givenName":       {"Anna"},
		"telephoneNumber": {"030 1234567"},
		"otherTelephone":  {"+49 40 7654321"},
		"ipPhone":         {"201"},
		"thumbnailPhoto":  {strings.Repeat("x", 101)},
	})
	c, warns := m.contact(e)
	if c == nil || c.ID != people.GUIDString(7) || c.DisplayName() != "Anna" || len(c.Phones) != 3 {
		t.Fatalf("contact %+v", c)
	}
	if c.Phones[2].Number.Key != "201" || !c.Phones[2].Number.Internal || c.Phones[2].Types[0] != "work" {
		t.Errorf("ipPhone: %+v", c.Phones[2])
	}
	if len(warns) != 1 || !strings.Contains(warns[0], "cn=x,dc=example: thumbnailPhoto larger than 100 bytes (the MaxPhotoSize limit), left out") {
		t.Errorf("warnings %q", warns)
	}

	c, warns = m.contact(goldap.NewEntry("cn=empty,dc=example", map[string][]string{"mail": {"a@b"}}))
	if c != nil || len(warns) != 1 || warns[0] != "cn=empty,dc=example: no name and no number, skipped" {
		t.Errorf("nameless entry: %+v, %q", c, warns)
	}
	c, _ = m.contact(goldap.NewEntry("cn=nouuid,dc=example", map[string][]string{"sn": {"Weiss"}}))
	if c.ID != "cn=nouuid,dc=example" {
		t.Errorf("ID without a GUID: %q, want the DN", c.ID)
	}
}
