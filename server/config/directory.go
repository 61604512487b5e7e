package config

import (
	"fmt"
	"net"
	"net/url"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/deskline/deskline/contacts"
)

// Directory is the company directory (issue 17; docs/directory.md): the
// address books the server fetches, indexes and serves to the desks'
// search and to every pop. Default: no books, and no directory.
type Directory struct {
	// HomeRegion is the ISO 3166 code of the country whose national
	// numbers the books and the exchange write ("DE": 030 1234567 is
	// +49 30 1234567), as a desk's home_region. Required with books.
	HomeRegion string `toml:"home_region"`
	// MaxInternalDigits: digit strings up to this long are internal
	// extensions (default 0: the contacts package's, 6), as on the desk.
	MaxInternalDigits int `toml:"max_internal_digits"`

	Books []DirectoryBook `toml:"books"`
}

// Book types: where a book's contacts come from.
const (
	BookVCard   = "vcard"   // vCard files or folders on the server
	BookCardDAV = "carddav" // a CardDAV address book (Nextcloud, Radicale, SOGo, iCloud, Google)
	BookLDAP    = "ldap"    // an LDAP directory (OpenLDAP, Active Directory)
)

// Defaults of a directory book.
const (
	// DefaultBookRefresh: a book is fetched again every 15 minutes, which
	// keeps a new colleague's or customer's number a coffee break away
	// while CardDAV syncs transfer only what changed.
	DefaultBookRefresh = 15 * time.Minute
	// DefaultBookTimeout bounds one whole fetch: 2 minutes takes a full
	// first download of 100,000 entries from a slow server; a hung source
	// is given up and tried at its next refresh.
	DefaultBookTimeout = 2 * time.Minute
	// DefaultCardDAVTimeout bounds one HTTP request to a CardDAV server,
	// its answer read in full: Radicale takes 25-35 s to list 10,000
	// cards on a busy machine. Half of DefaultBookTimeout, which bounds
	// the whole fetch (the listing and every download): a request as long
	// as the fetch would leave a first full download no time for the rest.
	DefaultCardDAVTimeout = time.Minute
	// DefaultLDAPTimeout bounds the dial and each LDAP request (the bind,
	// each page): a page takes milliseconds.
	DefaultLDAPTimeout = 30 * time.Second
	// DefaultLDAPSizeLimit is the most entries one fetch reads: the
	// largest directory the server indexes within its budget.
	DefaultLDAPSizeLimit = 100_000
	// DefaultLDAPPageSize is the entries per page of a paged LDAP search:
	// below Active Directory's MaxPageSize of 1000.
	DefaultLDAPPageSize = 500
)

// LDAP schemas: the default attribute mapping and filter of a directory.
const (
	SchemaOpenLDAP = "openldap" // inetOrgPerson
	SchemaAD       = "ad"       // Active Directory's user objects
)

// maxBookName bounds a book's name: users see it as a contact's source,
// and it prefixes every contact id and photo reference on the wire.
const maxBookName = 64

// DirectoryBook is one address book.
type DirectoryBook struct {
	// Name is what users see as a contact's source ("Staff",
	// "Customers"); unique, 1 to 64 characters, no "/".
	Name string `toml:"name"`
	// Type is "vcard", "carddav" or "ldap"; only that type's table is read.
	Type string `toml:"type"`
	// Refresh is how often the book is fetched (default 15m; 10s to 168h).
	Refresh time.Duration `toml:"refresh"`
	// Timeout bounds one fetch (default 2m; 1s to 1h).
	Timeout time.Duration `toml:"timeout"`
	// Groups may see the book: users with any of these groups (User.Groups)
	// find its contacts and pop with them. Empty (default): every user.
	Groups []string `toml:"groups"`

	VCard   VCardBook   `toml:"vcard"`
	CardDAV CardDAVBook `toml:"carddav"`
	LDAP    LDAPBook    `toml:"ldap"`
}

// VCardBook reads vCard files on the server.
type VCardBook struct {
	// Paths are .vcf files and folders (read recursively); relative to
	// the config file.
	Paths []string `toml:"paths"`
}

