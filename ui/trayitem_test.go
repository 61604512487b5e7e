package ui

import (
	"context"
	"strings"
	"testing"
)

// TestTrayItemMissingShowsMainWindow: with a tray host the app shows no
// window; when the host never lists the tray item, the main window shows
// after all and says why, and starting the app again leads there too.
func TestTrayItemMissingShowsMainWindow(t *testing.T) {
	u, _ := newTestUI(t, nil)
	asked := false
	u.opts.TrayItemShown = func(ctx context.Context) bool {
		asked = true
		if _, ok := ctx.Deadline(); !ok {
			t.Error("the tray item check has no deadline")
		}
		return false
	}
	u.watchTrayItem()
	if !asked {
		t.Fatal("the tray item was never looked for")
	}
	if !u.main.win.shown() || !u.main.win.window().Content().Visible() {
		t.Fatal("no main window although the tray never showed the item")
	}
	if !strings.HasPrefix(u.main.why.Text, noTrayItem) {
		t.Errorf("main window says %q, want it to start with %q", u.main.why.Text, noTrayItem)
	}
	if u.opts.TrayHost {
		t.Error("still in tray mode: a second start would open the dial window, not the main window")
	}
}

// TestTrayItemShownKeepsTrayMode: a listed item leaves the app in tray
// mode, without a window.
func TestTrayItemShownKeepsTrayMode(t *testing.T) {
	u, _ := newTestUI(t, nil)
	u.opts.TrayItemShown = func(context.Context) bool { return true }
	u.watchTrayItem()
	if u.main.win.built() {
		t.Error("main window built although the tray shows the item")
	}
	if !u.opts.TrayHost {
		t.Error("left tray mode although the tray shows the item")
	}
}
