package ami

import (
	"strings"
	"testing"
)

// Asterisk's extension patterns (docs: "Pattern Matching"; main/pbx.c).
func TestExtenMatch(t *testing.T) {
	for _, c := range []struct {
		pattern, num string
		want         bool
	}{
		{"202", "202", true},
		{"202", "2020", false},
		{"555-1212", "5551212", true}, // "-" is decoration
		{"_20X", "202", true},
		{"_20X", "20", false},
		{"_20X", "2021", false},
		{"_0X.", "0891234567", true},
		{"_0X.", "08", false}, // "." wants one or more
		{"_0X.", "777", false},
		{"_0X!", "08", true}, // "!" takes zero or more
		{"_NXX", "199", false},
		{"_NXX", "299", true},
		{"_ZX", "09", false},
		{"_ZX", "19", true},
		{"_[15-7]XX", "601", true},
		{"_[15-7]XX", "401", false},
		{"_[15-7]XX", "101", true},
		{"_*7X", "*72", true},
		{"_+49X.", "+49301234567", true},
		{"_X.", "i", false},
		{"i", "777", false},
	} {
		if got := extenMatch(c.pattern, c.num); got != c.want {
			t.Errorf("extenMatch(%q, %q) = %v, want %v", c.pattern, c.num, got, c.want)
		}
	}
}

func dpItem(kv ...string) Message {
	m := Message{Fields: []Field{{"Event", "ListDialplan"}}}
	for i := 0; i+1 < len(kv); i += 2 {
		m.Add(kv[i], kv[i+1])
	}
	return m
}

// Includes are followed (timed ones too), hints are not dialable, a
// switch makes the answer unsure, an "i" handler is noted, FreePBX's
// bad-number catch-all reaches nothing.
func TestDialplanReaches(t *testing.T) {
	d := &dialplan{context: "from-internal", contexts: map[string]*dpContext{
		"from-internal": parseContext("from-internal", []Message{
			dpItem("Context", "from-internal", "Extension", "301", "Priority", "hint", "Application", "PJSIP/301"),
			dpItem("Context", "from-internal", "IncludeContext", "ext-local", "Registrar", "pbx_config"),
			dpItem("Context", "from-internal", "IncludeContext", "outbound,08:00-18:00,mon-fri,*,*", "Registrar", "pbx_config"),
			dpItem("Context", "from-internal", "Extension", "i", "Priority", "1", "Application", "Playback"),
			dpItem("Context", "from-internal", "IncludeContext", "bad-number", "Registrar", "pbx_config"),
		}),
		// FreePBX's last include: anything else hears "cannot complete as dialed".
		"bad-number": parseContext("bad-number", []Message{
			dpItem("Context", "bad-number", "Extension", "_X.", "Priority", "1", "Application", "ResetCDR"),
		}),
		"ext-local": parseContext("ext-local", []Message{
			dpItem("Context", "ext-local", "Extension", "_2XX", "Priority", "1", "Application", "Dial"),
			dpItem("Context", "ext-local", "IncludeContext", "from-internal", "Registrar", "pbx_config"), // a loop
		}),
		"outbound": parseContext("outbound", []Message{
			dpItem("Context", "outbound", "Extension", "_0X.", "Priority", "1", "Application", "Dial"),
		}),
	}}
	for num, want := range map[string]bool{"202": true, "0891234567": true, "301": false, "777": false} {
		if reach, sure := d.reaches(num); reach != want || !sure {
			t.Errorf("reaches(%s) = %v, %v; want %v, sure", num, reach, sure, want)
		}
	}
	if !d.invalidHandler() {
		t.Error("the i extension is not noted")
	}
	d.contexts["outbound"].switched = true
	if _, sure := d.reaches("777"); sure {
		t.Error("a context with a switch still says for sure")
	}
}

// FuzzExtenMatch feeds the matcher any extension name Asterisk could list
// and any number: it never panics, a name without "_" matches exactly
// itself (dashes aside), and "_" followed by the number's own digits
// matches it.
func FuzzExtenMatch(f *testing.F) {
	for _, s := range [][2]string{{"_20X", "202"}, {"_[15-7]XX", "601"}, {"_[", "["}, {"_[]", "1"},
		{"_0X.", "0891234567"}, {"_!", ""}, {"555-1212", "5551212"}, {"_", ""}, {"_[9-", "9"}} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, pattern, num string) {
		got := extenMatch(pattern, num)
		if !strings.HasPrefix(pattern, "_") {
			want := strings.ReplaceAll(pattern, "-", "") == strings.ReplaceAll(num, "-", "")
			if got != want {
				t.Fatalf("extenMatch(%q, %q) = %v for a plain name", pattern, num, got)
			}
		}
		digits := strings.Map(func(r rune) rune {
			if r >= '0' && r <= '9' {
				return r
			}
			return -1
		}, num)
		if !extenMatch("_"+digits, digits) {
			t.Fatalf("_%s does not match %s", digits, digits)
		}
	})
}
