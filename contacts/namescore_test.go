package contacts

import (
	"slices"
	"testing"
)

func TestSearchWords(t *testing.T) {
	for _, tc := range []struct {
		in   string
		alt  bool
		want []string
	}{
		{"Jürgen O'Brien", false, []string{"jurgen", "obrien"}},
		{"Jürgen O'Brien", true, []string{"jurgen", "juergen", "obrien"}},
		{"Sales – Ben Kramer 203", false, []string{"sales", "ben", "kramer", "203"}},
		{"  ", false, nil},
	} {
		if got := SearchWords(tc.in, tc.alt); !slices.Equal(got, tc.want) {
			t.Errorf("SearchWords(%q, %v) = %q, want %q", tc.in, tc.alt, got, tc.want)
		}
	}
}

// NameScore finds a colleague's phone by name words and extension prefix,
// scored as Search scores the same name in the address book.
func TestNameScore(t *testing.T) {
	for _, tc := range []struct {
		query, name, ext string
		ok               bool
	}{
		{"clara", "Clara Weiss", "203", true},
		{"CLA", "Clara Weiss", "203", true},
		{"wei", "Clara Weiss", "203", true},
		{"cl we", "Clara Weiss", "203", true},
		{"lara", "Clara Weiss", "203", false},
		{"20", "Clara Weiss", "203", true},
		{"203", "Clara Weiss", "203", true},
		{"204", "Clara Weiss", "203", false},
		{"clara 2", "Clara Weiss", "203", true},
		{"clara 3", "Clara Weiss", "203", false},
		{"juergen", "Jürgen Groß", "205", true},
		{"gross", "Jürgen Groß", "205", true},
		{"", "Clara Weiss", "203", false},
	} {
		if _, ok := NameScore(tc.query, tc.name, tc.ext); ok != tc.ok {
			t.Errorf("NameScore(%q, %q, %q): ok %v, want %v", tc.query, tc.name, tc.ext, ok, tc.ok)
		}
	}
	// The same scale as Search: Clara's card and Clara's phone score alike.
	n, err := NewNormalizer("DE", 6)
	if err != nil {
		t.Fatal(err)
	}
	d := NewDirectory(n)
	path := t.TempDir() + "/c.vcf"
	writeFile(t, path, "BEGIN:VCARD\nVERSION:3.0\nFN:Clara Weiss\nN:Weiss;Clara;;;\nTEL;TYPE=work:203\nEND:VCARD\n")
	d.Load(path)
	for _, q := range []string{"clara", "cla", "weiss", "203", "20"} {
		m := d.Search(q, 1)
		sc, _ := NameScore(q, "Clara Weiss", "203")
		if len(m) != 1 || m[0].Score != sc {
			t.Errorf("%q: Search scores %v, NameScore %d", q, m, sc)
		}
	}
}
