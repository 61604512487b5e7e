// Package cut shortens text without splitting a character. It is the one
// place that does so for the whole module: protocol limits (the server),
// text quoted in errors (ctiproto, contacts, the AMI connector) and text
// people read (the views).
//
// It lives under internal/ and imports only the standard library, so
// every package may use it without an arrow running the wrong way:
// ctiproto, contacts and pbx/ami import nothing else of Deskline's, and
// pbx/ami may not import ctiproto.
package cut

import (
	"strings"
	"unicode/utf8"
)

// Mark ends a text that was cut.
const Mark = "…"

// Prefix is the longest start of s that is at most n bytes long and does
// not end inside a UTF-8 sequence: s itself when it fits. It adds no
// mark, for a field whose size is a limit (a protocol's maximum length).
func Prefix(s string, n int) string {
	if len(s) <= n {
		return s
	}
	n = max(n, 0)
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// Bytes quotes at most n bytes of s, for an error message or a warning
// that echoes bad input: Prefix(s, n), followed by Mark when something
// was cut (the mark is not counted in n).
func Bytes(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return Prefix(s, n) + Mark
}

// Runes cuts s to at most n runes for people to read, Mark included; the
// space before the mark goes ("one two three", 5 → "one…").
func Runes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	if n < 1 {
		return Mark
	}
	end, i := 0, 0
	for end = range s {
		if i == n-1 {
			break
		}
		i++
	}
	return strings.TrimSpace(s[:end]) + Mark
}
