// External test package: testoffice imports app.
package app_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"github.com/deskline/deskline/ctiproto"

	"github.com/deskline/deskline/app"
	"github.com/deskline/deskline/app/settings"
	"github.com/deskline/deskline/app/tokens"
	"github.com/deskline/deskline/internal/testoffice"
	"github.com/deskline/deskline/internal/testoffice/testdesk"
	"github.com/deskline/deskline/pbx"
)

// demoVCard is a contact with its number written as an address book
// would, not as the exchange presents it.
func demoVCard(name, tel string) *fstest.MapFile {
	return &fstest.MapFile{Data: []byte(fmt.Sprintf(
		"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:%s\r\nTEL;TYPE=WORK:%s\r\nEND:VCARD\r\n", name, tel))}
}

// demoBooks stands in for the embedded demo contacts (assets.DemoContacts).
func demoBooks() fstest.MapFS {
	return fstest.MapFS{
		"demo/contacts/hamburg.vcf":     demoVCard("Miriam Okafor", "040 32901142"),
		"demo/contacts/london.vcf":      demoVCard("Oliver Grant", "+44 (0)20 7946 0321"),
		"demo/contacts/team/berlin.VCF": demoVCard("Jürgen Weiß", "+49 171 5550123"),
		"demo/contacts/paris.vcf":       demoVCard("Sophie Laurent", "+33 142685300"),
		"demo/contacts/praxis.vcf":      demoVCard("Dr. Anna Schmidt", "+49-30-2345678"),
		"demo/contacts/README.txt":      {Data: []byte("not a book")},
		"demo/contacts/._hamburg.vcf":   {Data: []byte("macOS resource fork")},
		"other/stray.vcf":               demoVCard("Not Copied", "+49 89 1"),
	}
}

