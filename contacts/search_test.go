package contacts

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/deskline/deskline/internal/people"
)

var searchBook = []string{
	makeCard("FN:John Doe", "N:Doe;John;;;", "ORG:Globex", "TEL;TYPE=WORK:+49 30 1234567", "TEL;TYPE=CELL,pref:0171 2345678", "UID:john"),
	makeCard("FN:Joanna Dobbs", "TEL:+44 20 7946 0958", "UID:joanna"),
	makeCard("FN:Hans Müller", "N:Müller;Hans;;;", "ORG:Müller & Söhne", "TEL;TYPE=WORK:030 7654321", "TEL;TYPE=CELL:0171 9999999", "UID:hans"),
	makeCard("FN:Zoë Lefèvre", "TEL:+33 1 42 68 53 00", "UID:zoe"),
	makeCard("FN:Björn Gräßle", "TEL:0711 1234567", "UID:bjoern"),
	makeCard("FN:Seán O'Brien", "TEL:+353 1 234 5678", "UID:sean"),
	makeCard("FN:Alice Smith", "ORG:Acme Corporation", "TEL;TYPE=WORK:+49 89 5550100", "UID:alice"),
	makeCard("FN:Acme Support", "ORG:Acme Corporation", "TEL;TYPE=MAIN:+49 89 5550000", "UID:acme"),
	makeCard("FN:Reception", "TEL:201", "UID:reception"),
	makeCard("FN:Paul No-Number", "EMAIL:paul@example.com", "UID:paul"),
}

// matchList renders matches as "Name number", for comparison.
func matchList(ms []Match) []string {
	var out []string
	for _, m := range ms {
		out = append(out, m.Contact.DisplayName()+" "+m.Phone.Number.Key)
	}
	return out
}

func TestSearchNames(t *testing.T) {
	d := loadCards(t, searchBook...)
	tests := []struct {
		query string
		want  []string // display names, in order, one per number
	}{
		{"jo do", []string{"John Doe", "John Doe", "Joanna Dobbs"}},
		{"John Doe", []string{"John Doe", "John Doe"}},
		{"doe john", []string{"John Doe", "John Doe"}},
		{"müll", []string{"Hans Müller", "Hans Müller"}},
		{"mull", []string{"Hans Müller", "Hans Müller"}},
		{"MÜLLER", []string{"Hans Müller", "Hans Müller"}},
		{"mueller", []string{"Hans Müller", "Hans Müller"}},
		{"zoe", []string{"Zoë Lefèvre"}},
		{"lefe", []string{"Zoë Lefèvre"}},
		{"grassle", []string{"Björn Gräßle"}},
		{"graessle", []string{"Björn Gräßle"}},
		{"bjorn", []string{"Björn Gräßle"}},
		{"obrien", []string{"Seán O'Brien"}},
		{"o'brien", []string{"Seán O'Brien"}},
		{"sean", []string{"Seán O'Brien"}},
		{"söhne", []string{"Hans Müller", "Hans Müller"}},
		{"globex", []string{"John Doe", "John Doe"}},
		// A name word beats an organisation word: "Acme Support" is
		// named Acme, Alice works there.
		{"acme", []string{"Acme Support", "Alice Smith"}},
		{"paul", nil}, // no number: nothing to call
		{"xyz", nil},
		{"", nil},
		{"   ", nil},
	}
	for _, tt := range tests {
		if got := names(d.Search(tt.query, 10)); !slices.Equal(got, tt.want) {
			t.Errorf("Search(%q) = %q, want %q", tt.query, got, tt.want)
		}
	}
}

func TestSearchListsEveryNumber(t *testing.T) {
	d := loadCards(t, searchBook...)
	got := d.Search("john", 10)
	// The preferred number first, each with its types.
	if len(got) != 2 || got[0].Phone.Number.Key != "+491712345678" || !got[0].Phone.HasType("cell") ||
		got[1].Phone.Number.Key != "+49301234567" || !got[1].Phone.HasType("work") {
		t.Errorf("Search(john) = %q", matchList(got))
	}
	if got[0].Score != got[1].Score {
		t.Errorf("one contact, two scores: %d, %d", got[0].Score, got[1].Score)
	}
}

func TestSearchNumbers(t *testing.T) {
	d := loadCards(t, searchBook...)
	tests := []struct {
		query string
		want  []string
	}{
		{"030 1234567", []string{"John Doe +49301234567"}},
		{"030 12", []string{"John Doe +49301234567"}},
		{"+49 30", []string{"John Doe +49301234567", "Hans Müller +49307654321"}},
		{"0049 30", []string{"John Doe +49301234567", "Hans Müller +49307654321"}},
		{"0171", []string{"John Doe +491712345678", "Hans Müller +491719999999"}},
		// Typed without trunk prefix: read as an area code, after the
		// numbers that start with the digits as typed.
		{"89 555", []string{"Acme Support +49895550000", "Alice Smith +49895550100"}},
		{"20", []string{"Reception 201"}}, // too short for a substring
		{"201", []string{"Reception 201"}},
		// A substring of the number; ties in number order.
		{"2345678", []string{"Seán O'Brien +35312345678", "John Doe +491712345678"}},
		{"555", []string{"Acme Support +49895550000", "Alice Smith +49895550100"}},
		{"99999999", nil},
	}
	for _, tt := range tests {
		if got := matchList(d.Search(tt.query, 10)); !slices.Equal(got, tt.want) {
			t.Errorf("Search(%q) = %q, want %q", tt.query, got, tt.want)
		}
	}
}

