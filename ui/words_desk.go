package ui

// The notifications of the app as a whole: its start and the demo.

// startProblemsText is the notification of a start with warnings: the
// first, and where the others are.
func startProblemsText(warnings []string) (title, body string) {
	body = warnings[0]
	if len(warnings) > 1 {
		body += " (and more: see Settings)"
	}
	return "Deskline started with problems", body
}

// demoWelcomeText greets the demo's user, whose phone is about to ring.
func demoWelcomeText(phone string) (title, body string) {
	return "Welcome to the Deskline demo", "Your phone " + phone + " rings in a moment, from a contact in the demo address book. " +
		"\"Ring me (demo)\" rings it again; Dial… calls a contact."
}
