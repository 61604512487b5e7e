package ui

import "github.com/deskline/deskline/app"

// The login window's sentences.

// loginWhere names the server the password is for.
func loginWhere(serverURL string) string {
	return "Log in to the Deskline server at " + hostOf(serverURL)
}

// loginWhy says why the password is asked for: the server's refusal
// ("Wrong user or password", "Logged out"), or why the server cannot be
// reached now.
func loginWhy(s app.State) string {
	switch {
	case s.Problem != nil:
		return problemText(s.Problem) + "."
	case s.Reason != "":
		return capitalize(s.Reason) + "."
	}
	return "Your password is needed to connect."
}

// loggedInText confirms a login in the settings window.
func loggedInText(name string) string { return "Logged in as " + name }

// loginWhyText is loginWhy, and on a line of its own why the password
// will be asked for again (no keyring).
func loginWhyText(s app.State) string {
	return joinParts("\n", loginWhy(s), keyringText(s.KeyringProblem))
}
