package contacts

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

func newTestDirectory(t testing.TB) *Directory {
	t.Helper()
	return NewDirectory(mustNormalizer(t, "DE"))
}

// byName returns the loaded contact with that display name.
func byName(t testing.TB, d *Directory, name string) *Contact {
	t.Helper()
	for _, c := range d.snap.Load().contacts {
		if c.DisplayName() == name {
			return c
		}
	}
	t.Fatalf("no contact %q", name)
	return nil
}

// wantWarning is a warning expected from a fixture: file, card, FN, and a
// pattern for the message.
type wantWarning struct {
	card    int
	name    string
	pattern string
}

func TestLoadFixtures(t *testing.T) {
	tests := []struct {
		file     string
		contacts int
		warnings []wantWarning
	}{
		{"apple.vcf", 3, nil},
		{"outlook.vcf", 2, []wantWarning{{1, "Björn Gräßle", `not UTF-8 .*Windows-1252`}}},
		{"latin1.vcf", 1, []wantWarning{{1, "Jürgen Schäfer", `not UTF-8 .*Windows-1252`}}},
		{"v4.vcf", 2, nil},
		{"utf16.vcf", 1, nil},
		{"empty.vcf", 0, []wantWarning{{0, "", `file is empty`}}},
		{"random.vcf", 0, []wantWarning{{0, "", `no BEGIN:VCARD found`}}},
		{"broken.vcf", 8, []wantWarning{
			{0, "", `1 line\(s\) outside any card ignored, the first at line 1`},
			{0, "", `1 END:VCARD without BEGIN:VCARD`},
			{2, "Bernd Broken", `no END:VCARD before the next BEGIN:VCARD at line 12`},
			{4, "Dieter Junk", `line 20: not a property .*"this line is junk"`},
			{4, "Dieter Junk", `line 21: not a property .*";;;"`},
			{5, "Eva Badnumber", `TEL "call reception": not a phone number`},
			{6, "", `card has no name, organisation, number or e-mail address; skipped`},
			{7, "Frank Dup", `UID "dup" is also card 1's`},
			{8, "Gina Photo", `PHOTO is not valid base64`},
			{9, "Hugo Last", `no END:VCARD before the end of the file`},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			d := newTestDirectory(t)
			path := filepath.Join("testdata", tt.file)
			warns := d.Load(path)
			if d.Len() != tt.contacts {
				t.Errorf("loaded %d contacts, want %d", d.Len(), tt.contacts)
			}
			checkWarnings(t, path, warns, tt.warnings)
		})
	}
}

func checkWarnings(t *testing.T, path string, got []Warning, want []wantWarning) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%d warnings, want %d:", len(got), len(want))
		for _, w := range got {
			t.Logf("  %v", w)
		}
		return
	}
	for i, w := range want {
		g := got[i]
		if g.File != path || g.Card != w.card || g.Name != w.name || !regexp.MustCompile(w.pattern).MatchString(g.Err.Error()) {
			t.Errorf("warning %d = %v (file %q card %d name %q), want %s card %d (%s): /%s/", i, g, g.File, g.Card, g.Name, path, w.card, w.name, w.pattern)
		}
		if !strings.HasPrefix(g.String(), "contacts: "+path+": ") {
			t.Errorf("warning %d reads %q", i, g.String())
		}
	}
}

