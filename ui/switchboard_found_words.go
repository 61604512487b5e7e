// The switchboard's directory list's words (switchboard_directory.go).

package ui

// foundHeading heads the list under the grid.
const foundHeading = "Contacts"

// foundRowText is "Clara Jensen · Jensen Logistik · +49 40 555019 ·
// Customers": who, where, the number, and the source once the user has
// a directory.
func foundRowText(r dialRow) string {
	name, _, number, _ := dialRowTexts(r)
	return joinParts(" · ", name, companyText(r.contact, false), number, r.source)
}

// transferredToText says where the call went.
func transferredToText(r dialRow) string {
	name, _, number, _ := dialRowTexts(r)
	return "Transferred to " + joinParts(" ", name, "("+number+")") + "."
}

// callingRowText says whom the switchboard calls.
func callingRowText(r dialRow) string {
	name, _, number, _ := dialRowTexts(r)
	return "Calling " + joinParts(" ", name, "("+number+")") + "…"
}
