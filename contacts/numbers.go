package contacts

import (
	"errors"
	"fmt"
	"strings"

	"github.com/nyaruka/phonenumbers"
)

// ErrNotANumber is wrapped by every error that says a string is not a phone
// number (Normalize, ParseURI).
var ErrNotANumber = errors.New("contacts: not a phone number")

const (
	// DefaultMaxInternalDigits is the longest internal extension when
	// NewNormalizer is given 0: digit strings of 2 to 6 digits, written
	// without "+" or letters and not starting with 0, are extensions of
	// the local exchange.
	DefaultMaxInternalDigits = 6
	minInternalDigits        = 2
	maxInternalDigitsLimit   = 10
	// maxRawNumberLen bounds what Normalize looks at; nobody writes a phone
	// number in more than 100 bytes, and phonenumbers' regular expressions
	// should not run over a pasted page.
	maxRawNumberLen = 100
)

// Normalizer turns written phone numbers into Numbers. It is immutable
// after NewNormalizer and safe for concurrent use.
type Normalizer struct {
	region      string
	maxInternal int
	home        homeInfo
}

// Number is a normalised phone number.
type Number struct {
	Key      string // the lookup/dial key: E.164 ("+49301234567") or the internal extension digits ("201")
	Ext      string // extension digits, if any
	Internal bool   // a short internal extension
	Display  string // international format ("+49 30 1234567"), or the extension; with " ext. 89" when Ext
}

// NewNormalizer returns a Normalizer for numbers written in homeRegion (an
// ISO 3166 code such as "DE"; national numbers are read as numbers of that
// country) that keeps digit strings of up to maxInternalDigits digits as
// internal extensions (0 means DefaultMaxInternalDigits).
func NewNormalizer(homeRegion string, maxInternalDigits int) (*Normalizer, error) {
	region := strings.ToUpper(strings.TrimSpace(homeRegion))
	if !phonenumbers.GetSupportedRegions()[region] {
		return nil, fmt.Errorf("contacts: unknown region %q", homeRegion)
	}
	if maxInternalDigits == 0 {
		maxInternalDigits = DefaultMaxInternalDigits
	}
	if maxInternalDigits < minInternalDigits || maxInternalDigits > maxInternalDigitsLimit {
		return nil, fmt.Errorf("contacts: internal extensions must have at most %d to %d digits, not %d",
			minInternalDigits, maxInternalDigitsLimit, maxInternalDigits)
	}
	return &Normalizer{region: region, maxInternal: maxInternalDigits, home: homeInfoFor(region)}, nil
}

// Region returns the home region, upper case ("DE").
func (n *Normalizer) Region() string { return n.region }

// MaxInternalDigits returns the longest number kept as an internal extension.
func (n *Normalizer) MaxInternalDigits() int { return n.maxInternal }

// Normalize reads a number as a person or a vCard wrote it: national or
// international ("+", "00"), with separators, "(0)", letters (0800 FLOWERS)
// and an extension (";ext=89", "ext. 89", "x89"). Short digit strings are
// internal extensions and stay as they are.
func (n *Normalizer) Normalize(raw string) (Number, error) {
	num, _, err := n.normalize(raw)
	return num, err
}

// normalize is Normalize that also returns the parsed number (nil for an
// internal extension), for the validity checks of Extract.
func (n *Normalizer) normalize(raw string) (Number, *phonenumbers.PhoneNumber, error) {
	s := strings.TrimSpace(raw)
	if s == "" || len(s) > maxRawNumberLen {
		return Number{}, nil, notANumber(raw, "")
	}
	main, ext, split := splitExtension(s)
	if sc := scanNumber(main); sc.plain() {
		if num, pn, ok := n.fast(sc); ok {
			if ext != "" {
				num.Ext, num.Display = ext, withExt(num.Display, ext)
			}
			return num, pn, nil
		}
	}
	if !split && (strings.ContainsAny(s, ";#,") || hasASCIILetter(s)) {
		var ok bool
		if main, ext, ok = libSplitExtension(s); !ok {
			return Number{}, nil, notANumber(raw, "bad extension")
		}
	}
	num, pn, err := n.slow(main, ext, raw)
	if err != nil || num.Internal {
		return num, pn, err
	}
	// The user sees Display before dialling, so it must say this number.
	// Parse is not always idempotent on its own output for numbers that
	// are not valid (a kept trunk prefix, odd lengths); refuse those.
	back, _, err := n.slow(strings.TrimSuffix(num.Display, " ext. "+num.Ext), num.Ext, num.Display)
	if err != nil || back != num {
		return Number{}, nil, notANumber(raw, "ambiguous")
	}
	return num, pn, nil
}

