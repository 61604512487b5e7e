package configfile

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestDirFromEnv(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "profile-a")
	t.Setenv(DirEnv, dir)
	got, err := Dir()
	if err != nil || got != dir {
		t.Fatalf("Dir = %q, %v; want %q", got, err, dir)
	}
	fi, err := os.Stat(dir)
	if err != nil || !fi.IsDir() || fi.Mode().Perm() != 0o700 {
		t.Fatalf("config folder not created 0700: %v %v", fi.Mode(), err)
	}
	if p, _ := Path("settings.json"); p != filepath.Join(dir, "settings.json") {
		t.Fatalf("Path = %s", p)
	}
}

func TestDirDefault(t *testing.T) {
	base := t.TempDir()
	t.Setenv(DirEnv, "")
	t.Setenv("XDG_CONFIG_HOME", base) // os.UserConfigDir on Linux/BSD
	t.Setenv("HOME", base)            // and on macOS
	t.Setenv("AppData", base)         // and on Windows
	want, _ := os.UserConfigDir()
	want = filepath.Join(want, "deskline")
	if got, err := Dir(); err != nil || got != want {
		t.Fatalf("Dir = %q, %v; want %q", got, err, want)
	}
}

func TestDirRelativeEnvRefused(t *testing.T) {
	t.Setenv(DirEnv, "relative/profile")
	_, err := Dir()
	if err == nil || !strings.Contains(err.Error(), "configfile: "+DirEnv+" must be an absolute path") {
		t.Fatalf("relative %s: error %v", DirEnv, err)
	}
	var de *DirError
	if !errors.As(err, &de) || de.Dir != "relative/profile" || de.Reason != DirEnv+" must be an absolute path" {
		t.Errorf("relative %s: %#v, want a DirError naming the folder", DirEnv, err)
	}
}

func TestWriteReplacesAtomically(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "x.json")
	os.WriteFile(path, []byte("old"), 0o644)
	if err := Write(path, []byte("new")); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(path)
	fi, _ := os.Stat(path)
	if string(data) != "new" || fi.Mode().Perm() != 0o600 {
		t.Fatalf("after write: %q mode %v, want \"new\" 0600", data, fi.Mode().Perm())
	}
	if names, _ := os.ReadDir(dir); len(names) != 1 {
		t.Fatalf("folder holds %d files, want only x.json", len(names))
	}
}
