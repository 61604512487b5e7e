package ui

import (
	"testing"

	"github.com/deskline/deskline/app"
	"github.com/deskline/deskline/contacts"
)

// Where a row came from, and a pop of the directory's contact.
func TestDirectoryWords(t *testing.T) {
	if got := sourceText(""); got != "My contacts" {
		t.Errorf("own books: %q", got)
	}
	if got := sourceText("Customers"); got != "Customers" {
		t.Errorf("a book: %q", got)
	}
	jensen := &contacts.Contact{FormattedName: "Clara Jensen", Organization: "Jensen Logistik", Title: "Buyer"}
	row := dialRow{contact: jensen, phone: contacts.Phone{Number: contacts.Number{Key: "+4940555019", Display: "+49 40 555019"}, Types: []string{"work"}},
		source: "Customers"}
	for _, tc := range []struct{ got, want string }{
		{foundRowText(row), "Clara Jensen · Jensen Logistik · +49 40 555019 · Customers"},
		{transferredToText(row), "Transferred to Clara Jensen (+49 40 555019)."},
		{callingRowText(row), "Calling Clara Jensen (+49 40 555019)…"},
	} {
		if tc.got != tc.want {
			t.Errorf("%q, want %q", tc.got, tc.want)
		}
	}
	_, company, _, _ := dialRowTexts(row)
	if company != "Jensen Logistik · Buyer · Customers" {
		t.Errorf("dial row's second line %q", company)
	}
	row.source = ""
	if _, company, _, _ = dialRowTexts(row); company != "Jensen Logistik · Buyer" {
		t.Errorf("without a directory: %q", company)
	}
	org, title, _ := popContactLines(app.Call{Contact: jensen, Source: "Customers"})
	if org != "Jensen Logistik · Customers" || title != "Buyer" {
		t.Errorf("pop: %q %q", org, title)
	}
	if org, _, _ := popContactLines(app.Call{Contact: jensen}); org != "Jensen Logistik" {
		t.Errorf("pop of the user's card: %q", org)
	}
}
