package contacts

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

// Fuzz targets. Seeds are in testdata/fuzz/<target>/ and the fixtures;
// run one with, for example:
//
//	go test -run '^$' -fuzz '^FuzzLoadVCard$' -fuzztime 60s ./contacts

// FuzzLoadVCard feeds arbitrary bytes to the vCard reader: it must not
// panic, must name the file and a real card in every warning, and must
// only produce contacts with valid text and numbers that read back.
func FuzzLoadVCard(f *testing.F) {
	for _, name := range []string{"apple.vcf", "outlook.vcf", "v4.vcf", "broken.vcf", "latin1.vcf", "utf16.vcf"} {
		data, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	n := mustNormalizer(f, "DE")
	lim := DefaultLimits()
	lim.MaxCardSize, lim.MaxPhotoSize, lim.MaxCardsPerBook = 4096, 1024, 50
	f.Fuzz(func(t *testing.T, data []byte) {
		const file = "fuzz.vcf"
		text := decodeFile(data)
		cards, warns := splitCards(file, text, lim)
		p := newCardParser(n, lim)
		var contacts []*Contact
		for _, rc := range cards {
			if rc.start > rc.end || rc.end > len(text) {
				t.Fatalf("card %d: range %d..%d of %d", rc.index, rc.start, rc.end, len(text))
			}
			res := p.parse(file, text, rc)
			warns = append(warns, res.warns...)
			if res.contact != nil {
				contacts = append(contacts, res.contact)
			}
		}
		if len(cards) > lim.MaxCardsPerBook {
			t.Errorf("%d cards, limit %d", len(cards), lim.MaxCardsPerBook)
		}
		for _, w := range warns {
			if w.File != file || w.Card < 0 || w.Card > len(cards) || w.Err == nil || !utf8.ValidString(w.String()) {
				t.Errorf("bad warning %+v", w)
			}
		}
		for _, c := range contacts {
			checkContact(t, n, c)
		}
		buildSnapshot(nil, contacts) // indexing must take whatever loads
	})
}

func checkContact(t *testing.T, n *Normalizer, c *Contact) {
	t.Helper()
	for _, s := range append([]string{c.FormattedName, c.GivenName, c.FamilyName, c.Organization, c.Department, c.Title, c.Note}, c.Emails...) {
		if !utf8.ValidString(s) {
			t.Errorf("invalid UTF-8 %q in %+v", s, c)
		}
	}
	for _, ph := range c.Phones {
		if ph.Number.Key == "" || !utf8.ValidString(ph.Raw) {
			t.Errorf("phone %+v", ph)
		}
		checkReadsBack(t, n, ph.Number)
	}
	if c.Photo != nil && len(c.Photo.Data) > DefaultMaxPhotoSize {
		t.Errorf("photo of %d bytes", len(c.Photo.Data))
	}
}

// checkReadsBack: the display form of a number normalises to the number.
func checkReadsBack(t *testing.T, n *Normalizer, num Number) {
	t.Helper()
	back, err := n.Normalize(num.Display)
	if err != nil || back != num {
		t.Errorf("display %q of %+v reads back as %+v, %v", num.Display, num, back, err)
	}
	if d := n.Dialable(num); d != num.Key || strings.ContainsAny(d, " -()") {
		t.Errorf("Dialable(%+v) = %q", num, d)
	}
}

// FuzzNormalize: any string is a number or ErrNotANumber, and a number's
// display form reads back as the same number.
func FuzzNormalize(f *testing.F) {
	for _, s := range []string{"030 1234567", "+49 (0)30 1234567", "0049 30 1234567", "+49-30-1234567;ext=89", "201", "0800 FLOWERS", "1-800-FLOWERS", "garbage", "+1 (212) 555-0123 x 45"} {
		f.Add(s)
	}
	n := mustNormalizer(f, "DE")
	f.Fuzz(func(t *testing.T, raw string) {
		num, err := n.Normalize(raw)
		if err != nil {
			return
		}
		if num.Internal != !strings.HasPrefix(num.Key, "+") || !allDigits(strings.TrimPrefix(num.Key, "+")) || !allDigits(num.Ext) {
			t.Errorf("Normalize(%q) = %+v", raw, num)
		}
		checkReadsBack(t, n, num)
	})
}

// FuzzExtract: found numbers are where they say, in order, without overlap,
// and read back.
func FuzzExtract(f *testing.F) {
	for _, s := range []string{
		"Call me at +49 (30) 123-45 67 ext. 89 tomorrow",
		"Tel. 030 1234567, Fax: 030 1234568, IBAN DE89 3704 0044 0532 0130 00, am 12.05.2024 um 14:30",
		`<a href="tel:+49-30-1234567">x</a> callto://+49301234567 sip:+4930123456@pbx.example;user=phone`,
	} {
		f.Add(s)
	}
	n := mustNormalizer(f, "DE")
	f.Fuzz(func(t *testing.T, text string) {
		end := 0
		for _, fd := range n.Extract(text) {
			if fd.Start < end || fd.End <= fd.Start || fd.End > len(text) || text[fd.Start:fd.End] != fd.Raw {
				t.Fatalf("Found %+v after %d in %q", fd, end, text)
			}
			end = fd.End
			again, err := n.NormalizeAny(fd.Raw)
			if err != nil || again != fd.Number {
				t.Errorf("Found %+v, but its Raw reads as %+v, %v", fd, again, err)
			}
			checkReadsBack(t, n, fd.Number)
		}
	})
}

// FuzzParseURI: any URI is a number or an error, never a panic.
func FuzzParseURI(f *testing.F) {
	for _, s := range []string{"tel:+49-30-1234567;ext=89", "tel:1234567;phone-context=+49-30", "callto://+49301234567/",
		"sip:+4930123@pbx.example;user=phone", "sips:201@pbx", "tel:%2B49%2030%201234567", "sip:alice@example.com"} {
		f.Add(s)
	}
	n := mustNormalizer(f, "DE")
	f.Fuzz(func(t *testing.T, uri string) {
		num, err := n.ParseURI(uri)
		if err == nil {
			checkReadsBack(t, n, num)
		}
	})
}
