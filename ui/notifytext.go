package ui

import (
	"strings"

	"github.com/deskline/deskline/ctiproto"
)

// Every desktop notification's title and text pass through notifyText.
// They carry what strangers choose: a caller's display name, the text of
// a link another program handed over, an error that quotes either.
//
// Fyne 2.8.1 on Windows (app/app_windows.go, SendNotification) shows a
// notification by writing a PowerShell script with
//
//	$title = %q
//	$content = %q
//
// and running it through Invoke-Expression. Go's %q is not PowerShell
// quoting: inside a PowerShell double-quoted string ` escapes, $ starts
// a variable or a $(subexpression) that runs, and " as well as the
// typographic “ ” „ end the string (Go writes \" and PowerShell reads the
// backslash as a plain character). So a caller named
// `Max $(Start-Process calc.exe) "Mustermann"` would start a program on
// every desk the call rings at. notifyText leaves none of these
// characters: what remains is plain text inside the string on every
// platform, so the toast reads the same everywhere.

// notifyQuotes are the characters PowerShell takes for a double quote;
// each becomes an apostrophe, which is plain text inside "…".
const notifyQuotes = "\"\u201c\u201d\u201e"

// notifyText makes s safe for a notification: control and direction
// characters go (ctiproto.CleanText), double quotes of every kind and
// backticks become apostrophes, and dollar signs go.
func notifyText(s string) string {
	s = ctiproto.CleanText(strings.ToValidUTF8(s, "\uFFFD"))
	return strings.Map(func(r rune) rune {
		switch {
		case r == '$':
			return -1
		case r == '`' || strings.ContainsRune(notifyQuotes, r):
			return '\''
		}
		return r
	}, s)
}
