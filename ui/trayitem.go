package ui

import (
	"context"
	"time"
)

// trayItemWait is how long the tray host gets to list the app's item
// after start: hosts take it within a second (a D-Bus round trip or two);
// much longer, and a user who sees nothing starts the app again.
const trayItemWait = 5 * time.Second

// noTrayItem is the main window's reason when a tray host runs but never
// showed the app's icon.
const noTrayItem = "The desktop's tray did not show Deskline's icon"

// watchTrayItem shows the main window if the tray host has not listed the
// app's tray item within trayItemWait: with a tray host the app runs
// without a window, and an icon that never appeared would leave the user
// no way to dial, open the settings or quit. Synchronous (tests): it
// asks at once, on the caller's goroutine.
func (u *UI) watchTrayItem() {
	shown := u.opts.TrayItemShown
	if shown == nil {
		return
	}
	check := func() bool {
		ctx, cancel := context.WithTimeout(context.Background(), trayItemWait)
		defer cancel()
		return shown(ctx)
	}
	if u.opts.Synchronous {
		if !check() {
			u.trayItemMissing()
		}
		return
	}
	go func() {
		if !check() {
			u.log.Warn("the tray host did not list the tray item: showing the main window", "waited", trayItemWait)
			u.do(u.trayItemMissing)
		}
	}()
}

// trayItemMissing makes the app behave as on a desktop without a tray:
// the main window shows, says why, and is where a second start leads.
func (u *UI) trayItemMissing() {
	u.opts.TrayHost, u.opts.NoTrayReason = false, noTrayItem
	u.main.show()
}