// simRinging waits until device rings from number (as the exchange
// normalises it) and returns the call.
func simRinging(t *testing.T, o *testoffice.Office, device, number string) pbx.Call {
	t.Helper()
	want := strings.ReplaceAll(number, " ", "")
	deadline := time.Now().Add(5 * time.Second)
	for {
		calls, err := o.Sim.Calls(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range calls {
			if c.Device == device && c.State == pbx.StateAlerting && c.Other.Number == want {
				return c
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s never rang from %s; calls %+v", device, want, calls)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestDemoRingRingsDevice(t *testing.T) {
	o := testoffice.Start(t, nil)
	d, err := app.NewDemo(o.URL())
	if err != nil {
		t.Fatal(err)
	}
	c, err := d.Ring(context.Background(), "201")
	if err != nil {
		t.Fatal(err)
	}
	if c != app.DemoCallers[0] {
		t.Fatalf("first ring from %+v, want %+v", c, app.DemoCallers[0])
	}
	call := simRinging(t, o, "201", c.Number)
	if call.Other.Name != c.Name {
		t.Fatalf("caller name %q, want %q", call.Other.Name, c.Name)
	}
}

// "Ring me again" goes through every demo caller in order, then starts over.
func TestDemoRingCycles(t *testing.T) {
	o := testoffice.Start(t, nil)
	d, err := app.NewDemo(o.URL())
	if err != nil {
		t.Fatal(err)
	}
	n := len(app.DemoCallers)
	for i := range n + 2 {
		c, err := d.Ring(context.Background(), "203")
		if err != nil {
			t.Fatal(err)
		}
		if want := app.DemoCallers[i%n]; c != want {
			t.Fatalf("ring %d from %+v, want %+v", i, c, want)
		}
		call := simRinging(t, o, "203", c.Number)
		if err := o.Sim.HangupRemote(context.Background(), call.Call); err != nil {
			t.Fatal(err)
		}
	}
}

// Concurrent rings each take a different caller.
func TestDemoRingConcurrent(t *testing.T) {
	o := testoffice.Start(t, nil)
	d, err := app.NewDemo(o.URL())
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var got []string
	var wg sync.WaitGroup
	for i := range app.DemoCallers {
		dev := []string{"201", "203", "204"}[i%3]
		wg.Go(func() {
			c, err := d.Ring(context.Background(), dev)
			if err != nil {
				t.Error(err)
				return
			}
			mu.Lock()
			got = append(got, c.Name)
			mu.Unlock()
		})
	}
	wg.Wait()
	var want []string
	for _, c := range app.DemoCallers {
		want = append(want, c.Name)
	}
	slices.Sort(got)
	slices.Sort(want)
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("callers %q, want each of %q once", got, want)
	}
}

func TestNewDemoURLs(t *testing.T) {
	for _, u := range []string{"ws://127.0.0.1:8720/v1/ws", "wss://localhost:8443/v1/ws", "ws://[::1]:8720/v1/ws",
		"http://127.0.0.1:8720", "HTTPS://127.0.0.2/"} {
		if _, err := app.NewDemo(u); err != nil {
			t.Errorf("%s: %v", u, err)
		}
	}
	for _, c := range []struct{ url, want string }{
		{"ws://cti.example.com:8720/v1/ws", "cti.example.com:8720 is not on this machine"},
		{"wss://10.0.0.5/v1/ws", "10.0.0.5 is not on this machine"},
		{"ws://127.0.0.1.example.com/v1/ws", "is not on this machine"},
		{"ftp://127.0.0.1/", "want ws:// or wss://"},
		{"ws:///v1/ws", "has no host"},
		{"ws://127.0.0.1:%zz/", "server URL"},
		{"", "want ws:// or wss://"},
	} {
		_, err := app.NewDemo(c.url)
		if err == nil || !strings.HasPrefix(err.Error(), "app: demo: ") || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: error %v, want %q", c.url, err, c.want)
		}
	}
}

// demoAgainst returns a Demo pointed at a test HTTP server.
func demoAgainst(t *testing.T, h http.Handler) (*app.Demo, string) {
	t.Helper()
	hs := httptest.NewServer(h)
	t.Cleanup(hs.Close)
	d, err := app.NewDemo("ws" + strings.TrimPrefix(hs.URL, "http") + "/v1/ws")
	if err != nil {
		t.Fatal(err)
	}
	return d, hs.URL + "/v1/sim/ring"
}

func TestDemoRingServerWithoutSimAPI(t *testing.T) {
	d, endpoint := demoAgainst(t, http.NotFoundHandler())
	_, err := d.Ring(context.Background(), "201")
	want := "app: demo: ring 201 at " + endpoint + ": the server answered 404 Not Found: it has no sim API"
	if err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Fatalf("error %v\nwant %s…", err, want)
	}
	t.Log(err)
}

func TestDemoRingRefusals(t *testing.T) {
	o := testoffice.Start(t, nil)
	d, err := app.NewDemo(o.URL())
	if err != nil {
		t.Fatal(err)
	}
	// The sim API's own words come through.
	_, err = d.Ring(context.Background(), "999")
	if err == nil || !strings.Contains(err.Error(), "ring 999 at http://"+o.Addr+"/v1/sim/ring: the server answered 404 Not Found: sim: ring 999: not an extension") {
		t.Errorf("unknown device: %v", err)
	}
	t.Log(err)
	if _, err := d.Ring(context.Background(), ""); err == nil || !strings.Contains(err.Error(), "no device") {
		t.Errorf("no device: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := d.Ring(ctx, "201"); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v, want context.Canceled", err)
	}
}

func TestDemoRingBadAnswers(t *testing.T) {
	for _, c := range []struct {
		name        string
		status      int
		ctype, body string
		want        string
	}{
		{"html", 200, "text/html", "<html>hello</html>", `the server answered "text/html", not JSON`},
		{"no call id", 200, "application/json", `{"ok":true}`, "the answer holds no call id"},
		{"not an object", 200, "application/json", `["x"]`, "the answer is not the sim API's"},
		{"huge", 200, "application/json", `{"call":"` + strings.Repeat("x", 100<<10) + `"}`, "the answer is longer than 65536 bytes"},
		{"forbidden", 403, "application/json", `{"error":"sim API: loopback clients or an admin token only"}`, "the server answered 403 Forbidden: sim API: loopback clients"},
		{"teapot", 418, "text/plain", "short and stout", "the server answered 418 I'm a teapot"},
		{"redirect", 302, "text/plain", "", "the server answered 302 Found"},
	} {
		t.Run(c.name, func(t *testing.T) {
			d, _ := demoAgainst(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.Method != http.MethodPost || r.URL.Path != "/v1/sim/ring" || r.Header.Get("Content-Type") != "application/json" {
					t.Errorf("request %s %s %s", r.Method, r.URL.Path, r.Header.Get("Content-Type"))
				}
				w.Header().Set("Content-Type", c.ctype)
				w.Header().Set("Location", "http://example.com/")
				w.WriteHeader(c.status)
				w.Write([]byte(c.body))
			}))
			_, err := d.Ring(context.Background(), "201")
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %v, want %q", err, c.want)
			}
		})
	}
}