// CardDAVBook is an address book on a CardDAV server.
type CardDAVBook struct {
	// URL of the address book collection (https://…/addressbooks/…/),
	// or of the user's principal: the book named Book (or the first) is
	// then found.
	URL string `toml:"url"`
	// Book names the book to take when URL is a principal: its display
	// name or the last segment of its path. Default "": the first.
	Book     string `toml:"book"`
	Username string `toml:"username"`
	// PasswordFile holds the password (or app password) on its first
	// line; never written in the config itself, never logged.
	PasswordFile string `toml:"password_file"`
	// CAFile: PEM certificates to verify the server with, besides the
	// system's (default: the system's only). Verification is never off.
	CAFile string `toml:"ca_file"`
	// Timeout bounds one HTTP request (default 1m; 1s to 10m). Keep it
	// below the book's timeout, which bounds the whole fetch; a large
	// book's first full download needs a longer book timeout.
	Timeout time.Duration `toml:"timeout"`
}

// LDAPBook is an LDAP directory.
type LDAPBook struct {
	// URL is ldap://host[:port] or ldaps://host[:port].
	URL string `toml:"url"`
	// StartTLS upgrades an ldap:// connection to TLS (default false; with
	// ldaps:// TLS is there from the start). Certificates are verified.
	StartTLS bool   `toml:"start_tls"`
	CAFile   string `toml:"ca_file"`
	// BindDN and PasswordFile authenticate (default: an anonymous bind).
	// The password is the file's first line, without its line ending;
	// spaces are part of it.
	BindDN       string `toml:"bind_dn"`
	PasswordFile string `toml:"password_file"`
	// BaseDN is where the search starts (required).
	BaseDN string `toml:"base_dn"`
	// Filter selects the entries (default: the schema's — every
	// inetOrgPerson for "openldap", "(objectClass=inetOrgPerson)"; enabled
	// user accounts for "ad", "(&(objectCategory=person)(objectClass=user)
	// (!(userAccountControl:1.2.840.113556.1.4.803:=2)))"). Neither asks
	// for a telephone number (AND "(telephoneNumber=*)" into the filter
	// for that); an entry with neither a name nor a number is skipped.
	Filter string `toml:"filter"`
	// Scope is "sub" (default: the whole subtree), "one" or "base".
	Scope string `toml:"scope"`
	// Schema is "openldap" (default, inetOrgPerson) or "ad" (Active
	// Directory): the default filter and attribute mapping.
	Schema string `toml:"schema"`
	// Attributes maps a contact field (LDAPFields) to the LDAP
	// attributes it is read from, over the schema's defaults; several
	// comma-separated for the phone fields (work = "telephoneNumber,
	// ipPhone"), "" to read nothing for the field.
	Attributes map[string]string `toml:"attributes"`
	// PageSize is the entries per page of the paged search (default 500;
	// 1 to 10000).
	PageSize int `toml:"page_size"`
	// Timeout bounds the dial and each request (default 30s; 1s to 10m).
	Timeout time.Duration `toml:"timeout"`
	// SizeLimit is the most entries a fetch reads (default 100000).
	SizeLimit int `toml:"size_limit"`
}

// LDAPFields are the contact fields LDAPBook.Attributes may map.
var LDAPFields = []string{"id", "name", "display", "given", "family", "organization", "department",
	"title", "email", "photo", "work", "cell", "home", "fax"}

// withBookDefaults fills what a book's file left out.
func withBookDefaults(b DirectoryBook) DirectoryBook {
	if b.Refresh == 0 {
		b.Refresh = DefaultBookRefresh
	}
	if b.Timeout == 0 {
		b.Timeout = DefaultBookTimeout
	}
	if b.CardDAV.Timeout == 0 {
		b.CardDAV.Timeout = DefaultCardDAVTimeout
	}
	if b.LDAP.Schema == "" {
		b.LDAP.Schema = SchemaOpenLDAP
	}
	if b.LDAP.PageSize == 0 {
		b.LDAP.PageSize = DefaultLDAPPageSize
	}
	if b.LDAP.Scope == "" {
		b.LDAP.Scope = "sub"
	}
	if b.LDAP.Timeout == 0 {
		b.LDAP.Timeout = DefaultLDAPTimeout
	}
	if b.LDAP.SizeLimit == 0 {
		b.LDAP.SizeLimit = DefaultLDAPSizeLimit
	}
	return b
}

// Normalizer reads numbers as the books and the exchange write them.
func (d Directory) Normalizer() (*contacts.Normalizer, error) {
	return contacts.NewNormalizer(d.HomeRegion, d.MaxInternalDigits)
}

