package people

import (
	"fmt"
	"strings"
	"testing"

	"github.com/deskline/deskline/contacts"
)

// The generated cards read back as the people they were written from,
// through the desk's own parser.
func TestVCardReadsBack(t *testing.T) {
	n, err := contacts.NewNormalizer("DE", 4)
	if err != nil {
		t.Fatal(err)
	}
	var book strings.Builder
	const count = 60
	for i := range count {
		book.WriteString(VCard(i))
	}
	got, warns := n.ParseCards("book.vcf", []byte(book.String()), contacts.Limits{})
	if len(warns) != 0 || len(got) != count {
		t.Fatalf("%d contacts, warnings %v", len(got), warns)
	}
	for i, c := range got {
		p := Get(i)
		if c.ID != "book.vcf#"+p.UID || c.FormattedName != p.FullName() || c.Organization != p.Organization || c.Department != p.Department {
			t.Fatalf("card %d: %+v", i, c)
		}
		if len(c.Phones) != len(p.Phones) || c.Phones[0].Number.Key != WorkKey(i) || !c.Phones[0].HasType("work") {
			t.Fatalf("card %d phones %+v", i, c.Phones)
		}
		if (c.Photo != nil) != HasPhoto(i) {
			t.Fatalf("card %d photo %v", i, c.Photo)
		}
	}
	if !strings.Contains(VCard(1), "VERSION:4.0") || !strings.Contains(VCard(2), "VERSION:3.0") {
		t.Fatal("versions")
	}
}

// Each broken card gives exactly one warning, naming it.
func TestBrokenCards(t *testing.T) {
	n, _ := contacts.NewNormalizer("DE", 4)
	for _, b := range BrokenCards(6) {
		got, warns := n.ParseCards(b.UID, []byte(b.Text), contacts.Limits{})
		if len(warns) != 1 || warns[0].File != b.UID || !strings.Contains(warns[0].Error(), b.Why) {
			t.Errorf("%s: %d contacts, warnings %v", b.UID, len(got), warns)
		}
	}
	huge := HugeCard("h", 2<<20)
	if len(huge) < 2<<20 {
		t.Fatal("huge card too small")
	}
	_, warns := n.ParseCards("h", []byte(huge), contacts.Limits{})
	if len(warns) != 1 || !strings.Contains(fmt.Sprint(warns), "MaxCardSize") {
		t.Fatalf("huge: %v", warns)
	}
}
