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
	"sync/atomic"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/deskline/deskline/app"
	"github.com/deskline/deskline/app/settings"
	"github.com/deskline/deskline/app/tokens"
	"github.com/deskline/deskline/ctiproto"
	"github.com/deskline/deskline/internal/testoffice"
	"github.com/deskline/deskline/internal/testoffice/testdesk"
)

// settingsDesk opens a desk from a settings file naming the office and
// user, without logging in: what a fresh install looks like once set up.
func settingsDesk(t *testing.T, o *testoffice.Office, user string) *app.Desk {
	t.Helper()
	dir := t.TempDir()
	s := settings.Default()
	s.ServerURL, s.User, s.HomeRegion = o.URL(), user, "DE"
	if err := settings.Save(filepath.Join(dir, settings.FileName), s); err != nil {
		t.Fatal(err)
	}
	d, err := app.OpenDesk(dir, tokens.NewMemory(), slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	return d
}

func settingsFile(t *testing.T, d *app.Desk) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(d.Dir, settings.FileName))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func TestSettingsShowTheDesksSettings(t *testing.T) {
	autostartHome(t)
	o := testoffice.Start(t, nil)
	book, _ := filepath.Abs(dialBook)
	d := testdesk.Open(t, o, "ann", book)
	u, _ := newTestUI(t, d)
	waitRender(t, u, "connected", func(s app.State) bool { return s.Status == app.StatusConnected })
	u.settings.show()
	v := u.settings
	if v.win.window().Title() != "Deskline: settings" {
		t.Fatalf("title %q", v.win.window().Title())
	}
	got := []string{v.server.Text, v.user.Text, v.region.Text, v.digits.Text, strings.Join(v.books, ",")}
	want := []string{o.URL(), "ann", "DE", "6", book}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("fields %q, want %q", got, want)
	}
	if !v.popEnabled.Checked || v.popFocus.Checked || !v.popNotify.Checked || !v.popClose.Checked || v.autostart.Checked {
		t.Error("popup and start options do not match the defaults")
	}
	if v.status.Text != "Connected as Ann Archer (ann) to "+o.Addr || v.keyring.Text != "Your device token is kept in the system keyring." {
		t.Errorf("status %q, keyring %q", v.status.Text, v.keyring.Text)
	}
	if v.logoutBtn.Disabled() {
		t.Error("Log out is off while connected")
	}
	nk := &tokens.NoKeyringError{Err: errors.New("org.freedesktop.secrets was not provided")}
	u.Render(app.State{Status: app.StatusLoginRequired, Reason: "logged out", Keyring: nk.Error(), KeyringProblem: nk.Problem()})
	if v.status.Text != "Log in needed: logged out" || !strings.HasPrefix(v.keyring.Text, "No keyring is installed") ||
		!strings.Contains(v.keyring.Text, "password at every start") || strings.Contains(v.keyring.Text, "freedesktop") {
		t.Errorf("status %q, keyring %q", v.status.Text, v.keyring.Text)
	}
}

