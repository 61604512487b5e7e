package ctiproto

import (
	"strings"
	"unicode"
)

// CleanText removes what must never reach a person from a name or number
// that came from outside (a caller chooses their own display name, an
// exchange passes it on): C0 and C1 control characters (CR/LF would split
// a line, BEL and ESC drive terminals and logs) and the bidirectional
// marks, embeddings, overrides and isolates that make "Bank \u202eevil\u202c"
// read as something else. Servers apply it to every party the exchange
// reports and clients again before display, since a client cannot know
// which server it talks to.
func CleanText(s string) string {
	if strings.IndexFunc(s, dropped) < 0 {
		return s
	}
	return strings.Map(func(r rune) rune {
		if dropped(r) {
			return -1
		}
		return r
	}, s)
}

// dropped reports whether CleanText removes r.
func dropped(r rune) bool {
	switch {
	case unicode.IsControl(r): // C0, DEL and C1
		return true
	case r == '\u200e' || r == '\u200f': // left-to-right and right-to-left mark
		return true
	case r >= '\u202a' && r <= '\u202e': // embeddings, pop, overrides
		return true
	case r >= '\u2066' && r <= '\u2069': // isolates
		return true
	}
	return false
}
