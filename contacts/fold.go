package contacts

import (
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Search folds names and queries the same way: lower case, accents
// removed, and letters that do not decompose spelled out (ß → ss, ø → o),
// so "müll", "mull" and "MULL" all find "Müller".

// foldSpecial spells out letters that carry no combining mark to remove.
var foldSpecial = map[rune]string{
	'ß': "ss", 'ẞ': "ss", 'æ': "ae", 'Æ': "ae", 'œ': "oe", 'Œ': "oe",
	'ø': "o", 'Ø': "o", 'ł': "l", 'Ł': "l", 'đ': "d", 'Đ': "d",
	'ð': "d", 'Ð': "d", 'þ': "th", 'Þ': "th", 'ı': "i", 'ĸ': "k",
}

// germanAlt spells umlauts the German way, as people type them without a
// German keyboard: "Mueller" finds "Müller" too.
var germanAlt = map[rune]string{'ä': "ae", 'ö': "oe", 'ü': "ue", 'Ä': "ae", 'Ö': "oe", 'Ü': "ue"}

// fold returns s folded for search.
func fold(s string) string {
	if isLowerASCII(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	foldInto(&b, s, nil)
	return b.String()
}

// foldAlt returns s folded with German umlauts spelled out, and whether
// that differs from fold(s).
func foldAlt(s string) (string, bool) {
	if !strings.ContainsAny(s, "äöüÄÖÜ") {
		return "", false
	}
	var b strings.Builder
	foldInto(&b, s, germanAlt)
	return b.String(), true
}

func foldInto(b *strings.Builder, s string, alt map[rune]string) {
	for _, r := range s {
		if r < utf8.RuneSelf {
			b.WriteByte(byte(unicode.ToLower(r)))
			continue
		}
		if sp, ok := alt[r]; ok {
			b.WriteString(sp)
			continue
		}
		if sp, ok := foldSpecial[r]; ok {
			b.WriteString(sp)
			continue
		}
		if r < foldTableLen {
			b.WriteString(foldTable()[r])
			continue
		}
		b.WriteString(foldRune(r))
	}
}

// foldTableLen covers Latin-1 and Latin Extended-A and B, the accented
// letters of European names: folded once, not once per letter (the NFD of
// each allocates, and a load folds every name).
const foldTableLen = 0x250

var foldTable = sync.OnceValue(func() *[foldTableLen]string {
	var t [foldTableLen]string
	for r := rune(utf8.RuneSelf); r < foldTableLen; r++ {
		t[r] = foldRune(r)
	}
	return &t
})

// foldRune folds one non-ASCII rune without special spelling: its
// decomposition without combining marks, lower case.
func foldRune(r rune) string {
	var buf [utf8.UTFMax]byte
	n := utf8.EncodeRune(buf[:], r)
	var b strings.Builder
	for _, d := range norm.NFD.String(string(buf[:n])) {
		if !unicode.Is(unicode.Mn, d) {
			b.WriteRune(unicode.ToLower(d))
		}
	}
	return b.String()
}

func isLowerASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= utf8.RuneSelf || (c >= 'A' && c <= 'Z') {
			return false
		}
	}
	return true
}

// words splits s into words: runs of letters and digits. Apostrophes
// inside a word are dropped ("O'Brien" is one word, "obrien").
func words(s string) []string {
	var out []string
	start := -1
	apostrophe := false
	flush := func(end int) {
		if start >= 0 {
			w := s[start:end]
			if apostrophe {
				w = strings.NewReplacer("'", "", "’", "").Replace(w)
			}
			out = append(out, w)
		}
		start, apostrophe = -1, false
	}
	for i, r := range s {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r):
			if start < 0 {
				start = i
			}
		case (r == '\'' || r == '’') && start >= 0:
			apostrophe = true
		default:
			flush(i)
		}
	}
	flush(len(s))
	return out
}