func TestDemoRingServerDown(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	d, err := app.NewDemo("ws://" + addr + "/v1/ws")
	if err != nil {
		t.Fatal(err)
	}
	_, err = d.Ring(context.Background(), "201")
	if err == nil || !strings.Contains(err.Error(), "at http://"+addr+"/v1/sim/ring: is the demo server running (make run)? dial tcp") {
		t.Fatalf("error %v", err)
	}
	t.Log(err)
}

// settingsFor reads dir's settings as the app does.
func settingsFor(t *testing.T, dir string) settings.Settings {
	t.Helper()
	s, warn, err := settings.Load(filepath.Join(dir, settings.FileName))
	if err != nil || len(warn) > 0 {
		t.Fatalf("settings: %v %v", err, warn)
	}
	return s
}

func TestSetUpDemoCreates(t *testing.T) {
	t.Setenv("LANG", "en_GB.UTF-8") // the demo reads numbers as German anyway
	dir := t.TempDir()
	created, err := app.SetUpDemo(dir, demoBooks(), "demo/contacts")
	if err != nil || !created {
		t.Fatalf("SetUpDemo = %v, %v; want created", created, err)
	}
	books := filepath.Join(dir, "demo-contacts")
	s := settingsFor(t, dir)
	if s.ServerURL != settings.DefaultServerURL || s.User != "demo" || s.HomeRegion != "DE" || !reflect.DeepEqual(s.AddressBooks, []string{books}) {
		t.Fatalf("settings %+v", s)
	}
	var copied []string
	filepath.WalkDir(books, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			rel, _ := filepath.Rel(books, p)
			copied = append(copied, filepath.ToSlash(rel))
		}
		return err
	})
	want := []string{"hamburg.vcf", "london.vcf", "paris.vcf", "praxis.vcf", "team/berlin.VCF"}
	if !reflect.DeepEqual(copied, want) {
		t.Fatalf("copied %q, want %q", copied, want)
	}
	// Every demo caller is found in the copied book, however it is written.
	desk, err := app.OpenDesk(dir, tokens.NewMemory(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer desk.Close()
	for _, c := range app.DemoCallers {
		if m := desk.Books.Lookup(c.Number); len(m) == 0 || m[0].Contact.FormattedName != c.Name {
			t.Errorf("%s (%s) not found in the demo book: %+v", c.Number, c.Name, m)
		}
	}
}

func TestSetUpDemoLeavesConfiguredAlone(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, settings.FileName)
	s := settings.Default()
	s.ServerURL, s.User, s.HomeRegion = "wss://cti.example.com/v1/ws", "anna", "AT"
	if err := settings.Save(file, s); err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(file)
	created, err := app.SetUpDemo(dir, demoBooks(), "demo/contacts")
	if err != nil || created {
		t.Fatalf("SetUpDemo = %v, %v; want left alone", created, err)
	}
	after, _ := os.ReadFile(file)
	if string(before) != string(after) {
		t.Fatalf("settings changed:\n%s\n→\n%s", before, after)
	}
	if _, err := os.Stat(filepath.Join(dir, "demo-contacts")); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("demo contacts copied into a configured folder: %v", err)
	}
	// A second start of the demo leaves its own settings alone too.
	dir = t.TempDir()
	if created, err := app.SetUpDemo(dir, demoBooks(), "demo/contacts"); err != nil || !created {
		t.Fatal(created, err)
	}
	if created, err := app.SetUpDemo(dir, demoBooks(), "demo/contacts"); err != nil || created {
		t.Fatalf("second start: %v, %v; want left alone", created, err)
	}
}

