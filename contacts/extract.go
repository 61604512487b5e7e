package contacts

import (
	"regexp"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/nyaruka/phonenumbers"

	"github.com/deskline/deskline/internal/cut"
)

// Found is a phone number found in free text. Start and End are byte
// offsets: text[Start:End] == Raw.
type Found struct {
	Raw        string
	Start, End int
	Number     Number
}

// Bounds of Extract: the clipboard can hold a whole document.
const (
	maxExtractText  = 1 << 20 // bytes of text looked at
	maxExtractFound = 1000    // numbers returned
	maxGroups       = 8       // digit groups tried as one number
)

var (
	// uriPattern finds tel:, callto:, sip: and sips: URIs. Only lower
	// case: links are written so, while "Tel:" and "TEL:" in text are
	// labels before a written number ("Tel:030 1234567").
	uriPattern = regexp.MustCompile(`\b(?:tel|callto|sips?):[^\s<>"'\x60\[\]{}|\\^]+`)
	// candidatePattern is a run of digits joined by visual separators
	// (at most two between two digits, with a space either side),
	// optionally followed by an extension.
	candidatePattern = regexp.MustCompile(
		`\+?\(?\+?\d(?:[ \t\x{00A0}\x{202F}]?[-./()\[\]\x{2010}-\x{2015}]{0,2}[ \t\x{00A0}\x{202F}]?\d)*` +
			`(?i:(?:[ \t]*;ext=|[ \t]*,?[ \t]*(?:ext(?:ension)?\.?|x|#|durchwahl|dw\.?|app\.?)[ \t]*)\d{1,6}\b)?`)
	// ibanPattern finds IBANs, whose digit groups look like phone numbers.
	ibanPattern = regexp.MustCompile(`\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?`)
	// datePattern is a digit group that is a date: 2024-05-12, 12.05.2024, 5/12/24.
	datePattern = regexp.MustCompile(`^(?:\d{4}[-./]\d{1,2}[-./]\d{1,2}|\d{1,2}[-./]\d{1,2}[-./](?:\d{4}|\d{2}))$`)
)

// Extract finds the phone numbers in free text — a mail signature, the
// clipboard — in order of appearance. It recognises tel:, callto: and sip:
// URIs, and written numbers such as "+49 (30) 123-45 67 ext. 89" or
// "030 1234567". It ignores dates, times, IBANs, postcodes and other digit
// runs: a written number must be a valid number for its country, and a
// national number must carry its trunk prefix where the country writes one
// ("030 …" in Germany). Internal extensions and vanity numbers are not
// taken from free text; there they are too easily something else.
func (n *Normalizer) Extract(text string) []Found {
	text = cut.Prefix(text, maxExtractText)
	var found []Found
	masked := []byte(text)
	for _, loc := range uriPattern.FindAllStringIndex(text, -1) {
		start, end := loc[0], loc[0]+len(trimURITail(text[loc[0]:loc[1]]))
		blank(masked, start, loc[1])
		if num, err := n.ParseURI(text[start:end]); err == nil {
			found = append(found, Found{Raw: text[start:end], Start: start, End: end, Number: num})
		}
	}
	for _, loc := range ibanPattern.FindAllIndex(masked, -1) {
		blank(masked, loc[0], loc[1])
	}
	for _, loc := range candidatePattern.FindAllIndex(masked, -1) {
		if !standsAlone(text, loc[0], loc[1]) {
			continue
		}
		found = append(found, n.fromCandidate(text, loc[0], loc[1])...)
		if len(found) >= maxExtractFound {
			break
		}
	}
	sort.SliceStable(found, func(i, j int) bool { return found[i].Start < found[j].Start })
	if len(found) > maxExtractFound {
		found = found[:maxExtractFound]
	}
	return found
}

// fromCandidate finds the numbers in one candidate run. Usually the whole
// run is one number; when it is not ("030 1234567 - 030 7654321", a date
// before the number), its digit groups are tried left to right, longest
// span first, and no span may hold a date.
func (n *Normalizer) fromCandidate(text string, start, end int) []Found {
	groups := digitGroups(text, start, end)
	var found []Found
	for i := 0; i < len(groups); i++ {
		for j := min(len(groups)-1, i+maxGroups-1); j >= i; j-- {
			if crossesBreak(groups[i : j+1]) {
				continue
			}
			if f, ok := n.accept(text, groups[i].start, groups[j].end); ok {
				f, j = n.preferSplit(text, groups, i, j, f)
				found = append(found, f)
				i = j
				break
			}
		}
	}
	return found
}

