// The dial window's words: what it asks, says and calls its rows, as
// constants and pure functions tested with tables.

package ui

import (
	"github.com/deskline/deskline/app"
	"github.com/deskline/deskline/ctiproto"
)

// dialBlocker says why nothing can be dialled now, "" when it can.
func dialBlocker(setUp bool, s app.State) string {
	if why := linkProblem(setUp, s); why != "" {
		return why
	}
	if !s.Can(ctiproto.TypeMakeCall) {
		return dialNotAllowed
	}
	return ""
}

// dialRowTexts words a row: name, company line, number, number type.
func dialRowTexts(row dialRow) (name, company, number, kind string) {
	if c := row.colleague; c != nil {
		name := c.Label()
		if row.contact != nil {
			name = row.contact.DisplayName()
		}
		return name, colleagueState(*c), c.Device, dialColleagueKind
	}
	if row.typed {
		name, company = row.display, dialTypedRow
		if row.contact != nil {
			name, company = row.contact.DisplayName(), companyText(row.contact, true)
		}
		return name, company, row.display, dialTypedKind
	}
	return row.contact.DisplayName(), joinParts(" · ", companyText(row.contact, true), row.source), row.phone.Number.Display, phoneKind(&row.phone)
}

// sourceText names where a row came from, shown last: the directory's
// book worded as a source ("from Customers"; a bare "Staff" after
// "Sales" reads as "Sales staff"), or the user's own books.
func sourceText(book string) string {
	if book == "" {
		return sourceMine
	}
	return sourceFrom + book
}

// popSourceText is a pop's line saying which directory book its contact
// came from: "Directory: Customers".
func popSourceText(book string) string {
	return popSourceDirectory + book
}

// The dial window's fixed words.
const (
	dialPlaceholder = "Name, company or number"
	dialKeysHint    = "Up/Down choose · Enter dials · Esc closes"
	dialEmptyPrompt = "Type a name, a company or a number."
	dialButton      = "Dial"
	dialCancel      = "Cancel"
	dialNotAllowed  = "Your telephone system does not let Deskline place calls"
	dialTypedRow    = "Number you typed" // the row of the number in the text, no contact
	dialTypedKind   = "typed"            // its number's type
	// sourceMine is the source of a row from the user's own books, where
	// others come from the company directory's.
	sourceMine = "My contacts"
	// sourceFrom leads the name of the directory's book a row came from
	// (short: a transfer suggestion is one line of a narrow field).
	sourceFrom = "from "
	// popSourceDirectory leads it on a pop's line of its own.
	popSourceDirectory = "Directory: "
	// searchingDirectory is said while an Enter waits for the company
	// directory's answer (searchingDelay and longer).
	searchingDirectory = "Searching the directory…"
	// directoryUnreachable is the lists' dim line when the company
	// directory could not be searched (offline, an error, rate-limited).
	directoryUnreachable = "Company directory not reachable — your contacts only"
	// dialColleagueKind is a colleague's row's number type.
	dialColleagueKind = "colleague"
)

// colleagueState words a colleague's line for the dial window and the
// transfer field: whether a call put through now would reach her, with
// whom she talks where the server shows it.
func colleagueState(c app.Colleague) string {
	w := statusWord(c.Status) // the switchboard's words: one vocabulary
	switch {
	case c.Status == ctiproto.StatusForwarded && c.ForwardTo != "":
		return w + " to " + c.ForwardTo
	case c.Who != "" && timedStatus(c.Status):
		return w + " · " + c.Who
	}
	return w
}
