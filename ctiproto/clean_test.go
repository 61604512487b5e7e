package ctiproto

import "testing"

func TestCleanTextDropsControlsAndBidi(t *testing.T) {
	for in, want := range map[string]string{
		"Bank \u202eevil\u202c Support":      "Bank evil Support",
		"Max\r\nMustermann\a\x1b[31m":        "MaxMustermann[31m",
		"\u2066+49\u200e 30\u200f 123\u2069": "+49 30 123",
		"C1\u0085\u009bX\u007f":              "C1X",
		"Zoë Ça \u05d0 plain":                "Zoë Ça \u05d0 plain",
	} {
		if got := CleanText(in); got != want {
			t.Errorf("CleanText(%q) = %q, want %q", in, got, want)
		}
	}
}
