package app

import (
	"fmt"
	"testing"

	"github.com/deskline/deskline/contacts"
	"github.com/deskline/deskline/ctiproto"
)

// The merged search for "ja": a keystroke (the user's books and 50
// colleagues) and a directory answer (20 contacts of 2 numbers) merged in:
//
//	go test -run '^$' -bench Merge -benchmem ./app
func BenchmarkMerge(b *testing.B) {
	n, err := contacts.NewNormalizer("DE", 0)
	if err != nil {
		b.Fatal(err)
	}
	bk := contacts.NewDirectory(n)
	if w := bk.Load("testdata/office.vcf"); len(w) > 0 {
		b.Fatal(w)
	}
	f := Find{Books: bk, Numbers: n, Colleagues: true, Limit: 12}
	var s State
	for i := range 50 {
		s.Switchboard.Colleagues = append(s.Switchboard.Colleagues, Colleague{Device: fmt.Sprint(300 + i), Name: fmt.Sprintf("Jan Colleague%02d", i)})
	}
	var server []ctiproto.Contact
	for i := range 20 {
		server = append(server, dirContact(fmt.Sprint(i), fmt.Sprintf("Jane Person%02d", i), "Acme", fmt.Sprintf("+49301000%02d", i), fmt.Sprintf("+49171000%02d", i)))
	}
	for _, bc := range []struct {
		name   string
		answer []ctiproto.Contact
	}{{"keystroke", nil}, {"answer", server}} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				f.Merge(s, "ja", bc.answer)
			}
		})
	}
}
