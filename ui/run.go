package ui

import (
	"context"
	"time"

	"fyne.io/fyne/v2"

	"github.com/deskline/deskline/app"
)

// Start shows the tray (or the main window when there is no tray host),
// runs the desk in the background and renders every state it publishes.
// Call it on the main goroutine, before or inside fy.Run.
func (u *UI) Start() {
	if u.opts.TrayHost {
		u.tray.install()
	} else {
		u.main.show()
	}
	u.runDesk(u.Desk())
	if !u.opts.Synchronous {
		go u.clock()
	}
	if d := u.Desk(); d != nil && d.Client == nil {
		u.settings.show() // nothing to connect to yet: ask first
	}
}

// Stop ends the desk's work (the client says goodbye to the server).
// Safe from any goroutine; Start's windows stay until the app quits.
func (u *UI) Stop() {
	u.mu.Lock()
	cancel, done := u.cancel, u.done
	u.cancel, u.done = nil, nil
	u.mu.Unlock()
	if cancel != nil {
		cancel()
		<-done
	}
}

// runDesk runs d and forwards its client's states to render.
func (u *UI) runDesk(d *app.Desk) {
	if d == nil {
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	u.mu.Lock()
	u.cancel, u.done = cancel, done
	u.mu.Unlock()
	go func() {
		defer close(done)
		d.Run(ctx)
	}()
	if d.Client == nil {
		fyne.Do(func() { u.Render(app.State{Status: app.StatusLoginRequired, Reason: "not set up yet"}) })
		return
	}
	if u.opts.Synchronous {
		return // the test renders states itself
	}
	states, unsubscribe := d.Client.Subscribe()
	go func() {
		defer unsubscribe()
		for {
			select {
			case s := <-states:
				fyne.Do(func() { u.Render(s) })
			case <-ctx.Done():
				return
			}
		}
	}()
}

// Reopen stops the running desk and starts a new one from the saved
// settings (a new server or user). Safe from any goroutine.
func (u *UI) Reopen() error {
	if u.opts.Reopen == nil {
		return nil
	}
	d, err := u.opts.Reopen()
	if err != nil {
		return err
	}
	u.Stop()
	u.mu.Lock()
	old := u.desk
	u.desk = d
	u.mu.Unlock()
	if old != nil {
		old.Close()
	}
	u.runDesk(d)
	return nil
}

// Render shows s in every view. Main goroutine only; tests call it
// directly with a made-up state.
func (u *UI) Render(s app.State) {
	u.state = s
	u.tray.render(s)
	u.main.render(s)
	u.pop.render(s)
	u.call.render(s)
	u.dial.render(s)
	u.recent.render(s)
	u.settings.render(s)
	u.flushLinks(s)
	u.demoFirstRing(s)
	u.trace(s)
}

// clock re-renders the running durations ("ringing for 12 s") once a
// second. It runs for the life of the process.
func (u *UI) clock() {
	t := time.NewTicker(time.Second)
	defer t.Stop()
	for range t.C {
		fyne.Do(func() {
			u.pop.tick()
			u.call.tick()
		})
	}
}
