package main

import (
	"io"
	"log/slog"
	"path/filepath"
	"testing"

	"github.com/deskline/deskline/app/settings"
)

// -demo -server sets the demo's server through the settings package: the
// desk and settings.json both carry it, and the demo user stays.
func TestOpenDemoDeskServer(t *testing.T) {
	dir := t.TempDir()
	t.Setenv(settings.DirEnv, dir)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	const url = "ws://127.0.0.1:9/v1/ws"
	d, demo, err := openDemoDesk(url, log)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if d.Settings.ServerURL != url || demo == nil {
		t.Fatalf("demo desk on %q (demo %v), want %q", d.Settings.ServerURL, demo, url)
	}
	s, _, err := settings.Load(filepath.Join(dir, settings.FileName))
	if err != nil || s.ServerURL != url || s.User == "" {
		t.Fatalf("settings.json: %+v, %v", s, err)
	}
}
