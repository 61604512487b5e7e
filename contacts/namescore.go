package contacts

import "strings"

// Lists the user searches with the same typing as the address book
// (colleagues' lines in the dial window) are matched here, with Search's
// folding and scores, so their rows rank among the address book's.

// SearchWords splits s into words folded as Directory.Search folds names
// and queries ("Jürgen O'Brien" → "jurgen", "obrien"). With alt, a word
// with umlauts is also listed as Germans type it without them
// ("juergen"), as Search does for names.
func SearchWords(s string, alt bool) []string {
	var out []string
	for _, w := range words(s) {
		out = append(out, fold(w))
		if a, ok := foldAlt(w); ok && alt {
			out = append(out, a)
		}
	}
	return out
}

// NameScore scores a named extension (a colleague's phone: name "Clara
// Weiss", ext "203") against typed text as Search scores a contact's
// name and number: every typed word must start a word of the name and
// typed digits must start the extension; ok is false otherwise. The
// score is on Search's scale (Match.Score): "clara" scores Clara's phone
// as it would score a card named Clara Weiss.
func NameScore(query, name, ext string) (score int, ok bool) {
	query = strings.TrimSpace(query)
	if query == "" {
		return 0, false
	}
	if LooksLikeNumber(query) {
		return extScore(scanNumber(query).digits, ext)
	}
	nameWords := SearchWords(name, true)
	var typed []string
	for _, qw := range SearchWords(query, false) {
		var sc int
		if allDigits(qw) {
			sc, ok = extScore(qw, ext)
		} else {
			sc, ok = wordScore(qw, nameWords)
			typed = append(typed, qw)
		}
		if !ok {
			return 0, false
		}
		score += sc
	}
	if len(typed) > 0 && strings.HasPrefix(strings.Join(SearchWords(name, false), " "), strings.Join(typed, " ")) {
		score += scoreNamePrefix
	}
	return score, true
}

// extScore: digits that start the extension, more when they are all of it.
func extScore(digits, ext string) (int, bool) {
	switch {
	case digits == "" || !strings.HasPrefix(ext, digits):
		return 0, false
	case digits == ext:
		return scoreKeyPrefix + scoreKeyExact, true
	}
	return scoreKeyPrefix, true
}

// wordScore is contactScore's for one typed word among a name's words
// (every one a name word, the first one the first).
func wordScore(qw string, name []string) (best int, ok bool) {
	for i, w := range name {
		if !strings.HasPrefix(w, qw) {
			continue
		}
		sc := scoreWordPrefix + scoreWordCoverage*len(qw)/len(w)
		if len(w) == len(qw) {
			sc = scoreWordExact
		}
		sc += scoreNameWord
		if i == 0 {
			sc += scoreFirstWord
		}
		best = max(best, sc)
	}
	return best, best > 0
}
