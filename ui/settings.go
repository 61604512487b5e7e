package ui

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/deskline/deskline/internal/cut"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/deskline/deskline/app"
	"github.com/deskline/deskline/app/crm"
	"github.com/deskline/deskline/app/settings"
)

// settingsTitle is the settings window's title (an end-to-end test
// finds it).
const settingsTitle = "Deskline: settings"

// The settings window's size: the account and address books without
// scrolling on a laptop screen.
const (
	settingsWidth  = 600
	settingsHeight = 720
)

// settingsHintMax is how much of a problem a field's hint shows: a hint
// does not wrap, the list under the form has the whole text.
const settingsHintMax = 70

// settingsLabels name the settings.json keys the way the form does, so
// an error about "home_region" points at the field labelled Home region.
var settingsLabels = map[string]string{
	"server_url":          "Server",
	"user":                "User",
	"ca_file":             "CA certificates",
	"home_region":         "Home region",
	"max_internal_digits": "Longest extension",
	"crm_url":             "CRM link",
	"dial_device":         "Dial from",
}

// settingsCRMSample fills the CRM template for the live example.
var settingsCRMSample = crm.Values{Number: "030 1234567", E164: "+49301234567", Name: "Lena Hoffmann", Company: "Hoffmann Logistik"}

// settingsView edits settings.Settings and the login. Fields are filled from
// the desk when the window opens; nothing changes until Save.
type settingsView struct {
	u   *UI
	win appWindow

	server, user, password, caFile *escEntry
	region, digits, crm            *escEntry
	popEnabled, popFocus           *widget.Check
	popNotify, popClose, autostart *widget.Check
	dialLinks                      *widget.Check // dial_links_at_once
	dialDevice                     *widget.Select
	dialIDs                        []string      // dial_device of each of dialDevice's options
	autostartWhy                   *widget.Label // why the box is off (demo, unsupported)
	autostartShown                 bool          // what the box showed when filled: the entry then
	books                          []string
	bookBox                        *fyne.Container
	bookPath                       *escEntry     // a path to add
	bookHint                       *widget.Label // why it cannot be added
	bookAdd                        *widget.Button

	loginBtn, logoutBtn, saveBtn *widget.Button
	warnings                     *widget.Label // the desk's warnings: what fell back, what could not load
	account                      *widget.Label // the last login or logout
	status                       *widget.Label // the connection
	keyring                      *widget.Label
	crmHint                      *widget.Label // the template, tried on sample values
	result                       *widget.Label // what Save did, or what to fix

	items map[string]*widget.FormItem // by settings.json key
	hints map[string]string           // their hints when nothing is wrong
	forms []*widget.Form

	// reopening is set while the desk is rebuilt with new settings, and
	// loggingIn while a login is on its way: Save and Log in wait.
	reopening, loggingIn bool
}

func newSettingsView(u *UI) *settingsView {
	v := &settingsView{u: u}
	v.win = appWindow{u: u, title: settingsTitle, size: fyne.NewSize(settingsWidth, settingsHeight),
		build: v.build, keys: v.typedKey, setup: func(w fyne.Window) { w.SetOnDropped(v.dropped) }}
	return v
}

func (v *settingsView) show() {
	v.win.ensureContent()
	v.fill(v.current())
	v.showWarnings()
	v.win.show(true)
	v.render(v.u.state)
	v.win.relayout()
}

func (v *settingsView) hide() { v.win.hide() }

