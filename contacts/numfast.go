package contacts

import (
	"regexp"
	"regexp/syntax"
	"strconv"
	"strings"
	"sync"

	"github.com/nyaruka/phonenumbers"
)

// The fast path. phonenumbers.Parse costs some 10 µs, mostly in regular
// expressions for extensions and prefixes that plain numbers ("+49 30
// 1234567", "030 1234567") do not have; loading 100,000 contacts parses
// 200,000 numbers. For countries whose national prefix rules are simple,
// fast builds the same PhoneNumber directly and leaves everything else to
// Parse. TestFastPathMatchesParse holds the two paths to the same answers.

// ccInfo is what the fast path needs to know about a country calling code.
// Parse reads a "+" number with the metadata of the code's main region, so
// that region decides.
type ccInfo struct {
	simple  bool                  // national prefix rules are "strip npp" or nothing
	npp     string                // the national prefix as Parse strips it, "0" in DE
	ndd     string                // the national prefix as dialled
	general func() *regexp.Regexp // any national number of the region, anchored
	// formats are the region's international formats, compiled; nil
	// when one does not compile and phonenumbers.Format must do it
	formats func() []intlFormat
	// possible is IsPossibleNumberWithReason by national number length,
	// for the country calling code (whose main region decides)
	possible [maxFastNSN + 1]phonenumbers.ValidationResult
}

// homeInfo is what the fast path needs to know about the home region.
type homeInfo struct {
	cc   int
	npp  string         // national prefix for parsing
	fast bool           // national numbers may take the fast path
	idd  *regexp.Regexp // the international prefix, anchored
	ccInfo
}

var callingCodes = sync.OnceValue(func() map[int]ccInfo {
	infos := map[int]ccInfo{}
	coll, err := phonenumbers.MetadataCollection()
	if err != nil {
		return infos // no fast path; Parse will say what is wrong
	}
	for cc := range phonenumbers.GetSupportedCallingCodes() {
		infos[cc] = ccInfo{}
	}
	for _, m := range coll.GetMetadata() {
		cc := int(m.GetCountryCode())
		if main := phonenumbers.GetRegionCodeForCountryCode(cc); m.GetId() == main || m.GetId() == "001" {
			info := infoFor(m)
			info.possible = possibleByLength(cc)
			infos[cc] = info
		}
	}
	return infos
})

func infoFor(m *phonenumbers.PhoneMetadata) ccInfo {
	pattern := m.GetGeneralDesc().GetNationalNumberPattern()
	general := sync.OnceValue(func() *regexp.Regexp {
		re, err := regexp.Compile("^(?:" + pattern + ")$")
		if err != nil {
			return nil
		}
		return re
	})
	npp := m.GetNationalPrefixForParsing()
	return ccInfo{simple: m.GetNationalPrefixTransformRule() == "" && allDigits(npp) && pattern != "",
		npp: npp, ndd: m.GetNationalPrefix(), general: general, formats: sync.OnceValue(func() []intlFormat { return intlFormats(m) })}
}

func homeInfoFor(region string) homeInfo {
	h := homeInfo{cc: phonenumbers.GetCountryCodeForRegion(region)}
	coll, err := phonenumbers.MetadataCollection()
	if err != nil {
		return h
	}
	for _, m := range coll.GetMetadata() {
		if m.GetId() != region {
			continue
		}
		h.ccInfo = infoFor(m)
		h.possible = possibleByLength(h.cc)
		h.npp = h.ccInfo.npp
		idd, err := regexp.Compile("^(?:" + m.GetInternationalPrefix() + ")")
		h.idd = idd
		h.fast = h.simple && h.npp != "" && err == nil && m.GetInternationalPrefix() != ""
	}
	return h
}

// fast handles plain digit strings: internal extensions, "+" and "00"
// numbers of simple countries, and national numbers of a simple home
// region. ok is false when the slow path must decide.
func (n *Normalizer) fast(sc scanned) (Number, *phonenumbers.PhoneNumber, bool) {
	cc, nn, ok := n.fastSplit(sc.digits, sc.plus)
	switch {
	case !ok:
		return Number{}, nil, false
	case cc == 0:
		return internalNumber(nn, ""), nil, true
	}
	national, err := strconv.ParseUint(nn, 10, 64)
	if err != nil {
		return Number{}, nil, false
	}
	cc32 := int32(cc)
	pn := &phonenumbers.PhoneNumber{CountryCode: &cc32, NationalNumber: &national}
	if display, ok := callingCodes()[cc].display(cc, nn); ok {
		return Number{Key: "+" + strconv.Itoa(cc) + nn, Display: display}, pn, true
	}
	return externalNumber("+"+strconv.Itoa(cc)+nn, pn, ""), pn, true
}

