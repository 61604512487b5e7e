package assets_test

import (
	"bytes"
	"image/png"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"testing"

	"github.com/deskline/deskline/assets"
	"github.com/deskline/deskline/contacts"
)

var iconSizes = map[string]int{
	assets.IconApp:          512,
	assets.TrayDisconnected: 64,
	assets.TrayConnected:    64,
	assets.TrayRinging:      64,
	assets.TrayCall:         64,
	assets.TrayDND:          64,
}

func TestIcons(t *testing.T) {
	for name, size := range iconSizes {
		data := assets.Icon(name)
		if data == nil {
			t.Errorf("Icon(%q) = nil", name)
			continue
		}
		img, err := png.Decode(bytes.NewReader(data))
		if err != nil {
			t.Errorf("Icon(%q): %v", name, err)
			continue
		}
		if b := img.Bounds(); b.Dx() != size || b.Dy() != size {
			t.Errorf("Icon(%q) is %dx%d, want %dx%d", name, b.Dx(), b.Dy(), size, size)
		}
		// Tray hosts draw on their own background: the corners must be
		// transparent.
		if _, _, _, a := img.At(0, 0).RGBA(); a != 0 {
			t.Errorf("Icon(%q): corner not transparent (alpha %d)", name, a)
		}
	}
}

func TestIconUnknown(t *testing.T) {
	for _, name := range []string{"", "nope", "../icons/app", "icons/app", "app.png"} {
		if data := assets.Icon(name); data != nil {
			t.Errorf("Icon(%q) = %d bytes, want nil", name, len(data))
		}
	}
}

