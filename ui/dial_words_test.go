package ui

import (
	"testing"

	"github.com/deskline/deskline/app"
	"github.com/deskline/deskline/contacts"
	"github.com/deskline/deskline/ctiproto"
)

func TestDialBlocker(t *testing.T) {
	noCalls := connected()
	delete(noCalls.Capabilities, ctiproto.TypeMakeCall)
	for _, tc := range []struct {
		name  string
		setUp bool
		s     app.State
		want  string
	}{
		{"ready", true, connected(), ""},
		{"no make-call", true, noCalls, "Your telephone system does not let Deskline place calls"},
		{"not set up", false, connected(), linkProblem(false, connected())},
		{"connecting", true, app.State{Status: app.StatusConnecting}, "Connecting to the server…"},
	} {
		if got := dialBlocker(tc.setUp, tc.s); got != tc.want {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
	}
}

func TestDialRowTexts(t *testing.T) {
	lena := &contacts.Contact{FormattedName: "Lena Hoffmann", Organization: "Acme GmbH", Title: "Buyer"}
	for _, tc := range []struct {
		name                         string
		row                          dialRow
		who, company, number, kindOf string
	}{
		{"typed, no contact", dialRow{typed: true, display: "+49 30 901820"}, "+49 30 901820", "Number you typed", "+49 30 901820", "typed"},
		{"typed, a contact's", dialRow{typed: true, display: "+49 30 901820", contact: lena},
			"Lena Hoffmann", "Acme GmbH · Buyer", "+49 30 901820", "typed"},
	} {
		who, company, number, kindOf := dialRowTexts(tc.row)
		if who != tc.who || company != tc.company || number != tc.number || kindOf != tc.kindOf {
			t.Errorf("%s: %q %q %q %q", tc.name, who, company, number, kindOf)
		}
	}
}