// libSplitExtension splits off an extension the way phonenumbers does,
// for the forms splitExtension does not know. Its extensions may be
// full-width or other Unicode digits: they are read as ASCII digits.
func libSplitExtension(s string) (main, ext string, ok bool) {
	main, ext = phonenumbers.MaybeSeparateExtensionFromPhone(s)
	if ext == "" {
		return main, "", true
	}
	sc := scanNumber(ext)
	if !sc.plain() || sc.plus || len(sc.digits) > maxExtDigits {
		return "", "", false
	}
	return main, sc.digits, true
}

// Dialable returns what to send to the exchange to dial num: the E.164
// number or the internal extension, without the extension part (which is
// dialled after the call connects). It is "" for the zero Number.
func (n *Normalizer) Dialable(num Number) string { return num.Key }

// slow is the general path: vanity letters, and phonenumbers.Parse for
// everything fast does not take. main is the number without its extension.
func (n *Normalizer) slow(main, ext, raw string) (Number, *phonenumbers.PhoneNumber, error) {
	sc := scanNumber(main)
	switch {
	case sc.other || sc.tooLong:
		return Number{}, nil, notANumber(raw, "")
	case sc.letters > 0 && (sc.letters < 3 || sc.lettersFirst):
		// Vanity numbers are digits then words (0800 FLOWERS); letters
		// anywhere else mean this is text.
		return Number{}, nil, notANumber(raw, "")
	case len(sc.digits) < minInternalDigits:
		return Number{}, nil, notANumber(raw, "too short")
	case !sc.plus && sc.letters == 0 && len(sc.digits) <= n.maxInternal && sc.digits[0] != '0':
		// Internal extensions never start with 0: behind a PBX, 0 (or
		// the trunk prefix) is how a number leaves the building.
		return internalNumber(sc.digits, ext), nil, nil
	}
	input := sc.digits
	if sc.plus {
		input = "+" + input
	} else if strings.HasPrefix(input, "00") {
		// "00" is the international prefix nearly everywhere, and people
		// write it even where it is not (the US dials 011).
		input = "+" + input[2:]
	}
	pn, err := phonenumbers.Parse(input, n.region)
	if err != nil {
		return Number{}, nil, notANumber(raw, "")
	}
	switch phonenumbers.IsPossibleNumberWithReason(pn) {
	case phonenumbers.IS_POSSIBLE, phonenumbers.IS_POSSIBLE_LOCAL_ONLY:
	case phonenumbers.TOO_SHORT:
		return Number{}, nil, notANumber(raw, "too short")
	case phonenumbers.TOO_LONG:
		return Number{}, nil, notANumber(raw, "too long")
	default:
		return Number{}, nil, notANumber(raw, "impossible length")
	}
	if nsn := phonenumbers.GetNationalSignificantNumber(pn); nsn[0] == '0' &&
		callingCodes()[int(pn.GetCountryCode())].ndd == "0" && !phonenumbers.IsValidNumber(pn) {
		// The trunk prefix is still there: Parse keeps it when what
		// follows is too short ("030 1"). Where the prefix is 0, no
		// number starts with it.
		return Number{}, nil, notANumber(raw, "too short")
	}
	if ext == "" {
		ext = pn.GetExtension()
	}
	pn.Extension = nil
	return externalNumber(phonenumbers.Format(pn, phonenumbers.E164), pn, ext), pn, nil
}

func internalNumber(digits, ext string) Number {
	return Number{Key: digits, Ext: ext, Internal: true, Display: withExt(digits, ext)}
}

func externalNumber(key string, pn *phonenumbers.PhoneNumber, ext string) Number {
	return Number{Key: key, Ext: ext, Display: withExt(phonenumbers.Format(pn, phonenumbers.INTERNATIONAL), ext)}
}

func withExt(s, ext string) string {
	if ext == "" {
		return s
	}
	return s + " ext. " + ext
}

func notANumber(raw, why string) error {
	raw = excerpt(raw)
	if why != "" {
		return fmt.Errorf("%w: %q (%s)", ErrNotANumber, raw, why)
	}
	return fmt.Errorf("%w: %q", ErrNotANumber, raw)
}

func hasASCIILetter(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i] | 0x20; c >= 'a' && c <= 'z' {
			return true
		}
	}
	return false
}
