package ui

import (
	"os"
	"path/filepath"
	"testing"

	"fyne.io/fyne/v2"

	"github.com/deskline/deskline/app"
	"github.com/deskline/deskline/internal/testoffice"
	"github.com/deskline/deskline/internal/testoffice/testdesk"
)

// The switchboard opens at the size the user left it, also in the next
// run of the app (a new UI over the same config folder), and where it
// was where main can place windows; a broken windows.json costs only that.
func TestSwitchboardSizeRestored(t *testing.T) {
	o := testoffice.StartReception(t, nil)
	d := testdesk.Open(t, o, "rita")
	u, _ := newTestUI(t, d)
	var moved []int
	u.opts.WindowPosition = func(fyne.Window) (int, int, bool) { return 70, 50, true }
	u.openSwitchboard()
	w := u.switchboard.win.window()
	if got := w.Canvas().Size(); got != fyne.NewSize(switchboardWidth, switchboardHeight) {
		t.Fatalf("first opened at %v", got)
	}
	w.Resize(fyne.NewSize(900, 640))
	u.switchboard.win.hide()

	next, _ := newTestUI(t, d) // the next run of the app
	next.opts.MoveWindow = func(_ fyne.Window, x, y int) { moved = append(moved, x, y) }
	next.openSwitchboard()
	if got := next.switchboard.win.window().Canvas().Size(); got != fyne.NewSize(900, 640) {
		t.Fatalf("opened again at %v, want 900x640", got)
	}
	if len(moved) != 2 || moved[0] != 70 || moved[1] != 50 {
		t.Fatalf("placed at %v, want 70,50", moved)
	}
	next.switchboard.win.window().Resize(fyne.NewSize(1000, 700))
	next.rememberWindows() // quitting with the window open keeps it too
	if p, ok, _ := app.LoadWindowPlace(d.Dir, "switchboard"); !ok || p.Width != 1000 || p.Height != 700 || p.Placed {
		t.Fatalf("kept at quit: %+v, %v", p, ok)
	}
	next.switchboard.win.hide()

	os.WriteFile(filepath.Join(d.Dir, app.WindowsFile), []byte("{broken"), 0o600)
	last, _ := newTestUI(t, d)
	last.openSwitchboard()
	if got := last.switchboard.win.window().Canvas().Size(); got != fyne.NewSize(switchboardWidth, switchboardHeight) {
		t.Fatalf("with a broken file: %v", got)
	}
}
