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
// Parse reads a "+" number with the metadata of the code's main region, so
// that region decides.
type ccInfo struct {
	simple  bool                  // national prefix rules are "strip npp" or nothing
	npp     string                // the national prefix as Parse strips it, "0" in DE
	ndd     string                // the national prefix as dialled
	general func() *regexp.Regexp // any national number of the region, anchored
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
			infos[cc] = infoFor(m)
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
		npp: npp, ndd: m.GetNationalPrefix(), general: general}
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
	case n.home.fast && strings.HasPrefix(d, n.home.npp) && !n.home.idd.MatchString(d):
		return n.fastNational(d[len(n.home.npp):])
	}
	return Number{}, nil, false
}

// fastInternational reads country code and national number from the digits
// after "+", as Parse does: the first 1-3 digit prefix that is a calling
// code wins, and a national prefix after it ("+49 (0)30") is stripped.
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
		if !info.simple {
			return Number{}, nil, false
		}
		nn := d[l:]
		if info.npp != "" && strings.HasPrefix(nn, info.npp) {
			return fastStripped(cc, info, nn[len(info.npp):])
		}
		if nn[0] == '0' {
			return Number{}, nil, false // Italian leading zeros and the like
		}
		return fastBuild(cc, nn, false)
	}
	return Number{}, nil, false
}

// fastNational takes a national number whose national prefix is already
// stripped.
func (n *Normalizer) fastNational(nn string) (Number, *phonenumbers.PhoneNumber, bool) {
	return fastStripped(n.home.cc, n.home.ccInfo, nn)
}

// fastStripped takes a number whose national prefix was stripped. Parse
// strips it only when what remains still looks like a number of the region
// and has a possible length; so does this, and leaves the rest to Parse.
func fastStripped(cc int, info ccInfo, nn string) (Number, *phonenumbers.PhoneNumber, bool) {
	general := info.general()
	if nn == "" || nn[0] == '0' || general == nil || !general.MatchString(nn) {
		return Number{}, nil, false
	}
	return fastBuild(cc, nn, true)
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