// fastSplit is the fast path's decision for the digits of a plain number
// (plus: written with "+"): an internal extension (cc 0, nn the digits),
// or the calling code and national significant number of an external one.
// It allocates nothing, so that Lookup can use it on every call.
func (n *Normalizer) fastSplit(d string, plus bool) (cc int, nn string, ok bool) {
	switch {
	case plus:
		return fastInternational(d)
	case len(d) < minInternalDigits:
		return 0, "", false
	case len(d) <= n.maxInternal && d[0] != '0':
		return 0, d, true
	case strings.HasPrefix(d, "00"):
		return fastInternational(d[2:])
	case n.home.fast && strings.HasPrefix(d, n.home.npp) && !n.home.idd.MatchString(d):
		return fastStripped(n.home.cc, n.home.ccInfo, d[len(n.home.npp):])
	}
	return 0, "", false
}

// fastInternational reads country code and national number from the digits
// after "+", as Parse does: the first 1-3 digit prefix that is a calling
// code wins, and a national prefix after it ("+49 (0)30") is stripped.
func fastInternational(d string) (int, string, bool) {
	if d == "" || d[0] == '0' {
		return 0, "", false // no calling code starts with 0
	}
	codes := callingCodes()
	for l := 1; l <= 3 && l < len(d); l++ {
		cc := atoiDigits(d[:l])
		info, ok := codes[cc]
		if !ok {
			continue
		}
		if !info.simple {
			return 0, "", false
		}
		nn := d[l:]
		if info.npp != "" && strings.HasPrefix(nn, info.npp) {
			return fastStripped(cc, info, nn[len(info.npp):])
		}
		if nn[0] == '0' {
			return 0, "", false // Italian leading zeros and the like
		}
		return fastPossible(cc, info, nn, false)
	}
	return 0, "", false
}

// fastStripped takes a number whose national prefix was stripped. Parse
// strips it only when what remains still looks like a number of the region
// and has a possible length; so does this, and leaves the rest to Parse.
func fastStripped(cc int, info ccInfo, nn string) (int, string, bool) {
	general := info.general()
	if nn == "" || nn[0] == '0' || general == nil || !general.MatchString(nn) {
		return 0, "", false
	}
	return fastPossible(cc, info, nn, true)
}

// fastPossible accepts nn when phonenumbers.IsPossibleNumberWithReason
// would, from the table of its answers by length; strict refuses numbers
// possible only locally, which Parse does not strip a prefix for.
func fastPossible(cc int, info ccInfo, nn string, strict bool) (int, string, bool) {
	if len(nn) < 2 || len(nn) > maxFastNSN {
		return 0, "", false
	}
	switch info.possible[len(nn)] {
	case phonenumbers.IS_POSSIBLE:
	case phonenumbers.IS_POSSIBLE_LOCAL_ONLY:
		if strict {
			return 0, "", false
		}
	default:
		return 0, "", false
	}
	return cc, nn, true
}

// maxFastNSN is the longest national number the fast path takes: 17
// digits, the most phonenumbers accepts, and well within a uint64.
const maxFastNSN = 17

// possibleByLength asks phonenumbers whether a national number of each
// length is possible for cc. Its answer depends on the length alone (no
// leading zeros here: the fast path refuses them), so one question per
// length replaces one per number, which allocated.
func possibleByLength(cc int) (t [maxFastNSN + 1]phonenumbers.ValidationResult) {
	cc32 := int32(cc)
	national := uint64(1)
	for l := 1; l <= maxFastNSN; l++ {
		nat := national
		t[l] = phonenumbers.IsPossibleNumberWithReason(&phonenumbers.PhoneNumber{CountryCode: &cc32, NationalNumber: &nat})
		national *= 10
	}
	t[0] = phonenumbers.TOO_SHORT
	return t
}

