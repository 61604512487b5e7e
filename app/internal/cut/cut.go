// Package cut shortens text for messages and bounded inputs without
// splitting a UTF-8 sequence.
package cut

import "unicode/utf8"

// Shorten cuts s to at most max bytes at a rune boundary, marking the cut.
func Shorten(s string, max int) string {
	if len(s) <= max {
		return s
	}
	const mark = "…"
	return Runes(s, max-len(mark)) + mark
}

// Runes returns at most n bytes of s, never cutting a character.
func Runes(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}
