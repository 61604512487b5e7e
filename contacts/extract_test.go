package contacts

import (
	"strings"
	"testing"
)

func TestExtract(t *testing.T) {
	type want struct{ raw, key, ext string }
	tests := []struct {
		region, text string
		want         []want
	}{
		{"DE", "Call me at +49 (30) 123-45 67 ext. 89 tomorrow", []want{{"+49 (30) 123-45 67 ext. 89", "+49301234567", "89"}}},
		{"DE", "Tel. 030 1234567, Fax: 030 1234568", []want{{"030 1234567", "+49301234567", ""}, {"030 1234568", "+49301234568", ""}}},
		{"DE", "Mobil: 0171/1234567\nZentrale +49 (0)30 12345-0", []want{{"0171/1234567", "+491711234567", ""}, {"+49 (0)30 12345-0", "+4930123450", ""}}},
		{"DE", "(030) 12 34 567", []want{{"(030) 12 34 567", "+49301234567", ""}}},
		{"DE", "Ruf an: 0049 30 1234567!", []want{{"0049 30 1234567", "+49301234567", ""}}},
		{"DE", "030 1234567 - 030 7654321", []want{{"030 1234567", "+49301234567", ""}, {"030 7654321", "+49307654321", ""}}},
		{"DE", "am 12.05.2024 030 1234567 anrufen", []want{{"030 1234567", "+49301234567", ""}}},
		{"DE", "030 1234567 030 7654321", []want{{"030 1234567", "+49301234567", ""}, {"030 7654321", "+49307654321", ""}}},
		{"DE", "Zentrale +49 30 12345 0", []want{{"+49 30 12345 0", "+4930123450", ""}}},
		{"DE", "+41 44 668 18 00 (Zürich)", []want{{"+41 44 668 18 00", "+41446681800", ""}}},
		{"DE", "Durchwahl: 030 1234567 DW 12", []want{{"030 1234567 DW 12", "+49301234567", "12"}}},
		{"DE", `<a href="tel:+49-30-1234567">anrufen</a>`, []want{{"tel:+49-30-1234567", "+49301234567", ""}}},
		{"DE", "click callto://+49301234567 or sip:+4930123456@pbx.example;user=phone.", []want{
			{"callto://+49301234567", "+49301234567", ""}, {"sip:+4930123456@pbx.example;user=phone", "+4930123456", ""}}},
		{"DE", "sip:201@pbx.example", []want{{"sip:201@pbx.example", "201", ""}}},
		{"US", "Call (212) 555-0123 x 45 or 1-800-356-9377.", []want{{"(212) 555-0123 x 45", "+12125550123", "45"}, {"1-800-356-9377", "+18003569377", ""}}},
		{"US", "Reach me on +44 20 7946 0958 when in London", []want{{"+44 20 7946 0958", "+442079460958", ""}}},
		{"CH", "Tel. 044 668 18 00", []want{{"044 668 18 00", "+41446681800", ""}}},
		// Not phone numbers.
		{"DE", "Termin am 12.05.2024 um 14:30 Uhr", nil},
		{"DE", "2024-05-12 14:30", nil},
		{"DE", "IBAN: DE89 3704 0044 0532 0130 00, BIC COBADEFFXXX", nil},
		{"DE", "IBAN DE89370400440532013000", nil},
		{"DE", "10115 Berlin, Invalidenstraße 117", nil},
		{"DE", "Rechnung 301234567 vom 3.4.24 über 1.234.567,89 €", nil},
		{"DE", "Raum 201, Gebäude 4711", nil},
		{"DE", "Version 1.2.3.4, build 20240512", nil},
		{"DE", "Kartennummer 4111 1111 1111 1111", nil},
		{"DE", "ISBN 978-3-16-148410-0", nil},
		{"DE", "mailto:info@example.com", nil},
		{"DE", "Tel:+49301234567", []want{{"+49301234567", "+49301234567", ""}}},
		{"US", "on 2024-05-12 14:30 we met", nil},
		{"US", "ZIP 90210-1234", nil},
		{"DE", "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.region+"/"+tt.text, func(t *testing.T) {
			got := mustNormalizer(t, tt.region).Extract(tt.text)
			if len(got) != len(tt.want) {
				t.Fatalf("Extract = %+v, want %d numbers %v", got, len(tt.want), tt.want)
			}
			for i, w := range tt.want {
				g := got[i]
				if g.Raw != w.raw || g.Number.Key != w.key || g.Number.Ext != w.ext {
					t.Errorf("found %d = %q %+v, want %q %s ext %q", i, g.Raw, g.Number, w.raw, w.key, w.ext)
				}
				if tt.text[g.Start:g.End] != g.Raw {
					t.Errorf("found %d: text[%d:%d] = %q, Raw %q", i, g.Start, g.End, tt.text[g.Start:g.End], g.Raw)
				}
			}
		})
	}
}

