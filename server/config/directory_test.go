package config

import (
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"testing"
	"time"
)

// books is base with a user in group sales and a directory.
const books = base + `groups = ["sales"]

[directory]
home_region = "DE"

[[directory.books]]
name = "Staff"
type = "vcard"
[directory.books.vcard]
paths = ["staff.vcf"]
`

func TestDirectoryValid(t *testing.T) {
	check(t, books+`
[[directory.books]]
name = "Sales"
type = "vcard"
groups = ["sales"]
refresh = "1h"
[directory.books.vcard]
paths = ["/srv/sales"]
`)
}

func TestDirectoryProblems(t *testing.T) {
	check(t, books+`
[[directory.books]]
name = "Staff"        # dup
type = "vcard"
[directory.books.vcard]
paths = ["b.vcf"]

[[directory.books]]
name = "X"
type = "csv"          # type

[[directory.books]]   # Y
name = "Y"
type = "carddav"
groups = ["board"]    # nobody

[[directory.books]]
name = "Z"
type = "ldap"
[directory.books.ldap]
url = "ldaps://dc1.example.com"
start_tls = true      # tls twice
base_dn = "dc=example,dc=com"
bind_dn = "cn=deskline"
password_file = "missing.password"   # unreadable
schema = "novell"     # schema
[directory.books.ldap.attributes]
mobile = "mobile"     # field

[[directory.books]]
name = "A/B"          # slash
type = "vcard"        # no paths
refresh = "soon"      # bad duration

[[directory.books]]
name = "Clear"
type = "ldap"
[directory.books.ldap]
url = "ldap://ldap.example.com"   # in clear
base_dn = "dc=example,dc=com"
bind_dn = "cn=deskline"
password_file = "ldap.password"   # none

[[directory.books]]
name = "Web"
type = "carddav"
[directory.books.carddav]
url = "http://cloud.example.com/dav/"   # http
username = "deskline"

[[directory.books]]
name = "Typo"
type = "carddav"
[directory.books.carddav]
url = "https://anna:s3cret@cloud example.com/"   # userinfo
`,
		want{"# dup", `directory.books[1] (Staff): name "Staff" is already used by directory.books[0]`},
		want{"# type", `directory.books[2] (X): type "csv" is unknown (want "vcard", "carddav" or "ldap")`},
		want{"# Y", `directory.books[3] (Y): carddav.url is required`},
		want{"# nobody", `directory.books[3] (Y): group "board": no user has it (users' groups = [...]), so nobody would see the book`},
		want{"# tls twice", `directory.books[4] (Z): ldap.start_tls is for ldap:// URLs; ldaps:// is TLS from the start`},
		want{"# unreadable", `directory.books[4].ldap.password_file "DIR/missing.password": no such file or directory`},
		want{"# schema", `directory.books[4].ldap.schema "novell" is not one of openldap, ad`},
		want{"# field", `directory.books[4] (Z): ldap.attributes: unknown field "mobile" (one of id, name, display, given, family, organization, department, title, email, photo, work, cell, home, fax)`},
		want{"# slash", `directory.books[5] (A/B): name must not contain "/" or control characters`},
		want{"# no paths", `directory.books[5] (A/B): a vcard book needs vcard.paths (files or folders of .vcf files)`},
		want{"# bad duration", `directory.books[5].refresh: "soon" is not a duration (write e.g. "30s", "15m" or "720h")`},
		want{"# in clear", `directory.books[6] (Clear): ldap:// without start_tls would send the bind password in clear to ldap.example.com: use ldaps:// or start_tls = true (plain ldap:// only on loopback)`},
		want{"# none", `directory.books[6].ldap.password_file "DIR/ldap.password": no such file or directory`},
		want{"# http", `directory.books[7] (Web): http:// would send the password in clear to cloud.example.com: use https:// (plain http only on loopback)`},
		want{"# userinfo", `directory.books[8] (Typo): the URL is not a http:// or https:// URL with a host`},
	)
}

func TestDirectoryNeedsRegion(t *testing.T) {
	text := base + `
[[directory.books]]   # books
name = "Staff"
type = "vcard"
[directory.books.vcard]
paths = ["staff.vcf"]
`
	check(t, text, want{"# books", `directory: unknown region "" (home_region is the ISO 3166 code of the country whose national numbers the books write, e.g. "DE")`})
}

// Defaults fill what a book leaves out; paths are relative to the file;
// BooksFor gives each user the books without groups and those of theirs.
func TestDirectoryDefaultsAndAccess(t *testing.T) {
	dir := t.TempDir()
	pw := filepath.Join(dir, "dav.password")
	if err := os.WriteFile(pw, []byte("secret\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "office.toml")
	text := books + `
[[users]]
name = "bea"
password_hash = "` + hash + `"
devices = ["202"]

[[directory.books]]
name = "Sales"
type = "carddav"
groups = ["sales"]
[directory.books.carddav]
url = "https://dav.example.com/books/sales/"
username = "deskline"
password_file = "dav.password"
`
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	b := c.Directory.Books[1]
	if b.Refresh != 15*time.Minute || b.Timeout != 2*time.Minute || b.CardDAV.Timeout != time.Minute ||
		b.CardDAV.PasswordFile != pw || b.LDAP.Schema != SchemaOpenLDAP || b.LDAP.PageSize != DefaultLDAPPageSize {
		t.Errorf("defaults: %+v", b)
	}
	if got := c.Directory.Books[0].VCard.Paths; !reflect.DeepEqual(got, []string{filepath.Join(dir, "staff.vcf")}) {
		t.Errorf("vcard paths: %v", got)
	}
	if got := c.BooksFor("ann"); !slices.Equal(got, []string{"Staff", "Sales"}) {
		t.Errorf("ann's books: %v", got)
	}
	if got := c.BooksFor("bea"); !slices.Equal(got, []string{"Staff"}) {
		t.Errorf("bea's books: %v", got)
	}
}

// A URL that is wrong is named without its password.
func TestDirectoryURLPassword(t *testing.T) {
	check(t, books+`
[[directory.books]]
name = "A"
type = "carddav"
[directory.books.carddav]
url = "ftp://deskline:secret@dav.example.com/"   # scheme

[[directory.books]]
name = "B"
type = "carddav"
[directory.books.carddav]
url = "https://deskline:secret@[::1/"   # unreadable
`,
		want{"# scheme", `directory.books[1] (A): "ftp://deskline:xxxxx@dav.example.com/" is not a http:// or https:// URL with a host`},
		want{"# unreadable", `directory.books[2] (B): the URL is not a http:// or https:// URL with a host`},
	)
}
