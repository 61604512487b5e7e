package ui

import "github.com/deskline/deskline/app"

// The forwarding switch's and window's sentences.

// forwardLabelText is the tray's forwarding item: where calls go (to as
// numberText words it), or the offer to forward them when to is "".
func forwardLabelText(to string) string {
	if to != "" {
		return "Forwarding to " + to + "…"
	}
	return "Forward calls…"
}

// forwardPreview says where calls would go for what is typed (text,
// trimmed), or why they cannot.
func forwardPreview(text string, t app.DialTarget, err error) string {
	switch {
	case text == "":
		return "Type a number or a name."
	case err != nil:
		return userText(err)
	}
	return "Calls to your phone will ring at " + t.Who() + "."
}
