package main

import (
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/deskline/deskline/server/config"
	"github.com/deskline/deskline/server/directory"
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
	d, books, err := newDirectory(cfg, false, nil)
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
	if _, _, err := newDirectory(cfg, false, nil); err == nil || !strings.Contains(err.Error(), `book "Staff"`) {
		t.Errorf("carddav: %v", err)
	}
	cfg.Directory.Books = nil
	if d, _, err := newDirectory(cfg, false, nil); d != nil || err != nil {
		t.Errorf("no books: %v %v", d, err)
	}
}

// The served directory: a vCard book in the config pops the caller's
// contact on the demo desk, and its copy is kept in state_dir/directory.
func TestServeDirectoryPops(t *testing.T) {
	dir := t.TempDir()
	book := filepath.Join(dir, "customers.vcf")
	card := "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:jane\r\nFN:Jane Doe\r\nORG:Example GmbH\r\nTEL;TYPE=WORK:030 1234567\r\nEND:VCARD\r\n"
	if err := os.WriteFile(book, []byte(card), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg := config.Demo()
	cfg.StateDir = filepath.Join(dir, "state")
	cfg.Directory = config.Directory{HomeRegion: "DE", Books: []config.DirectoryBook{
		{Name: "Customers", Type: config.BookVCard, VCard: config.VCardBook{Paths: []string{book}}}}}
	addr := startServe(t, cfg)
	waitBooks(t, addr, func(b []directory.Status) bool { return len(b) > 0 && b[0].Contacts > 0 })

	w := startWatch(t, addr, "-n", "1")
	simRing(t, addr, "201", "+49 30 1234567")
	lines := w.wait(t)
	if len(lines) != 2 || !strings.Contains(lines[0], `"directory":["Customers"]`) ||
		!strings.Contains(lines[1], `"contact":{`) || !strings.Contains(lines[1], `"company":"Example GmbH"`) {
		t.Fatalf("watch printed:\n%s", w.out.String())
	}
	if saved, _ := os.ReadDir(filepath.Join(cfg.StateDir, directoryStateDir)); len(saved) == 0 {
		t.Error("no copy of the book in state_dir/directory")
	}
}
