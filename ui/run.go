package ui

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"fyne.io/fyne/v2"

	"github.com/deskline/deskline/app"
)

// runState is the bookkeeping of the UI's background work.
type runState struct {
	reopenMu sync.Mutex // one Reopen at a time: two would leave a desk running
	// gen numbers the desk runs; a state of an older run that is still on
	// its way to the main goroutine is dropped, not drawn over the new one.
	gen atomic.Uint64
	// closed is set when the app quits: background goroutines then leave
	// the widgets alone (after Fyne's loop ends, fyne.Do would run them on
	// the calling goroutine).
	closed atomic.Bool
	clock  chan struct{} // closed to stop the clock; nil when it is not running (main goroutine)
	// post, set by a test before it types, takes what do hands to
	// fyne.Do; the test drains it on its own goroutine, as the main loop
	// would (the test driver's fyne.Do runs it on the caller's). The
	// search fields then run as the app does, not Synchronous.
	post func(func())
}

// Start installs the tray icon, shows the main window when the desktop
// has no tray host, runs the desk in the background and renders every
// state it publishes. Call it on the main goroutine, inside fy.Run.
func (u *UI) Start() {
	u.tray.install() // also without a host: one may appear later (panel started after us)
	if !u.opts.TrayHost {
		u.main.show()
	} else {
		u.watchTrayItem()
	}
	d := u.Desk()
	u.runDesk(d)
	if d != nil && d.Client == nil {
		u.settings.show() // nothing to connect to yet: ask first
	}
	if d != nil && len(d.Warnings) > 0 { // Run has not added any yet
		u.notify(startProblemsText(userText(d.Warnings[0]), len(d.Warnings)))
	}
}

// Stop ends the desk's background work: the client closes its link and
// the state forwarding stops. Every caller waits until it has. Safe from
// any goroutine.
func (u *UI) Stop() {
	u.run.gen.Add(1) // whatever is still on its way is stale now
	u.mu.Lock()
	cancel, done := u.cancel, u.done
	u.mu.Unlock()
	if cancel == nil {
		return
	}
	cancel()
	<-done
	u.mu.Lock()
	if u.done == done {
		u.cancel, u.done = nil, nil
	}
	u.mu.Unlock()
}

// Closing tells the UI the app is quitting: from now on no background
// work reaches a widget. It does not wait; Close does the rest. Safe from
// any goroutine (a signal handler).
func (u *UI) Closing() { u.run.closed.Store(true) }

// Close is Stop for good, at quit: nothing of the UI's background work
// touches a widget afterwards, and a Reopen under way finishes first (it
// would start a desk nobody stops).
func (u *UI) Close() {
	u.Closing()
	u.tray.close()
	u.run.reopenMu.Lock()
	defer u.run.reopenMu.Unlock()
	u.Stop()
}

// do runs f on the main goroutine unless the app is closing.
func (u *UI) do(f func()) {
	if u.run.closed.Load() {
		return
	}
	run := func() {
		if !u.run.closed.Load() {
			f()
		}
	}
	if u.run.post != nil {
		u.run.post(run)
		return
	}
	fyne.Do(run)
}

// runDesk runs d and forwards its client's states to Render. Stop waits
// for both goroutines.
func (u *UI) runDesk(d *app.Desk) {
	if d == nil {
		return
	}
	gen := u.run.gen.Add(1)
	render := func(s app.State) {
		u.do(func() {
			if u.run.gen.Load() == gen {
				u.Render(s)
			}
		})
	}
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Go(func() { d.Run(ctx) })
	switch {
	case d.Client == nil:
		render(app.State{Status: app.StatusLoginRequired, Reason: "not set up yet"})
	case !u.opts.Synchronous: // tests render states themselves
		states, unsubscribe := d.Client.Subscribe()
		wg.Go(func() {
			defer unsubscribe()
			for {
				select {
				case s := <-states:
					render(s)
				case <-ctx.Done():
					return
				}
			}
		})
	}
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	u.mu.Lock()
	u.cancel, u.done = cancel, done
	u.mu.Unlock()
}

// Reopen replaces the desk after the settings changed the server, the
// user or the books: the running desk stops first (so its journal is on
// disk before the new desk reads it), and runs again if the new one
// cannot be opened. Safe from any goroutine; one at a time.
func (u *UI) Reopen() error {
	if u.opts.Reopen == nil {
		return nil
	}
	u.run.reopenMu.Lock()
	defer u.run.reopenMu.Unlock()
	if u.run.closed.Load() {
		return nil // quitting
	}
	old := u.Desk()
	u.Stop()
	// Say so at once: until the new client reports, the old state (say,
	// "connected") would be a lie, and a link would be dialled on a
	// stopped client instead of waiting.
	u.do(func() { u.Render(app.State{Status: app.StatusConnecting, Reason: "applying the new settings"}) })
	d, err := u.opts.Reopen()
	if err != nil {
		u.runDesk(old)
		return err
	}
	if old != nil {
		old.Close()
	}
	u.mu.Lock()
	u.desk = d
	u.mu.Unlock()
	u.runDesk(d)
	return nil
}

// Render shows s in every view. Main goroutine only; tests call it
// directly with a made-up state.
func (u *UI) Render(s app.State) {
	u.state = s
	u.tray.render(s)
	u.main.render(s)
	u.console.render(s)
	u.dial.render(s)
	u.recent.render(s)
	u.settings.render(s)
	u.login.render(s)
	u.forward.render(s)
	u.switchboard.render(s)
	u.switchboardAtStart(s)
	u.flushLinks(s)
	u.demoFirstRing(s)
	u.trace(s)
	u.clockFor(s)
}

// clockFor runs the one-second clock of the running durations ("ringing
// 0:12", "talking 3:04") while the user has calls, and of the countdown
// to the next attempt ("retrying in 3 s") while disconnected, and stops
// it otherwise: an idle tray app does not wake up every second.
func (u *UI) clockFor(s app.State) {
	need := (len(s.Calls) > 0 || s.Status == app.StatusDisconnected) && !u.opts.Synchronous
	switch {
	case need && u.run.clock == nil:
		stop := make(chan struct{})
		u.run.clock = stop
		go u.tickUntil(stop)
	case !need && u.run.clock != nil:
		close(u.run.clock)
		u.run.clock = nil
	}
}

// tickLink counts down to the next attempt in the views that say it.
func (u *UI) tickLink() {
	if s := u.state; s.Status == app.StatusDisconnected {
		u.tray.render(s)
		u.main.render(s)
		u.login.render(s)
		u.settings.render(s)
	}
}

func (u *UI) tickUntil(stop <-chan struct{}) {
	t := time.NewTicker(time.Second)
	defer t.Stop()
	for {
		select {
		case <-t.C:
			u.do(func() {
				u.tickLink()
				u.console.tick()
				u.trace(u.state) // a card that closed on its own (after answer)
			})
		case <-stop:
			return
		}
	}
}
