package contacts

import (
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"reflect"
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

// TestPlainKeyMatchesNormalize holds Lookup's allocation-free path to
// Normalize: for the bench book's numbers in every form a call brings
// them, the test fixtures and random digit strings, plainKey either
// declines or gives Normalize's key, with no extension.
func TestPlainKeyMatchesNormalize(t *testing.T) {
	var inputs []string
	add := func(n *Normalizer, raw string) {
		inputs = append(inputs, raw, scanNumber(raw).digits)
		if num, err := n.Normalize(raw); err == nil && !num.Internal {
			inputs = append(inputs, num.Key, "00"+num.Key[1:], "0"+strings.TrimPrefix(num.Key, "+49"))
		}
	}
	de := mustNormalizer(t, "DE")
	rng := rand.New(rand.NewPCG(3, 4))
	for i := range 4000 {
		for _, raw := range benchPhones(rng, i) {
			add(de, raw)
		}
	}
	for _, raw := range []string{"201", "20", "2", "0", "00", "+", "+0", "+49", "0049", "0301", "030 1", "+49 30 1234567 8",
		"030 1234567", "+41 44 668 18 00", "+1 212 555 0123", "0171 1234567", "123456", "1234567", "0800 3569377"} {
		add(de, raw)
	}
	for _, region := range []string{"DE", "US", "CH", "AT", "FR", "GB", "IT", "NL", "RU", "BR", "JP"} {
		n := mustNormalizer(t, region)
		cc := fmt.Sprint(n.home.cc)
		for range 300 {
			d := randomDigits(rng, 1+rng.IntN(16))
			for _, in := range []string{"+" + d, "0" + d, "00" + d, d, "+" + cc + "0" + d, "+" + cc + d} {
				checkPlainKey(t, n, in)
			}
		}
		for _, in := range inputs {
			checkPlainKey(t, n, in)
		}
	}
}

func checkPlainKey(t *testing.T, n *Normalizer, raw string) {
	t.Helper()
	var buf [keyBufLen]byte
	key, ok := n.plainKey(raw, buf[:0])
	if !ok {
		return
	}
	num, err := n.NormalizeAny(raw)
	if err != nil || string(key) != num.Key || num.Ext != "" {
		t.Errorf("%s %q: plainKey %q, Normalize %+v %v", n.Region(), raw, key, num, err)
	}
}

// TestLookupFastPathSameMatches: Lookup by the plain-key path returns
// exactly what looking up the normalised number returns.
func TestLookupFastPathSameMatches(t *testing.T) {
	d := loadCards(t, append(append([]string(nil), lookupBook...), switchboardBook...)...)
	for _, call := range []string{"+49301234567", "0301234567", "0049301234567", "201", "+41446681800",
		"0307654321", "+49891234567", "0401234567", "030 1234567", "tel:+49301234567", "0309999999", "+49305550000", "0305550000"} {
		num, err := d.Normalizer().NormalizeAny(call)
		var want []Match
		if err == nil {
			want = d.LookupNumber(num)
		}
		if got := d.Lookup(call); !reflect.DeepEqual(got, want) {
			t.Errorf("Lookup(%q) = %v, want %v", call, names(got), names(want))
		}
	}
	if allocs := testing.AllocsPerRun(100, func() { d.Lookup("+49301234567") }); allocs > 1 {
		t.Errorf("Lookup of an E.164 number: %v allocations, want only the result", allocs)
	}
}
