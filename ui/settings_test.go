package ui

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/deskline/deskline/app"
	"github.com/deskline/deskline/ctiproto"
	"github.com/deskline/deskline/internal/testoffice"
)

// settingsDesk opens a desk from a settings file naming the office and
// user, without logging in: what a fresh install looks like once set up.
func settingsDesk(t *testing.T, o *testoffice.Office, user string) *app.Desk {
	t.Helper()
	dir := t.TempDir()
	s := app.DefaultSettings()
	s.ServerURL, s.User, s.HomeRegion = o.URL(), user, "DE"
	if err := app.SaveSettings(filepath.Join(dir, app.SettingsFileName), s); err != nil {
		t.Fatal(err)
	}
	d, err := app.OpenDesk(dir, app.NewMemoryStore(), slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	return d
}

func settingsFile(t *testing.T, d *app.Desk) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(d.Dir, app.SettingsFileName))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func TestSettingsShowTheDesksSettings(t *testing.T) {
	o := testoffice.Start(t, nil)
	book, _ := filepath.Abs(dialBook)
	d := o.Desk(t, "ann", book)
	u, _ := newTestUI(t, d)
	waitRender(t, u, "connected", func(s app.State) bool { return s.Status == app.StatusConnected })
	u.settings.show()
	v := u.settings
	if v.w.Title() != "Deskline: settings" {
		t.Fatalf("title %q", v.w.Title())
	}
	got := []string{v.server.Text, v.user.Text, v.region.Text, v.digits.Text, strings.Join(v.books, ",")}
	want := []string{o.URL(), "ann", "DE", "6", book}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("fields %q, want %q", got, want)
	}
	if !v.popEnabled.Checked || v.popFocus.Checked || !v.popNotify.Checked || !v.popClose.Checked || v.autostart.Checked {
		t.Error("popup and start options do not match the defaults")
	}
	if v.status.Text != "Connected as Ann Archer (ann)" || v.keyring.Text != "Your device token is kept in the system keyring." {
		t.Errorf("status %q, keyring %q", v.status.Text, v.keyring.Text)
	}
	if v.logoutBtn.Disabled() {
		t.Error("Log out is off while connected")
	}
	u.Render(app.State{Status: app.StatusLoginRequired, Reason: "logged out", Keyring: (&app.NoKeyringError{Err: errors.New("org.freedesktop.secrets was not provided")}).Error()})
	if v.status.Text != "Log in needed: logged out" || !strings.HasPrefix(v.keyring.Text, "No keyring available (no Secret Service") || !strings.Contains(v.keyring.Text, "password at every start") {
		t.Errorf("status %q, keyring %q", v.status.Text, v.keyring.Text)
	}
}

func TestSettingsSaveRefusesBadValues(t *testing.T) {
	o := testoffice.Start(t, nil)
	d := o.Desk(t, "ann")
	u, _ := newTestUI(t, d)
	reopened := 0
	u.opts.Reopen = func() (*app.Desk, error) { reopened++; return nil, context.Canceled }
	u.settings.show()
	v := u.settings
	before := settingsFile(t, d)
	v.server.SetText("http://x")
	v.region.SetText("Germany")
	v.digits.SetText("6")
	v.addBook("/no/such/book.vcf")
	test.Tap(v.saveBtn)
	for _, want := range []string{
		`Server: "http://x" must start with ws:// or wss://`,
		`Home region: "GERMANY" is not a region code`,
		"Address book 1: /no/such/book.vcf",
	} {
		if !strings.Contains(v.result.Text, want) {
			t.Errorf("result %q does not say %q", v.result.Text, want)
		}
	}
	if h := v.items["server_url"].HintText; !strings.Contains(h, "must start with ws://") {
		t.Errorf("the Server field's hint is %q, want the reason", h)
	}
	if !bytes.Equal(settingsFile(t, d), before) || reopened != 0 {
		t.Fatalf("bad settings were written (reopened %d times)", reopened)
	}
	v.digits.SetText("six")
	v.server.SetText(o.URL())
	v.region.SetText("DE")
	v.removeBook(0)
	test.Tap(v.saveBtn)
	if !strings.Contains(v.result.Text, `Longest extension: "six" is not a whole number`) {
		t.Errorf("result %q", v.result.Text)
	}
	if h := v.items["server_url"].HintText; strings.Contains(h, "⚠") {
		t.Errorf("a fixed field still shows its error: %q", h)
	}
}