// atoiDigits reads 1-3 ASCII digits without strconv's error value.
func atoiDigits(s string) int {
	v := 0
	for i := 0; i < len(s); i++ {
		v = v*10 + int(s[i]-'0')
	}
	return v
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// keyBufLen holds any key plainKey builds: "+", a 3-digit calling code and
// maxFastNSN digits.
const keyBufLen = 1 + 3 + maxFastNSN

// plainKey is the key Normalize gives raw, for the two forms a reverse
// lookup mostly sees: the exchange's E.164 ("+49301234567") and digits as
// dialled ("0301234567", "201"), with nothing else around them. It builds
// the key in buf and allocates nothing; ok is false for every other form,
// and when the fast path would not decide, so that Normalize does.
// TestPlainKeyMatchesNormalize holds the two to the same keys.
func (n *Normalizer) plainKey(raw string, buf []byte) (key []byte, ok bool) {
	s := strings.TrimSpace(raw)
	plus := strings.HasPrefix(s, "+")
	d := strings.TrimPrefix(s, "+")
	// Up to maxExtDigits digits and no marker are no extension for
	// splitExtension, and a longer run is never one either.
	if d == "" || len(d) > maxScanDigits || !allDigits(d) {
		return nil, false
	}
	cc, nn, ok := n.fastSplit(d, plus)
	if !ok {
		return nil, false
	}
	if cc != 0 {
		buf = append(buf, '+')
		buf = strconv.AppendInt(buf, int64(cc), 10)
	}
	return append(buf, nn...), true
}

// intlFormat is one of a region's formats for international display, as
// phonenumbers.Format chooses and applies it. Format does this too, but
// builds the anchored pattern's text and looks its regular expressions up
// in a locked cache for every format it tries, for every number: a fifth
// of a load's time. TestDisplayMatchesFormat holds the two together.
type intlFormat struct {
	first   uint16         // bit d: a number starting with digit d may match leading
	leading *regexp.Regexp // the last leading-digits pattern, anchored at the start; nil for none
	whole   *regexp.Regexp // the pattern, anchored at both ends
	pattern *regexp.Regexp // the pattern as Format replaces with it
	rule    string         // the replacement ("$1 $2")
}

// intlFormats compiles m's formats for international display: its
// international formats if it has any, else its national ones, as Format
// uses them. nil means a pattern does not compile here.
func intlFormats(m *phonenumbers.PhoneMetadata) []intlFormat {
	formats := m.GetIntlNumberFormat()
	if len(formats) == 0 {
		formats = m.GetNumberFormat()
	}
	out := make([]intlFormat, 0, len(formats))
	for _, f := range formats {
		var (
			x   = intlFormat{rule: f.GetFormat(), first: anyDigit}
			err error
			e1  error
			e2  error
		)
		if lead := f.GetLeadingDigitsPattern(); len(lead) > 0 {
			x.leading, err = regexp.Compile("^(?:" + lead[len(lead)-1] + ")")
			x.first = firstDigitsOf(lead[len(lead)-1])
		}
		x.whole, e1 = regexp.Compile("^(?:" + f.GetPattern() + ")$")
		x.pattern, e2 = regexp.Compile(f.GetPattern())
		if err != nil || e1 != nil || e2 != nil {
			return nil
		}
		out = append(out, x)
	}
	return out
}

// display is phonenumbers.Format(INTERNATIONAL) of the number cc nn
// without extension; ok is false when Format must do it.
func (info ccInfo) display(cc int, nn string) (string, bool) {
	if info.formats == nil {
		return "", false
	}
	formats := info.formats()
	if formats == nil {
		return "", false
	}
	buf := make([]byte, 0, len("+999 ")+2*len(nn))
	buf = append(strconv.AppendInt(append(buf, '+'), int64(cc), 10), ' ')
	for _, f := range formats {
		if f.first&(1<<(nn[0]-'0')) == 0 || f.leading != nil && !f.leading.MatchString(nn) {
			continue // most formats are for other leading digits: no regexp run
		}
		// Format replaces every match of the unanchored pattern. When its
		// first match is the whole number, that is the anchored match too
		// (the first path that matches also ends at the end), and one
		// expansion of it is the replacement: one regular expression run
		// instead of two.
		if m := f.pattern.FindStringSubmatchIndex(nn); len(m) >= 2 && m[0] == 0 && m[1] == len(nn) {
			return string(f.pattern.ExpandString(buf, f.rule, nn, m)), true
		}
		if f.whole.MatchString(nn) {
			return string(append(buf, f.pattern.ReplaceAllString(nn, f.rule)...)), true
		}
	}
	return string(append(buf, nn...)), true // no format fits: Format shows the digits
}

// anyDigit is the first-digit set that rules nothing out.
const anyDigit = 1<<10 - 1

// firstDigitsOf returns the digits a match of pattern can start with, as
// bits; anyDigit when the pattern may match empty or has a construct this
// does not read. It only lets display skip formats that cannot match.
func firstDigitsOf(pattern string) uint16 {
	re, err := syntax.Parse(pattern, syntax.Perl)
	if err != nil {
		return anyDigit
	}
	set, empty := firstDigits(re)
	if empty {
		return anyDigit
	}
	return set
}

// firstDigits returns the digits re's matches can start with and whether
// it can match the empty string.
func firstDigits(re *syntax.Regexp) (set uint16, empty bool) {
	switch re.Op {
	case syntax.OpLiteral:
		if len(re.Rune) == 0 {
			return 0, true
		}
		return digitBits(re.Rune[0], re.Rune[0]), false
	case syntax.OpCharClass:
		for i := 0; i+1 < len(re.Rune); i += 2 {
			set |= digitBits(re.Rune[i], re.Rune[i+1])
		}
		return set, false
	case syntax.OpCapture, syntax.OpPlus:
		return firstDigits(re.Sub[0])
	case syntax.OpStar, syntax.OpQuest:
		set, _ = firstDigits(re.Sub[0])
		return set, true
	case syntax.OpRepeat:
		set, empty = firstDigits(re.Sub[0])
		return set, empty || re.Min == 0
	case syntax.OpConcat:
		for _, sub := range re.Sub {
			s, e := firstDigits(sub)
			set |= s
			if !e {
				return set, false
			}
		}
		return set, true
	case syntax.OpAlternate:
		for _, sub := range re.Sub {
			s, e := firstDigits(sub)
			set, empty = set|s, empty || e
		}
		return set, empty
	}
	return anyDigit, true // anything else: rule nothing out
}

// digitBits is the set of digits in the rune range lo..hi.
func digitBits(lo, hi rune) uint16 {
	var set uint16
	for d := max(lo, '0'); d <= min(hi, '9'); d++ {
		set |= 1 << (d - '0')
	}
	return set
}