// render shows the connection and keyring; it never touches what the
// user is typing.
func (v *settingsView) render(s app.State) {
	if !v.win.shown() {
		return
	}
	c := v.u.client()
	text, imp := settingsStatus(c != nil, s)
	setHint(v.status, imp, text)
	switch {
	case c == nil:
		setHint(v.keyring, widget.LowImportance, "")
	case s.Keyring == "":
		setHint(v.keyring, widget.LowImportance, "Your device token is kept in the system keyring.")
	default:
		setHint(v.keyring, widget.WarningImportance, keyringText(s.KeyringProblem)) // what is missing, what it means
	}
	setEnabled(v.logoutBtn, c != nil && s.Status == app.StatusConnected)
	if i := v.dialDevice.SelectedIndex(); i >= 0 {
		v.fillDialDevice(s, v.dialIDs[i]) // the phones came, went or (un)registered
	}
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
		if why := linkText(s); why != "" {
			return t + ". " + why, widget.WarningImportance
		}
		return t, widget.SuccessImportance
	case app.StatusConnecting:
		return linkText(s), widget.MediumImportance
	}
	return linkText(s), widget.WarningImportance
}

func (v *settingsView) build() fyne.CanvasObject {
	v.items, v.hints = map[string]*widget.FormItem{}, map[string]string{}
	// What a user changes comes first; the connection, set once (often by
	// an administrator), last.
	cards := container.NewVBox(v.callsCard(), v.booksCard(), v.desktopCard(), v.accountCard(), v.connectionCard())
	v.result = widget.NewLabel("")
	v.result.Wrapping = fyne.TextWrapWord
	v.warnings = widget.NewLabel("")
	v.warnings.Wrapping = fyne.TextWrapWord
	v.warnings.Hide()
	v.saveBtn = widget.NewButtonWithIcon("Save", theme.DocumentSaveIcon(), func() { v.save(nil) })
	v.saveBtn.Importance = widget.HighImportance
	closeBtn := widget.NewButton("Close", v.hide)
	bottom := container.NewVBox(widget.NewSeparator(), v.result, container.NewHBox(layout.NewSpacer(), closeBtn, v.saveBtn))
	return container.NewBorder(v.warnings, bottom, nil, nil, container.NewVScroll(cards))
}

// typedKey: Escape is the file dialog's while one is open over the
// window; appWindow closes the window on it otherwise.
func (v *settingsView) typedKey(k *fyne.KeyEvent) bool {
	w := v.win.window()
	return k.Name == fyne.KeyEscape && w != nil && w.Canvas().Overlays().Top() != nil
}

// escape closes the window, as Escape does in the other windows, unless
// a file dialog is open over it: Escape is then meant for the dialog.
func (v *settingsView) escape() {
	if !v.typedKey(&fyne.KeyEvent{Name: fyne.KeyEscape}) {
		v.hide()
	}
}

// entry is a text field in which Escape closes the window.
func (v *settingsView) entry(placeholder string) *escEntry {
	e := newEscEntry(v.escape)
	e.SetPlaceHolder(placeholder)
	return e
}

// item makes a form row for a settings.json key with its usual hint.
func (v *settingsView) item(key string, w fyne.CanvasObject, hint string) *widget.FormItem {
	it := &widget.FormItem{Text: settingsLabels[key], Widget: w, HintText: hint}
	v.items[key], v.hints[key] = it, hint
	return it
}

func (v *settingsView) form(items ...*widget.FormItem) *widget.Form {
	f := widget.NewForm(items...)
	v.forms = append(v.forms, f)
	return f
}

// accountCard is who logs in, and how the connection is.
func (v *settingsView) accountCard() fyne.CanvasObject {
	v.user = v.entry("")
	v.password = newPasswordEntry(v.escape)
	v.password.SetPlaceHolder("only to log in; never stored")
	v.password.OnSubmitted = func(string) { v.login(false) }
	v.loginBtn = widget.NewButtonWithIcon("Log in", theme.LoginIcon(), func() { v.login(false) })
	v.logoutBtn = widget.NewButtonWithIcon("Log out", theme.LogoutIcon(), v.logout)
	f := v.form(
		v.item("user", v.user, "Your login name"),
		&widget.FormItem{Text: "Password", Widget: v.password},
	)
	v.account, v.status, v.keyring = widget.NewLabel(""), widget.NewLabel(""), widget.NewLabel("")
	for _, l := range []*widget.Label{v.account, v.status, v.keyring} {
		l.Wrapping = fyne.TextWrapWord
	}
	buttons := container.NewHBox(v.loginBtn, v.logoutBtn)
	return widget.NewCard("Account", "", container.NewVBox(f, buttons, v.account, v.status, v.keyring))
}