func TestSettingsSaveRefusesBadValues(t *testing.T) {
	o := testoffice.Start(t, nil)
	d := testdesk.Open(t, o, "ann")
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
	d := testdesk.Open(t, o, "ann")
	u, _ := newTestUI(t, d)
	t.Cleanup(u.Stop)
	var reopened []*app.Desk
	u.opts.Reopen = func() (*app.Desk, error) {
		nd, err := app.OpenDesk(d.Dir, tokens.NewMemory(), slog.New(slog.NewTextHandler(io.Discard, nil)))
		reopened = append(reopened, nd)
		return nd, err
	}
	path := filepath.Join(d.Dir, settings.FileName)
	u.settings.show()
	v := u.settings

	// Popup and CRM only: written and in force at once, no new desk.
	v.popNotify.SetChecked(false)
	v.crm.SetText("https://crm.example/find?phone={e164}&who={name}")
	if !strings.Contains(v.crmHint.Text, "https://crm.example/find?phone=%2B49301234567&who=Lena+Hoffmann") {
		t.Errorf("CRM example %q", v.crmHint.Text)
	}
	test.Tap(v.saveBtn)
	s, warnings, err := settings.Load(path)
	if err != nil || len(warnings) > 0 || s.Popup.Notify || s.CRMURL != "https://crm.example/find?phone={e164}&who={name}" {
		t.Fatalf("file after save: %+v, %v, %v", s, warnings, err)
	}
	if len(reopened) != 0 || d.Settings.Popup.Notify || v.result.Text != "Saved." {
		t.Fatalf("reopened %d, desk notify %v, result %q", len(reopened), d.Settings.Popup.Notify, v.result.Text)
	}

	// The region changes how numbers read: a new desk.
	v.region.SetText("at")
	test.Tap(v.saveBtn)
	if s, _, _ = settings.Load(path); s.HomeRegion != "AT" {
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

// settingsLoginUI runs a desk for bob that has never logged in, and opens
// the settings window on it.
func settingsLoginUI(t *testing.T) (*UI, *settingsView) {
	t.Helper()
	o := testoffice.Start(t, nil)
	d := settingsDesk(t, o, "bob")
	u, _ := newTestUI(t, d)
	u.runDesk(d)
	t.Cleanup(u.Stop)
	waitRender(t, u, "login required", func(s app.State) bool { return s.Status == app.StatusLoginRequired })
	u.settings.show()
	return u, u.settings
}

func TestSettingsLogin(t *testing.T) {
	u, v := settingsLoginUI(t)
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
	if v.status.Text != "Connected as Bob Baker (bob) to "+hostOf(u.Desk().Settings.ServerURL) || v.logoutBtn.Disabled() {
		t.Errorf("status %q, Log out enabled %v", v.status.Text, !v.logoutBtn.Disabled())
	}
	test.Tap(v.logoutBtn)
	waitRender(t, u, "logged out", func(s app.State) bool { return s.Status == app.StatusLoginRequired })
	if !strings.HasPrefix(v.account.Text, "Logged out") {
		t.Errorf("after logout: %q", v.account.Text)
	}
}

func TestSettingsLoginWrongPassword(t *testing.T) {
	u, v := settingsLoginUI(t)
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
	s := settings.Default()
	s.ServerURL = o.URL()
	if err := settings.Save(filepath.Join(dir, settings.FileName), s); err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	d, err := app.OpenDesk(dir, tokens.NewMemory(), log)
	if err != nil || d.Client != nil {
		t.Fatalf("desk without user: client %v, %v", d.Client, err)
	}
	u, _ := newTestUI(t, d)
	t.Cleanup(func() { u.Stop(); u.Desk().Close() })
	u.opts.Reopen = func() (*app.Desk, error) { return app.OpenDesk(dir, tokens.NewMemory(), log) }
	u.settings.show()
	v := u.settings
	v.user.SetText("bob")
	test.Type(v.password, testoffice.Password)
	test.Tap(v.loginBtn)
	if v.account.Text != "Logged in as Bob Baker" {
		t.Fatalf("login after saving the user: %q (result %q)", v.account.Text, v.result.Text)
	}
	if got, _, _ := settings.Load(filepath.Join(dir, settings.FileName)); got.User != "bob" {
		t.Errorf("user in the file %q", got.User)
	}
}

// settingsLocale sets the locale the home region's default is read from.
func settingsLocale(t *testing.T, lang string) {
	t.Setenv("LC_ALL", "")
	t.Setenv("LC_TELEPHONE", "")
	t.Setenv("LANG", lang)
}

// TestSettingsMaster pins the form's look over a made-up state.
func TestSettingsMaster(t *testing.T) {
	autostartHome(t)
	settingsLocale(t, "de_DE.UTF-8")
	o := testoffice.Start(t, nil)
	d := settingsDesk(t, o, "ann")
	d.Settings.ServerURL = "wss://cti.example.com/v1/ws" // the file stays valid; only the form shows this
	d.Settings.CRMURL = "https://crm.example/search?phone={e164}"
	u, _ := newTestUI(t, d)
	u.Render(app.State{Status: app.StatusConnected, User: "ann", DisplayName: "Ann Archer",
		Exchange: app.ExchangeStatus{Available: true}, Capabilities: map[string]bool{ctiproto.TypeMakeCall: true}})
	u.settings.show()
	test.AssertRendersToMarkup(t, "settings_form.xml", u.settings.win.window().Canvas())
	snapshot(t, "settings_form.xml", u.settings.win.window().Canvas())
}

func TestSettingsAddressBooks(t *testing.T) {
	o := testoffice.Start(t, nil)
	d := settingsDesk(t, o, "ann")
	u, _ := newTestUI(t, d)
	t.Cleanup(func() { u.Stop(); u.Desk().Close() })
	reopened := 0
	u.opts.Reopen = func() (*app.Desk, error) {
		reopened++
		return app.OpenDesk(d.Dir, tokens.NewMemory(), slog.New(slog.NewTextHandler(io.Discard, nil)))
	}
	u.settings.show()
	v := u.settings
	book, _ := filepath.Abs(dialBook)

	for text, want := range map[string]string{
		"":                                      "Type the path of a .vcf file or a folder first.",
		"testdata/dial.vcf":                     "is not a full path",
		filepath.Join(d.Dir, settings.FileName): "is not a vCard file",
		"/no/such/folder":                       "Cannot open /no/such/folder",
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
	s, _, _ := settings.Load(filepath.Join(d.Dir, settings.FileName))
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
	if err := os.WriteFile(filepath.Join(dir, settings.FileName), []byte(file), 0o600); err != nil {
		t.Fatal(err)
	}
	d, err := app.OpenDesk(dir, tokens.NewMemory(), slog.New(slog.NewTextHandler(io.Discard, nil)))
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
	for _, want := range []string{`Home region: "Germany" is not a region code`, "using the default",
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
// is done, and then shows the new desk's warnings. The first Save runs
// on its own goroutine and waits inside Reopen; meanwhile the test tries
// again through every way in (the Save button, Enter in the password
// field, save and login themselves): each must return at once, without
// writing settings.json or reopening again. A second reopen would wait
// for the first one's lock, so the tries run with a time limit.
func TestSettingsReopenBlocksASecondOne(t *testing.T) {
	o := testoffice.Start(t, nil)
	d := testdesk.Open(t, o, "ann")
	u, _ := newTestUI(t, d)
	t.Cleanup(func() { u.Stop(); u.Desk().Close() })
	u.settings.show()
	v := u.settings
	if v.warnings.Visible() {
		t.Fatalf("warnings shown for a desk without any: %q", v.warnings.Text)
	}
	var reopened atomic.Int32
	entered, release := make(chan struct{}), make(chan struct{})
	u.opts.Reopen = func() (*app.Desk, error) {
		if reopened.Add(1) == 1 {
			close(entered)
			<-release
		}
		return app.OpenDesk(d.Dir, tokens.NewMemory(), slog.New(slog.NewTextHandler(io.Discard, nil)))
	}
	book := brokenBook(t)
	v.addBook(book)
	first := make(chan struct{})
	go func() { defer close(first); test.Tap(v.saveBtn) }()
	select {
	case <-entered:
	case <-first:
		t.Fatalf("Save did not reopen (result %q)", v.result.Text)
	case <-time.After(10 * time.Second):
		t.Fatal("Save did not reach Reopen")
	}

	// The first Save waits in Reopen: the window says so.
	if !v.reopening || !v.saveBtn.Disabled() || !v.loginBtn.Disabled() {
		t.Errorf("while reopening: flag %v, Save enabled %v, Log in enabled %v",
			v.reopening, !v.saveBtn.Disabled(), !v.loginBtn.Disabled())
	}
	written := settingsFile(t, d)
	result := v.result.Text
	second := make(chan struct{})
	go func() {
		defer close(second)
		v.region.SetText("CH")       // a change that needs a new desk too
		v.user.SetText("bob")        // and one a login saves first
		v.password.SetText("secret") // so Log in does not stop at "Type your password first"
		test.Tap(v.saveBtn)
		v.save(nil)
		v.password.OnSubmitted(v.password.Text) // Enter in the password field
		v.login(false)
		v.login(true)
	}()
	select {
	case <-second:
	case <-time.After(5 * time.Second):
		t.Error("a second Save or Log in did not return while the first Save reopened")
	}
	if n := reopened.Load(); n != 1 {
		t.Errorf("reopened %d times while the first reopen ran, want 1", n)
	}
	if !bytes.Equal(settingsFile(t, d), written) {
		t.Error("a Save during a reopen wrote settings.json")
	}
	if v.result.Text != result || v.account.Visible() || v.loggingIn {
		t.Errorf("a Save or Log in during a reopen went on: result %q, account %q, logging in %v",
			v.result.Text, v.account.Text, v.loggingIn)
	}
	close(release)
	<-first
	<-second

	if n := reopened.Load(); n != 1 {
		t.Fatalf("reopened %d times, want 1 (result %q)", n, v.result.Text)
	}
	if v.reopening || v.saveBtn.Disabled() || v.loginBtn.Disabled() {
		t.Errorf("after the reopen: flag %v, Save enabled %v, Log in enabled %v",
			v.reopening, !v.saveBtn.Disabled(), !v.loginBtn.Disabled())
	}
	if !strings.HasPrefix(v.result.Text, "Saved.") || u.Desk() == d {
		t.Fatalf("result %q; new desk %v", v.result.Text, u.Desk() != d)
	}
	if s := u.Desk().Settings; s.HomeRegion != "DE" || s.User != "ann" || !slices.Equal(s.AddressBooks, []string{book}) {
		t.Errorf("the new desk has %s/%s/%q, want the first Save's DE/ann/[%s]", s.HomeRegion, s.User, s.AddressBooks, book)
	}
	if !v.warnings.Visible() || !strings.Contains(v.warnings.Text, book+": card 1 (Nobody)") {
		t.Errorf("the new desk's warnings are not shown: %q (visible %v)", v.warnings.Text, v.warnings.Visible())
	}
}

// autostartHome points XDG_CONFIG_HOME at a temporary folder, so that a
// test never reads or writes the real start-at-login entry, and returns
// where the entry would be.
func autostartHome(t *testing.T) string {
	t.Helper()
	if !app.AutostartSupported() {
		t.Skip("no start at login on this system")
	}
	dir := t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", dir)
	return filepath.Join(dir, "autostart", "deskline.desktop")
}

// startAtLoginInFile reads start_at_login from the desk's settings.json.
func startAtLoginInFile(t *testing.T, d *app.Desk) bool {
	t.Helper()
	s, _, err := settings.Load(filepath.Join(d.Dir, settings.FileName))
	if err != nil {
		t.Fatal(err)
	}
	return s.StartAtLogin
}

// The box shows the entry on disk, not settings.json: an entry removed
// in the desktop's own settings shows as off, one made there as on.
func TestSettingsAutostartShowsTheEntry(t *testing.T) {
	entry := autostartHome(t)
	o := testoffice.Start(t, nil)
	d := settingsDesk(t, o, "ann")
	u, _ := newTestUI(t, d)
	v := u.settings

	d.Settings.StartAtLogin = true // what settings.json says
	u.settings.show()
	if v.autostart.Checked || v.autostart.Disabled() || v.autostartWhy.Visible() {
		t.Fatalf("no entry, file says on: checked %v, disabled %v, reason %q", v.autostart.Checked, v.autostart.Disabled(), v.autostartWhy.Text)
	}
	v.hide()

	d.Settings.StartAtLogin = false
	if err := app.SetAutostart(true, "/usr/bin/deskline"); err != nil {
		t.Fatal(err)
	}
	v.show()
	if !v.autostart.Checked {
		t.Fatal("an entry exists, the box is off")
	}
	v.hide()

	if err := os.Remove(entry); err != nil { // the desktop's settings removed it
		t.Fatal(err)
	}
	d.Settings.StartAtLogin = true
	v.show()
	if v.autostart.Checked {
		t.Fatal("the entry was removed, the box is on")
	}
}

// Save touches the entry only when the user changed the box, and only
// when the entry is not that way already.
func TestSettingsAutostartOnlyWhenChanged(t *testing.T) {
	entry := autostartHome(t)
	o := testoffice.Start(t, nil)
	d := settingsDesk(t, o, "ann")
	u, _ := newTestUI(t, d)
	u.opts.ExecPath = "/opt/deskline/deskline"
	v := u.settings
	// An entry the user wrote by hand: a Save must not rewrite it.
	own := "[Desktop Entry]\nType=Application\nName=Deskline\nExec=/home/ann/bin/deskline --quiet\n"
	if err := os.MkdirAll(filepath.Dir(entry), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(entry, []byte(own), 0o600); err != nil {
		t.Fatal(err)
	}
	v.show()
	if !v.autostart.Checked {
		t.Fatal("the hand-written entry shows as off")
	}
	v.crm.SetText("https://crm.example/?q={e164}")
	test.Tap(v.saveBtn)
	if data, err := os.ReadFile(entry); err != nil || string(data) != own {
		t.Fatalf("a Save without touching the box rewrote the entry: %q, %v", data, err)
	}
	if v.result.Text != "Saved." || !startAtLoginInFile(t, d) {
		t.Fatalf("result %q, start_at_login in the file %v", v.result.Text, startAtLoginInFile(t, d))
	}

	// Removed elsewhere while the window is open: Save leaves it removed.
	os.Remove(entry)
	test.Tap(v.saveBtn)
	if _, err := os.Stat(entry); !os.IsNotExist(err) {
		t.Fatalf("a Save brought back an entry removed elsewhere: %v", err)
	}

	v.show()
	test.Tap(v.autostart) // on
	test.Tap(v.saveBtn)
	data, err := os.ReadFile(entry)
	if err != nil || !strings.Contains(string(data), "\nExec=/opt/deskline/deskline\n") || !app.AutostartEnabled() {
		t.Fatalf("ticked and saved: entry %q, %v", data, err)
	}
	if !startAtLoginInFile(t, d) || v.result.Text != "Saved." {
		t.Fatalf("result %q, start_at_login in the file %v", v.result.Text, startAtLoginInFile(t, d))
	}
	test.Tap(v.autostart) // off
	test.Tap(v.saveBtn)
	if _, err := os.Stat(entry); !os.IsNotExist(err) || startAtLoginInFile(t, d) {
		t.Fatalf("unticked and saved: entry still there (%v), start_at_login %v", err, startAtLoginInFile(t, d))
	}
}

// The demo never writes or removes the user's real entry: the box is
// off, says why, and Save leaves the entry alone whatever the box says.
func TestSettingsAutostartNotInTheDemo(t *testing.T) {
	entry := autostartHome(t)
	o := testoffice.Start(t, nil)
	d := settingsDesk(t, o, "ann")
	u, _ := newTestUI(t, d)
	u.opts.Demo, u.opts.DemoRingAfter = &app.Demo{}, -1
	u.opts.ExecPath = "/opt/deskline/deskline"
	if err := app.SetAutostart(true, "/usr/bin/deskline"); err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(entry)
	v := u.settings
	v.show()
	if !v.autostart.Disabled() || !v.autostartWhy.Visible() || !strings.Contains(v.autostartWhy.Text, "demo") {
		t.Fatalf("demo: disabled %v, reason %q (visible %v)", v.autostart.Disabled(), v.autostartWhy.Text, v.autostartWhy.Visible())
	}
	v.autostart.SetChecked(false) // whatever got through
	test.Tap(v.saveBtn)
	if after, err := os.ReadFile(entry); err != nil || !bytes.Equal(after, before) {
		t.Fatalf("the demo changed the real entry: %q, %v", after, err)
	}
	if v.result.Text != "Saved." {
		t.Errorf("result %q", v.result.Text)
	}

	os.Remove(entry)
	v.show()
	v.autostart.SetChecked(true)
	test.Tap(v.saveBtn)
	if _, err := os.Stat(entry); !os.IsNotExist(err) {
		t.Fatalf("the demo wrote an entry: %v", err)
	}
}

// Where start at login is not supported, the box is off and says so, and
// Save does not complain about it.
func TestSettingsAutostartUnsupported(t *testing.T) {
	autostartHome(t)
	defer func(was func() bool) { autostartSupported = was }(autostartSupported)
	autostartSupported = func() bool { return false }
	o := testoffice.Start(t, nil)
	d := settingsDesk(t, o, "ann")
	d.Settings.StartAtLogin = true
	u, _ := newTestUI(t, d)
	v := u.settings
	v.show()
	if v.autostart.Checked || !v.autostart.Disabled() || !strings.Contains(v.autostartWhy.Text, "not") {
		t.Fatalf("unsupported: checked %v, disabled %v, reason %q", v.autostart.Checked, v.autostart.Disabled(), v.autostartWhy.Text)
	}
	test.Tap(v.saveBtn)
	if v.result.Text != "Saved." {
		t.Errorf("result %q", v.result.Text)
	}
}

// The user's own options come first, the connection last; the server and
// the extension length are in the Connection card.
func TestSettingsUserOptionsFirst(t *testing.T) {
	o := testoffice.Start(t, nil)
	u, _ := newTestUI(t, settingsDesk(t, o, "ann"))
	u.settings.show()
	var titles []string
	var connection *widget.Card
	dialWalk(u.settings.win.window().Content(), func(o fyne.CanvasObject) {
		if c, ok := o.(*widget.Card); ok {
			titles = append(titles, c.Title)
			if c.Title == "Connection" {
				connection = c
			}
		}
	})
	if want := []string{"Calls", "Address books", "This computer", "Account", "Connection"}; !slices.Equal(titles, want) {
		t.Fatalf("cards %q, want %q", titles, want)
	}
	var inConnection []string
	dialWalk(connection, func(o fyne.CanvasObject) {
		if f, ok := o.(*widget.Form); ok {
			for _, it := range f.Items {
				inConnection = append(inConnection, it.Text)
			}
		}
	})
	if want := []string{"Server", "CA certificates", "Home region", "Longest extension"}; !slices.Equal(inConnection, want) {
		t.Errorf("Connection holds %q, want %q", inConnection, want)
	}
}

// Escape closes the settings like the other windows, also while typing
// in a field, and what was typed is not saved.
func TestSettingsEscapeCloses(t *testing.T) {
	o := testoffice.Start(t, nil)
	d := settingsDesk(t, o, "ann")
	u, _ := newTestUI(t, d)
	v := u.settings
	v.show()
	v.win.window().Canvas().OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyEscape})
	if v.win.shown() {
		t.Fatal("Escape with no field focused left the window open")
	}
	before := settingsFile(t, d)
	for _, e := range []*escEntry{v.crm, v.password, v.server} {
		v.show()
		v.win.window().Canvas().Focus(e)
		test.Type(e, "x")
		e.TypedKey(&fyne.KeyEvent{Name: fyne.KeyEscape}) // to the focused field, as the driver does
		if v.win.shown() {
			t.Fatalf("Escape in the field with %q left the window open", e.Text)
		}
	}
	if !bytes.Equal(settingsFile(t, d), before) {
		t.Error("Escape saved what was typed")
	}
	v.show()
	if v.crm.Text != d.Settings.CRMURL {
		t.Errorf("reopened with %q in the CRM field, want the saved %q", v.crm.Text, d.Settings.CRMURL)
	}
}

// The home region's hint says where its default comes from: the locale's
// country, or the fallback and why.
func TestSettingsRegionHint(t *testing.T) {
	for _, c := range []struct{ lang, want string }{
		{"en_GB.UTF-8", "Default: GB, from your locale en_GB.UTF-8 — how 030 1234567 is read"},
		{"C.UTF-8", "Default: DE, as your locale C.UTF-8 names no country"},
		{"", "Default: DE, as no locale is set (LANG)"},
	} {
		settingsLocale(t, c.lang)
		u, _ := newTestUI(t, nil)
		u.settings.show()
		if got := u.settings.items["home_region"].HintText; got != c.want {
			t.Errorf("LANG=%q: hint %q, want %q", c.lang, got, c.want)
		}
		if c.lang == "en_GB.UTF-8" && u.settings.region.Text != "GB" {
			t.Errorf("a fresh install under en_GB starts with %q", u.settings.region.Text)
		}
	}
}
