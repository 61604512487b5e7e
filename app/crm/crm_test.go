package crm

import (
	"errors"
	"net/url"
	"strings"
	"testing"
)

func TestURL(t *testing.T) {
	v := Values{Number: "030 1234567", E164: "+49301234567", Name: "Jörg Müller & Söhne", Company: "A/B GmbH"}
	for _, c := range []struct{ template, want string }{
		// Query: form encoding, space "+", plus "%2B", ampersand "%26".
		{"https://crm.example/search?phone={number}", "https://crm.example/search?phone=030+1234567"},
		{"https://crm.example/search?phone={e164}", "https://crm.example/search?phone=%2B49301234567"},
		{"https://crm.example/search?name={name}&x=1", "https://crm.example/search?name=J%C3%B6rg+M%C3%BCller+%26+S%C3%B6hne&x=1"},
		{"https://crm.example/?c={company}", "https://crm.example/?c=A%2FB+GmbH"},
		// Path: space "%20", a plus is a plus, a slash cannot split the segment.
		{"https://crm.example/contacts/{number}", "https://crm.example/contacts/030%201234567"},
		{"https://crm.example/contacts/{e164}/view", "https://crm.example/contacts/+49301234567/view"},
		{"https://crm.example/org/{company}", "https://crm.example/org/A%2FB%20GmbH"},
		// Fragment: like the query.
		{"https://crm.example/#/search?q={number}", "https://crm.example/#/search?q=030+1234567"},
		// Both in one, and a template without placeholders.
		{"http://crm.local:8080/p/{e164}?n={name}", "http://crm.local:8080/p/+49301234567?n=J%C3%B6rg+M%C3%BCller+%26+S%C3%B6hne"},
		{"https://crm.example/", "https://crm.example/"},
	} {
		got, err := URL(c.template, v)
		if err != nil {
			t.Errorf("%s: %v", c.template, err)
			continue
		}
		if got != c.want {
			t.Errorf("%s\n got %s\nwant %s", c.template, got, c.want)
		}
	}
}

// What the CRM decodes is what we put in.
func TestURLDecodesBack(t *testing.T) {
	v := Values{Name: "Anna & Bob + Co / 50% ?#=", Company: "Ünïcødé 東京"}
	got, err := URL("https://crm.example/c/{company}?name={name}", v)
	if err != nil {
		t.Fatal(err)
	}
	u, err := url.Parse(got)
	if err != nil {
		t.Fatal(err)
	}
	if n := u.Query().Get("name"); n != v.Name {
		t.Errorf("query decodes to %q, want %q", n, v.Name)
	}
	if p := u.Path; p != "/c/"+v.Company {
		t.Errorf("path decodes to %q, want /c/%s", p, v.Company)
	}
	if len(u.Query()) != 1 {
		t.Errorf("the name split the query: %v", u.Query())
	}
}

func TestURLErrors(t *testing.T) {
	for _, c := range []struct{ template, want string }{
		{"https://crm.example/?p={phone}", "unknown placeholder {phone} (known: {number}, {e164}, {name}, {company})"},
		{"https://crm.example/?p={Number}", "unknown placeholder {Number}"},
		{"https://crm.example/?p={}", "unknown placeholder {}"},
		{"ftp://crm.example/{number}", "not an http:// or https:// URL"},
		{"mailto:crm@example.com?subject={number}", "not an http:// or https:// URL"},
		{"/search?q={number}", "not an http:// or https:// URL"},
		{"https:///search?q={number}", "no host"},
		{"https://{name}.crm.example/", "placeholder {name} in the scheme or host"},
		{"https://crm.example:{number}/", "placeholder {number} in the scheme or host"},
		{"{number}://crm.example/", "placeholder {number} in the scheme or host"},
		{"https://crm.example/?q={number", "unclosed { at byte 23"},
		{"https://crm example/?q={number}", "not a URL"},
	} {
		_, err := URL(c.template, Values{Number: "201"})
		if err == nil || !strings.HasPrefix(err.Error(), "crm: ") || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want %q", c.template, err, c.want)
		}
	}
}

// A value of "." or ".." in the path does not walk it: the URL is
// refused, whatever escaping a browser would undo. The same values in the
// query are plain text.
func TestURLDotValuesDoNotWalkThePath(t *testing.T) {
	for _, c := range []struct {
		template string
		v        Values
	}{
		{"https://crm.example/contacts/{name}/edit", Values{Name: ".."}},
		{"https://crm.example/contacts/{name}/edit", Values{Name: "."}},
		{"https://crm.example/contacts/{name}", Values{Name: ".."}},
		{"https://crm.example/contacts/{name}{company}/edit", Values{Name: ".", Company: "."}},
		{"https://crm.example/contacts/.{name}/edit", Values{Name: "."}},
	} {
		got, err := URL(c.template, c.v)
		if err == nil || !strings.Contains(err.Error(), "would move up the path") {
			t.Errorf("%s with %+v: %q, %v; want refused", c.template, c.v, got, err)
		}
	}
	for tmpl, want := range map[string]string{
		"https://crm.example/contacts/{name}.html": "https://crm.example/contacts/...html",
		"https://crm.example/contacts/{name}x":     "https://crm.example/contacts/..x",
		"https://crm.example/search?q={name}":      "https://crm.example/search?q=..",
	} {
		if got, err := URL(tmpl, Values{Name: ".."}); err != nil || got != want {
			t.Errorf("%s: %q, %v; want %s", tmpl, got, err, want)
		}
	}
}

// TestErrorFields: a refused template carries its reason as a field, so a
// settings window words it without cutting the log text apart.
func TestErrorFields(t *testing.T) {
	for _, c := range []struct{ template, url, reason string }{
		{"https://crm.example/?p={phone}", "https://crm.example/?p={phone}", "unknown placeholder {phone} (known: {number}, {e164}, {name}, {company})"},
		{"ftp://crm.example/{number}", "ftp://crm.example/201", "not an http:// or https:// URL"},
		{"https:///search?q={number}", "https:///search?q=201", "no host"},
	} {
		_, err := URL(c.template, Values{Number: "201"})
		var e *Error
		if !errors.As(err, &e) || e.URL != c.url || e.Reason != c.reason {
			t.Errorf("%s: %#v, want URL %q, reason %q", c.template, err, c.url, c.reason)
		}
	}
}
