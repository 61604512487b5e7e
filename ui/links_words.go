package ui

import (
	"github.com/deskline/deskline/app"
	"github.com/deskline/deskline/internal/cut"
)

// The notifications of a tel: link handed over by another program: a
// title and a text each.

// linkWaitingText: the link waits for the connection (its text cut to
// linkShown characters: another program chose it).
func linkWaitingText(text string) (title, body string) {
	return "Deskline is connecting", "It dials " + cut.Runes(text, linkShown) + " once connected."
}

// linkDiallingText: the link's number is being dialled.
func linkDiallingText(t app.DialTarget) (title, body string) {
	return "Dialling " + t.Display, t.Prompt()
}

// linkFailedText: the link's number could not be dialled, and why.
func linkFailedText(t app.DialTarget, err error) (title, body string) {
	return "Cannot dial " + t.Display, userText(err)
}