func TestSearchMixed(t *testing.T) {
	d := loadCards(t, searchBook...)
	// Name and digits: only the numbers that match the digits.
	if got := matchList(d.Search("müller 0171", 10)); !slices.Equal(got, []string{"Hans Müller +491719999999"}) {
		t.Errorf("Search(müller 0171) = %q", got)
	}
	if got := d.Search("john 0711", 10); len(got) != 0 {
		t.Errorf("Search(john 0711) = %q", matchList(got))
	}
}

// TestSearchAsYouType types names one letter at a time: every prefix finds
// the contact, and the full name ranks it first.
func TestSearchAsYouType(t *testing.T) {
	d := loadCards(t, searchBook...)
	for _, name := range []string{"Hans Müller", "Zoë Lefèvre", "Alice Smith", "John Doe"} {
		for i := 1; i <= len(name); i++ {
			prefix := name[:i]
			if !strings.HasSuffix(prefix, " ") && !strings.ContainsRune(fmt.Sprint(prefix), '\uFFFD') {
				got := names(d.Search(prefix, 50))
				if !slices.Contains(got, name) {
					t.Errorf("Search(%q) = %q, misses %s", prefix, got, name)
				}
			}
		}
		if got := names(d.Search(name, 1)); len(got) != 1 || got[0] != name {
			t.Errorf("Search(%q, 1) = %q", name, got)
		}
	}
}

func TestSearchLimitAndTies(t *testing.T) {
	var cards []string
	for i := 0; i < 30; i++ {
		cards = append(cards, makeCard(fmt.Sprintf("FN:Meier %02d", 29-i), fmt.Sprintf("TEL:030 10000%02d", i), "TEL:0171 10000"+fmt.Sprintf("%02d", i)))
	}
	d := loadCards(t, cards...)
	got := d.Search("meier", 5)
	want := []string{"Meier 00", "Meier 00", "Meier 01", "Meier 01", "Meier 02"}
	if !slices.Equal(names(got), want) {
		t.Errorf("Search(meier, 5) = %q, want %q", names(got), want)
	}
	if n := len(d.Search("meier", 0)); n != DefaultSearchLimit {
		t.Errorf("limit 0 gave %d matches, want %d", n, DefaultSearchLimit)
	}
}

func TestFold(t *testing.T) {
	for in, want := range map[string]string{
		"Müller": "muller", "ZOË": "zoe", "Gräßle": "grassle", "Øster": "oster", "Łódź": "lodz",
		"Ærø": "aero", "Straße": "strasse", "plain": "plain", "İstanbul": "istanbul", "Ǆemal": "ǆemal",
	} {
		if got := fold(in); got != want {
			t.Errorf("fold(%q) = %q, want %q", in, got, want)
		}
	}
	if alt, ok := foldAlt("Müller"); !ok || alt != "mueller" {
		t.Errorf("foldAlt(Müller) = %q %v", alt, ok)
	}
	if got := words("Jean-Luc O'Neill, Jr."); !slices.Equal(got, []string{"Jean", "Luc", "ONeill", "Jr"}) {
		t.Errorf("words = %q", got)
	}
}

// TestSearchMatchesBruteForce holds the pruned search to a plain one that
// scores every contact, on a generated book.
func TestSearchMatchesBruteForce(t *testing.T) {
	book, _, _ := generateBook(3000)
	queries := prefixes("Hans Müller", "Mia Schmidt", "Zoë Lefèvre", "Søren O'Brien", "Ayşe Yılmaz", "John Smith")
	queries = append(queries, "m", "s", "a", "acme", "acme m", "gmbh", "m 030", "sch 01", "z")
	checkBruteForce(t, loadCards(t, book), queries)
}

// A book of few names, each shared by a hundred people, as in a large
// company: most results are ties, which the search cuts short.
func TestSearchTiesMatchBruteForce(t *testing.T) {
	var cards []string
	for i := 0; i < 3000; i++ {
		cards = append(cards, people.VCard(i))
	}
	queries := prefixes("Clara Weiss", "Jürgen Müller", "Zoë O'Brien")
	queries = append(queries, "acme", "acme c", "sales", "buyer", "c 030", "clara 01")
	checkBruteForce(t, loadCards(t, cards...), queries)
}

// prefixes returns every prefix of the names a user types on the way.
func prefixes(names ...string) []string {
	var out []string
	for _, name := range names {
		for i := 1; i <= len(name); i++ {
			if p := name[:i]; isValidPrefix(p) {
				out = append(out, p)
			}
		}
	}
	return out
}

// checkBruteForce compares Search with scoring every contact.
func checkBruteForce(t *testing.T, d *Directory, queries []string) {
	t.Helper()
	s := d.snap.Load()
	for _, query := range queries {
		for _, limit := range []int{1, 5, 20} {
			got := matchList(d.Search(query, limit))
			q := parseQuery(d.norm, query)
			var top topK
			top.limit = limit
			ranges := s.wordRanges(q)
			for c := range s.contacts {
				if score, ok := s.contactScore(int32(c), q, ranges); ok && len(q.text) > 0 {
					top.offer(int32(c), score)
				}
			}
			want := matchList(s.expand(top.items, q, limit))
			if !slices.Equal(got, want) {
				t.Errorf("Search(%q, %d) = %q, brute force %q", query, limit, got, want)
			}
		}
	}
}
