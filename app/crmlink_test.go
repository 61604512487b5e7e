package app

import (
	"testing"

	"github.com/deskline/deskline/contacts"
)

// The CRM link of a call: an outside number in E.164, an internal one
// left out of {e164}, the company from the address book; none without a
// template or a desk.
func TestCRMLink(t *testing.T) {
	n, err := contacts.NewNormalizer("DE", 3)
	if err != nil {
		t.Fatal(err)
	}
	d := &Desk{Numbers: n}
	d.Settings.CRMURL = "https://crm.example/find?tel={e164}&n={number}&who={name}&org={company}"
	lena := &contacts.Contact{FormattedName: "Lena Hoffmann", Organization: "Hoffmann Logistik"}
	for _, tc := range []struct {
		name string
		call Call
		want string
	}{
		{"outside", Call{Number: "030 1234567", Display: "Lena Hoffmann", Contact: lena},
			"https://crm.example/find?tel=%2B49301234567&n=030+1234567&who=Lena+Hoffmann&org=Hoffmann+Logistik"},
		{"internal", Call{Number: "204", Display: "Carl"},
			"https://crm.example/find?tel=&n=204&who=Carl&org="},
	} {
		if got := d.CRMLink(tc.call); got != tc.want {
			t.Errorf("%s: %q\nwant %q", tc.name, got, tc.want)
		}
	}
	d.Settings.CRMURL = ""
	if got := d.CRMLink(Call{Number: "030 1234567"}); got != "" {
		t.Errorf("no template: %q", got)
	}
	if got := (*Desk)(nil).CRMLink(Call{Number: "030 1234567"}); got != "" {
		t.Errorf("no desk: %q", got)
	}
}
