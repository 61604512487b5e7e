package app

import (
	"context"
	"time"

	"github.com/deskline/deskline/app/settings"
	"github.com/deskline/deskline/ctiproto"
)

// How the switchboard setting (settings.Switchboard) takes effect: which
// desks watch colleagues' lines, which open the switchboard window, and
// which offer it.

// watchTimeout bounds one watch or unwatch a changed setting sends: the
// server answers at once; a desk that is not connected returns at once.
const watchTimeout = 15 * time.Second

// WatchColleagues reports whether a desk with switchboard setting mode
// watches colleagues' lines. Only "off" stops it: an office worker
// watches by default too, not only a reception. Why: nobody watches
// anything the server's watch groups do not grant, so the administrator
// has already opted each watcher in (and chosen which colleagues, and
// whether with callers); what a desk gets is what makes the dial window
// and the transfer field say whether Clara is free before the user calls
// or transfers, the reason to grant it. A worker who does not want it
// turns it off. Cost: the server sends a desk only the devices it may
// watch, so an administrator who grants "*" to everybody multiplies the
// presence traffic by the number of desks; docs/settings.md says to grant
// office workers their team.
func WatchColleagues(mode string) bool { return mode != settings.SwitchboardOff }

// SwitchboardOffered reports whether the tray menu and the main window
// offer the switchboard window: the user may watch (the server granted a
// watch group) and has not turned the switchboard off.
func SwitchboardOffered(mode string, s State) bool {
	return WatchColleagues(mode) && s.Status == StatusConnected && s.Can(ctiproto.TypeWatch)
}

// SwitchboardAtStart reports whether the switchboard window opens by
// itself once the desk is connected: for a reception (the server's mark)
// unless the user turned it off, and for anyone who turned it on.
func SwitchboardAtStart(mode string, s State) bool {
	if !SwitchboardOffered(mode, s) {
		return false
	}
	return mode == settings.SwitchboardOn || s.Reception
}

// followSwitchboard has the client watch colleagues or stop, as the
// switchboard setting mode says, off the caller's goroutine (the
// settings window must not wait for the network): one call at a time,
// each with the latest wish, so quick changes end in the last one.
// Before the first connection ShowPresence returns at once; after it,
// the welcome without lists has the client watch (watchAfterWelcome).
func (d *Desk) followSwitchboard(mode string) {
	if d.Client == nil {
		return
	}
	on := WatchColleagues(mode)
	d.mu.Lock()
	d.watchWish = on
	d.mu.Unlock()
	go func() {
		d.watchMu.Lock()
		defer d.watchMu.Unlock()
		d.mu.Lock()
		on := d.watchWish
		d.mu.Unlock()
		ctx, cancel := context.WithTimeout(context.Background(), watchTimeout)
		defer cancel()
		if err := d.Client.ShowPresence(ctx, on); err != nil {
			d.Client.log.Warn("switching colleagues' lines failed", "on", on, "err", err)
		}
	}()
}
