package ui

import (
	"errors"
	"slices"
	"strings"

	"github.com/deskline/deskline/internal/cut"

	"fyne.io/fyne/v2/widget"

	"github.com/deskline/deskline/app"
	"github.com/deskline/deskline/app/settings"
)

// Saving the settings window: validate, apply, rebuild the desk when it
// cannot take the settings in place, and show what went wrong where.

// save validates, has the desk apply the settings (Desk.ApplySettings),
// applies start at login and, when the desk cannot take them in place,
// rebuilds it. then runs once the new settings are in force.
func (v *settingsView) save(then func()) {
	if v.reopening {
		return // the last Save is still being put in force
	}
	d := v.u.Desk()
	s, errs := v.collect(v.current())
	if len(errs) == 0 {
		errs = settingsErrors(s.Validate())
	}
	v.showProblems(errs)
	if len(errs) > 0 {
		return
	}
	if d == nil && v.u.opts.Reopen == nil {
		v.say(widget.DangerImportance, "Nothing to save into: Deskline started without a configuration folder. Restart it.")
		return
	}
	applied, err := d.ApplySettings(s)
	if err != nil {
		v.say(widget.DangerImportance, "Not saved: "+userText(err))
		return
	}
	notes := []string{"Saved."}
	if note := v.applyAutostart(v.autostart.Checked); note != "" {
		notes = append(notes, note)
	}
	switch {
	case applied == app.AppliedNow:
	case v.u.opts.Reopen == nil:
		notes = append(notes, "Restart Deskline to use the new connection and address books.")
	default:
		v.reopen(notes, then)
		return
	}
	v.say(widget.SuccessImportance, strings.Join(notes, " "))
	if then != nil {
		then()
	}
}

// reopen rebuilds the desk off the main goroutine: stopping the old one
// says goodbye to the server, which must not freeze the window.
func (v *settingsView) reopen(notes []string, then func()) {
	finish := func(err error) {
		v.reopening = false
		v.syncButtons()
		v.showWarnings() // the new desk's, or still the old one's
		if err != nil {
			v.say(widget.DangerImportance, strings.Join(notes, " ")+" Deskline could not start with them: "+userText(err))
			return
		}
		v.say(widget.SuccessImportance, strings.Join(notes, " "))
		v.render(v.u.state)
		if then != nil {
			then()
		}
	}
	v.reopening = true
	v.syncButtons()
	v.say(widget.MediumImportance, "Saved. Starting with the new settings…")
	if v.u.opts.Synchronous {
		finish(v.u.Reopen())
		return
	}
	go func() {
		err := v.u.Reopen()
		v.u.do(func() { finish(err) })
	}()
}

// settingsErrors splits Validate's joined errors.
func settingsErrors(err error) []error {
	if err == nil {
		return nil
	}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	return []error{err}
}

// showProblems lists what to fix under the form and puts each reason in
// place of its field's hint.
func (v *settingsView) showProblems(errs []error) {
	byKey := map[string]string{}
	var lines []string
	for _, err := range errs {
		label, reason := settingsProblem(err)
		lines = append(lines, label+": "+reason)
		var se *settings.Error
		if errors.As(err, &se) {
			byKey[fieldKey(se)] = reason
		}
	}
	for key, it := range v.items {
		it.HintText = v.hints[key]
		if r, ok := byKey[key]; ok {
			it.HintText = "⚠ " + cut.Runes(r, settingsHintMax)
		}
	}
	for _, f := range v.forms {
		f.Refresh()
	}
	if len(lines) > 0 {
		v.say(widget.DangerImportance, "Not saved. Please fix:\n"+strings.Join(lines, "\n"))
	}
}

// fieldKey is the form item of a validation error: server_urls entries
// are typed in the Server field.
func fieldKey(se *settings.Error) string {
	if se.Server > 0 {
		return "server_url"
	}
	return se.Field
}

// settingsProblem names the field of a validation error the way the form
// labels it: "address_books[1]" is "Address book 2".
func settingsProblem(err error) (label, reason string) {
	var se *settings.Error
	if !errors.As(err, &se) {
		return "Settings", userText(err)
	}
	return settingName(se.Field, se.Book), se.Reason
}

func (v *settingsView) say(imp widget.Importance, text string) {
	setHint(v.result, imp, text)
	v.win.relayout()
}

func (v *settingsView) sayAccount(imp widget.Importance, text string) {
	setHint(v.account, imp, text)
	v.win.relayout()
}

// showWarnings lists the desk's warnings at the top of the window:
// broken vCards, settings that fell back to defaults, settings the client
// cannot connect with. Nothing the user should know is silent.
func (v *settingsView) showWarnings() {
	var lines []string
	if d := v.u.Desk(); d != nil {
		for _, w := range d.Problems() {
			lines = append(lines, "⚠ "+userText(w))
		}
	}
	if setHint(v.warnings, widget.WarningImportance, strings.Join(lines, "\n")) {
		v.win.relayout()
	}
}

// syncButtons lets Save and Log in work unless a reopen or a login is on
// its way.
func (v *settingsView) syncButtons() {
	setEnabled(v.saveBtn, !v.reopening)
	setEnabled(v.loginBtn, !v.reopening && !v.loggingIn)
}

// connectionChanged reports server, user or CA edits not saved yet: a
// login must go to the server the user typed, so those are saved first.
func (v *settingsView) connectionChanged() bool {
	d := v.u.Desk()
	if d == nil {
		return true
	}
	s, _ := v.collect(d.Settings)
	return s.ServerURL != d.Settings.ServerURL || !slices.Equal(s.ServerURLs, d.Settings.ServerURLs) || s.User != d.Settings.User || s.CAFile != d.Settings.CAFile
}
