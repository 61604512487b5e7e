package cut

import "testing"

func TestShortenAndRunes(t *testing.T) {
	for _, c := range []struct {
		in        string
		n         int
		runes, sh string
	}{
		{"short", 10, "short", "short"},
		{"abcdefghij", 7, "abcdefg", "abcd…"}, // "…" is 3 bytes
		{"ääää", 5, "ää", "ä…"},               // never half an "ä"
		{"", 0, "", ""},
	} {
		if got := Runes(c.in, c.n); got != c.runes {
			t.Errorf("Runes(%q, %d) = %q, want %q", c.in, c.n, got, c.runes)
		}
		if got := Shorten(c.in, c.n); got != c.sh {
			t.Errorf("Shorten(%q, %d) = %q, want %q", c.in, c.n, got, c.sh)
		}
	}
}
