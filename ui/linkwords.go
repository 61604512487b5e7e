package ui

import (
	"fmt"
	"math"
	"net/url"
	"strings"
	"time"

	"github.com/deskline/deskline/app"
	"github.com/deskline/deskline/app/tokens"
)

// problemText words why the server cannot be reached, by the problem's
// kind: what is the case and, where the user can do something, what. With
// several server addresses it names the others tried in vain too.
func problemText(p *app.LinkError) string {
	if len(p.Tried) == 0 {
		return hostProblemText(p)
	}
	return hostProblemText(p) + "; also tried " + strings.Join(p.Tried, ", ")
}

// hostProblemText words the problem with the one server p.Host.
func hostProblemText(p *app.LinkError) string {
	h := p.Host
	switch p.Problem {
	case app.LinkRefused:
		return "Cannot reach the Deskline server at " + h + ": it refuses connections (not running, or the wrong port)"
	case app.LinkTimedOut:
		return "Cannot reach the Deskline server at " + h + ": no answer (network or firewall)"
	case app.LinkNameNotFound:
		return "Cannot find the Deskline server " + h + ": no computer has that name (check the server address in Settings)"
	case app.LinkUnreachable:
		return "Cannot reach the Deskline server at " + h + ": no route to it (is this computer on the network?)"
	case app.LinkUntrusted:
		return "The Deskline server at " + h + " has a certificate this computer does not trust (ask your administrator for the CA file)"
	case app.LinkTLS:
		return "Cannot open a secure connection to the Deskline server at " + h
	case app.LinkNotDeskline:
		return "The server at " + h + " is not a Deskline server, or a too old one (check the server address in Settings)"
	case app.LinkNoAnswer:
		return "The Deskline server at " + h + " stopped answering"
	case app.LinkClosed:
		return "The Deskline server at " + h + " closed the connection"
	case app.LinkThrottled:
		return "Too many failed logins: the Deskline server at " + h + " makes you wait"
	}
	return "Cannot reach the Deskline server at " + h
}

// retryText counts down to the next attempt ("retrying in 8 s"), in
// whole seconds rounded up: it never says 0 s while still waiting.
func retryText(at, now time.Time) string {
	left := at.Sub(now)
	if at.IsZero() || left <= 0 {
		return "retrying now"
	}
	return fmt.Sprintf("retrying in %d s", int(math.Ceil(left.Seconds())))
}

// offlineText says what waits for the link ("" when calls can be made):
// the tray menu and the main window grey those actions out beside it.
func offlineText(s app.State) string {
	switch {
	case canAct(s):
		return ""
	case s.Status == app.StatusConnected:
		return "Dialling, do not disturb and forwarding are off until the telephone system is back."
	}
	return "Dialling, do not disturb and forwarding are off until Deskline is connected."
}

// keyringText words why the login is not kept in the system keyring, ""
// when it is: what is missing, what it means, what helps.
func keyringText(p tokens.KeyringProblem) string {
	const every = "Deskline asks for your password at every start"
	switch p {
	case "":
		return ""
	case tokens.KeyringNoSession:
		return "No keyring: this desktop session has no D-Bus session bus. " + every + "."
	case tokens.KeyringNoService:
		return "No keyring is installed (GNOME Keyring or KWallet). " + every + "."
	case tokens.KeyringLocked:
		return "The keyring stayed locked. " + every + " until it is unlocked."
	case tokens.KeyringTimedOut:
		return "The keyring did not answer. " + every + "."
	}
	return "The system keyring cannot be used. " + every + "."
}

// hostOf is the host (and port) of a server URL, the URL itself when it
// has none.
func hostOf(serverURL string) string {
	if u, err := url.Parse(serverURL); err == nil && u.Host != "" {
		return u.Host
	}
	return serverURL
}