// BooksFor names the books user may see, in config order: those without
// groups and those with a group of the user's.
func (c *Config) BooksFor(user string) []string {
	var groups []string
	for _, u := range c.Users {
		if u.Name == user {
			groups = u.Groups
		}
	}
	var out []string
	for _, b := range c.Directory.Books {
		if len(b.Groups) == 0 || slices.ContainsFunc(b.Groups, func(g string) bool { return slices.Contains(groups, g) }) {
			out = append(out, b.Name)
		}
	}
	return out
}

// resolveBookPaths makes a book's relative file paths relative to dir.
func (c *Config) resolveBookPaths(dir string) {
	for i := range c.Directory.Books {
		b := &c.Directory.Books[i]
		ps := []*string{&b.CardDAV.PasswordFile, &b.CardDAV.CAFile, &b.LDAP.PasswordFile, &b.LDAP.CAFile}
		for j := range b.VCard.Paths {
			ps = append(ps, &b.VCard.Paths[j])
		}
		for _, p := range ps {
			if *p != "" && !filepath.IsAbs(*p) {
				*p = filepath.Join(dir, *p)
			}
		}
	}
}

// checkDirectory checks the books, and that every group a book names is
// one some user has: a misspelt group would hide the book from everyone.
func (c *Config) checkDirectory(ps *problems) {
	userGroups := map[string]bool{}
	for i, u := range c.Users {
		for _, g := range u.Groups {
			if strings.TrimSpace(g) == "" {
				ps.add(fmt.Sprintf("users[%d].groups", i), "%s: a group must not be empty", label("users", i, u.Name))
			}
			userGroups[g] = true
		}
	}
	if len(c.Directory.Books) > 0 || c.Directory.HomeRegion != "" {
		if _, err := c.Directory.Normalizer(); err != nil {
			ps.add("directory.home_region", "directory: %s (home_region is the ISO 3166 code of the country whose national numbers the books write, e.g. \"DE\")",
				strings.TrimPrefix(err.Error(), "contacts: "))
		}
	}
	names := map[string]int{}
	for i, b := range c.Directory.Books {
		key := bookKey(i)
		l := label("directory.books", i, b.Name)
		checkBookName(ps, key, l, b.Name, names, i)
		b = withBookDefaults(b) // a config built in code may leave them 0
		durRange(ps, key+".refresh", b.Refresh, 10*time.Second, 168*time.Hour)
		durRange(ps, key+".timeout", b.Timeout, time.Second, time.Hour)
		for _, g := range b.Groups {
			if !userGroups[g] {
				ps.add(key+".groups", "%s: group %q: no user has it (users' groups = [...]), so nobody would see the book", l, g)
			}
		}
		switch b.Type {
		case BookVCard:
			checkVCardBook(ps, key, l, b.VCard)
		case BookCardDAV:
			checkCardDAVBook(ps, key, l, b.CardDAV)
		case BookLDAP:
			checkLDAPBook(ps, key, l, b.LDAP)
		default:
			ps.add(key+".type", "%s: type %q is unknown (want \"vcard\", \"carddav\" or \"ldap\")", l, b.Type)
		}
	}
}

func bookKey(i int) string { return fmt.Sprintf("directory.books[%d]", i) }

func checkBookName(ps *problems, key, l, name string, names map[string]int, i int) {
	switch {
	case name == "":
		ps.add(key+".name", "%s: name is required: users see it as the contacts' source", l)
	case len(name) > maxBookName:
		ps.add(key+".name", "%s: name is longer than %d bytes", l, maxBookName)
	case strings.Contains(name, "/") || strings.IndexFunc(name, unicode.IsControl) >= 0:
		ps.add(key+".name", "%s: name must not contain \"/\" or control characters", l)
	}
	if j, dup := names[name]; dup && name != "" {
		ps.add(key+".name", "%s: name %q is already used by directory.books[%d]", l, name, j)
		return
	}
	names[name] = i
}

func checkVCardBook(ps *problems, key, l string, v VCardBook) {
	if len(v.Paths) == 0 {
		ps.add(key+".type", "%s: a vcard book needs vcard.paths (files or folders of .vcf files)", l)
	}
	for _, p := range v.Paths {
		if p == "" {
			ps.add(key+".vcard.paths", "%s: vcard.paths has an empty path", l)
		}
	}
}