func TestSettingsSaveWritesAndReopens(t *testing.T) {
	o := testoffice.Start(t, nil)
	d := o.Desk(t, "ann")
	u, _ := newTestUI(t, d)
	t.Cleanup(u.Stop)
	var reopened []*app.Desk
	u.opts.Reopen = func() (*app.Desk, error) {
		nd, err := app.OpenDesk(d.Dir, app.NewMemoryStore(), slog.New(slog.NewTextHandler(io.Discard, nil)))
		reopened = append(reopened, nd)
		return nd, err
	}
	path := filepath.Join(d.Dir, app.SettingsFileName)
	u.settings.show()
	v := u.settings

	// Popup and CRM only: written and in force at once, no new desk.
	v.popNotify.SetChecked(false)
	v.crm.SetText("https://crm.example/find?phone={e164}&who={name}")
	if !strings.Contains(v.crmHint.Text, "https://crm.example/find?phone=%2B49301234567&who=Lena+Hoffmann") {
		t.Errorf("CRM example %q", v.crmHint.Text)
	}
	test.Tap(v.saveBtn)
	s, warnings, err := app.LoadSettings(path)
	if err != nil || len(warnings) > 0 || s.Popup.Notify || s.CRMURL != "https://crm.example/find?phone={e164}&who={name}" {
		t.Fatalf("file after save: %+v, %v, %v", s, warnings, err)
	}
	if len(reopened) != 0 || d.Settings.Popup.Notify || v.result.Text != "Saved." {
		t.Fatalf("reopened %d, desk notify %v, result %q", len(reopened), d.Settings.Popup.Notify, v.result.Text)
	}

	// The region changes how numbers read: a new desk.
	v.region.SetText("at")
	test.Tap(v.saveBtn)
	if s, _, _ = app.LoadSettings(path); s.HomeRegion != "AT" {
		t.Fatalf("home region in the file %q, want AT", s.HomeRegion)
	}
	if len(reopened) != 1 || u.Desk() != reopened[0] || u.Desk().Numbers.Region() != "AT" {
		t.Fatalf("reopened %d times; the UI's desk is the new one: %v", len(reopened), len(reopened) == 1 && u.Desk() == reopened[0])
	}
	if !strings.HasPrefix(v.result.Text, "Saved.") {
		t.Errorf("result %q", v.result.Text)
	}
}

func TestSettingsCRMLiveCheck(t *testing.T) {
	u, _ := newTestUI(t, nil)
	u.settings.show()
	v := u.settings
	v.crm.SetText("https://{name}.example/")
	if !strings.Contains(v.crmHint.Text, "in the scheme or host") {
		t.Errorf("placeholder in the host: %q", v.crmHint.Text)
	}
	v.crm.SetText("")
	if !strings.HasPrefix(v.crmHint.Text, "Off") {
		t.Errorf("empty template: %q", v.crmHint.Text)
	}
	if v.status.Text != "Not set up: enter the server and your user, Save, then log in." {
		t.Errorf("status without desk %q", v.status.Text)
	}
	test.Tap(v.saveBtn) // no desk and no Reopen: say so, do not crash
	if !strings.Contains(v.result.Text, "Nothing to save into") {
		t.Errorf("result %q", v.result.Text)
	}
}

