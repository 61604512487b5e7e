package ui

import (
	"image/png"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/deskline/deskline/app"
	"github.com/deskline/deskline/internal/testoffice/testdesk"
)

// demoBook is the bundled demo address book (real vCards with photos).
const demoBook = "../assets/demo/contacts"

// testNow is the pinned clock of UI tests, so masters show fixed durations.
var testNow = time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)

// newTestUI builds the UI over desk on Fyne's test driver, synchronous:
// the test renders states with render/waitRender. desk may be nil.
func newTestUI(t *testing.T, desk *app.Desk) (*UI, fyne.App) {
	t.Helper()
	fy := test.NewTempApp(t)
	fy.Settings().SetTheme(testTheme())
	u := New(fy, desk, Options{TrayHost: true, Synchronous: true, Now: func() time.Time { return testNow }})
	t.Cleanup(func() {
		// A copy: Close shrinks the driver's own list of windows.
		for _, w := range slices.Clone(fy.Driver().AllWindows()) {
			w.Close()
		}
	})
	return u, fy
}

// testTheme is Fyne's test theme, whose colour names the masters record,
// with Deskline's own sizes (the caller's name and number) added.
func testTheme() fyne.Theme { return &deskTheme{Theme: test.Theme()} }

// waitRender waits until the desk's client state satisfies ok, then
// renders it (on the test goroutine, as fyne.Do would on the main one).
func waitRender(t *testing.T, u *UI, what string, ok func(app.State) bool) app.State {
	t.Helper()
	s := testdesk.WaitState(t, u.client(), what, ok)
	u.Render(s)
	return s
}

// ringing reports whether call id rings at the user's phones.
func ringing(id string) func(app.State) bool {
	return func(s app.State) bool {
		for _, c := range s.Ringing() {
			if c.ID == id {
				return true
			}
		}
		return false
	}
}

// gone reports whether call id has left the user's phones.
func gone(id string) func(app.State) bool {
	return func(s app.State) bool {
		for _, c := range s.Calls {
			if c.ID == id {
				return false
			}
		}
		return true
	}
}

// snapshot also writes the canvas as a PNG into $DESKLINE_UI_SNAPSHOTS
// when it is set, to look at a view as users see it (the markup masters
// say where things are, not how they look):
//
//	DESKLINE_UI_SNAPSHOTS=/tmp/views go test -run Master ./ui
func snapshot(t *testing.T, name string, c fyne.Canvas) {
	t.Helper()
	dir := os.Getenv("DESKLINE_UI_SNAPSHOTS")
	if dir == "" {
		return
	}
	f, err := os.Create(filepath.Join(dir, strings.TrimSuffix(name, ".xml")+".png"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := png.Encode(f, c.Capture()); err != nil {
		t.Fatal(err)
	}
}
