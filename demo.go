package main

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/deskline/deskline/app"
	"github.com/deskline/deskline/app/settings"
	"github.com/deskline/deskline/app/tokens"
	"github.com/deskline/deskline/assets"
)

// demoLoginTimeout bounds the demo's wait for a connection; each login
// attempt within it is bounded by demoLoginAttempt.
const (
	demoLoginTimeout = time.Minute
	demoLoginAttempt = 10 * time.Second
)

// useDemoConfig keeps the demo apart from a real installation: unless
// DESKLINE_CONFIG_DIR names a folder already (make run uses .demo/), the
// demo's settings, journal and instance socket live in <config>/demo.
func useDemoConfig() error {
	if os.Getenv(settings.DirEnv) != "" {
		return nil
	}
	dir, err := settings.Dir()
	if err != nil {
		return err
	}
	return os.Setenv(settings.DirEnv, filepath.Join(dir, "demo"))
}

// openDemoDesk opens the demo's desk, first setting up the demo
// configuration (demo user, bundled address book) when there is none;
// server, when given, replaces the demo server's URL.
func openDemoDesk(server string, log *slog.Logger) (*app.Desk, *app.Demo, error) {
	dir, err := settings.Dir()
	if err != nil {
		return nil, nil, err
	}
	if _, err := app.SetUpDemo(dir, assets.DemoContacts, assets.DemoContactsDir); err != nil {
		return nil, nil, err
	}
	if server != "" {
		err := settings.Update(filepath.Join(dir, settings.FileName), func(s *settings.Settings) { s.ServerURL = server })
		if err != nil {
			return nil, nil, err
		}
	}
	d, err := app.OpenDesk(dir, tokens.NewKeyring(), log)
	if err != nil {
		return nil, nil, err
	}
	demo, err := app.NewDemo(d.Settings.ServerURL)
	if err != nil {
		return nil, nil, err
	}
	return d, demo, nil
}

// demoLogin logs the demo user in with the demo password whenever the
// client asks for a login (first start, or no keyring to keep the token).
func demoLogin(c *app.Client, log *slog.Logger) {
	if c == nil {
		return
	}
	states, cancel := c.Subscribe()
	defer cancel()
	deadline := time.After(demoLoginTimeout)
	for {
		select {
		case s := <-states:
			switch s.Status {
			case app.StatusConnected:
				return
			case app.StatusLoginRequired:
				ctx, stop := context.WithTimeout(context.Background(), demoLoginAttempt)
				if err := c.Login(ctx, app.DemoPassword); err != nil {
					log.Warn("demo login failed", "err", err)
				}
				stop()
			case app.StatusStopped:
				return
			}
		case <-deadline:
			log.Warn("demo: not connected after a minute; is the demo server running (make run)?")
			return
		}
	}
}
