package contacts

import "testing"

// TestLooksLikeNumber pins what reads as a number for search and for the
// dial field alike: digits with the separators people write, no letters.
func TestLooksLikeNumber(t *testing.T) {
	tests := []struct {
		text string
		want bool
	}{
		{"203", true},
		{"+49 30 1234567", true},
		{"(030) 123-45 67", true},
		{"030/1234.567", true},
		{"[030] ~123", true},
		{"030\u00a0123", true}, // no-break space
		{"030\u2013123", true}, // en dash
		{"0\t30", true},        // tab
		{"+", false},           // no digit
		{" - ", false},         // no digit
		{"", false},
		{"Bob 203", false},        // a letter
		{"0800-FLOWERS", false},   // letters, even in a vanity number
		{"203 ext. 5", false},     // words
		{"٠٣٠", false},            // Arabic-Indic digits: only ASCII digits
		{"030#1", false},          // keypad signs are not separators
		{"+49 (30) 12:00", false}, // a colon
	}
	for _, tt := range tests {
		if got := LooksLikeNumber(tt.text); got != tt.want {
			t.Errorf("LooksLikeNumber(%q) = %v, want %v", tt.text, got, tt.want)
		}
	}
}