func TestLoadAppleContact(t *testing.T) {
	d := newTestDirectory(t)
	if w := d.Load("testdata/apple.vcf"); len(w) > 0 {
		t.Fatal(w)
	}
	c := byName(t, d, "Dr. Hans-Jürgen Müller")
	if c.ID != "testdata/apple.vcf#8F0C2E0B-5B5A-4C0E-9E3C-1A7A5E0B7C11" || c.Book != "testdata/apple.vcf" {
		t.Errorf("ID %q Book %q", c.ID, c.Book)
	}
	if c.GivenName != "Hans-Jürgen" || c.FamilyName != "Müller" || c.Organization != "Müller & Söhne GmbH" ||
		c.Department != "Vertrieb" || c.Title != "Leiter Vertrieb" {
		t.Errorf("names: %+v", c)
	}
	if c.Note != "Bevorzugt Anrufe vormittags.\nAssistenz: Frau Schmidt, Durchwahl 12." {
		t.Errorf("note %q", c.Note)
	}
	if len(c.Emails) != 1 || c.Emails[0] != "hj.mueller@mueller-soehne.example" {
		t.Errorf("emails %q", c.Emails)
	}
	want := []struct {
		key   string
		types string
		pref  int
	}{
		{"+49301234567", "work,voice", 1},
		{"+491719876543", "cell,voice", 0},
		{"+49301234560", "main", 0},
		{"+49301234568", "work,fax", 0},
	}
	if len(c.Phones) != len(want) {
		t.Fatalf("phones %+v", c.Phones)
	}
	for i, w := range want {
		p := c.Phones[i]
		if p.Number.Key != w.key || strings.Join(p.Types, ",") != w.types || p.Pref != w.pref {
			t.Errorf("phone %d = %+v, want %+v", i, p, w)
		}
	}
	if c.Photo == nil || c.Photo.MediaType != "image/jpeg" || len(c.Photo.Data) < 100 || c.Photo.Data[0] != 0xFF {
		t.Errorf("photo %+v", c.Photo)
	}
	if r := byName(t, d, "Empfang Example Corp."); r.Phones[1].Number != (Number{Key: "201", Internal: true, Display: "201"}) {
		t.Errorf("internal extension %+v", r.Phones[1])
	}
}

func TestLoadOutlookContact(t *testing.T) {
	d := newTestDirectory(t)
	d.Load("testdata/outlook.vcf")
	c := byName(t, d, "Björn Gräßle")
	if c.GivenName != "Björn" || c.FamilyName != "Gräßle" || c.Organization != "Stadtwerke Süd" || c.Department != "IT" {
		t.Errorf("names %+v", c)
	}
	if c.Note != "Erreichbar Mo–Fr. Grüße an das Team.\nZweite Zeile" {
		t.Errorf("quoted-printable note %q", c.Note)
	}
	if len(c.Phones) != 3 || strings.Join(c.Phones[0].Types, ",") != "work,voice" || c.Phones[0].Number.Key != "+497111234567" ||
		c.Phones[1].Number.Key != "+4915123456789" || strings.Join(c.Phones[2].Types, ",") != "work,fax" {
		t.Errorf("phones %+v", c.Phones)
	}
	if len(c.Emails) != 1 {
		t.Errorf("emails %q", c.Emails)
	}
	g := byName(t, d, "Giulia Rossi")
	if g.Photo == nil || g.Photo.MediaType != "image/png" || len(g.Photo.Data) != 85 {
		t.Errorf("vCard 2.1 base64 photo %+v", g.Photo)
	}
	if g.Phones[1].Pref != 1 || !g.Phones[1].HasType("work") {
		t.Errorf("TEL;PREF;WORK read as %+v", g.Phones[1])
	}
}

func TestLoadVCard4(t *testing.T) {
	d := newTestDirectory(t)
	d.Load("testdata/v4.vcf")
	z := byName(t, d, "Zoë Lefèvre")
	p := z.Phones[0]
	if p.Number.Key != "+33142685300" || p.Number.Ext != "12" || p.Pref != 1 || strings.Join(p.Types, ",") != "work,voice" {
		t.Errorf("TEL;VALUE=uri;PREF=1: %+v", p)
	}
	if z.Phones[2].Pref != 2 {
		t.Errorf("PREF=2: %+v", z.Phones[2])
	}
	if z.Photo == nil || z.Photo.MediaType != "image/png" || len(z.Photo.Data) != 85 {
		t.Errorf("data: URI photo %+v", z.Photo)
	}
	o := byName(t, d, "Ólafur Sigurðsson")
	if o.Photo == nil || o.Photo.URI != "https://photos.example/olafur.jpg" || o.Photo.MediaType != "image/jpeg" || o.Photo.Data != nil {
		t.Errorf("photo URI %+v", o.Photo)
	}
}

