package ui

import (
	"slices"
	"strconv"
	"strings"
	"unicode"

	"fyne.io/fyne/v2/widget"

	"github.com/deskline/deskline/app"
	"github.com/deskline/deskline/app/settings"
)

// The settings window's fields: filled from the desk's settings,
// collected over them on Save, and the live checks while typing.

// current is what the fields start from: the desk's settings, or the
// defaults before there is a desk.
func (v *settingsView) current() settings.Settings {
	if d := v.u.Desk(); d != nil {
		return d.Settings
	}
	return settings.Default()
}

func (v *settingsView) fill(s settings.Settings) {
	v.server.SetText(serversText(s))
	v.user.SetText(s.User)
	v.password.SetText("")
	v.caFile.SetText(s.CAFile)
	v.region.SetText(s.HomeRegion)
	v.digits.SetText(strconv.Itoa(s.MaxInternalDigits))
	v.books = slices.Clone(s.AddressBooks)
	v.showBooks()
	v.bookPath.SetText("")
	v.popEnabled.SetChecked(s.Popup.Enabled)
	v.popFocus.SetChecked(s.Popup.TakeFocus)
	v.popNotify.SetChecked(s.Popup.Notify)
	v.popClose.SetChecked(s.Popup.CloseAfterAnswer)
	v.syncPopup()
	v.crm.SetText(s.CRMURL)
	v.checkCRM()
	v.dialLinks.SetChecked(s.DialLinksAtOnce)
	v.fillDialDevice(v.u.state, s.DialDevice)
	v.fillSwitchboard(s.SwitchboardMode())
	v.fillAutostart()
	v.sayAccount(widget.MediumImportance, "")
	v.showProblems(nil)
	v.say(widget.MediumImportance, "")
}

// collect builds the settings from the fields, over base so that what
// the window does not show is kept. errs are fields that do not even
// parse (a word where a number belongs).
func (v *settingsView) collect(base settings.Settings) (s settings.Settings, errs []error) {
	s = base
	s.ServerURL, s.ServerURLs = splitServers(v.server.Text)
	s.User = strings.TrimSpace(v.user.Text)
	s.CAFile = strings.TrimSpace(v.caFile.Text)
	s.HomeRegion = strings.ToUpper(strings.TrimSpace(v.region.Text))
	if n, err := strconv.Atoi(strings.TrimSpace(v.digits.Text)); err == nil {
		s.MaxInternalDigits = n
	} else {
		errs = append(errs, &settings.Error{Field: "max_internal_digits", Reason: notWholeNumber(v.digits.Text)})
	}
	s.AddressBooks = slices.Clone(v.books)
	s.Popup = settings.Popup{Enabled: v.popEnabled.Checked, TakeFocus: v.popFocus.Checked,
		Notify: v.popNotify.Checked, CloseAfterAnswer: v.popClose.Checked}
	s.CRMURL = strings.TrimSpace(v.crm.Text)
	s.DialLinksAtOnce = v.dialLinks.Checked
	if i := v.dialDevice.SelectedIndex(); i >= 0 {
		s.DialDevice = v.dialIDs[i]
	}
	s.Switchboard = v.switchboardMode()
	if !v.autostart.Disabled() {
		s.StartAtLogin = v.autostart.Checked // else the wish in the file stays
	}
	return s, errs
}

// serverSeparator joins a cluster's addresses in the Server field.
const serverSeparator = ", "

// serversText is the Server field's text: server_url, then server_urls.
func serversText(s settings.Settings) string {
	return strings.Join(append([]string{s.ServerURL}, s.ServerURLs...), serverSeparator)
}

// splitServers reads the Server field: addresses separated by commas or
// spaces (neither belongs in a WebSocket URL), the first one server_url.
func splitServers(text string) (first string, more []string) {
	all := strings.FieldsFunc(text, func(r rune) bool { return r == ',' || unicode.IsSpace(r) })
	if len(all) == 0 {
		return "", nil
	}
	return all[0], all[1:]
}

// syncPopup greys out the options of a popup that is off.
func (v *settingsView) syncPopup() {
	for _, c := range []*widget.Check{v.popFocus, v.popClose} {
		setEnabled(c, v.popEnabled.Checked)
	}
}

// checkCRM tries the template as it is typed, on sample values.
func (v *settingsView) checkCRM() {
	text, imp := crmHint(strings.TrimSpace(v.crm.Text))
	setHint(v.crmHint, imp, text)
}

// dialAutomatic is the dial_device option "" in the settings.
const dialAutomatic = "Automatic: the first registered phone"

// fillDialDevice lists the user's phones to dial from, chosen selected. A
// choice that is not among them (not connected yet, or a phone taken
// away) stays listed by its number, so that Save keeps it.
func (v *settingsView) fillDialDevice(s app.State, chosen string) {
	labels, ids := []string{dialAutomatic}, []string{""}
	known := chosen == ""
	for _, d := range s.Devices {
		l := deviceText(s, d.ID)
		if !d.Registered {
			l += " — not registered"
		}
		labels, ids = append(labels, l), append(ids, d.ID)
		known = known || d.ID == chosen
	}
	if !known {
		labels, ids = append(labels, chosen), append(ids, chosen)
	}
	if slices.Equal(labels, v.dialDevice.Options) && v.dialIDs[max(v.dialDevice.SelectedIndex(), 0)] == chosen {
		return
	}
	v.dialDevice.Options, v.dialIDs = labels, ids
	v.dialDevice.SetSelectedIndex(slices.Index(ids, chosen))
}
