package ui

// The notifications of the app as a whole: its start and the demo.

// startProblemsText is the notification of a start with n warnings:
// the first (worded), and where the others are.
func startProblemsText(first string, n int) (title, body string) {
	body = first
	if n > 1 {
		body += " (and more: see Settings)"
	}
	return "Deskline started with problems", body
}

// demoWelcomeText greets the demo's user, whose phone is about to ring;
// one who may watch colleagues is shown the switchboard too.
func demoWelcomeText(phone string, watches bool) (title, body string) {
	body = "Your phone " + phone + " rings in a moment, from a contact in the demo address book. " +
		"\"Ring me (demo)\" rings it again; Dial… calls a contact."
	if watches {
		body += " Switchboard… shows your colleagues' phones: one of them rings next, for you to pick up."
	}
	return "Welcome to the Deskline demo", body
}