func TestExtractBounded(t *testing.T) {
	n := mustNormalizer(t, "DE")
	text := strings.Repeat("030 1234567, ", maxExtractFound+200) + strings.Repeat("9", maxExtractText)
	if got := n.Extract(text); len(got) != maxExtractFound {
		t.Errorf("found %d, want the first %d", len(got), maxExtractFound)
	}
	// Numbers separated by spaces only form one run of digit groups.
	if got := n.Extract(strings.Repeat("030 1234567 ", 100)); len(got) != 100 {
		t.Errorf("found %d in one run, want 100", len(got))
	}
}

func TestParseURI(t *testing.T) {
	tests := []struct {
		uri, key, ext string
		internal      bool
	}{
		{"tel:+49-30-1234567", "+49301234567", "", false},
		{"TEL:+49.30.123.45.67", "+49301234567", "", false},
		{"tel:+49(30)1234567;ext=89", "+49301234567", "89", false},
		{"tel:%2B49%2030%201234567", "+49301234567", "", false},
		{"tel:030-1234567", "+49301234567", "", false},
		{"tel:1234567;phone-context=+49-30", "+49301234567", "", false},
		{"tel:201;phone-context=pbx.example.com", "201", "", true},
		{"tel:+49-30-1234567;isub=12;ext=7", "+49301234567", "7", false},
		{"callto:+49301234567", "+49301234567", "", false},
		{"callto://+49301234567", "+49301234567", "", false},
		{"callto://+49301234567/", "+49301234567", "", false},
		{"callto:0049%2030%201234567", "+49301234567", "", false},
		{"sip:+4930123456@pbx.example;user=phone", "+4930123456", "", false},
		{"sip:+49-30-1234567;ext=12@gw.example;user=phone", "+49301234567", "12", false},
		{"sips:201@pbx.example", "201", "", true},
		{"sip:201", "201", "", true},
		{"sip:0301234567:secret@pbx.example:5060;transport=tcp?subject=hi", "+49301234567", "", false},
		{"SIP:%2B49301234567@pbx.example", "+49301234567", "", false},
	}
	n := mustNormalizer(t, "DE")
	for _, tt := range tests {
		got, err := n.ParseURI(tt.uri)
		if err != nil {
			t.Errorf("ParseURI(%q): %v", tt.uri, err)
			continue
		}
		if got.Key != tt.key || got.Ext != tt.ext || got.Internal != tt.internal {
			t.Errorf("ParseURI(%q) = %+v, want %s ext %q internal %v", tt.uri, got, tt.key, tt.ext, tt.internal)
		}
	}
	for _, bad := range []string{"", "tel:", "tel:abc", "mailto:x@example.com", "http://example.com",
		"sip:alice@example.com", "callto:echo123", "tel:%zz", "tel:+49301234567;ext=abc",
		"tel:+49301234567;ext=1;ext=2", "callto:", "tel:0000tA0000A00", "tel:+82-000200", "sip:@pbx", "tel:" + strings.Repeat("1", 600)} {
		if got, err := n.ParseURI(bad); err == nil {
			t.Errorf("ParseURI(%q) = %+v, want an error", bad, got)
		}
	}
}
