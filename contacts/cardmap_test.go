package contacts

import (
	"fmt"
	"slices"
	"testing"
)

// One CardParser lives as long as a CardDAV book: sync after sync of cards
// with ever new TYPE combinations must not grow its interned types past
// maxTypeSets, and every phone still gets its own types right.
func TestCardParserTypesBounded(t *testing.T) {
	n, err := NewNormalizer("DE", 4)
	if err != nil {
		t.Fatal(err)
	}
	cp := n.NewCardParser(Limits{})
	for sync := range 20 {
		for i := range 100 {
			k := sync*100 + i
			card := fmt.Sprintf("BEGIN:VCARD\r\nVERSION:3.0\r\nUID:u%d\r\nFN:Person %d\r\nTEL;TYPE=work,x-t%d:030 %07d\r\nEND:VCARD\r\n", k, k, k, k)
			cs, ws := cp.Parse(fmt.Sprintf("/book/%d.vcf", k), []byte(card))
			if len(cs) != 1 || len(ws) != 0 {
				t.Fatalf("card %d: %v %v", k, cs, ws)
			}
			if got, want := cs[0].Phones[0].Types, []string{"work", fmt.Sprintf("x-t%d", k)}; !slices.Equal(got, want) {
				t.Fatalf("card %d: types %q, want %q", k, got, want)
			}
		}
		if len(cp.p.types) > maxTypeSets {
			t.Fatalf("after sync %d: %d interned type sets, more than %d", sync, len(cp.p.types), maxTypeSets)
		}
	}
	// Past the cap, types still read right.
	a, _ := cp.Parse("/a.vcf", []byte("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:A\r\nTEL;TYPE=cell:0151 1234567\r\nEND:VCARD\r\n"))
	b, _ := cp.Parse("/b.vcf", []byte("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:B\r\nTEL;TYPE=CELL:0151 7654321\r\nEND:VCARD\r\n"))
	if !slices.Equal(a[0].Phones[0].Types, []string{"cell"}) || !slices.Equal(b[0].Phones[0].Types, []string{"cell"}) {
		t.Fatalf("types %q %q", a[0].Phones[0].Types, b[0].Phones[0].Types)
	}
}