func checkCardDAVBook(ps *problems, key, l string, d CardDAVBook) {
	u := checkURL(ps, key, l, "carddav.url", d.URL, "http", "https")
	if d.Username != "" && inClear(u, "http") {
		ps.add(key+".carddav.url", "%s: http:// would send the password in clear to %s: use https:// (plain http only on loopback)", l, u.Host)
	}
	if d.PasswordFile != "" {
		fileReadable(ps, key+".carddav.password_file", d.PasswordFile)
	}
	if d.CAFile != "" {
		fileReadable(ps, key+".carddav.ca_file", d.CAFile)
	}
	if d.PasswordFile != "" && d.Username == "" {
		ps.add(key+".carddav.username", "%s: carddav.password_file is set but username is not", l)
	}
	durRange(ps, key+".carddav.timeout", d.Timeout, time.Second, 10*time.Minute)
}

func checkLDAPBook(ps *problems, key, l string, d LDAPBook) {
	u := checkURL(ps, key, l, "ldap.url", d.URL, "ldap", "ldaps")
	if u != nil && u.Scheme == "ldaps" && d.StartTLS {
		ps.add(key+".ldap.start_tls", "%s: ldap.start_tls is for ldap:// URLs; ldaps:// is TLS from the start", l)
	}
	if d.BindDN != "" && !d.StartTLS && inClear(u, "ldap") {
		ps.add(key+".ldap.url", "%s: ldap:// without start_tls would send the bind password in clear to %s: use ldaps:// or start_tls = true (plain ldap:// only on loopback)", l, u.Host)
	}
	if d.BaseDN == "" {
		ps.add(key+".ldap.base_dn", "%s: ldap.base_dn is required (e.g. \"ou=people,dc=example,dc=com\")", l)
	}
	switch {
	case d.PasswordFile != "":
		fileReadable(ps, key+".ldap.password_file", d.PasswordFile)
		if d.BindDN == "" {
			ps.add(key+".ldap.bind_dn", "%s: ldap.password_file is set but bind_dn is not", l)
		}
	case d.BindDN != "":
		ps.add(key+".ldap.bind_dn", "%s: ldap.bind_dn needs password_file (the bind's password)", l)
	}
	for field := range d.Attributes {
		if !slices.Contains(LDAPFields, field) {
			ps.add(key+".ldap.attributes."+field, "%s: ldap.attributes: unknown field %q (one of %s)", l, field, strings.Join(LDAPFields, ", "))
		}
	}
	oneOf(ps, key+".ldap.scope", d.Scope, "sub", "one", "base")
	durRange(ps, key+".ldap.timeout", d.Timeout, time.Second, 10*time.Minute)
	intRange(ps, key+".ldap.size_limit", d.SizeLimit, 1, 10_000_000)
	if d.CAFile != "" {
		fileReadable(ps, key+".ldap.ca_file", d.CAFile)
	}
	oneOf(ps, key+".ldap.schema", d.Schema, SchemaOpenLDAP, SchemaAD)
	intRange(ps, key+".ldap.page_size", d.PageSize, 1, 10000)
}

// checkURL insists on an absolute URL with one of schemes and a host.
func checkURL(ps *problems, book, l, name, raw string, schemes ...string) *url.URL {
	key := book + "." + name
	if raw == "" {
		ps.add(key, "%s: %s is required", l, name)
		return nil
	}
	u, err := url.Parse(raw)
	if err != nil || !slices.Contains(schemes, u.Scheme) || u.Host == "" {
		shown := "the URL" // unreadable or opaque: a password may be anywhere in it
		if err == nil && u.Opaque == "" {
			shown = strconv.Quote(u.Redacted())
		}
		ps.add(key, "%s: %s is not a %s:// URL with a host", l, shown, strings.Join(schemes, ":// or "))
		return nil
	}
	if u.User != nil {
		ps.add(key, "%s: the URL must not carry a user or password: use username and password_file", l)
	}
	return u
}

// inClear reports whether u sends credentials unencrypted to another
// machine: a plain scheme to a host that is not loopback.
func inClear(u *url.URL, plain string) bool {
	if u == nil || u.Scheme != plain {
		return false
	}
	h := u.Hostname()
	if ip := net.ParseIP(h); ip != nil {
		return !ip.IsLoopback()
	}
	return h != "localhost"
}