func TestSettingsLogin(t *testing.T) {
	o := testoffice.Start(t, nil)
	d := settingsDesk(t, o, "bob")
	u, _ := newTestUI(t, d)
	u.runDesk(d)
	t.Cleanup(u.Stop)
	waitRender(t, u, "login required", func(s app.State) bool { return s.Status == app.StatusLoginRequired })
	u.settings.show()
	v := u.settings
	if !v.logoutBtn.Disabled() {
		t.Error("Log out is on before logging in")
	}
	test.Tap(v.loginBtn)
	if v.account.Text != "Type your password first." {
		t.Errorf("empty password: %q", v.account.Text)
	}
	test.Type(v.password, testoffice.Password)
	test.Tap(v.loginBtn)
	if v.account.Text != "Logged in as Bob Baker" || v.password.Text != "" {
		t.Fatalf("after login: %q, password field %q", v.account.Text, v.password.Text)
	}
	waitRender(t, u, "connected as bob", func(s app.State) bool { return s.Status == app.StatusConnected && s.User == "bob" })
	if v.status.Text != "Connected as Bob Baker (bob)" || v.logoutBtn.Disabled() {
		t.Errorf("status %q, Log out enabled %v", v.status.Text, !v.logoutBtn.Disabled())
	}
	test.Tap(v.logoutBtn)
	waitRender(t, u, "logged out", func(s app.State) bool { return s.Status == app.StatusLoginRequired })
	if !strings.HasPrefix(v.account.Text, "Logged out") {
		t.Errorf("after logout: %q", v.account.Text)
	}
}

func TestSettingsLoginWrongPassword(t *testing.T) {
	o := testoffice.Start(t, nil)
	d := settingsDesk(t, o, "bob")
	u, _ := newTestUI(t, d)
	u.runDesk(d)
	t.Cleanup(u.Stop)
	waitRender(t, u, "login required", func(s app.State) bool { return s.Status == app.StatusLoginRequired })
	u.settings.show()
	v := u.settings
	test.Type(v.password, "not the password")
	v.password.OnSubmitted(v.password.Text) // Enter in the field
	if v.account.Text != "Log in: wrong user or password" {
		t.Fatalf("wrong password: %q", v.account.Text)
	}
	if v.password.Text == "" {
		t.Error("the password field was cleared after a failed login")
	}
	if s := u.client().State(); s.Status == app.StatusConnected {
		t.Error("connected with a wrong password")
	}
}

// TestSettingsLoginSavesNewServerFirst: a user typed into a fresh install
// is saved and the desk rebuilt before the password goes out, so the
// login reaches the new client.
func TestSettingsLoginSavesNewServerFirst(t *testing.T) {
	o := testoffice.Start(t, nil)
	dir := t.TempDir()
	s := app.DefaultSettings()
	s.ServerURL = o.URL()
	if err := app.SaveSettings(filepath.Join(dir, app.SettingsFileName), s); err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	d, err := app.OpenDesk(dir, app.NewMemoryStore(), log)
	if err != nil || d.Client != nil {
		t.Fatalf("desk without user: client %v, %v", d.Client, err)
	}
	u, _ := newTestUI(t, d)
	t.Cleanup(func() { u.Stop(); u.Desk().Close() })
	u.opts.Reopen = func() (*app.Desk, error) { return app.OpenDesk(dir, app.NewMemoryStore(), log) }
	u.settings.show()
	v := u.settings
	v.user.SetText("bob")
	test.Type(v.password, testoffice.Password)
	test.Tap(v.loginBtn)
	if v.account.Text != "Logged in as Bob Baker" {
		t.Fatalf("login after saving the user: %q (result %q)", v.account.Text, v.result.Text)
	}
	if got, _, _ := app.LoadSettings(filepath.Join(dir, app.SettingsFileName)); got.User != "bob" {
		t.Errorf("user in the file %q", got.User)
	}
}

