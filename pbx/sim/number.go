package sim

import (
	"fmt"
	"strings"

	"github.com/deskline/deskline/pbx"
)

// maxDigits is the longest number the exchange dials: E.164 allows 15
// digits, plus room for an outside-line and an international prefix.
const maxDigits = 20

// separators may appear in a number as people write it ("+49 30 123-45")
// and are dropped before dialling.
const separators = " -./()"

// normalize turns a number as written into the dialled form: digits with
// an optional leading +. Letters, a + elsewhere, an empty or too long
// number are errors.
func normalize(raw string) (string, error) {
	if clean(raw) {
		return raw, nil // the common case, no allocation
	}
	var b strings.Builder
	digits := 0
	for _, r := range raw {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
			digits++
		case r == '+' && b.Len() == 0:
			b.WriteRune(r)
		case strings.ContainsRune(separators, r):
		default:
			return "", fmt.Errorf("%q: %q is not allowed in a number", raw, r)
		}
	}
	if digits == 0 {
		return "", fmt.Errorf("%q: no digits", raw)
	}
	if digits > maxDigits {
		return "", fmt.Errorf("%q: longer than %d digits", raw, maxDigits)
	}
	return b.String(), nil
}

// clean reports whether raw is already in dialled form.
func clean(raw string) bool {
	s := strings.TrimPrefix(raw, "+")
	if s == "" || len(s) > maxDigits {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// dialable normalizes a number someone dials and checks that it leads
// somewhere: an extension, a group or an external number. A short number
// in the internal range (no leading + or 0, no longer than the longest
// extension or group) that is neither is unallocated, like on a real PBX.
func (x *Exchange) dialable(raw string) (string, error) {
	num, err := normalize(raw)
	if err != nil {
		return "", fmt.Errorf("%v: %w", err, pbx.ErrInvalidNumber)
	}
	if x.devices[num] != nil || x.groups[num] != nil || x.external(num) {
		return num, nil
	}
	return "", fmt.Errorf("%q: no extension or group has this number "+
		"(external numbers start with + or 0 or have more than %d digits): %w",
		num, x.maxInternal, pbx.ErrInvalidNumber)
}

// external reports whether the normalized num is outside the internal
// number range (it is not checked against extensions and groups).
func (x *Exchange) external(num string) bool {
	return num[0] == '+' || num[0] == '0' || len(num) > x.maxInternal
}

// callerNumber normalizes the number an external caller presents; empty is
// allowed (a withheld number).
func (x *Exchange) callerNumber(raw string) (string, error) {
	if raw == "" {
		return "", nil
	}
	num, err := normalize(raw)
	if err != nil {
		return "", fmt.Errorf("caller %v: %w", err, pbx.ErrInvalidNumber)
	}
	if x.devices[num] != nil || x.groups[num] != nil {
		return "", fmt.Errorf("caller %q is internal, use Call: %w", num, pbx.ErrInvalidNumber)
	}
	return num, nil
}
