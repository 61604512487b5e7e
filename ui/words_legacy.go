package ui

import "strings"

// plainText cuts a log line apart for a person: the package prefixes
// out, a capital first letter. It is left only for the lines of
// app.Desk.Problems, which are strings until the desk keeps its warnings
// typed (contacts.Warning and the settings' and journal's own); then the
// settings window words each with userText and this file goes.
// Nothing else may call it: errors are worded from their fields.
func plainText(s string) string {
	for _, p := range []string{"app: ", "contacts: ", "ctiproto: "} {
		s = strings.ReplaceAll(s, p, "")
	}
	return capitalize(s)
}
