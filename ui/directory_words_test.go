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
	if searchingDirectory != "Searching the directory…" || popSourceText("Staff") != "Directory: Staff" {
		t.Errorf("words %q %q", searchingDirectory, popSourceText("Staff"))
	}
	if got := sourceText("Customers"); got != "from Customers" {
		t.Errorf("a book: %q", got)
	}
	jensen := &contacts.Contact{FormattedName: "Clara Jensen", Organization: "Jensen Logistik", Title: "Buyer"}
	row := dialRow{contact: jensen, phone: contacts.Phone{Number: contacts.Number{Key: "+4940555019", Display: "+49 40 555019"}, Types: []string{"work"}},
		source: sourceText("Customers")}
	for _, tc := range []struct{ got, want string }{
		{foundRowText(row), "Clara Jensen · Jensen Logistik · +49 40 555019 · from Customers"},
		{transferredToText(row), "Transferred to Clara Jensen (+49 40 555019)."},
		{callingRowText(row), "Calling Clara Jensen (+49 40 555019)…"},
	} {
		if tc.got != tc.want {
			t.Errorf("%q, want %q", tc.got, tc.want)
		}
	}
	_, company, _, _ := dialRowTexts(row)
	if company != "Jensen Logistik · Buyer · from Customers" {
		t.Errorf("dial row's second line %q", company)
	}
	row.source = ""
	if _, company, _, _ = dialRowTexts(row); company != "Jensen Logistik · Buyer" {
		t.Errorf("without a directory: %q", company)
	}
	// The pop: company and title on one line, the book on its own.
	org, source, _ := popContactLines(app.Call{Contact: jensen, Source: "Customers"})
	if org != "Jensen Logistik · Buyer" || source != "Directory: Customers" {
		t.Errorf("pop: %q %q", org, source)
	}
	if org, source, _ := popContactLines(app.Call{Contact: jensen}); org != "Jensen Logistik · Buyer" || source != "" {
		t.Errorf("pop of the user's card: %q %q", org, source)
	}
	// Without a company the book is not taken for one.
	lone := &contacts.Contact{FormattedName: "Max Lone"}
	if org, source, _ := popContactLines(app.Call{Contact: lone, Source: "Staff"}); org != "" || source != "Directory: Staff" {
		t.Errorf("pop without company: %q %q", org, source)
	}
	row = dialRow{contact: lone, phone: row.phone, source: sourceText("Staff")}
	if _, company, _, _ := dialRowTexts(row); company != "from Staff" {
		t.Errorf("dial row without company: %q", company)
	}
	sales := &contacts.Contact{FormattedName: "Sam Seller", Department: "Sales"}
	row = dialRow{contact: sales, phone: row.phone, source: sourceText("Staff")}
	if got := foundRowText(row); got != "Sam Seller · Sales · +49 40 555019 · from Staff" {
		t.Errorf("switchboard row: %q", got)
	}
}
