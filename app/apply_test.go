package app

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/deskline/deskline/app/settings"
	"github.com/deskline/deskline/app/tokens"
)

// ApplySettings saves every change; the desk takes in place only what it
// can run with, and says when a new desk is needed.
func TestApplySettings(t *testing.T) {
	base := settings.Default()
	base.ServerURL, base.User, base.HomeRegion = "ws://127.0.0.1:1/v1/ws", "ann", "DE"
	book, err := filepath.Abs("testdata/office.vcf")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name   string
		change func(*settings.Settings)
		want   Applied
	}{
		{"popup", func(s *settings.Settings) { s.Popup.TakeFocus = true }, AppliedNow},
		{"CRM link", func(s *settings.Settings) { s.CRMURL = "https://crm.example/find?n={e164}" }, AppliedNow},
		{"phone to dial from", func(s *settings.Settings) { s.DialDevice = "202" }, AppliedNow},
		{"server", func(s *settings.Settings) { s.ServerURL = "ws://127.0.0.1:2/v1/ws" }, NeedsNewDesk},
		{"user", func(s *settings.Settings) { s.User = "bob" }, NeedsNewDesk},
		{"region", func(s *settings.Settings) { s.HomeRegion = "AT" }, NeedsNewDesk},
		{"address books", func(s *settings.Settings) { s.AddressBooks = []string{book} }, NeedsNewDesk},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, settings.FileName)
			if err := settings.Save(path, base); err != nil {
				t.Fatal(err)
			}
			d, err := OpenDesk(dir, tokens.NewMemory(), nil)
			if err != nil {
				t.Fatal(err)
			}
			defer d.Close()
			s := base
			tc.change(&s)
			got, err := d.ApplySettings(s)
			if err != nil || got != tc.want {
				t.Fatalf("ApplySettings: %v, %v; want %v", got, err, tc.want)
			}
			saved, _, err := settings.Load(path)
			if err != nil || !sameSettings(saved, s) {
				t.Errorf("settings.json holds %+v (%v), want %+v", saved, err, s)
			}
			wantDesk := s
			if tc.want == NeedsNewDesk {
				wantDesk = base // the running desk keeps what it runs on
			}
			if !sameSettings(d.Settings, wantDesk) {
				t.Errorf("the desk runs on %+v, want %+v", d.Settings, wantDesk)
			}
		})
	}
}

// sameSettings compares as settings.json would (no books: nil or empty).
func sameSettings(a, b settings.Settings) bool {
	for _, s := range []*settings.Settings{&a, &b} {
		if len(s.AddressBooks) == 0 {
			s.AddressBooks = nil
		}
	}
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	return string(ja) == string(jb)
}

// With no desk yet, the settings go to the config folder and a desk must
// be opened on them.
func TestApplySettingsWithoutDesk(t *testing.T) {
	dir := t.TempDir()
	t.Setenv(settings.DirEnv, dir)
	s := settings.Default()
	s.User = "ann"
	var d *Desk
	if got, err := d.ApplySettings(s); err != nil || got != NeedsNewDesk {
		t.Fatalf("ApplySettings on no desk: %v, %v", got, err)
	}
	if saved, _, err := settings.Load(filepath.Join(dir, settings.FileName)); err != nil || saved.User != "ann" {
		t.Errorf("saved %+v, %v", saved, err)
	}
}

// A folder that cannot be written (a file in its place: a read-only
// folder is writable for root) is an error, and the desk keeps its
// settings.
func TestApplySettingsUnwritable(t *testing.T) {
	parent := t.TempDir()
	d := &Desk{Dir: filepath.Join(parent, "file")}
	if err := os.WriteFile(d.Dir, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	d.Settings = settings.Default()
	s := d.Settings
	s.Popup.TakeFocus = true
	if _, err := d.ApplySettings(s); err == nil {
		t.Fatal("saved into a folder that is a file")
	}
	if d.Settings.Popup.TakeFocus {
		t.Error("the desk took settings it could not save")
	}
}
