package settings

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Update changes one setting and keeps the others; an invalid change is
// refused and the file stays as it was.
func TestUpdate(t *testing.T) {
	settingsNoLocale(t)
	path := filepath.Join(t.TempDir(), FileName)
	s := Default()
	s.User = "anna"
	if err := Save(path, s); err != nil {
		t.Fatal(err)
	}
	if err := Update(path, func(s *Settings) { s.ServerURL = "wss://cti.example.com/v1/ws" }); err != nil {
		t.Fatal(err)
	}
	got, _, err := Load(path)
	if err != nil || got.ServerURL != "wss://cti.example.com/v1/ws" || got.User != "anna" {
		t.Fatalf("after Update: %+v, %v", got, err)
	}
	before, _ := os.ReadFile(path)
	err = Update(path, func(s *Settings) { s.ServerURL = "http://not-a-websocket" })
	if err == nil || !strings.Contains(err.Error(), "server_url") {
		t.Fatalf("invalid Update: %v", err)
	}
	if after, _ := os.ReadFile(path); string(after) != string(before) {
		t.Fatalf("an invalid Update changed the file:\n%s", after)
	}
}
