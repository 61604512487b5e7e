package app

import (
	"os"
	"path/filepath"
	"testing"
)

// A window's place is kept per window and read back; a corrupt file or a
// size out of range is as good as none, and saving mends the file.
func TestWindowPlace(t *testing.T) {
	dir := t.TempDir()
	if _, ok, err := LoadWindowPlace(dir, "switchboard"); ok || err != nil {
		t.Fatalf("nothing saved: ok %v, %v", ok, err)
	}
	sb := WindowPlace{Width: 900, Height: 600, X: 40, Y: 30, Placed: true}
	if err := SaveWindowPlace(dir, "switchboard", sb); err != nil {
		t.Fatal(err)
	}
	if err := SaveWindowPlace(dir, "other", WindowPlace{Width: 300, Height: 300}); err != nil {
		t.Fatal(err)
	}
	if p, ok, err := LoadWindowPlace(dir, "switchboard"); !ok || err != nil || p != sb {
		t.Fatalf("read back %+v, %v, %v", p, ok, err)
	}
	SaveWindowPlace(dir, "switchboard", WindowPlace{Width: 20, Height: 600}) // shrunk by accident: not kept
	if p, _, _ := LoadWindowPlace(dir, "switchboard"); p != sb {
		t.Fatalf("a tiny window replaced the place: %+v", p)
	}
	path := filepath.Join(dir, WindowsFile)
	os.WriteFile(path, []byte(`{"switchboard": {"width": 1e9, "height": 600}}`), 0o600)
	if _, ok, err := LoadWindowPlace(dir, "switchboard"); ok || err == nil {
		t.Fatalf("out of range: ok %v, err %v", ok, err)
	}
	os.WriteFile(path, []byte(`{broken`), 0o600)
	if _, ok, err := LoadWindowPlace(dir, "switchboard"); ok || err == nil {
		t.Fatalf("corrupt: ok %v, err %v", ok, err)
	}
	if err := SaveWindowPlace(dir, "switchboard", sb); err != nil {
		t.Fatal(err)
	}
	if p, ok, err := LoadWindowPlace(dir, "switchboard"); !ok || err != nil || p != sb {
		t.Fatalf("after mending: %+v, %v, %v", p, ok, err)
	}
}