// Settings saved without a user (the user opened the settings and gave
// up) are not configured: the demo fills them in and keeps the rest.
func TestSetUpDemoCompletesUnconfigured(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, settings.FileName)
	s := settings.Default()
	s.Popup.TakeFocus = true
	if err := settings.Save(file, s); err != nil {
		t.Fatal(err)
	}
	if created, err := app.SetUpDemo(dir, demoBooks(), "demo/contacts"); err != nil || !created {
		t.Fatalf("SetUpDemo = %v, %v; want created", created, err)
	}
	if got := settingsFor(t, dir); got.User != "demo" || !got.Popup.TakeFocus || len(got.AddressBooks) != 1 {
		t.Fatalf("settings %+v", got)
	}
}

func TestSetUpDemoWithoutBooks(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct{ booksDir, want string }{
		{"other/none", "app: demo: copy the demo address book from other/none"},
		{"demo", "app: demo: no *.vcf files under demo"},
	} {
		books := fstest.MapFS{"demo/readme.txt": {Data: []byte("x")}}
		created, err := app.SetUpDemo(dir, books, c.booksDir)
		if created || err == nil || !strings.HasPrefix(err.Error(), c.want) {
			t.Errorf("%s: %v, %v; want %q", c.booksDir, created, err, c.want)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, settings.FileName)); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("settings saved although the set-up failed: %v", err)
	}
}

// The demo as a user meets it: the tray app logged in, "Ring me" pressed,
// the screen pop names the caller from the demo address book.
func TestDemoRingPopsUpContact(t *testing.T) {
	o := testoffice.Start(t, nil)
	dir := t.TempDir()
	if _, err := app.SetUpDemo(dir, demoBooks(), "demo/contacts"); err != nil {
		t.Fatal(err)
	}
	desk := testdesk.Open(t, o, "ann", filepath.Join(dir, "demo-contacts"))
	d, err := app.NewDemo(o.URL())
	if err != nil {
		t.Fatal(err)
	}
	for range 2 {
		c, err := d.Ring(context.Background(), "201")
		if err != nil {
			t.Fatal(err)
		}
		s := testdesk.WaitState(t, desk.Client, "a pop for "+c.Name, func(s app.State) bool {
			return slices.ContainsFunc(s.Calls, func(call app.Call) bool {
				return call.State == "alerting" && call.Contact != nil && call.Contact.FormattedName == c.Name
			})
		})
		for _, call := range s.Calls {
			o.Sim.HangupRemote(context.Background(), pbx.CallID(call.ID))
		}
	}
}

// The demo rings, for a reception, the last free colleague who is not
// the user.
func TestDemoColleague(t *testing.T) {
	s := app.State{Devices: []app.Device{{ID: "201"}}}
	if got := app.DemoColleague(s); got != "" {
		t.Fatalf("watching nobody: %q", got)
	}
	s.Switchboard.Colleagues = []app.Colleague{{Device: "201", Status: ctiproto.StatusIdle},
		{Device: "202", Status: ctiproto.StatusIdle}, {Device: "203", Status: ctiproto.StatusIdle},
		{Device: "205", Status: ctiproto.StatusInCall}}
	if got := app.DemoColleague(s); got != "203" {
		t.Fatalf("got %q, want 203 (205 is in a call)", got)
	}
	s.Switchboard.Colleagues = s.Switchboard.Colleagues[:1]
	if got := app.DemoColleague(s); got != "" {
		t.Fatalf("only the user's own phone: %q", got)
	}
}
