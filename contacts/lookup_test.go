package contacts

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// makeCard builds a vCard 3.0 card from property lines.
func makeCard(lines ...string) string {
	return "BEGIN:VCARD\r\nVERSION:3.0\r\n" + strings.Join(lines, "\r\n") + "\r\nEND:VCARD\r\n"
}

// loadCards writes the cards to a temp file and loads it.
func loadCards(t testing.TB, cards ...string) *Directory {
	t.Helper()
	path := filepath.Join(t.TempDir(), "book.vcf")
	writeFile(t, path, strings.Join(cards, ""))
	d := newTestDirectory(t)
	if warns := d.Load(path); len(warns) > 0 {
		t.Fatal(warns)
	}
	return d
}

func names(ms []Match) []string {
	var out []string
	for _, m := range ms {
		out = append(out, m.Contact.DisplayName())
	}
	return out
}

var lookupBook = []string{
	makeCard("FN:Stored International", "TEL:+49 30 1234567"),
	makeCard("FN:Stored National", "TEL:030 7654321"),
	makeCard("FN:Stored Zero-Zero", "TEL:0049 (0)89 1234567"),
	makeCard("FN:Stored URI", "TEL;VALUE=uri:tel:+49-40-1234567"),
	makeCard("FN:Colleague", "TEL;TYPE=WORK:201"),
	makeCard("FN:Swiss", "TEL:+41 44 668 18 00"),
}

func TestLookupSymmetric(t *testing.T) {
	d := loadCards(t, lookupBook...)
	tests := []struct{ call, want string }{
		{"030 1234567", "Stored International"},
		{"+49301234567", "Stored International"},
		{"0049 30 1234567", "Stored International"},
		{"+49 (0)30 1234567", "Stored International"},
		{"(030) 12 34 567", "Stored International"},
		{"tel:+49-30-1234567", "Stored International"},
		{"+49 30 7654321", "Stored National"},
		{"+49307654321", "Stored National"},
		{"0049307654321", "Stored National"},
		{"089 1234567", "Stored Zero-Zero"},
		{"+49 89 1234567", "Stored Zero-Zero"},
		{"040 1234567", "Stored URI"},
		{"201", "Colleague"},
		{"0041 44 668 18 00", "Swiss"},
	}
	for _, tt := range tests {
		got := d.Lookup(tt.call)
		if len(got) != 1 || got[0].Contact.DisplayName() != tt.want {
			t.Errorf("Lookup(%q) = %v, want %s", tt.call, names(got), tt.want)
		}
	}
	for _, none := range []string{"030 9999999", "202", "garbage", "", "+49 30 1234567 8"} {
		if got := d.Lookup(none); len(got) != 0 {
			t.Errorf("Lookup(%q) = %v, want none", none, names(got))
		}
	}
	// The same normaliser under both: looking up what a match displays
	// finds it again.
	m := d.Lookup("030 1234567")[0]
	if again := d.Lookup(m.Phone.Number.Display); len(again) != 1 || again[0].Contact != m.Contact {
		t.Errorf("Lookup(display %q) = %v", m.Phone.Number.Display, names(again))
	}
}

var switchboardBook = []string{
	makeCard("FN:Bob Acme", "ORG:Acme", "TEL;TYPE=WORK:+49 30 5550000", "UID:bob"),
	makeCard("FN:Acme Fax", "ORG:Acme", "TEL;TYPE=WORK,FAX:+49 30 5550000", "UID:fax"),
	makeCard("FN:Alice Acme", "ORG:Acme", "TEL;TYPE=WORK:+49 30 5550000", "UID:alice"),
	makeCard("FN:Zentrale Acme", "ORG:Acme", "TEL;TYPE=MAIN,pref:+49 30 5550000", "UID:main"),
	makeCard("FN:Carl Acme", "ORG:Acme", "TEL;TYPE=WORK:+49 30 5550000;ext=12", "UID:carl"),
	makeCard("FN:Max Mustermann", "TEL:+49 30 5550000", "UID:max-b"),
	makeCard("FN:Max Mustermann", "TEL:+49 30 5550000", "UID:max-a"),
}

func TestLookupRanking(t *testing.T) {
	d := loadCards(t, switchboardBook...)
	want := []string{"Zentrale Acme", "Alice Acme", "Bob Acme", "Max Mustermann", "Max Mustermann", "Carl Acme", "Acme Fax"}
	got := d.Lookup("030 5550000")
	if !slices.Equal(names(got), want) {
		t.Fatalf("Lookup = %v, want %v", names(got), want)
	}
	// Same name: the ID decides, so the choice is stable.
	if !strings.HasSuffix(got[3].Contact.ID, "#max-a") || !strings.HasSuffix(got[4].Contact.ID, "#max-b") {
		t.Errorf("ties: %s before %s", got[3].Contact.ID, got[4].Contact.ID)
	}
	for i := 1; i < len(got); i++ {
		if got[i].Score > got[i-1].Score {
			t.Errorf("scores not descending: %d then %d", got[i-1].Score, got[i].Score)
		}
	}
	// The extension picks the person.
	if ext := d.Lookup("+49 30 5550000;ext=12"); ext[0].Contact.DisplayName() != "Carl Acme" || ext[0].Phone.Number.Ext != "12" {
		t.Errorf("with extension: %v", names(ext))
	}
	// The order does not depend on the order of the cards in the file.
	reversed := slices.Clone(switchboardBook)
	slices.Reverse(reversed)
	if again := loadCards(t, reversed...).Lookup("+49305550000"); !slices.Equal(names(again), want) {
		t.Errorf("reversed file: %v", names(again))
	}
}

func TestLookupEmptyDirectory(t *testing.T) {
	d := newTestDirectory(t)
	if d.Len() != 0 || d.Lookup("030 1234567") != nil || d.Search("a", 10) != nil {
		t.Error("empty directory found something")
	}
}
