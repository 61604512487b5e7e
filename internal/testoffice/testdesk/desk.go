// Package testdesk opens tray-app desks on a testoffice server for tests
// of the app and its views. (Apart from testoffice, which the app's own
// tests use and which therefore must not import the app.)
package testdesk

import (
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"github.com/deskline/deskline/app"
	"github.com/deskline/deskline/app/settings"
	"github.com/deskline/deskline/app/tokens"
	"github.com/deskline/deskline/internal/testoffice"
)

// Open opens a tray-app desk for user (as app.OpenDesk does at start-up,
// from a settings file in a fresh folder) with the given vCard files or
// folders (absolute paths), runs it and logs in. It waits until the
// client is connected and stops it when the test ends.
func Open(t testing.TB, o *testoffice.Office, user string, books ...string) *app.Desk {
	t.Helper()
	dir := t.TempDir()
	s := settings.Default()
	s.ServerURL, s.User, s.HomeRegion = o.URL(), user, "DE"
	for _, b := range books {
		abs, err := filepath.Abs(b)
		if err != nil {
			t.Fatal(err)
		}
		s.AddressBooks = append(s.AddressBooks, abs)
	}
	if err := settings.Save(filepath.Join(dir, settings.FileName), s); err != nil {
		t.Fatal(err)
	}
	d, err := app.OpenDesk(dir, tokens.NewMemory(), slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	if d.Client == nil {
		t.Fatalf("desk has no client: %v", d.Warnings)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); d.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-done; d.Close() })
	lctx, lcancel := context.WithTimeout(ctx, 10*time.Second)
	defer lcancel()
	if err := d.Client.Login(lctx, testoffice.Password); err != nil {
		t.Fatalf("login as %s: %v", user, err)
	}
	WaitState(t, d.Client, "connected", func(s app.State) bool { return s.Status == app.StatusConnected })
	return d
}

// WaitState waits up to 10 s for the client's state to satisfy ok.
func WaitState(t testing.TB, c *app.Client, what string, ok func(app.State) bool) app.State {
	t.Helper()
	ch, cancel := c.Subscribe()
	defer cancel()
	deadline := time.After(10 * time.Second)
	s := c.State()
	for !ok(s) {
		select {
		case s = <-ch:
		case <-deadline:
			t.Fatalf("timed out waiting for %s; state %+v", what, s)
		}
	}
	return s
}