// TestSettingsMaster pins the form's look over a made-up state.
func TestSettingsMaster(t *testing.T) {
	o := testoffice.Start(t, nil)
	d := settingsDesk(t, o, "ann")
	d.Settings.ServerURL = "wss://cti.example.com/v1/ws" // the file stays valid; only the form shows this
	d.Settings.CRMURL = "https://crm.example/search?phone={e164}"
	u, _ := newTestUI(t, d)
	u.Render(app.State{Status: app.StatusConnected, User: "ann", DisplayName: "Ann Archer",
		Exchange: app.ExchangeStatus{Available: true}, Capabilities: map[string]bool{ctiproto.TypeMakeCall: true}})
	u.settings.show()
	test.AssertRendersToMarkup(t, "settings_form.xml", u.settings.w.Canvas())
}

func TestSettingsAddressBooks(t *testing.T) {
	o := testoffice.Start(t, nil)
	d := settingsDesk(t, o, "ann")
	u, _ := newTestUI(t, d)
	t.Cleanup(func() { u.Stop(); u.Desk().Close() })
	reopened := 0
	u.opts.Reopen = func() (*app.Desk, error) {
		reopened++
		return app.OpenDesk(d.Dir, app.NewMemoryStore(), slog.New(slog.NewTextHandler(io.Discard, nil)))
	}
	u.settings.show()
	v := u.settings
	book, _ := filepath.Abs(dialBook)

	for text, want := range map[string]string{
		"":                  "Type the path of a .vcf file or a folder first.",
		"testdata/dial.vcf": "is not a full path",
		filepath.Join(d.Dir, app.SettingsFileName): "is not a vCard file",
		"/no/such/folder":                          "Cannot open /no/such/folder",
	} {
		v.bookPath.SetText(text)
		v.bookPath.OnSubmitted(text)
		if !strings.Contains(v.bookHint.Text, want) || len(v.books) != 0 {
			t.Errorf("adding %q: hint %q, books %q; want %q and nothing added", text, v.bookHint.Text, v.books, want)
		}
	}
	v.bookPath.SetText(book)
	test.Tap(v.bookAdd)
	v.dropped(fyne.NewPos(10, 10), []fyne.URI{storage.NewFileURI(filepath.Dir(book)), storage.NewFileURI(book)})
	if want := []string{book, filepath.Dir(book)}; !slices.Equal(v.books, want) || v.bookPath.Text != "" || v.bookHint.Visible() {
		t.Fatalf("books %q, want %q (path field %q, hint %q)", v.books, want, v.bookPath.Text, v.bookHint.Text)
	}
	var removes []*widget.Button
	dialWalk(v.bookBox, func(o fyne.CanvasObject) {
		if b, ok := o.(*widget.Button); ok && b.Text == "Remove" {
			removes = append(removes, b)
		}
	})
	if len(removes) != 2 {
		t.Fatalf("%d Remove buttons, want 2", len(removes))
	}
	test.Tap(removes[1]) // the folder
	test.Tap(v.saveBtn)
	s, _, _ := app.LoadSettings(filepath.Join(d.Dir, app.SettingsFileName))
	if !slices.Equal(s.AddressBooks, []string{book}) || reopened != 1 {
		t.Fatalf("saved books %q, reopened %d times; want [%s] and a new desk", s.AddressBooks, reopened, book)
	}
}

