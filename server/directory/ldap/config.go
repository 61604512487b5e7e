package ldap

import (
	"fmt"
	"net/url"
	"sort"
	"strings"
	"time"

	goldap "github.com/go-ldap/ldap/v3"
)

// Config is one LDAP source; the server's TOML maps onto it. Only URL and
// BaseDN are required.
type Config struct {
	// URL is ldap://host[:389] or ldaps://host[:636]. Required.
	URL string
	// StartTLS upgrades an ldap:// connection before the bind. Default
	// false, because many directories serve ldaps:// instead; with
	// ldap:// and no StartTLS the password crosses the network in clear,
	// which is only sensible on loopback.
	StartTLS bool
	// CAFile is a PEM file of CA certificates trusted in addition to the
	// system's, for a company CA. Default "": the system roots. The
	// server's certificate is always verified; there is no switch to turn
	// that off.
	CAFile string
	// BindDN is the DN to bind as ("cn=deskline,ou=services,dc=…", or
	// "user@example.com" for AD). Default "": an anonymous search, which
	// most directories refuse or answer with nothing.
	BindDN string
	// PasswordFile holds BindDN's password on its first line (read once
	// by New, never logged): only the line ending ("\n" or "\r\n") is
	// removed, spaces are part of the password, further lines are
	// ignored. Required with BindDN.
	PasswordFile string
	// BaseDN is where the search starts ("ou=people,dc=example,dc=com").
	// Required. On Active Directory name an OU ("ou=Staff,dc=corp,dc=
	// example") rather than the domain root: the root answers every search
	// with referrals to DomainDnsZones, ForestDnsZones and Configuration,
	// three warnings per fetch.
	BaseDN string
	// Filter selects the entries. Default per Schema: inetOrgPerson
	// entries for "openldap", enabled user accounts for "ad".
	Filter string
	// Scope is "sub" (default: the whole subtree, people are often
	// filed by department), "one" (the entries right below BaseDN) or
	// "base".
	Scope string
	// Schema is the attribute preset: "openldap" (default; inetOrgPerson)
	// or "ad" (Active Directory user objects).
	Schema string
	// Attributes overrides the preset per field (see Fields): field name →
	// attribute, several comma-separated for the phone fields
	// ("work" = "telephoneNumber,otherTelephone"), "" to read nothing for
	// the field. Default: none, the preset as it is.
	Attributes map[string]string
	// PageSize is the entries per page of the paged search (RFC 2696).
	// Default DefaultPageSize.
	PageSize int
	// Timeout bounds the dial and each request (the bind, each page).
	// Default DefaultTimeout.
	Timeout time.Duration
	// SizeLimit is the most entries a fetch reads; past it the book keeps
	// what came, with a warning. Default DefaultSizeLimit.
	SizeLimit int
}

const (
	// DefaultPageSize is 500 entries a page: under Active Directory's
	// MaxPageSize (1000) and OpenLDAP's default soft size limit (500), so
	// neither cuts a page short, and a page of 500 entries with phones is
	// well under a megabyte.
	DefaultPageSize = 500
	// DefaultTimeout is 30 s for the dial and for each request: a page of
	// 500 entries takes milliseconds, so 30 s means the server is hung,
	// and the fetch gives up long before the directory's next refresh.
	DefaultTimeout = 30 * time.Second
	// DefaultSizeLimit is 100,000 entries, the largest directory the
	// server indexes in its budget (issue 17); a filter that matches a
	// whole forest stops there instead of filling the memory.
	DefaultSizeLimit = 100_000
	// maxPageSize keeps a configured page within what servers accept (AD
	// caps at 1000 by default; larger pages are cut short anyway).
	maxPageSize = 10_000
)

// Fields a Config.Attributes key may name.
const (
	FieldID           = "id"           // stable ID: entryUUID / objectGUID; the DN when absent
	FieldName         = "name"         // full name, when there is no display name
	FieldDisplay      = "display"      // the name to show
	FieldGiven        = "given"        // given name
	FieldFamily       = "family"       // family name
	FieldOrganization = "organization" // company
	FieldDepartment   = "department"
	FieldTitle        = "title"
	FieldEmail        = "email"
	FieldPhoto        = "photo" // JPEG/PNG octets
	FieldWork         = "work"  // phone fields: comma-separated attributes
	FieldCell         = "cell"
	FieldHome         = "home"
	FieldFax          = "fax"
)

// phoneFields are the fields holding numbers, with the type each number gets.
var phoneFields = []struct {
	field string
	types []string // shared by every Phone of the field: never modified
}{
	{FieldWork, []string{"work"}},
	{FieldCell, []string{"cell"}},
	{FieldHome, []string{"home"}},
	{FieldFax, []string{"fax"}},
}

