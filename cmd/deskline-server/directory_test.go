package main

import (
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/deskline/deskline/server/config"
)

// The config's books become the directory's, with each user's books;
// state_dir keeps their copies in its directory/.
func TestNewDirectory(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "ldap.password"), []byte("secret\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	text := `[[exchange.sim.devices]]
id = "201"

[[exchange.sim.devices]]
id = "202"

[[users]]
name = "ann"
password_hash = "$2a$10$VixZU7gQWG4KjuJ0lf1scuGIu2wAKrXy51358l6ECRK02hDC0u5Jq"
devices = ["201"]
groups = ["board"]

[[users]]
name = "bob"
password_hash = "$2a$10$VixZU7gQWG4KjuJ0lf1scuGIu2wAKrXy51358l6ECRK02hDC0u5Jq"
devices = ["202"]

[directory]
home_region = "DE"

[[directory.books]]
name = "Staff"
type = "ldap"
[directory.books.ldap]
url = "ldap://127.0.0.1:1"
start_tls = true
bind_dn = "cn=deskline,dc=example,dc=com"
password_file = "ldap.password"
base_dn = "ou=people,dc=example,dc=com"

[[directory.books]]
name = "Board"
type = "vcard"
groups = ["board"]
[directory.books.vcard]
paths = ["board.vcf"]
`
	path := filepath.Join(dir, "server.toml")
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	d, books, err := newDirectory(cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := d.Books(); !slices.Equal(got, []string{"Staff", "Board"}) {
		t.Errorf("books %v", got)
	}
	want := map[string][]string{"ann": {"Staff", "Board"}, "bob": {"Staff"}}
	if !reflect.DeepEqual(books, want) {
		t.Errorf("users' books %v, want %v", books, want)
	}

	cfg.Directory.Books[0].Type = config.BookCardDAV
	if _, _, err := newDirectory(cfg, nil); err == nil || !strings.Contains(err.Error(), `book "Staff"`) {
		t.Errorf("carddav: %v", err)
	}
	cfg.Directory.Books = nil
	if d, _, err := newDirectory(cfg, nil); d != nil || err != nil {
		t.Errorf("no books: %v %v", d, err)
	}
}