// connectionCard holds what is set once for the office, usually by an
// administrator: the server, its certificate authority, and how phone
// numbers are read. The home region's hint says where its default comes
// from.
func (v *settingsView) connectionCard() fyne.CanvasObject {
	v.server = v.entry(settings.DefaultServerURL)
	v.caFile = v.entry("optional, /path/to/company-ca.pem")
	origin := settings.DefaultHomeRegion()
	v.region, v.digits = v.entry(origin.Region), v.entry("")
	return widget.NewCard("Connection", "Set once for the office, usually by your administrator", v.form(
		v.item("server_url", v.server, "The CTI server, ws:// or wss://…/v1/ws"),
		v.item("ca_file", v.caFile, "PEM file of your company's certificate authority, for wss://"),
		v.item("home_region", v.region, regionHint(origin)),
		v.item("max_internal_digits", v.digits, "Numbers up to this many digits are extensions (2–8)"),
	))
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

// booksCard lists the address books. New ones are picked with a file or
// folder dialog, typed or pasted as a path, or dropped on the window from
// the file manager.
func (v *settingsView) booksCard() fyne.CanvasObject {
	v.bookBox = container.NewVBox()
	v.bookPath = v.entry("/path/to/contacts.vcf or a folder of them")
	v.bookPath.OnSubmitted = func(string) { v.addTypedBook() }
	v.bookHint = widget.NewLabel("")
	v.bookHint.Wrapping = fyne.TextWrapWord
	v.bookAdd = widget.NewButtonWithIcon("Add", theme.ContentAddIcon(), v.addTypedBook)
	pickFile := widget.NewButtonWithIcon("Add file…", theme.FileIcon(), v.pickFile)
	pickFolder := widget.NewButtonWithIcon("Add folder…", theme.FolderOpenIcon(), v.pickFolder)
	return widget.NewCard("Address books", "vCard files (.vcf) or folders of them; pick, drop or type them",
		container.NewVBox(v.bookBox, container.NewHBox(pickFile, pickFolder),
			container.NewBorder(nil, nil, nil, v.bookAdd, v.bookPath), v.bookHint))
}

func (v *settingsView) callsCard() fyne.CanvasObject {
	v.popEnabled = widget.NewCheck("Show a window when a call rings", func(bool) { v.syncPopup() })
	v.popFocus = widget.NewCheck("Give that window the keyboard focus", nil)
	v.popNotify = widget.NewCheck("Also show a desktop notification", nil)
	v.popClose = widget.NewCheck("Close it once the call is answered (nothing else waiting)", nil)
	v.crm = v.entry("https://crm.example/search?phone={e164}")
	v.crm.OnChanged = func(string) { v.checkCRM() }
	v.crmHint = widget.NewLabel("")
	v.crmHint.Wrapping = fyne.TextWrapWord
	v.dialDevice = widget.NewSelect(nil, nil)
	f := v.form(v.item("crm_url", v.crm, "Placeholders: {number} {e164} {name} {company}"),
		v.item("dial_device", v.dialDevice, "Click-to-dial rings this phone first; one not registered is passed over"))
	v.dialLinks = widget.NewCheck(dialLinksLabel, nil)
	return widget.NewCard("Calls", "", container.NewVBox(v.popEnabled, v.popFocus, v.popNotify, v.popClose, f, v.crmHint, v.dialLinks))
}

func (v *settingsView) desktopCard() fyne.CanvasObject {
	v.autostart = widget.NewCheck("Start Deskline when I log in to this computer", nil)
	v.autostartWhy = widget.NewLabel("")
	v.autostartWhy.Truncation = fyne.TextTruncateEllipsis
	v.autostartWhy.Hide()
	return widget.NewCard("This computer", "", container.NewVBox(v.autostart, v.autostartWhy))
}

// autostartSupported is app.AutostartSupported; tests try a system
// without it.
var autostartSupported = app.AutostartSupported

// autostartBlocker says why the start-at-login box cannot be used here,
// "" when it can.
func (v *settingsView) autostartBlocker() string {
	switch {
	case v.u.opts.Demo != nil:
		return "The demo does not change whether Deskline starts at login."
	case !autostartSupported():
		return "Deskline cannot start itself at login on this system yet."
	}
	return ""
}

// fillAutostart shows what is in effect: the desktop's own settings may
// have removed or switched off the entry since settings.json was saved.
func (v *settingsView) fillAutostart() {
	why := v.autostartBlocker()
	v.autostartShown = autostartSupported() && app.AutostartEnabled()
	v.autostart.SetChecked(v.autostartShown)
	setEnabled(v.autostart, why == "")
	setHint(v.autostartWhy, widget.LowImportance, why)
}

// applyAutostart creates or removes the autostart entry when the user
// changed the box and it differs from the entry now. It returns a note
// for the user when that failed.
func (v *settingsView) applyAutostart(want bool) string {
	if v.autostart.Disabled() || want == v.autostartShown || want == app.AutostartEnabled() {
		v.autostartShown = want
		return ""
	}
	if err := app.SetAutostart(want, v.u.opts.ExecPath); err != nil {
		return "Start at login could not be set: " + userText(err)
	}
	v.autostartShown = want
	return ""
}

// current is what the fields start from: the desk's settings, or the
// defaults before there is a desk.
func (v *settingsView) current() settings.Settings {
	if d := v.u.Desk(); d != nil {
		return d.Settings
	}
	return settings.Default()
}

func (v *settingsView) fill(s settings.Settings) {
	v.server.SetText(s.ServerURL)
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
	s.ServerURL = strings.TrimSpace(v.server.Text)
	s.User = strings.TrimSpace(v.user.Text)
	s.CAFile = strings.TrimSpace(v.caFile.Text)
	s.HomeRegion = strings.ToUpper(strings.TrimSpace(v.region.Text))
	if n, err := strconv.Atoi(strings.TrimSpace(v.digits.Text)); err == nil {
		s.MaxInternalDigits = n
	} else {
		errs = append(errs, &settings.Error{Field: "max_internal_digits", Reason: fmt.Sprintf("%q is not a whole number", v.digits.Text)})
	}
	s.AddressBooks = slices.Clone(v.books)
	s.Popup = settings.Popup{Enabled: v.popEnabled.Checked, TakeFocus: v.popFocus.Checked,
		Notify: v.popNotify.Checked, CloseAfterAnswer: v.popClose.Checked}
	s.CRMURL = strings.TrimSpace(v.crm.Text)
	s.DialLinksAtOnce = v.dialLinks.Checked
	if i := v.dialDevice.SelectedIndex(); i >= 0 {
		s.DialDevice = v.dialIDs[i]
	}
	if !v.autostart.Disabled() {
		s.StartAtLogin = v.autostart.Checked // else the wish in the file stays
	}
	return s, errs
}

// syncPopup greys out the options of a popup that is off.
func (v *settingsView) syncPopup() {
	for _, c := range []*widget.Check{v.popFocus, v.popClose} {
		setEnabled(c, v.popEnabled.Checked)
	}
}

// checkCRM tries the template as it is typed, on sample values.
func (v *settingsView) checkCRM() {
	t := strings.TrimSpace(v.crm.Text)
	if t == "" {
		setHint(v.crmHint, widget.LowImportance, "Off: no CRM page is opened for calls.")
		return
	}
	u, err := crm.URL(t, settingsCRMSample)
	if err != nil {
		setHint(v.crmHint, widget.DangerImportance, strings.TrimPrefix(err.Error(), "app: crm: "))
		return
	}
	setHint(v.crmHint, widget.LowImportance, "For Lena Hoffmann calling from 030 1234567: "+u)
}

// settingsNeedReopen reports changes that need a new desk: another
// server, user or certificate (a new client), region or extension length
// (a new normaliser), other address books.
func settingsNeedReopen(old, s settings.Settings) bool {
	return old.ServerURL != s.ServerURL || old.User != s.User || old.CAFile != s.CAFile ||
		old.HomeRegion != s.HomeRegion || old.MaxInternalDigits != s.MaxInternalDigits ||
		!slices.Equal(old.AddressBooks, s.AddressBooks)
}

// save validates, writes settings.json, applies start at login and, when
// the connection or the numbers changed, rebuilds the desk. then runs
// once the new settings are in force.
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
	dir := ""
	if d != nil {
		dir = d.Dir
	} else if cd, err := settings.Dir(); err == nil {
		dir = cd
	} else {
		v.say(widget.DangerImportance, "Not saved: "+userText(err))
		return
	}
	if err := settings.Save(filepath.Join(dir, settings.FileName), s); err != nil {
		v.say(widget.DangerImportance, "Not saved: "+userText(err))
		return
	}
	notes := []string{"Saved."}
	if note := v.applyAutostart(v.autostart.Checked); note != "" {
		notes = append(notes, note)
	}
	switch {
	case d != nil && !settingsNeedReopen(d.Settings, s):
		d.Settings = s // the popup and CRM options apply from the next call
		if d.Client != nil {
			d.Client.SetDialDevice(s.DialDevice)
		}
	case v.u.opts.Reopen == nil:
		d.Settings = s
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
			byKey[se.Field] = reason
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

// settingsProblem names the field of a validation error the way the form
// labels it: "address_books[1]" is "Address book 2".
func settingsProblem(err error) (label, reason string) {
	var se *settings.Error
	if !errors.As(err, &se) {
		return "Settings", userText(err)
	}
	label = settingsLabels[se.Field]
	var i int
	if _, scanErr := fmt.Sscanf(se.Field, "address_books[%d]", &i); scanErr == nil {
		label = fmt.Sprintf("Address book %d", i+1)
	}
	if label == "" {
		label = se.Field
	}
	return label, se.Reason
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
			lines = append(lines, "⚠ "+plainText(w))
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
	return s.ServerURL != d.Settings.ServerURL || s.User != d.Settings.User || s.CAFile != d.Settings.CAFile
}

// login sends the typed password. Unsaved connection fields are saved
// (and the desk rebuilt) first, once.
func (v *settingsView) login(saved bool) {
	if v.reopening || v.loggingIn {
		return // Log in is off: Enter in the password field must wait too
	}
	pw := v.password.Text
	if pw == "" {
		v.sayAccount(widget.DangerImportance, "Type your password first.")
		if w := v.win.window(); w != nil {
			w.Canvas().Focus(v.password)
		}
		return
	}
	if !saved && v.connectionChanged() {
		v.save(func() { v.login(true) })
		return
	}
	if v.u.client() == nil {
		v.sayAccount(widget.DangerImportance, "Enter the server and your user, then Save, before logging in.")
		return
	}
	v.loggingIn = true
	v.syncButtons()
	v.sayAccount(widget.MediumImportance, "Logging in…")
	v.u.act("login", func(ctx context.Context, c *app.Client) error {
		return c.Login(ctx, pw)
	}, func(err error) {
		v.loggingIn = false
		v.syncButtons()
		if err != nil {
			v.sayAccount(widget.DangerImportance, userText(err))
			return
		}
		v.password.SetText("")
		name := v.user.Text
		if c := v.u.client(); c != nil && c.State().DisplayName != "" {
			name = c.State().DisplayName
		}
		v.sayAccount(widget.SuccessImportance, "Logged in as "+name)
	})
}

func (v *settingsView) logout() {
	v.u.act("logout", func(ctx context.Context, c *app.Client) error {
		return c.Logout(ctx)
	}, func(err error) {
		if err != nil {
			v.sayAccount(widget.WarningImportance, userText(err))
			return
		}
		v.sayAccount(widget.MediumImportance, "Logged out. Log in again to use your phone from this computer.")
	})
}

// showBooks lists the address books, each with its Remove button.
func (v *settingsView) showBooks() {
	setHint(v.bookHint, widget.DangerImportance, "")
	v.bookBox.RemoveAll()
	if len(v.books) == 0 {
		none := widget.NewLabel("No address book: callers show by number only.")
		none.Importance = widget.LowImportance
		v.bookBox.Add(none)
	}
	for i, path := range v.books {
		l := widget.NewLabel(path)
		l.Truncation = fyne.TextTruncateEllipsis
		remove := widget.NewButtonWithIcon("Remove", theme.DeleteIcon(), func() { v.removeBook(i) })
		v.bookBox.Add(container.NewBorder(nil, nil, nil, remove, l))
	}
	v.bookBox.Refresh()
}

// addBook lists a file or folder once; Save checks it exists.
func (v *settingsView) addBook(path string) {
	if path == "" || slices.Contains(v.books, path) {
		return
	}
	v.books = append(v.books, path)
	v.showBooks()
}

func (v *settingsView) removeBook(i int) {
	if i < 0 || i >= len(v.books) {
		return
	}
	v.books = slices.Delete(v.books, i, i+1)
	v.showBooks()
}

// addTypedBook adds the path typed (or pasted) under the list. It is
// checked at once, so a typo is caught where it was made, not at Save.
func (v *settingsView) addTypedBook() {
	path := strings.TrimSpace(v.bookPath.Text)
	if path == "" {
		setHint(v.bookHint, widget.DangerImportance, "Type the path of a .vcf file or a folder first.")
		return
	}
	if strings.HasPrefix(path, "~"+string(filepath.Separator)) {
		if home, err := os.UserHomeDir(); err == nil {
			path = filepath.Join(home, path[2:])
		}
	}
	if why := settingsBookProblem(path); why != "" {
		setHint(v.bookHint, widget.DangerImportance, why)
		return
	}
	v.bookPath.SetText("")
	v.addBook(path)
}

// settingsBookProblem says what is wrong with an address book path, ""
// if it can be added.
func settingsBookProblem(path string) string {
	if !filepath.IsAbs(path) {
		return path + " is not a full path: start it with " + string(filepath.Separator) + " (or ~" + string(filepath.Separator) + ")"
	}
	info, err := os.Stat(path)
	if err != nil {
		return "Cannot open " + path + ": " + userText(errors.Unwrap(err))
	}
	if ext := strings.ToLower(filepath.Ext(path)); !info.IsDir() && ext != ".vcf" && ext != ".vcard" {
		return path + " is not a vCard file (.vcf)"
	}
	return ""
}

// pickFile adds a .vcf file chosen in a file dialog.
func (v *settingsView) pickFile() {
	d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil || r == nil {
			return // cancelled, or the dialog said what went wrong
		}
		r.Close()
		v.addPicked(r.URI())
	}, v.win.window())
	d.SetFilter(storage.NewExtensionFileFilter([]string{".vcf", ".vcard", ".VCF"}))
	d.Show()
}

// pickFolder adds a folder of vCards chosen in a folder dialog.
func (v *settingsView) pickFolder() {
	dialog.NewFolderOpen(func(l fyne.ListableURI, err error) {
		if err == nil && l != nil {
			v.addPicked(l)
		}
	}, v.win.window()).Show()
}

// addPicked adds a file or folder given as a URI (picked or dropped).
func (v *settingsView) addPicked(u fyne.URI) {
	if u.Scheme() != "file" {
		setHint(v.bookHint, widget.DangerImportance, u.String()+" is not a local file")
		return
	}
	if why := settingsBookProblem(u.Path()); why != "" {
		setHint(v.bookHint, widget.DangerImportance, why)
		return
	}
	v.addBook(u.Path())
}

// dropped adds files and folders dragged onto the window from a file
// manager as address books.
func (v *settingsView) dropped(_ fyne.Position, uris []fyne.URI) {
	for _, u := range uris {
		v.addPicked(u)
	}
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
