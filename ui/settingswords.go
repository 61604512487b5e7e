package ui

import (
	"errors"
	"fmt"

	"fyne.io/fyne/v2/widget"

	"github.com/deskline/deskline/app"
	"github.com/deskline/deskline/app/crm"
	"github.com/deskline/deskline/app/settings"
	"github.com/deskline/deskline/ctiproto"
)

// The settings window's sentences, pure so that a table test pins them.

// crmHint is what the CRM field says under it for template: off, why it
// gives no link (from the check's fields), or the link for the sample
// call.
func crmHint(template string) (string, widget.Importance) {
	if template == "" {
		return "Off: no CRM page is opened for calls.", widget.LowImportance
	}
	u, err := crm.URL(template, settingsCRMSample)
	var e *crm.Error
	switch {
	case errors.As(err, &e):
		return capitalize(crmProblemText(e)), widget.DangerImportance
	case err != nil:
		return userText(err), widget.DangerImportance
	}
	return fmt.Sprintf("For %s calling from %s: %s", settingsCRMSample.Name, settingsCRMSample.Number, u), widget.LowImportance
}

// regionHint says which home region a fresh install takes, and why:
// the user sees whether the locale was read or the fallback applies.
func regionHint(o settings.RegionOrigin) string {
	switch {
	case !o.Fallback:
		return fmt.Sprintf("Default: %s, from your locale %s — how 030 1234567 is read", o.Region, o.Locale)
	case o.Locale != "":
		return fmt.Sprintf("Default: %s, as your locale %s names no country", o.Region, o.Locale)
	}
	return fmt.Sprintf("Default: %s, as no locale is set (LANG)", o.Region)
}

// settingsStatus words the connection for the Account section.
func settingsStatus(setUp bool, s app.State) (string, widget.Importance) {
	if !setUp {
		return "Not set up: enter the server and your user, Save, then log in.", widget.WarningImportance
	}
	switch s.Status {
	case app.StatusConnected:
		t := "Connected"
		if s.DisplayName != "" {
			t += " as " + s.DisplayName + " (" + s.User + ")"
		}
		if s.Server != "" { // which node, when the desk has several
			t += " to " + s.Server
		}
		if why := linkText(s); why != "" {
			return t + ". " + why, widget.WarningImportance
		}
		return t, widget.SuccessImportance
	case app.StatusConnecting:
		return linkText(s), widget.MediumImportance
	}
	return linkText(s), widget.WarningImportance
}

// autostartFailedText is the note after Save when start at login could
// not be switched.
func autostartFailedText(err error) string {
	return "Start at login could not be set: " + causeText(err)
}

// notWholeNumber is why a number field's text was refused.
func notWholeNumber(text string) string { return fmt.Sprintf("%q is not a whole number", text) }

// notLocalFile is why a dropped or picked address book was refused.
func notLocalFile(uri string) string { return uri + " is not a local file" }

// switchboardOptions word settings.SwitchboardModes, in their order.
var switchboardOptions = []string{
	"Automatic: opens at start if the server marks you as the reception",
	"On: opens at start",
	"Off: no colleagues' lines here",
}

// switchboardHint says what the switchboard choice is about.
const switchboardHint = "Colleagues' lines, in the switchboard window and when you dial or transfer"

// switchboardHintFor is the choice's hint for s: what it means, or that
// the server lets this user watch nobody, so no choice shows anything.
func switchboardHintFor(s app.State) string {
	switch {
	case s.Status != app.StatusConnected:
		return switchboardHint
	case !s.Can(ctiproto.TypeWatch):
		return "Your server lets you see no colleagues' lines: ask your administrator"
	case s.Reception:
		return "The server marks you as the reception: automatic opens it at start"
	}
	return switchboardHint
}
