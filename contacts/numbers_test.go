package contacts

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"strconv"
	"testing"

	"github.com/nyaruka/phonenumbers"
)

func mustNormalizer(t testing.TB, region string) *Normalizer {
	t.Helper()
	n, err := NewNormalizer(region, 0)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestNormalize(t *testing.T) {
	tests := []struct {
		region, raw string
		key, ext    string
		internal    bool
		display     string
	}{
		{"DE", "030 1234567", "+49301234567", "", false, "+49 30 1234567"},
		{"DE", "+49 (0)30 1234567", "+49301234567", "", false, "+49 30 1234567"},
		{"DE", "0049 30 1234567", "+49301234567", "", false, "+49 30 1234567"},
		{"DE", "(030) 12 34 567", "+49301234567", "", false, "+49 30 1234567"},
		{"DE", "030/1234567", "+49301234567", "", false, "+49 30 1234567"},
		{"DE", "+49 30 1234567", "+49301234567", "", false, "+49 30 1234567"},
		{"DE", "+49301234567", "+49301234567", "", false, "+49 30 1234567"},
		{"DE", "+49-30-1234567;ext=89", "+49301234567", "89", false, "+49 30 1234567 ext. 89"},
		{"DE", "+49 30 1234567 ext. 89", "+49301234567", "89", false, "+49 30 1234567 ext. 89"},
		{"DE", "030 1234567 x89", "+49301234567", "89", false, "+49 30 1234567 ext. 89"},
		{"DE", "030 1234567-89", "+4930123456789", "", false, "+49 30 123456789"}, // German direct dial: part of the number
		{"DE", "201", "201", "", true, "201"},
		{"DE", "20-1", "201", "", true, "201"},
		{"DE", "123456", "123456", "", true, "123456"},
		{"DE", "0800 FLOWERS", "+498003569377", "", false, "+49 800 3569377"},
		{"DE", "0800-flowers", "+498003569377", "", false, "+49 800 3569377"},
		{"DE", "0171 1234567", "+491711234567", "", false, "+49 171 1234567"},
		{"DE", "+41 44 668 18 00", "+41446681800", "", false, "+41 44 668 18 00"},
		{"DE", "+1 (212) 555-0123", "+12125550123", "", false, "+1 212-555-0123"},
		{"DE", "０３０ １２３４５６７", "+49301234567", "", false, "+49 30 1234567"},
		{"DE", "３０３０X０３", "3030", "03", true, "3030 ext. 03"}, // fuzz find: full-width extension digits
		{"DE", "030\u00a01234567", "+49301234567", "", false, "+49 30 1234567"},
		{"DE", "030–1234567", "+49301234567", "", false, "+49 30 1234567"},
		{"US", "(212) 555-0123", "+12125550123", "", false, "+1 212-555-0123"},
		{"US", "1-212-555-0123", "+12125550123", "", false, "+1 212-555-0123"},
		{"US", "212.555.0123 ext 7", "+12125550123", "7", false, "+1 212-555-0123 ext. 7"},
		{"US", "1-800-FLOWERS", "+18003569377", "", false, "+1 800-356-9377"},
		{"US", "011 49 30 1234567", "+49301234567", "", false, "+49 30 1234567"},
		{"US", "0049 30 1234567", "+49301234567", "", false, "+49 30 1234567"},
		{"US", "+49 (0)30 1234567", "+49301234567", "", false, "+49 30 1234567"},
		{"US", "4711", "4711", "", true, "4711"},
		{"CH", "044 668 18 00", "+41446681800", "", false, "+41 44 668 18 00"},
		{"CH", "+41 (0)44 668 18 00", "+41446681800", "", false, "+41 44 668 18 00"},
		{"CH", "0041 44 668 18 00", "+41446681800", "", false, "+41 44 668 18 00"},
		{"CH", "030 1234567", "+41301234567", "", false, "+41 30 123 45 67"}, // national means Swiss here
		{"GB", "020 7946 0958", "+442079460958", "", false, "+44 20 7946 0958"},
		{"GB", "+44 (0)20 7946 0958", "+442079460958", "", false, "+44 20 7946 0958"},
		{"IT", "06 1234 5678", "+390612345678", "", false, "+39 06 1234 5678"},
		{"IT", "+39 06 1234 5678", "+390612345678", "", false, "+39 06 1234 5678"},
	}
	for _, tt := range tests {
		t.Run(tt.region+"/"+tt.raw, func(t *testing.T) {
			got, err := mustNormalizer(t, tt.region).Normalize(tt.raw)
			if err != nil {
				t.Fatal(err)
			}
			want := Number{Key: tt.key, Ext: tt.ext, Internal: tt.internal, Display: tt.display}
			if got != want {
				t.Errorf("Normalize(%q) = %+v, want %+v", tt.raw, got, want)
			}
		})
	}
}

func TestNormalizeRejects(t *testing.T) {
	n := mustNormalizer(t, "DE")
	for _, raw := range []string{
		"", "   ", "garbage", "hello 12", "n/a", "1", "+", "++49 30 1234567", "+49", "+999 1234567",
		"12345678901234567890123", "030 1234567 or 030 7654321", "john@example.com",
		"ABC 030 1234567", "03 0a", "*21#", "0800 FL", "12:30", "€ 1.234,56", "030 1", "0201", "+49 030 1",
		string(make([]byte, 200)),
		// Fuzz finds: letters between digits are not a vanity number
		// ("00u200A00A0" read as +82 0200202…), and Parse keeps a trunk
		// prefix it cannot strip, giving a display that reads back as
		// another number (+82 020020 → +82 20020).
		"00u200A00A0", "0000tA0000A00", "0082 000200",
	} {
		num, err := n.Normalize(raw)
		if err == nil {
			t.Errorf("Normalize(%q) = %+v, want an error", raw, num)
			continue
		}
		if !errors.Is(err, ErrNotANumber) {
			t.Errorf("Normalize(%q) error %v does not wrap ErrNotANumber", raw, err)
		}
	}
	_, err := n.Normalize("garbage")
	if want := `contacts: not a phone number: "garbage"`; err.Error() != want {
		t.Errorf("error = %q, want %q", err, want)
	}
}

func TestNewNormalizer(t *testing.T) {
	n, err := NewNormalizer("de", 0)
	if err != nil || n.Region() != "DE" || n.MaxInternalDigits() != DefaultMaxInternalDigits {
		t.Fatalf("NewNormalizer(de, 0) = %v, %v", n, err)
	}
	_, err = NewNormalizer("XX", 0)
	if err == nil || err.Error() != `contacts: unknown region "XX"` {
		t.Errorf("NewNormalizer(XX) error = %v", err)
	}
	for _, max := range []int{-1, 1, 11} {
		if _, err := NewNormalizer("DE", max); err == nil {
			t.Errorf("NewNormalizer(DE, %d) took it", max)
		}
	}
	n4, _ := NewNormalizer("DE", 4)
	if num, _ := n4.Normalize("12345"); num.Internal {
		t.Errorf("5 digits with max 4: %+v is internal", num)
	}
}

// Lookup and dialing rest on one property: every written form of a number
// gives the same key, and the display form reads back as the same number.
func TestNormalizeForms(t *testing.T) {
	n := mustNormalizer(t, "DE")
	forms := []string{"030 1234567", "+49 30 1234567", "+49 (0)30 1234567", "0049 30 1234567",
		"(030) 12 34 567", "+49-30-1234567", "030-123 45 67", "tel:+49-30-1234567"}
	for _, f := range forms {
		var num Number
		var err error
		if f[0] == 't' {
			num, err = n.ParseURI(f)
		} else {
			num, err = n.Normalize(f)
		}
		if err != nil || num.Key != "+49301234567" || n.Dialable(num) != "+49301234567" {
			t.Errorf("%q → %+v, %v", f, num, err)
		}
		back, err := n.Normalize(num.Display)
		if err != nil || back != num {
			t.Errorf("display %q of %q reads back as %+v, %v", num.Display, f, back, err)
		}
	}
}

// TestFastPathMatchesParse holds the fast path to phonenumbers.Parse: for
// random digit strings in every shape the fast path takes, both must agree.
func TestFastPathMatchesParse(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, region := range []string{"DE", "US", "CH", "AT", "FR", "GB", "IT", "NL", "RU", "AR", "BR", "JP", "AU"} {
		n := mustNormalizer(t, region)
		agree, fast := 0, 0
		for i := 0; i < 600; i++ {
			d := randomDigits(rng, 3+rng.IntN(13))
			cc := fmt.Sprint(n.home.cc)
			for _, in := range []string{"+" + d, "0" + d, "00" + d, d, "+" + cc + "0" + d, "+" + cc + d, "+1" + d, "+7" + d} {
				sc := scanNumber(in)
				f, _, ok := n.fast(sc)
				if !ok {
					continue
				}
				fast++
				s, _, err := n.slow(in, "", in)
				if err != nil || s != f {
					t.Errorf("%s %q: fast %+v, slow %+v %v", region, in, f, s, err)
				} else {
					agree++
				}
			}
		}
		if testing.Verbose() {
			fmt.Printf("%s: %d fast results agree with Parse\n", region, agree)
		}
		if fast == 0 && region != "AR" && region != "BR" && region != "GB" {
			t.Errorf("%s: fast path never taken", region)
		}
	}
}

func randomDigits(rng *rand.Rand, n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte('0' + rng.IntN(10))
	}
	return string(b)
}