// brokenBook writes an address book with a card whose number is not one
// and a card cut short: the desk loads what it can and warns.
func brokenBook(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "broken.vcf")
	data := "BEGIN:VCARD\nVERSION:3.0\nFN:Nobody\nTEL:x\nEND:VCARD\nBEGIN:VCARD\nFN:Half\n"
	if err := os.WriteFile(path, []byte(data), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// The desk's warnings (a setting that fell back, broken vCards) show in
// the settings window when it opens: never a silent state.
func TestSettingsShowWarnings(t *testing.T) {
	dir := t.TempDir()
	book := brokenBook(t)
	file := `{"version": 1, "server_url": "ws://127.0.0.1:9/v1/ws", "user": "ann", "home_region": "Germany", "address_books": ["` + book + `"]}`
	if err := os.WriteFile(filepath.Join(dir, app.SettingsFileName), []byte(file), 0o600); err != nil {
		t.Fatal(err)
	}
	d, err := app.OpenDesk(dir, app.NewMemoryStore(), slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	u, _ := newTestUI(t, d)
	u.settings.show()
	w := u.settings.warnings
	if !w.Visible() || w.Importance != widget.WarningImportance {
		t.Fatalf("warnings visible %v, importance %v: %q", w.Visible(), w.Importance, w.Text)
	}
	for _, want := range []string{`home_region: "Germany" is not a region code`, "using the default",
		book + ": card 1 (Nobody)", book + ": card 2 (Half): no END:VCARD"} {
		if !strings.Contains(w.Text, want) {
			t.Errorf("warnings %q do not say %q", w.Text, want)
		}
	}
	if strings.Contains(w.Text, "contacts: ") {
		t.Errorf("warnings keep the log prefix: %q", w.Text)
	}
}

// A Save that rebuilds the desk blocks a second Save or a Log in until it
// is done, and then shows the new desk's warnings.
func TestSettingsReopenBlocksASecondOne(t *testing.T) {
	o := testoffice.Start(t, nil)
	d := o.Desk(t, "ann")
	u, _ := newTestUI(t, d)
	t.Cleanup(func() { u.Stop(); u.Desk().Close() })
	u.settings.show()
	v := u.settings
	if v.warnings.Visible() {
		t.Fatalf("warnings shown for a desk without any: %q", v.warnings.Text)
	}
	reopened := 0
	u.opts.Reopen = func() (*app.Desk, error) {
		reopened++
		if !v.reopening || !v.saveBtn.Disabled() || !v.loginBtn.Disabled() {
			t.Errorf("while reopening: flag %v, Save enabled %v, Log in enabled %v",
				v.reopening, !v.saveBtn.Disabled(), !v.loginBtn.Disabled())
		}
		v.login(false) // Enter in the password field: not even "Type your password first"
		if v.account.Visible() {
			t.Errorf("Log in worked while reopening: %q", v.account.Text)
		}
		return app.OpenDesk(d.Dir, app.NewMemoryStore(), slog.New(slog.NewTextHandler(io.Discard, nil)))
	}
	book := brokenBook(t)
	v.addBook(book)
	test.Tap(v.saveBtn)
	if reopened != 1 {
		t.Fatalf("reopened %d times, want 1 (result %q)", reopened, v.result.Text)
	}
	if v.reopening || v.saveBtn.Disabled() || v.loginBtn.Disabled() {
		t.Errorf("after the reopen: flag %v, Save enabled %v, Log in enabled %v",
			v.reopening, !v.saveBtn.Disabled(), !v.loginBtn.Disabled())
	}
	if !strings.HasPrefix(v.result.Text, "Saved.") || u.Desk() == d {
		t.Fatalf("result %q; new desk %v", v.result.Text, u.Desk() != d)
	}
	if !v.warnings.Visible() || !strings.Contains(v.warnings.Text, book+": card 1 (Nobody)") {
		t.Errorf("the new desk's warnings are not shown: %q (visible %v)", v.warnings.Text, v.warnings.Visible())
	}

	// A Save while a reopen runs (a click that got through, Enter) does
	// nothing: a second reopen would wait for the first one's lock, on the
	// main goroutine.
	before := settingsFile(t, u.Desk())
	v.reopening = true
	v.region.SetText("CH")
	v.save(nil)
	v.reopening = false
	if !bytes.Equal(settingsFile(t, u.Desk()), before) || reopened != 1 {
		t.Errorf("a Save during a reopen went through (reopened %d times)", reopened)
	}
}