func TestLoadFolder(t *testing.T) {
	d := newTestDirectory(t)
	warns := d.Load("testdata/folder", "testdata/folder/sales.vcf") // the file twice
	if len(warns) != 0 {
		t.Errorf("warnings %v", warns)
	}
	var names []string
	for _, c := range d.snap.Load().contacts {
		names = append(names, c.DisplayName()+"@"+c.Book)
	}
	want := "Susi Support@testdata/folder/team/support.VCARD Sven Sales@testdata/folder/sales.vcf"
	if strings.Join(names, " ") != want {
		t.Errorf("loaded %q, want %q (hidden files and folders skipped, each file once)", names, want)
	}
}

func TestLoadMissingPath(t *testing.T) {
	d := newTestDirectory(t)
	warns := d.Load("testdata/apple.vcf", "testdata/nope.vcf")
	if d.Len() != 3 || len(warns) != 1 || warns[0].File != "testdata/nope.vcf" || !errors.Is(warns[0].Err, fs.ErrNotExist) {
		t.Errorf("Len %d, warnings %v", d.Len(), warns)
	}
	if got := warns[0].String(); got != "contacts: testdata/nope.vcf: cannot read: no such file or directory" {
		t.Errorf("warning reads %q", got)
	}
}

// TestLoadReplaces: a Load replaces what was loaded before.
func TestLoadReplaces(t *testing.T) {
	d := newTestDirectory(t)
	d.Load("testdata/apple.vcf")
	d.Load("testdata/latin1.vcf")
	if d.Len() != 1 || len(d.Lookup("+49 30 1234567")) != 0 || len(d.Lookup("089 1234567")) != 1 {
		t.Errorf("after second Load: %d contacts", d.Len())
	}
	if p := d.Paths(); len(p) != 1 || p[0] != "testdata/latin1.vcf" {
		t.Errorf("Paths %q", p)
	}
}

