package cut

import (
	"testing"
	"unicode/utf8"
)

func TestPrefix(t *testing.T) {
	tests := []struct {
		s    string
		n    int
		want string
	}{
		{"", 0, ""},
		{"abc", 3, "abc"},
		{"abc", 5, "abc"},
		{"abcd", 3, "abc"},
		{"abc", 0, ""},
		{"abc", -1, ""},
		{"aü", 2, "a"},   // ü is 2 bytes: not split
		{"aü", 3, "aü"},  // exactly fits
		{"a€b", 3, "a"},  // € is 3 bytes: cut after its first byte
		{"a€b", 2, "a"},  // … or its second
		{"a€b", 4, "a€"}, // … or after it
		{"😀x", 3, ""},    // a 4-byte rune at the start
		{"😀x", 4, "😀"},
		{"a\xffb", 2, "a\xff"}, // an invalid byte counts as one character
		{"a\x80\x80b", 2, ""},  // stray continuation bytes: back past them all
	}
	for _, tt := range tests {
		got := Prefix(tt.s, tt.n)
		if got != tt.want {
			t.Errorf("Prefix(%q, %d) = %q, want %q", tt.s, tt.n, got, tt.want)
		}
		if len(got) > max(tt.n, 0) && got != tt.s {
			t.Errorf("Prefix(%q, %d) is %d bytes", tt.s, tt.n, len(got))
		}
	}
}

func TestBytes(t *testing.T) {
	tests := []struct {
		s    string
		n    int
		want string
	}{
		{"", 0, ""},
		{"abc", 3, "abc"},
		{"abcd", 3, "abc…"},
		{"abc", 0, "…"},
		{"Grüße", 3, "Gr…"}, // ü's two bytes at 2..3: not split
		{"Grüße", 4, "Grü…"},
		{"a€b", 2, "a…"},
		{"😀😀", 5, "😀…"},
		{"😀😀", 7, "😀…"},
		{"😀😀", 8, "😀😀"},
	}
	for _, tt := range tests {
		got := Bytes(tt.s, tt.n)
		if got != tt.want {
			t.Errorf("Bytes(%q, %d) = %q, want %q", tt.s, tt.n, got, tt.want)
		}
		if !utf8.ValidString(got) {
			t.Errorf("Bytes(%q, %d) = %q: not valid UTF-8", tt.s, tt.n, got)
		}
	}
}

func TestRunes(t *testing.T) {
	tests := []struct {
		s    string
		n    int
		want string
	}{
		{"", 0, ""},
		{"short", 10, "short"},
		{"short", 5, "short"},
		{"shorter", 5, "shor…"},
		{"Grüße aus Köln", 6, "Grüße…"},
		{"Grüße aus Köln", 3, "Gr…"},
		{"one two three", 5, "one…"}, // no space before the dots
		{"😀😀😀", 2, "😀…"},
		{"😀😀😀", 3, "😀😀😀"},
		{"abc", 1, "…"},
		{"abc", 0, "…"},
		{"abc", -1, "…"},
	}
	for _, tt := range tests {
		got := Runes(tt.s, tt.n)
		if got != tt.want {
			t.Errorf("Runes(%q, %d) = %q, want %q", tt.s, tt.n, got, tt.want)
		}
		if n := utf8.RuneCountInString(got); n > max(tt.n, 1) {
			t.Errorf("Runes(%q, %d) = %q: %d runes", tt.s, tt.n, got, n)
		}
	}
}

func FuzzCut(f *testing.F) {
	f.Add("Grüße aus Köln", 6)
	f.Add("a€b😀", 3)
	f.Fuzz(func(t *testing.T, s string, n int) {
		p := Prefix(s, n)
		if len(p) > max(n, 0) && p != s {
			t.Fatalf("Prefix(%q, %d) = %q is too long", s, n, p)
		}
		if utf8.ValidString(s) && !utf8.ValidString(p) {
			t.Fatalf("Prefix(%q, %d) = %q split a character", s, n, p)
		}
		if r := Runes(s, n); utf8.ValidString(s) && !utf8.ValidString(r) {
			t.Fatalf("Runes(%q, %d) = %q split a character", s, n, r)
		}
	})
}