// presets are the schemas' default attributes per field.
var presets = map[string]map[string]string{
	"openldap": {
		FieldID: "entryUUID", FieldName: "cn", FieldDisplay: "displayName",
		FieldGiven: "givenName", FieldFamily: "sn", FieldOrganization: "o",
		FieldDepartment: "ou", FieldTitle: "title", FieldEmail: "mail",
		FieldPhoto: "jpegPhoto", FieldWork: "telephoneNumber", FieldCell: "mobile",
		FieldHome: "homePhone", FieldFax: "facsimileTelephoneNumber",
	},
	"ad": {
		FieldID: "objectGUID", FieldName: "", FieldDisplay: "displayName",
		FieldGiven: "givenName", FieldFamily: "sn", FieldOrganization: "company",
		FieldDepartment: "department", FieldTitle: "title", FieldEmail: "mail",
		FieldPhoto: "thumbnailPhoto", FieldWork: "telephoneNumber,otherTelephone,ipPhone",
		FieldCell: "mobile", FieldHome: "homePhone", FieldFax: "facsimileTelephoneNumber",
	},
}

// defaultFilters are the schemas' default filters. AD's skips computers
// (objectCategory) and disabled accounts (bit 2 of userAccountControl,
// with AD's bitwise-AND matching rule, which OpenLDAP implements too).
var defaultFilters = map[string]string{
	"openldap": "(objectClass=inetOrgPerson)",
	"ad":       "(&(objectCategory=person)(objectClass=user)(!(userAccountControl:1.2.840.113556.1.4.803:=2)))",
}

var scopes = map[string]int{"sub": goldap.ScopeWholeSubtree, "one": goldap.ScopeSingleLevel, "base": goldap.ScopeBaseObject}

// withDefaults checks c and fills in the defaults.
func (c Config) withDefaults() (Config, error) {
	u, err := url.Parse(c.URL)
	if err != nil || (u.Scheme != "ldap" && u.Scheme != "ldaps") || u.Host == "" {
		return c, fmt.Errorf("ldap: url %q: want ldap://host[:port] or ldaps://host[:port]", c.URL)
	}
	if c.StartTLS && u.Scheme == "ldaps" {
		return c, fmt.Errorf("ldap: %s: start_tls with ldaps:// (already TLS)", c.URL)
	}
	if strings.TrimSpace(c.BaseDN) == "" {
		return c, fmt.Errorf("ldap: %s: no base DN", c.URL)
	}
	if c.BindDN != "" && c.PasswordFile == "" {
		return c, fmt.Errorf("ldap: %s: bind DN %s without a password file", c.URL, c.BindDN)
	}
	if c.Schema == "" {
		c.Schema = "openldap"
	}
	if presets[c.Schema] == nil {
		return c, fmt.Errorf("ldap: %s: schema %q: want openldap or ad", c.URL, c.Schema)
	}
	if c.Scope == "" {
		c.Scope = "sub"
	}
	if _, ok := scopes[c.Scope]; !ok {
		return c, fmt.Errorf("ldap: %s: scope %q: want sub, one or base", c.URL, c.Scope)
	}
	if c.Filter == "" {
		c.Filter = defaultFilters[c.Schema]
	}
	if _, err := goldap.CompileFilter(c.Filter); err != nil {
		return c, fmt.Errorf("ldap: %s: filter %s: %v", c.URL, c.Filter, err)
	}
	for f := range c.Attributes {
		if _, ok := presets["openldap"][f]; !ok {
			return c, fmt.Errorf("ldap: %s: attributes: unknown field %q (want one of %s)", c.URL, f, fieldNames())
		}
	}
	if c.PageSize <= 0 {
		c.PageSize = DefaultPageSize
	}
	if c.PageSize > maxPageSize {
		return c, fmt.Errorf("ldap: %s: page size %d: at most %d", c.URL, c.PageSize, maxPageSize)
	}
	if c.Timeout <= 0 {
		c.Timeout = DefaultTimeout
	}
	if c.SizeLimit <= 0 {
		c.SizeLimit = DefaultSizeLimit
	}
	return c, nil
}

// mapping is the attributes per field after the overrides.
func (c Config) mapping() map[string][]string {
	m := map[string][]string{}
	for f, attrs := range presets[c.Schema] {
		if o, ok := c.Attributes[f]; ok {
			attrs = o
		}
		for _, a := range strings.Split(attrs, ",") {
			if a = strings.TrimSpace(a); a != "" {
				m[f] = append(m[f], a)
			}
		}
	}
	return m
}

func fieldNames() string {
	var names []string
	for f := range presets["openldap"] {
		names = append(names, f)
	}
	sort.Strings(names)
	return strings.Join(names, ", ")
}
