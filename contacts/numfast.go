package contacts

import (
	"regexp"
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
type ccInfo struct {
	simple bool   // national prefix rules are "strip ndd" or nothing
	ndd    string // the national (trunk) prefix, "0" in DE
}

// homeInfo is what the fast path needs to know about the home region.
type homeInfo struct {
	cc      int
	ndd     string
	fast    bool           // national numbers may take the fast path
	idd     *regexp.Regexp // the international prefix, anchored
	general *regexp.Regexp // any national number of the region, anchored
}

var callingCodes = sync.OnceValue(func() map[int]ccInfo {
	infos := map[int]ccInfo{}
	coll, err := phonenumbers.MetadataCollection()
	if err != nil {
		return infos // no fast path; Parse will say what is wrong
	}
	for _, m := range coll.GetMetadata() {
		cc := int(m.GetCountryCode())
		info, seen := infos[cc]
		simple := isSimpleNDD(m)
		if seen && (!info.simple || info.ndd != m.GetNationalPrefix()) {
			simple = false
		}
		infos[cc] = ccInfo{simple: simple, ndd: m.GetNationalPrefix()}
	}
	for cc := range phonenumbers.GetSupportedCallingCodes() {
		if _, ok := infos[cc]; !ok {
			infos[cc] = ccInfo{}
		}
	}
	return infos
})

// isSimpleNDD reports a region whose national prefix is a plain digit
// string that is either stripped as is or absent.
func isSimpleNDD(m *phonenumbers.PhoneMetadata) bool {
	ndd, npp := m.GetNationalPrefix(), m.GetNationalPrefixForParsing()
	return m.GetNationalPrefixTransformRule() == "" && allDigits(ndd) && (npp == "" || npp == ndd)
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
		h.ndd = m.GetNationalPrefix()
		idd, errIDD := regexp.Compile("^(?:" + m.GetInternationalPrefix() + ")")
		general, errGen := regexp.Compile("^(?:" + m.GetGeneralDesc().GetNationalNumberPattern() + ")$")
		h.idd, h.general = idd, general
		h.fast = isSimpleNDD(m) && h.ndd != "" && errIDD == nil && errGen == nil &&
			m.GetInternationalPrefix() != "" && callingCodes()[h.cc].simple
	}
	return h
}

// fast handles plain digit strings: internal extensions, "+" and "00"
// numbers of simple countries, and national numbers of a simple home
// region. ok is false when the slow path must decide.
func (n *Normalizer) fast(sc scanned) (Number, *phonenumbers.PhoneNumber, bool) {
	d := sc.digits
	switch {
	case sc.plus:
		return fastInternational(d)
	case len(d) < minInternalDigits:
		return Number{}, nil, false
	case len(d) <= n.maxInternal && d[0] != '0':
		return internalNumber(d, ""), nil, true
	case strings.HasPrefix(d, "00"):
		return fastInternational(d[2:])
	case n.home.fast && strings.HasPrefix(d, n.home.ndd) && !n.home.idd.MatchString(d):
		return n.fastNational(d[len(n.home.ndd):])
	}
	return Number{}, nil, false
}

// fastInternational reads country code and national number from the digits
// after "+", as Parse does: the first 1-3 digit prefix that is a calling
// code wins.
func fastInternational(d string) (Number, *phonenumbers.PhoneNumber, bool) {
	if d == "" || d[0] == '0' {
		return Number{}, nil, false // no calling code starts with 0
	}
	codes := callingCodes()
	for l := 1; l <= 3 && l < len(d); l++ {
		cc, _ := strconv.Atoi(d[:l])
		info, ok := codes[cc]
		if !ok {
			continue
		}
		nn := d[l:]
		if !info.simple || nn[0] == '0' || (info.ndd != "" && strings.HasPrefix(nn, info.ndd)) {
			return Number{}, nil, false
		}
		return fastBuild(cc, nn, false)
	}
	return Number{}, nil, false
}

// fastNational takes a national number whose national prefix is already
// stripped. Parse strips it only when what remains still looks like a
// number of the region and has a possible length; so does this.
func (n *Normalizer) fastNational(nn string) (Number, *phonenumbers.PhoneNumber, bool) {
	if nn == "" || nn[0] == '0' || !n.home.general.MatchString(nn) {
		return Number{}, nil, false
	}
	return fastBuild(n.home.cc, nn, true)
}

func fastBuild(cc int, nn string, strict bool) (Number, *phonenumbers.PhoneNumber, bool) {
	if len(nn) < 2 || len(nn) > 17 {
		return Number{}, nil, false
	}
	national, err := strconv.ParseUint(nn, 10, 64)
	if err != nil {
		return Number{}, nil, false
	}
	cc32 := int32(cc)
	pn := &phonenumbers.PhoneNumber{CountryCode: &cc32, NationalNumber: &national}
	switch phonenumbers.IsPossibleNumberWithReason(pn) {
	case phonenumbers.IS_POSSIBLE:
	case phonenumbers.IS_POSSIBLE_LOCAL_ONLY:
		if strict {
			return Number{}, nil, false
		}
	default:
		return Number{}, nil, false
	}
	return externalNumber("+"+strconv.Itoa(cc)+nn, pn, ""), pn, true
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
