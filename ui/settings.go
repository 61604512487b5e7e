package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
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
	"switchboard":         "Switchboard",
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
	dialIDs                        []string       // dial_device of each of dialDevice's options
	switchboard                    *widget.Select // settings_switchboard.go
	autostartWhy                   *widget.Label  // why the box is off (demo, unsupported)
	autostartShown                 bool           // what the box showed when filled: the entry then
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
	v.renderSwitchboard(s)
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
		v.item("server_url", v.server, "The CTI server, ws:// or wss://…/v1/ws; a cluster's nodes separated by commas"),
		v.item("ca_file", v.caFile, "PEM file of your company's certificate authority, for wss://"),
		v.item("home_region", v.region, regionHint(origin)),
		v.item("max_internal_digits", v.digits, "Numbers up to this many digits are extensions (2–8)"),
	))
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
		v.item("dial_device", v.dialDevice, "Click-to-dial rings this phone first; one not registered is passed over"),
		v.switchboardItem())
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
