package ui

import (
	"cmp"
	"errors"
	"path/filepath"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/deskline/deskline/app"
	"github.com/deskline/deskline/app/settings"
	"github.com/deskline/deskline/contacts"
	"github.com/deskline/deskline/ctiproto"
)

// The wording every view shares: one way to name a number, a phone type,
// a company, the connection. A view adds what to do where that helps,
// but says what is the case with these.

// numberWithheld stands for a caller who sent no number.
const numberWithheld = "Number withheld"

// capitalize puts the first letter in upper case ("über" → "Über"); the
// rest stays as it is.
func capitalize(s string) string {
	r, size := utf8.DecodeRuneInString(s)
	if r == utf8.RuneError {
		return s
	}
	return string(unicode.ToUpper(r)) + s[size:]
}

// refusalText words a refused action from its fields, the action as the
// button names it: "Dial: the line is busy".
func refusalText(e *app.ActionError) string {
	return capitalize(actionName(e.Action) + ": " + e.Reason())
}

// actionName is the button's word for an exchange service or the login
// ("make-call" is "Dial"); any other action as the app named it.
func actionName(action string) string {
	if w, ok := actionWords[action]; ok {
		return w
	}
	return cmp.Or(action, "request")
}

// actionWords name the exchange's services the way the buttons do:
// "make-call: the line is busy" reads "Dial: the line is busy".
var actionWords = map[string]string{
	ctiproto.TypeMakeCall:      "Dial",
	ctiproto.TypeSetDND:        "Do not disturb",
	ctiproto.TypeSetForwarding: "Call forwarding",
	ctiproto.TypeAnswer:        "Answer",
	ctiproto.TypeClear:         "Hang up",
	ctiproto.TypeHold:          "Hold",
	ctiproto.TypeRetrieve:      "Retrieve",
	ctiproto.TypeTransfer:      "Transfer",
	ctiproto.TypeDeflect:       "Deflect",
	"login":                    "Log in",
}

// numberText is a number as people read it: the normaliser's display
// form ("+49 30 1234567"), raw when it cannot read it (or there is no
// normaliser), numberWithheld when there is no number.
func numberText(n *contacts.Normalizer, raw string) string {
	if strings.TrimSpace(raw) == "" {
		return numberWithheld
	}
	if n != nil {
		if num, err := n.NormalizeAny(raw); err == nil && num.Display != "" {
			return num.Display
		}
	}
	return raw
}

// numbers is the current desk's normaliser, nil before there is a desk.
func (u *UI) numbers() *contacts.Normalizer {
	if d := u.Desk(); d != nil {
		return d.Numbers
	}
	return nil
}

// phoneKind names a number's type: "work", "cell", "home, fax"; "phone"
// when its types say nothing a person needs ("voice", "pref"), "" when
// the number is not a contact's.
func phoneKind(p *contacts.Phone) string {
	if p == nil {
		return ""
	}
	var kinds []string
	for _, t := range p.Types {
		if t != "voice" && t != "pref" && t != "internet" {
			kinds = append(kinds, t)
		}
	}
	if len(kinds) == 0 {
		return "phone"
	}
	return strings.Join(kinds, ", ")
}

// companyText is the contact's company and department ("Acme GmbH,
// Purchasing"); with title, the title follows ("Acme GmbH, Purchasing ·
// Head of Purchasing") for places that have one line for both. "" without
// a contact or any of them.
func companyText(c *contacts.Contact, title bool) string {
	if c == nil {
		return ""
	}
	org := joinParts(", ", c.Organization, c.Department)
	if !title {
		return org
	}
	return joinParts(" · ", org, c.Title)
}

// joinParts joins the parts that are not blank.
func joinParts(sep string, parts ...string) string {
	var out []string
	for _, p := range parts {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, sep)
}

// withReason is "what: reason", or what alone when there is no reason.
func withReason(what, reason string) string {
	if reason = strings.TrimSpace(reason); reason == "" {
		return what
	}
	return what + ": " + reason
}

// canAct reports whether calls can be acted on: the server is connected
// and the telephone system behind it available.
func canAct(s app.State) bool {
	return s.Status == app.StatusConnected && s.Exchange.Available
}

// linkText is the one sentence for the link to the server and the
// telephone system, "" when calls can be made (canAct). A link that
// failed says why in plain words (problemText) and when the next try is.
func linkText(s app.State) string {
	switch s.Status {
	case app.StatusConnected:
		if s.Exchange.Available {
			return ""
		}
		return withReason("Telephone system unavailable", s.Exchange.Reason)
	case app.StatusConnecting:
		if s.Problem != nil {
			return problemText(s.Problem) + " — trying again…"
		}
		return "Connecting to the server…"
	case app.StatusDisconnected:
		if s.Problem != nil {
			return problemText(s.Problem) + " — " + retryText(s.RetryAt, time.Now())
		}
		return withReason("Not connected to the server", s.Reason) + " — " + retryText(s.RetryAt, time.Now())
	case app.StatusLoginRequired:
		if s.Problem != nil {
			return "Log in needed. " + problemText(s.Problem)
		}
		return withReason("Log in needed", s.Reason)
	}
	return withReason("Stopped", s.Reason)
}

// linkProblem says why calls cannot be made from here, with what to do,
// "" when they can: the tray, the dial, call and recent calls windows.
func linkProblem(setUp bool, s app.State) string {
	switch {
	case !setUp:
		return userText(errNoClient)
	case canAct(s):
		return ""
	case s.Status == app.StatusLoginRequired:
		return linkText(s) + " — choose Log in…"
	}
	return linkText(s)
}

// callAtRiskText is what a call's card or row says while nothing can be
// done with it, "" while it can: the telephone system is unavailable, or
// the connection to the server is lost.
func callAtRiskText(s app.State) string {
	switch {
	case canAct(s):
		return ""
	case s.Status == app.StatusConnected:
		return "Telephone system unavailable — this call may have ended"
	}
	return "Connection lost — this call may have ended"
}

// bookProblemText words why a path cannot be an address book, from the
// fields of settings.CheckAddressBook's error.
func bookProblemText(err error) string {
	var be *settings.BookError
	if !errors.As(err, &be) {
		return userText(err)
	}
	return bookText(be)
}

// bookText words a settings.BookError from its fields.
func bookText(be *settings.BookError) string {
	switch be.Problem {
	case settings.BookNotAbsolute:
		return be.Path + " is not a full path: start it with " + string(filepath.Separator) + " (or ~" + string(filepath.Separator) + ")"
	case settings.BookUnreadable:
		return "Cannot open " + be.Path + ": " + causeText(be.Err)
	case settings.BookNotVCard:
		return be.Path + " is not a vCard file (.vcf)"
	}
	return withReason(be.Path, causeText(be.Err))
}
