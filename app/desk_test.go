package app

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// From a settings file to a screen pop: the desk loads the books named in
// the settings, connects, and the journal lands in the config folder.
func TestOpenDeskFromSettings(t *testing.T) {
	o := newOffice(t)
	dir := t.TempDir()
	book, _ := filepath.Abs("testdata/office.vcf")
	s := DefaultSettings()
	s.ServerURL, s.User, s.HomeRegion, s.AddressBooks = o.url(), "ann", "DE", []string{book}
	if err := SaveSettings(filepath.Join(dir, SettingsFileName), s); err != nil {
		t.Fatal(err)
	}
	d, err := OpenDesk(dir, NewMemoryStore(), nil)
	if err != nil || d.Client == nil || d.Books.Len() != 2 || len(d.Warnings) != 0 {
		t.Fatalf("desk %+v, %v", d, err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { d.Run(ctx); close(done) }()
	defer func() { cancel(); <-done; d.Close() }()
	lctx, lcancel := context.WithTimeout(ctx, 10*time.Second)
	defer lcancel()
	if err := d.Client.Login(lctx, "secret"); err != nil {
		t.Fatal(err)
	}
	call := o.ring("201", "0301234567", "")
	states, _ := d.Client.Subscribe()
	await(t, states, "the screen pop", func(s State) bool { r := s.Ringing(); return len(r) == 1 && r[0].Display == "Jane Doe" })
	o.sim.HangupRemote(context.Background(), call)
	await(t, states, "the missed call", func(s State) bool { return s.MissedUnseen == 1 })
	if _, err := os.Stat(filepath.Join(dir, JournalFileName)); err != nil {
		t.Fatalf("journal file: %v", err)
	}
}

// Without a server and user in the settings there is no client yet, and
// broken settings only warn.
func TestOpenDeskWithoutUser(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, SettingsFileName), []byte(`{"version":1,"home_region":"XX","user":""}`), 0o600)
	d, err := OpenDesk(dir, NewMemoryStore(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if d.Client != nil || len(d.Warnings) == 0 || d.Numbers == nil {
		t.Fatalf("desk %+v", d)
	}
	b, _ := json.Marshal(d.Warnings)
	t.Logf("warnings: %s", b)
}

func await(t *testing.T, states <-chan State, what string, ok func(State) bool) {
	t.Helper()
	timeout := time.After(10 * time.Second)
	for {
		select {
		case s := <-states:
			if ok(s) {
				return
			}
		case <-timeout:
			t.Fatalf("no %s", what)
		}
	}
}