// TestDisplayMatchesFormat holds the fast path's display to
// phonenumbers.Format, for numbers of every length in every calling code
// and for the bench book's numbers.
func TestDisplayMatchesFormat(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	var nns []string
	for l := 2; l <= maxFastNSN; l++ {
		for range 40 {
			nns = append(nns, fmt.Sprint(1+rng.IntN(9))+randomDigits(rng, l-1))
		}
	}
	checked := 0
	for cc, info := range callingCodes() {
		for _, nn := range nns {
			if display, ok := info.display(cc, nn); ok {
				checked++
				if want := formatIntl(cc, nn); display != want {
					t.Errorf("+%d %s: display %q, Format %q", cc, nn, display, want)
				}
			}
		}
	}
	de := mustNormalizer(t, "DE")
	for i := range 3000 {
		for _, raw := range benchPhones(rng, i) {
			num, err := de.Normalize(raw)
			if err != nil || num.Display != formatIntl(0, num.Key) {
				t.Errorf("%q: %+v %v, Format %q", raw, num, err, formatIntl(0, num.Key))
			}
		}
	}
	if checked == 0 {
		t.Error("the fast display was never used")
	}
}

// formatIntl formats +cc nn (or, cc 0, an E.164 key parsed) with
// phonenumbers.
func formatIntl(cc int, nn string) string {
	if cc == 0 {
		pn, err := phonenumbers.Parse(nn, "ZZ")
		if err != nil {
			return "error: " + err.Error()
		}
		return phonenumbers.Format(pn, phonenumbers.INTERNATIONAL)
	}
	cc32 := int32(cc)
	national, _ := strconv.ParseUint(nn, 10, 64)
	return phonenumbers.Format(&phonenumbers.PhoneNumber{CountryCode: &cc32, NationalNumber: &national}, phonenumbers.INTERNATIONAL)
}
