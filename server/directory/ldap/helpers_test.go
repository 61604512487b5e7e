package ldap

import (
	"bytes"
	"context"
	"encoding/base64"
	"image"
	"image/color"
	"image/jpeg"
	"strings"
	"testing"

	"github.com/deskline/deskline/contacts"
	"github.com/deskline/deskline/internal/people"
	"github.com/deskline/deskline/internal/slapd"
	"github.com/deskline/deskline/server/directory"
)

// entries returns people from to to-1 as LDIF, with entry.
func entries(from, to int, entry func(people.Person) string) string {
	var b strings.Builder
	if err := people.WriteEntries(&b, from, to, entry); err != nil {
		panic(err)
	}
	return b.String()
}

func inetOrgPerson(p people.Person) string { return people.Entry(slapd.People, p) }
func adUser(p people.Person) string        { return people.ADEntry(slapd.AD, p, 512) }

// config is the source config that reads srv's People branch as the reader.
func config(srv *slapd.Server) Config {
	return Config{URL: srv.URL, BindDN: srv.BindDN, PasswordFile: srv.PasswordFile, BaseDN: slapd.People}
}

func normalizer(t testing.TB) *contacts.Normalizer {
	t.Helper()
	n, err := contacts.NewNormalizer("DE", 0)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func newSource(t testing.TB, cfg Config) *Source {
	t.Helper()
	s, err := New(cfg, normalizer(t))
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return s
}

func fetch(t testing.TB, cfg Config) *directory.Book {
	t.Helper()
	b, err := newSource(t, cfg).Fetch(context.Background(), nil)
	if err != nil {
		t.Fatalf("Fetch: %v", err)
	}
	return b
}

// byWorkKey indexes a book by each contact's work numbers.
func byWorkKey(b *directory.Book) map[string]*contacts.Contact {
	m := map[string]*contacts.Contact{}
	for _, c := range b.Contacts {
		for _, p := range c.Phones {
			if p.HasType("work") {
				m[p.Number.Key] = c
			}
		}
	}
	return m
}

// checkPerson checks that person i is in m with its name, organisation and
// numbers.
func checkPerson(t *testing.T, m map[string]*contacts.Contact, i int, id string) {
	t.Helper()
	p := people.Get(i)
	c := m[people.WorkKey(i)]
	if c == nil {
		t.Fatalf("person %d not found by %s", i, people.WorkKey(i))
	}
	got := []string{c.ID, c.FormattedName, c.GivenName, c.FamilyName, c.Organization, c.Department, c.Title}
	want := []string{id, p.FullName(), p.Given, p.Family, p.Organization, p.Department, p.Title}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("person %d: got %q, want %q", i, got, want)
	}
	if len(c.Phones) != len(p.Phones) {
		t.Errorf("person %d: %d phones, want %d: %+v", i, len(c.Phones), len(p.Phones), c.Phones)
	}
	if len(c.Emails) != 1 || c.Emails[0] != p.Email {
		t.Errorf("person %d: emails %q, want %q", i, c.Emails, p.Email)
	}
}

func hasWarning(b *directory.Book, parts ...string) bool {
	for _, w := range b.Warnings {
		all := true
		for _, p := range parts {
			all = all && strings.Contains(w, p)
		}
		if all {
			return true
		}
	}
	return false
}

// withPhoto is entry (LDIF) with data as its attribute attr.
func withPhoto(entry, attr string, data []byte) string {
	return strings.TrimSuffix(entry, "\n") + attr + ":: " + base64.StdEncoding.EncodeToString(data) + "\n\n"
}

// jpegOf is a real w×h JPEG picture.
func jpegOf(t testing.TB, w, h int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.Set(x, y, color.RGBA{uint8(x), uint8(y), 128, 255})
		}
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, nil); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// jpegClaiming is a small real JPEG whose header says it is w×h: all a
// reader sees before it decodes pixels.
func jpegClaiming(t testing.TB, w, h int) []byte {
	t.Helper()
	b := jpegOf(t, 8, 8)
	sof := bytes.Index(b, []byte{0xff, 0xc0}) // length (2), precision (1), height, width
	if sof < 0 {
		t.Fatal("no SOF0 marker in the JPEG")
	}
	copy(b[sof+5:], []byte{byte(h >> 8), byte(h), byte(w >> 8), byte(w)})
	return b
}
