// The words of the tray menu and the main window that are not a
// command's fixed label: pure functions of the state, tested with tables.

package ui

import (
	"fmt"

	"github.com/deskline/deskline/app"
)

// statusLine is the state in one line, with what the user can do: who
// is connected with which phones, else linkProblem's sentence.
func statusLine(s app.State) string {
	if !canAct(s) {
		return linkProblem(true, s)
	}
	who := s.DisplayName
	if who == "" {
		who = s.User
	}
	line := "Connected as " + who
	for i, d := range s.Devices {
		sep := " · "
		if i > 0 {
			sep = ", "
		}
		line += sep + d.ID
	}
	return line
}

// recentLabel is "Recent calls", with the missed calls the user has not
// seen yet: "Recent calls (2 missed)".
func recentLabel(missed int) string {
	if missed > 0 {
		return fmt.Sprintf("Recent calls (%d missed)", missed)
	}
	return "Recent calls"
}

// callsLabel is "Calls (2)": what the calls console shows (callsCount).
func callsLabel(n int) string { return fmt.Sprintf("Calls (%d)", n) }

// mainWhyText says why the main window is there (reason: why there is no
// tray, "" for the usual one), and what else the user should know
// (keyring: keyringText, "" when none).
func mainWhyText(reason, keyring string) string {
	if reason == "" {
		reason = "This desktop shows no tray icons"
	}
	text := reason + ", so Deskline runs in this window. Closing it quits Deskline."
	if keyring != "" {
		text += "\n" + keyring
	}
	return text
}

// The tray menu's own words: its title, and the end of Recent calls.
const (
	menuTitle        = "Deskline"
	noRecentCalls    = "No calls yet"
	showAllCalls     = "Show all…"
	markAllCallsSeen = "Mark all seen"
)

// What a failed command's message is titled.
const (
	dndProblem      = "Do not disturb"
	callBackProblem = "Cannot call back"
	markSeenProblem = "Cannot mark calls seen"
	demoProblem     = "Demo"
)
