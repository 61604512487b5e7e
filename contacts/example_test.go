package contacts_test

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/deskline/deskline/contacts"
)

// One normaliser for lookup and dialing: a number written in any form
// becomes one key, and a short digit string stays an internal extension.
func ExampleNormalizer_Normalize() {
	norm, err := contacts.NewNormalizer("DE", 0)
	if err != nil {
		panic(err)
	}
	for _, raw := range []string{"030 1234567", "+49 (0)30 1234567", "0049-30-1234567;ext=89", "201"} {
		n, err := norm.Normalize(raw)
		if err != nil {
			panic(err)
		}
		fmt.Printf("%-24q key %-13s display %q internal %v\n", raw, n.Key, n.Display, n.Internal)
	}
	// Output:
	// "030 1234567"            key +49301234567  display "+49 30 1234567" internal false
	// "+49 (0)30 1234567"      key +49301234567  display "+49 30 1234567" internal false
	// "0049-30-1234567;ext=89" key +49301234567  display "+49 30 1234567 ext. 89" internal false
	// "201"                    key 201           display "201" internal true
}

// exampleBook writes a small address book to a temporary folder.
func exampleBook() (dir string) {
	dir, err := os.MkdirTemp("", "contacts-example")
	if err != nil {
		panic(err)
	}
	card := "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Anna Schmidt\r\nORG:Praxis Schmidt\r\n" +
		"TEL;TYPE=WORK:+49 30 2345678\r\nTEL;TYPE=CELL:0171 5550123\r\nEND:VCARD\r\n" +
		"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Jürgen Weiß\r\nTEL;TYPE=WORK:040 32901142\r\nEND:VCARD\r\n"
	if err := os.WriteFile(filepath.Join(dir, "office.vcf"), []byte(card), 0o600); err != nil {
		panic(err)
	}
	return dir
}

// Search as the user types: word prefixes of names (accents optional) and
// digits of numbers in any written form.
func ExampleDirectory_Search() {
	dir := exampleBook()
	defer os.RemoveAll(dir)
	norm, _ := contacts.NewNormalizer("DE", 0)
	d := contacts.NewDirectory(norm)
	if warnings := d.Load(dir); len(warnings) > 0 {
		panic(warnings[0])
	}
	for _, q := range []string{"jurg", "anna", "030 234"} {
		for _, m := range d.Search(q, 0) {
			fmt.Printf("%-9q %s, %s (%s)\n", q, m.Contact.FormattedName, m.Phone.Number.Display, m.Phone.Types[0])
		}
	}
	// Output:
	// "jurg"    Jürgen Weiß, +49 40 32901142 (work)
	// "anna"    Anna Schmidt, +49 30 2345678 (work)
	// "anna"    Anna Schmidt, +49 171 5550123 (cell)
	// "030 234" Anna Schmidt, +49 30 2345678 (work)
}

// Reverse lookup for a screen pop: the exchange's form of the caller's
// number finds the contact however the card wrote it.
func ExampleDirectory_Lookup() {
	dir := exampleBook()
	defer os.RemoveAll(dir)
	norm, _ := contacts.NewNormalizer("DE", 0)
	d := contacts.NewDirectory(norm)
	d.Load(dir)
	for _, m := range d.Lookup("+4940 32901142") {
		fmt.Println(m.Contact.FormattedName, "-", m.Phone.Raw)
	}
	// Output:
	// Jürgen Weiß - 040 32901142
}