func writeFile(t testing.TB, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func card(fn, tel string) string {
	return "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:" + fn + "\r\nTEL:" + tel + "\r\nEND:VCARD\r\n"
}

func TestLoadLimits(t *testing.T) {
	dir := t.TempDir()
	big := filepath.Join(dir, "big.vcf")
	writeFile(t, big, strings.Repeat(card("Big Book", "030 1234567"), 100))
	many := filepath.Join(dir, "many.vcf")
	writeFile(t, many, card("One", "030 1000001")+card("Two", "030 1000002")+card("Three", "030 1000003")+card("Four", "030 1000004"))
	fat := filepath.Join(dir, "fat.vcf")
	writeFile(t, fat, card("Thin", "030 2000001")+
		"BEGIN:VCARD\r\nFN:Fat Card\r\nNOTE:"+strings.Repeat("x", 3000)+"\r\nEND:VCARD\r\n"+
		"BEGIN:VCARD\r\nFN:Photo Card\r\nTEL:030 2000003\r\nPHOTO;ENCODING=b;TYPE=PNG:"+strings.Repeat("QUFB", 200)+"\r\nEND:VCARD\r\n")

	d := newTestDirectory(t)
	d.SetLimits(Limits{MaxFileSize: 5000, MaxCardSize: 1000, MaxCardsPerBook: 3, MaxPhotoSize: 100})
	warns := d.Load(big, many, fat)
	want := []struct{ file, pattern string }{
		{big, `^contacts: .*big.vcf: file is \d+ bytes, more than 5000 \(the MaxFileSize limit\); skipped$`},
		{many, `^contacts: .*many.vcf: more than 3 cards \(the MaxCardsPerBook limit\); the rest of the file, from line 16, is skipped$`},
		{fat, `^contacts: .*fat.vcf: card 2 \(Fat Card\): card is larger than 1000 bytes \(the MaxCardSize limit\); skipped$`},
		{fat, `^contacts: .*fat.vcf: card 3 \(Photo Card\): PHOTO larger than 100 bytes \(the MaxPhotoSize limit\); ignored$`},
	}
	if len(warns) != len(want) {
		t.Fatalf("warnings %v", warns)
	}
	for i, w := range want {
		if warns[i].File != w.file || !regexp.MustCompile(w.pattern).MatchString(warns[i].String()) {
			t.Errorf("warning %d = %q, want /%s/", i, warns[i], w.pattern)
		}
	}
	if d.Len() != 5 { // One, Two, Three, Thin, Photo Card (without its photo)
		t.Errorf("loaded %d contacts", d.Len())
	}
	d.SetLimits(Limits{MaxFiles: 1})
	if warns := d.Load(dir); d.Len() != 100 || len(warns) != 1 || !strings.Contains(warns[0].String(), "MaxFiles") {
		t.Errorf("MaxFiles 1: %d contacts, warnings %v", d.Len(), warns)
	}
}

// TestLoadWarningsCapped: a file of junk yields a bounded list.
func TestLoadWarningsCapped(t *testing.T) {
	path := filepath.Join(t.TempDir(), "junk.vcf")
	writeFile(t, path, strings.Repeat("BEGIN:VCARD\r\nFN:X\r\njunk\r\njunk\r\njunk\r\njunk\r\njunk\r\nEND:VCARD\r\n", 500))
	d := newTestDirectory(t)
	warns := d.Load(path)
	if len(warns) != maxWarningsPerFile+1 || !strings.Contains(warns[maxWarningsPerFile].String(), "more problem(s) in this file not listed") {
		t.Errorf("%d warnings, last %v", len(warns), warns[len(warns)-1])
	}
	if d.Len() != 500 {
		t.Errorf("%d contacts, want the 500 despite their junk", d.Len())
	}
}

// TestLoadQuirks covers line-level oddities that real exports contain.
func TestLoadQuirks(t *testing.T) {
	tests := []struct {
		name, body string
		check      func(*Contact) bool
	}{
		{"lower-case property and params", "fn:Low Case\r\ntel;type=work:030 1234567", func(c *Contact) bool {
			return c.FormattedName == "Low Case" && c.Phones[0].HasType("work")
		}},
		{"LF only and tab folding", "FN:Tab\n\tFolded\nTEL:030 1234567", func(c *Contact) bool { return c.FormattedName == "TabFolded" }},
		{"grouped TEL", "FN:G\r\nwork.TEL;TYPE=VOICE:+49 30 1234567", func(c *Contact) bool { return c.Phones[0].Number.Key == "+49301234567" }},
		{"quoted param with colon", "FN:Q\r\nTEL;X-LABEL=\"a:b;c\";TYPE=cell:030 1234567", func(c *Contact) bool { return c.Phones[0].HasType("cell") }},
		{"escaped ORG", `ORG:Smith\; Sons;R\, D` + "\r\nTEL:030 1234567", func(c *Contact) bool {
			return c.Organization == "Smith; Sons" && c.Department == "R, D" && c.DisplayName() == "Smith; Sons"
		}},
		{"control characters", "FN:Ctl\x00Char\x07s\r\nTEL:030 1234567", func(c *Contact) bool { return c.FormattedName == "CtlChars" }},
		{"number only", "TEL:030 1234567", func(c *Contact) bool { return c.DisplayName() == "+49 30 1234567" }},
		{"mailto e-mail", "FN:M\r\nEMAIL:mailto:m@example.com", func(c *Contact) bool { return c.Emails[0] == "m@example.com" }},
		{"sip TEL", "FN:S\r\nTEL:sip:201@pbx.example", func(c *Contact) bool { return c.Phones[0].Number.Key == "201" }},
		{"mobile alias", "FN:Mo\r\nTEL;TYPE=MOBILE:0171 1234567", func(c *Contact) bool { return c.Phones[0].HasType("cell") }},
		{"CHARSET=UTF-8 QP", "FN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:J=C3=BCrgen\r\nTEL:030 1", func(c *Contact) bool {
			return c.FormattedName == "Jürgen" && len(c.Phones) == 0
		}},
		{"CHARSET=ISO-8859-1 on UTF-8 text", "FN;CHARSET=ISO-8859-1:Jürgen\r\nTEL:030 1234567", func(c *Contact) bool { return c.FormattedName == "Jürgen" }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "q.vcf")
			writeFile(t, path, "BEGIN:VCARD\r\nVERSION:3.0\r\n"+tt.body+"\r\nEND:VCARD\r\n")
			d := newTestDirectory(t)
			warns := d.Load(path)
			if d.Len() != 1 {
				t.Fatalf("%d contacts, warnings %v", d.Len(), warns)
			}
			if c := d.snap.Load().contacts[0]; !tt.check(c) {
				t.Errorf("contact %+v, warnings %v", c, warns)
			}
		})
	}
}
