package directory

import (
	"context"
	"encoding/base64"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/deskline/deskline/contacts"
	"github.com/deskline/deskline/internal/people"
)

// onePixelPNG is a real PNG (1×1), so the card's photo decodes.
const onePixelPNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="

// writeBook writes people [from, to) as a vCard 3.0 file; person from
// gets a photo.
func writeBook(t *testing.T, path string, from, to int) {
	t.Helper()
	var b strings.Builder
	for i := from; i < to; i++ {
		p := people.Get(i)
		fmt.Fprintf(&b, "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:%s\r\nN:%s;%s;;;\r\nFN:%s\r\nORG:%s;%s\r\nTITLE:%s\r\n",
			p.UID, p.Family, p.Given, p.FullName(), p.Organization, p.Department, p.Title)
		for _, ph := range p.Phones {
			fmt.Fprintf(&b, "TEL;TYPE=%s:%s\r\n", strings.ToUpper(strings.Join(ph.Types, ",")), ph.Number)
		}
		if i == from {
			fmt.Fprintf(&b, "PHOTO;ENCODING=b;TYPE=PNG:%s\r\n", onePixelPNG)
		}
		b.WriteString("END:VCARD\r\n")
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
}

func testNorm(t *testing.T) *contacts.Normalizer {
	t.Helper()
	n, err := contacts.NewNormalizer("DE", 0)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// started returns a directory of the given books (name → vCard file),
// started and waited for.
func started(t *testing.T, stateDir string, books map[string]string) *Directory {
	t.Helper()
	norm := testNorm(t)
	d := New(norm, stateDir, nil)
	for _, name := range []string{"Staff", "Customers"} {
		if path, ok := books[name]; ok {
			if err := d.Add(BookConfig{Name: name, Source: Files(norm, path), Refresh: time.Hour}); err != nil {
				t.Fatal(err)
			}
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	d.Start(ctx)
	if err := d.Wait(ctx); err != nil {
		t.Fatal(err)
	}
	return d
}

func TestSearchAndLookupAcrossBooks(t *testing.T) {
	dir := t.TempDir()
	staff, customers := filepath.Join(dir, "staff.vcf"), filepath.Join(dir, "customers.vcf")
	writeBook(t, staff, 0, 100)
	writeBook(t, customers, 100, 300)
	d := started(t, "", map[string]string{"Staff": staff, "Customers": customers})

	both := []string{"Staff", "Customers"}
	// Person 2 and 26 are both "Clara" (24 given names), in different books.
	ms := d.Search(both, "clara", 50)
	seen := map[string]bool{}
	for i, m := range ms {
		if !strings.HasPrefix(m.Contact.DisplayName(), "Clara") {
			t.Errorf("match %d: %q does not match clara", i, m.Contact.DisplayName())
		}
		if i > 0 && ms[i-1].Score < m.Score {
			t.Errorf("match %d ranked above a better one: %d < %d", i, ms[i-1].Score, m.Score)
		}
		seen[m.Contact.Book] = true
	}
	if !seen["Staff"] || !seen["Customers"] {
		t.Errorf("clara found in books %v; want both", seen)
	}
	if only := d.Search([]string{"Staff"}, "clara", 50); len(only) == 0 || len(only) >= len(ms) {
		t.Errorf("Staff alone: %d matches of %d", len(only), len(ms))
	}
	for _, m := range d.Search([]string{"Staff"}, "clara", 50) {
		if m.Contact.Book != "Staff" {
			t.Errorf("a Staff-only search found %s in %s", m.Contact.DisplayName(), m.Contact.Book)
		}
	}

	ms = d.Lookup(both, people.WorkKey(150))
	if len(ms) != 1 || ms[0].Contact.DisplayName() != people.Get(150).FullName() || ms[0].Contact.Book != "Customers" {
		t.Fatalf("lookup of person 150: %+v", ms)
	}
	// The id names the file from the book's folder, not the server's paths.
	if id, want := ContactID(ms[0].Contact), "Customers/customers.vcf#"+people.Get(150).UID; id != want {
		t.Errorf("contact id %q, want %q", id, want)
	}
	if ms := d.Lookup([]string{"Staff"}, people.WorkKey(150)); len(ms) != 0 {
		t.Errorf("a customer found in Staff: %+v", ms)
	}
	if ms := d.Lookup(nil, people.WorkKey(150)); len(ms) != 0 {
		t.Errorf("a user with no books found %+v", ms)
	}
}

func TestPhotoOnlyFromVisibleBooks(t *testing.T) {
	dir := t.TempDir()
	staff := filepath.Join(dir, "staff.vcf")
	writeBook(t, staff, 0, 5)
	d := started(t, "", map[string]string{"Staff": staff})
	ms := d.Lookup([]string{"Staff"}, people.WorkKey(0))
	if len(ms) == 0 {
		t.Fatal("person 0 not found")
	}
	ref := PhotoRef(ms[0].Contact)
	if ref == "" {
		t.Fatal("person 0 has no photo ref")
	}
	p, ok := d.Photo([]string{"Staff"}, ref)
	want, _ := base64.StdEncoding.DecodeString(onePixelPNG)
	if !ok || len(p.Data) == 0 || len(p.Data) > len(want)*64 {
		t.Fatalf("photo %q: ok=%v, %d bytes", ref, ok, len(p.Data))
	}
	if _, ok := d.Photo([]string{"Customers"}, ref); ok {
		t.Error("a photo of Staff given to a user who sees only Customers")
	}
	if _, ok := d.Photo([]string{"Staff"}, "Staff/no-such-card"); ok {
		t.Error("a photo for a card that does not exist")
	}
	if r := PhotoRef(d.Lookup([]string{"Staff"}, people.WorkKey(1))[0].Contact); r != "" {
		t.Errorf("person 1 has no photo, ref %q", r)
	}
}

// A book whose source fails keeps serving its last good copy, says why,
// and is served again once the source is back.
func TestFailingSourceKeepsLastGoodCopy(t *testing.T) {
	dir := t.TempDir()
	staff := filepath.Join(dir, "staff.vcf")
	writeBook(t, staff, 0, 50)
	d := started(t, "", map[string]string{"Staff": staff})
	if err := os.Rename(staff, staff+".away"); err != nil {
		t.Fatal(err)
	}
	err := d.Refresh(context.Background(), "Staff")
	if err == nil || !strings.Contains(err.Error(), "staff.vcf") {
		t.Fatalf("refresh with the file gone: %v; want an error naming it", err)
	}
	st := d.Status()[0]
	if st.Contacts != 50 || st.Err == "" || st.Fetched.IsZero() {
		t.Errorf("status while failing: %+v", st)
	}
	if ms := d.Lookup([]string{"Staff"}, people.WorkKey(7)); len(ms) != 1 {
		t.Errorf("the last good copy is not served while failing: %+v", ms)
	}
	writeBook(t, staff, 0, 60)
	os.Remove(staff + ".away")
	if err := d.Refresh(context.Background(), "Staff"); err != nil {
		t.Fatal(err)
	}
	if st := d.Status()[0]; st.Contacts != 60 || st.Err != "" {
		t.Errorf("status after recovery: %+v", st)
	}
}

// A restart while the source is down serves the copy saved in the state
// directory.
func TestRestartWithSourceDownServesSavedCopy(t *testing.T) {
	dir, state := t.TempDir(), t.TempDir()
	staff := filepath.Join(dir, "staff.vcf")
	writeBook(t, staff, 0, 40)
	started(t, state, map[string]string{"Staff": staff})
	if fi, err := os.Stat(filepath.Join(state, "Staff.json")); err != nil || fi.Mode().Perm() != fileMode {
		t.Fatalf("saved copy: %v, %v", fi, err)
	}
	os.Remove(staff)

	d := started(t, state, map[string]string{"Staff": staff})
	if err := d.Refresh(context.Background(), "Staff"); err == nil {
		t.Fatal("a refresh with the source gone worked")
	}
	st := d.Status()[0]
	if st.Contacts != 40 || !st.FromDisk || st.Err == "" {
		t.Errorf("status after a restart with the source down: %+v", st)
	}
	ms := d.Lookup([]string{"Staff"}, people.WorkKey(39))
	if len(ms) != 1 || ms[0].Contact.Book != "Staff" {
		t.Errorf("saved copy not served: %+v", ms)
	}
	if _, ok := d.Photo([]string{"Staff"}, PhotoRef(d.Lookup([]string{"Staff"}, people.WorkKey(0))[0].Contact)); !ok {
		t.Error("the saved copy lost person 0's photo")
	}
}

// A saved copy that is not JSON is reported and the book fetched.
func TestBrokenSavedCopy(t *testing.T) {
	dir, state := t.TempDir(), t.TempDir()
	staff := filepath.Join(dir, "staff.vcf")
	writeBook(t, staff, 0, 10)
	if err := os.WriteFile(filepath.Join(state, "Staff.json"), []byte("{not json"), 0o600); err != nil {
		t.Fatal(err)
	}
	d := started(t, state, map[string]string{"Staff": staff})
	if st := d.Status()[0]; st.Contacts != 10 || st.FromDisk || st.Err != "" {
		t.Errorf("status: %+v", st)
	}
}

func TestAddRefusesBadBooks(t *testing.T) {
	d := New(testNorm(t), "", nil)
	src := Files(testNorm(t), "x.vcf")
	for _, c := range []BookConfig{{Name: "", Source: src}, {Name: "a/b", Source: src}, {Name: "x"}} {
		if err := d.Add(c); err == nil || !strings.HasPrefix(err.Error(), "directory: ") {
			t.Errorf("Add(%+v) = %v", c, err)
		}
	}
	if err := d.Add(BookConfig{Name: "x", Source: src}); err != nil {
		t.Fatal(err)
	}
	if err := d.Add(BookConfig{Name: "x", Source: src}); err == nil {
		t.Error("a book added twice")
	}
	if err := d.Refresh(context.Background(), "nope"); err == nil {
		t.Error("refresh of a book that does not exist")
	}
}

// A copy saved while the book read another source (its URL or base DN
// changed in the config since) is not served after a restart.
func TestSavedCopyOfAnotherOriginIsNotServed(t *testing.T) {
	dir, state := t.TempDir(), t.TempDir()
	staff := filepath.Join(dir, "staff.vcf")
	writeBook(t, staff, 0, 10)
	norm := testNorm(t)
	open := func(origin string) *Directory {
		d := New(norm, state, nil)
		if err := d.Add(BookConfig{Name: "Staff", Source: Files(norm, staff), Origin: origin}); err != nil {
			t.Fatal(err)
		}
		return d
	}
	d := open("ldap://old.example.com ou=everyone")
	if err := d.Refresh(context.Background(), "Staff"); err != nil {
		t.Fatal(err)
	}
	os.Remove(staff)
	d = open("ldap://new.example.com ou=sales")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	d.Start(ctx)
	if err := d.Wait(ctx); err != nil {
		t.Fatal(err)
	}
	if st := d.Status()[0]; st.Contacts != 0 || st.FromDisk {
		t.Errorf("a copy of the old source is served: %+v", st)
	}
	d = open("ldap://old.example.com ou=everyone")
	d.Start(ctx)
	d.Wait(ctx)
	if st := d.Status()[0]; st.Contacts != 10 || !st.FromDisk {
		t.Errorf("the copy of the same source is not served: %+v", st)
	}
}