// preferSplit looks for a shorter number in groups i..j that leaves the
// next group to start a number of its own ("030 1234567 030 7654321":
// "030 1234567 030" is a valid German number too). It only splits before a
// group that starts as numbers do, with "+" or "0".
func (n *Normalizer) preferSplit(text string, groups []span, i, j int, f Found) (Found, int) {
	for k := j - 1; k >= i; k-- {
		next := text[groups[k+1].start]
		if next != '+' && next != '0' {
			continue
		}
		shorter, ok := n.accept(text, groups[i].start, groups[k].end)
		if !ok {
			continue
		}
		for m := min(len(groups)-1, k+maxGroups); m > k; m-- {
			if !crossesBreak(groups[k+1 : m+1]) {
				if _, ok := n.accept(text, groups[k+1].start, groups[m].end); ok {
					return shorter, k
				}
			}
		}
	}
	return f, j
}

// span is a group of a candidate: its bytes, and whether it is a break
// (a date, or separators without digits).
type span struct {
	start, end int
	brk        bool
}

// digitGroups splits a candidate at spaces and tabs.
func digitGroups(text string, start, end int) []span {
	var groups []span
	for i := start; i < end; {
		for i < end && isSpaceByte(text[i]) {
			i++
		}
		j := i
		for j < end && !isSpaceByte(text[j]) {
			j++
		}
		if j > i {
			g := text[i:j]
			brk := datePattern.MatchString(g) || !strings.ContainsAny(g, "0123456789") && !isExtMarker(g)
			groups = append(groups, span{i, j, brk})
		}
		i = j
	}
	return groups
}

// crossesBreak reports a span holding a date or a lone separator
// ("030 1234567 - 030 7654321"): neither is inside a phone number.
func crossesBreak(groups []span) bool {
	for _, g := range groups {
		if g.brk {
			return true
		}
	}
	return false
}

// accept reports text[start:end] as a phone number if it is a valid,
// complete number written the way numbers are written.
func (n *Normalizer) accept(text string, start, end int) (Found, bool) {
	raw := strings.TrimRight(text[start:end], " \t-./([")
	raw = balanceParens(raw)
	end = start + len(raw)
	if raw == "" || !strings.ContainsAny(raw[len(raw)-1:], "0123456789") {
		return Found{}, false
	}
	sc := scanNumber(raw)
	if len(sc.digits) < 6 {
		return Found{}, false
	}
	num, pn, err := n.normalize(raw)
	if err != nil || num.Internal || pn == nil || !phonenumbers.IsValidNumber(pn) {
		return Found{}, false
	}
	if !sc.plus && !strings.HasPrefix(sc.digits, "00") && !n.nationalPrefixAsWritten(raw) {
		return Found{}, false
	}
	return Found{Raw: raw, Start: start, End: end, Number: num}, true
}

// nationalPrefixAsWritten reports a national number that carries its
// trunk prefix where the home country writes one ("030 …", not "30 …"):
// without it, a run of digits is more likely an order or account number.
func (n *Normalizer) nationalPrefixAsWritten(raw string) bool {
	pn, err := phonenumbers.ParseAndKeepRawInput(raw, n.region)
	return err == nil && phonenumbers.IsNationalPrefixPresentIfRequired(pn)
}

// standsAlone reports a candidate that is not glued to letters or digits:
// "DE89 3704…", "ID12345678" and "12345678abc" are not phone numbers.
func standsAlone(text string, start, end int) bool {
	if start > 0 {
		r, _ := utf8.DecodeLastRuneInString(text[:start])
		if isWordRune(r) || r == '@' || r == '+' {
			return false
		}
	}
	if end < len(text) {
		r, _ := utf8.DecodeRuneInString(text[end:])
		if isWordRune(r) || r == '@' || r == '%' || r == '€' || r == '$' {
			return false
		}
	}
	return true
}

// isExtMarker reports a group that is an extension marker ("ext.", "x").
func isExtMarker(g string) bool {
	g = strings.TrimLeft(g, ",;")
	for _, m := range extMarkers {
		if strings.EqualFold(g, m) {
			return true
		}
	}
	return false
}

func isWordRune(r rune) bool { return r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r) }

func isSpaceByte(c byte) bool { return c == ' ' || c == '\t' }

// balanceParens drops a trailing ")" that closes nothing, and a leading "("
// that is never closed, so that Raw is what a person would select.
func balanceParens(s string) string {
	if strings.HasSuffix(s, ")") && strings.Count(s, "(") < strings.Count(s, ")") {
		s = strings.TrimRight(s[:len(s)-1], " \t-./")
	}
	return s
}

// trimURITail drops punctuation that ends the sentence, not the URI.
func trimURITail(s string) string {
	return strings.TrimRight(s, ".,;:!?)]}'\"")
}

func blank(b []byte, start, end int) {
	for i := start; i < end; i++ {
		b[i] = ' '
	}
}