// TestIconFilesNamed keeps the icons folder and the constants in step.
func TestIconFilesNamed(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("icons", "*.png"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != len(iconSizes) {
		t.Errorf("icons/ has %d files, want %d: %v", len(files), len(iconSizes), files)
	}
	for _, f := range files {
		if _, ok := iconSizes[strings.TrimSuffix(filepath.Base(f), ".png")]; !ok {
			t.Errorf("%s has no icon constant", f)
		}
	}
}

// loadDemo copies the embedded cards to a temporary folder, as the app
// does before loading them, and loads that.
func loadDemo(t *testing.T) *contacts.Directory {
	t.Helper()
	dir := t.TempDir()
	entries, err := fs.ReadDir(assets.DemoContacts, assets.DemoContactsDir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		data, err := fs.ReadFile(assets.DemoContacts, path.Join(assets.DemoContactsDir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, e.Name()), data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	n, err := contacts.NewNormalizer("DE", 6)
	if err != nil {
		t.Fatal(err)
	}
	d := contacts.NewDirectory(n)
	for _, w := range d.Load(dir) {
		t.Errorf("warning: %v", w)
	}
	if d.Len() != len(entries) {
		t.Errorf("loaded %d contacts from %d files, want one per file", d.Len(), len(entries))
	}
	return d
}

func TestDemoContactsFiles(t *testing.T) {
	entries, err := fs.ReadDir(assets.DemoContacts, assets.DemoContactsDir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) < 25 {
		t.Errorf("%d demo cards, want about 30", len(entries))
	}
	for _, e := range entries {
		info, err := e.Info()
		if err != nil {
			t.Fatal(err)
		}
		if info.Size() > 40<<10 {
			t.Errorf("%s is %d bytes, over 40 KB", e.Name(), info.Size())
		}
	}
}

// allContacts lists the directory's contacts. Directory has no listing, so
// this searches by number: every demo contact has one, and in E.164 every
// number starts with "+" and a digit.
func allContacts(d *contacts.Directory) map[*contacts.Contact]bool {
	all := map[*contacts.Contact]bool{}
	for digit := '1'; digit <= '9'; digit++ {
		for _, m := range d.Search("+"+string(digit), 1000) {
			all[m.Contact] = true
		}
	}
	return all
}

func TestDemoContactsPhotos(t *testing.T) {
	d := loadDemo(t)
	all := allContacts(d)
	if len(all) != d.Len() {
		t.Fatalf("found %d contacts by number, loaded %d", len(all), d.Len())
	}
	withPhoto := 0
	for c := range all {
		if c.Photo == nil {
			continue
		}
		withPhoto++
		if c.Photo.MediaType != "image/png" {
			t.Errorf("%s: photo is %q, want image/png", c.DisplayName(), c.Photo.MediaType)
		}
		img, err := png.Decode(bytes.NewReader(c.Photo.Data))
		if err != nil {
			t.Errorf("%s: photo: %v", c.DisplayName(), err)
			continue
		}
		if b := img.Bounds(); b.Dx() != 128 || b.Dy() != 128 {
			t.Errorf("%s: photo is %dx%d, want 128x128", c.DisplayName(), b.Dx(), b.Dy())
		}
	}
	if without := d.Len() - withPhoto; without < 2 || without > 3 {
		t.Errorf("%d contacts without a photo, want two or three", without)
	}
}

// TestDemoCallers checks the contacts that other code rings and dials, by
// the numbers as the exchange presents them.
func TestDemoCallers(t *testing.T) {
	d := loadDemo(t)
	tests := []struct {
		number, name, org, dept, title string
		photo                          bool
	}{
		{"+49 40 32901142", "Miriam Okafor", "Hanseatic Logistics GmbH", "Dispatch", "Head of Dispatch", true},
		{"+44 20 7946 0321", "Oliver Grant", "Grant & Webb Ltd", "", "Managing Director", true},
		{"0171 5550123", "Jürgen Weiß", "Weiß Elektrotechnik", "", "Service Technician", true},
		{"+49 30 5550 4400", "Jürgen Weiß", "Weiß Elektrotechnik", "", "Service Technician", true},
		{"+33 1 42 68 53 00", "Sophie Laurent", "Atelier Laurent", "", "Creative Director", true},
		{"030 2345678", "Dr. Anna Schmidt", "Praxis Dr. Schmidt", "", "", true},
		{"+49 30 2345678", "Dr. Anna Schmidt", "Praxis Dr. Schmidt", "", "", true},
		{"+4930901820", "Lena Hoffmann", "Hoffmann Consulting", "", "Partner", true},
		{"030 901820", "Lena Hoffmann", "Hoffmann Consulting", "", "Partner", true},
		{"+4989123456", "Bavaria Logistik Hotline", "Bavaria Logistik", "", "", false},
	}
	for _, tt := range tests {
		ms := d.Lookup(tt.number)
		if len(ms) != 1 {
			t.Errorf("Lookup(%q): %d matches, want 1", tt.number, len(ms))
			continue
		}
		c := ms[0].Contact
		if got := c.DisplayName(); got != tt.name {
			t.Errorf("Lookup(%q) = %q, want %q", tt.number, got, tt.name)
		}
		if c.Organization != tt.org || c.Department != tt.dept {
			t.Errorf("%s: ORG %q;%q, want %q;%q", tt.name, c.Organization, c.Department, tt.org, tt.dept)
		}
		if tt.title != "" && c.Title != tt.title {
			t.Errorf("%s: TITLE %q, want %q", tt.name, c.Title, tt.title)
		}
		if (c.Photo != nil && len(c.Photo.Data) > 0) != tt.photo {
			t.Errorf("%s: has photo = %v, want %v", tt.name, c.Photo != nil, tt.photo)
		}
	}
}

func TestDemoCallerDetails(t *testing.T) {
	d := loadDemo(t)
	ms := d.Lookup("+49 40 32901142")
	if len(ms) == 0 {
		t.Fatal("Miriam Okafor not found")
	}
	m := ms[0]
	if want := "Prefers calls before 11:00. Contract renewal due in December."; m.Contact.Note != want {
		t.Errorf("note %q, want %q", m.Contact.Note, want)
	}
	if !m.Phone.HasType("work") {
		t.Errorf("Miriam's number has types %v, want work", m.Phone.Types)
	}
	if ms := d.Lookup("0171 5550123"); len(ms) == 1 && !ms[0].Phone.HasType("cell") {
		t.Errorf("Jürgen's mobile has types %v, want cell", ms[0].Phone.Types)
	}
	if ms := d.Lookup("+49 89 123456"); len(ms) == 1 {
		c := ms[0].Contact
		if c.GivenName != "" || c.FamilyName != "" || !ms[0].Phone.HasType("main") {
			t.Errorf("Bavaria Logistik: name %q %q, types %v; want no person, main", c.GivenName, c.FamilyName, ms[0].Phone.Types)
		}
	}
	// Multi-line notes keep their line breaks.
	if ms := d.Lookup("+1 415 555 0132"); len(ms) != 1 || !strings.Contains(ms[0].Contact.Note, "\n") {
		t.Errorf("Jennifer Walsh: multi-line note not found: %+v", ms)
	}
}

// TestDemoContactsOnDisk loads the committed folder itself, as the
// generator wrote it.
func TestDemoContactsOnDisk(t *testing.T) {
	n, err := contacts.NewNormalizer("DE", 6)
	if err != nil {
		t.Fatal(err)
	}
	d := contacts.NewDirectory(n)
	for _, w := range d.Load(filepath.FromSlash(assets.DemoContactsDir)) {
		t.Errorf("warning: %v", w)
	}
	if d.Len() == 0 {
		t.Error("no contacts loaded")
	}
}
