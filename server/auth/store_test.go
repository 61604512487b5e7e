package auth

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

func TestTokensSurviveRestart(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state", "tokens.json") // the directory is created
	a, c := newTestAuth(t, Options{StorePath: path})
	ben := mustLogin(t, a, "ben", "neb")
	clara := mustLogin(t, a, "clara", "aralc")

	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, g := range []Grant{ben, clara} {
		if bytes.Contains(data, []byte(g.Token)) {
			t.Fatalf("store file contains a raw token:\n%s", data)
		}
		if !bytes.Contains(data, []byte(g.TokenID)) {
			t.Fatalf("store file lacks the hash of token %s", g.TokenID)
		}
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("store file mode: %v, %v", fi.Mode(), err)
	}

	b, err := New(testUsers(t), Options{StorePath: path, Now: c.Now})
	if err != nil {
		t.Fatal(err)
	}
	g, err := b.Verify(ben.Token)
	if err != nil || g.TokenID != ben.TokenID || g.User != b.User("ben") || !g.Expires.Equal(ben.Expires) {
		t.Fatalf("after restart Verify = %+v, %v", g, err)
	}
	if len(b.Warnings()) != 0 {
		t.Errorf("warnings: %v", b.Warnings())
	}

	// A revocation persists too.
	if _, err := b.Revoke(ben.Token); err != nil {
		t.Fatal(err)
	}
	onlyClara := []User{testUsers(t)[1]}
	d, err := New(onlyClara, Options{StorePath: path, Now: c.Now})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.Verify(ben.Token); !errors.Is(err, ErrTokenInvalid) {
		t.Errorf("revoked token after restart: %v", err)
	}
	if _, err := d.Verify(clara.Token); err != nil {
		t.Errorf("clara after restart: %v", err)
	}
	if leftovers, _ := filepath.Glob(path + ".tmp-*"); len(leftovers) > 0 {
		t.Errorf("temp files left: %v", leftovers)
	}
}

func TestTokensOfRemovedUsersAreDropped(t *testing.T) {
	path := filepath.Join(t.TempDir(), "tokens.json")
	a, c := newTestAuth(t, Options{StorePath: path})
	ben := mustLogin(t, a, "ben", "neb")
	b, err := New(testUsers(t)[1:], Options{StorePath: path, Now: c.Now})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.Verify(ben.Token); !errors.Is(err, ErrTokenInvalid) {
		t.Fatalf("token of a removed user: %v", err)
	}
}

func TestCorruptStoreMovedAside(t *testing.T) {
	for name, content := range map[string]string{
		"garbage":    "{not json",
		"version":    `{"version": 9, "tokens": []}`,
		"bad hash":   `{"version": 1, "tokens": [{"sha256": "abc", "user": "ben", "expires": "2030-01-01T00:00:00Z"}]}`,
		"no user":    `{"version": 1, "tokens": [{"sha256": "` + strings.Repeat("ab", 32) + `", "expires": "2030-01-01T00:00:00Z"}]}`,
		"empty file": "",
	} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "tokens.json")
			if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
				t.Fatal(err)
			}
			a, _ := newTestAuth(t, Options{StorePath: path})
			w := a.Warnings()
			if len(w) != 1 || !strings.Contains(w[0], "corrupt token store") {
				t.Fatalf("warnings = %q", w)
			}
			aside, _ := filepath.Glob(path + ".corrupt-20260302T090000Z")
			if len(aside) != 1 {
				entries, _ := os.ReadDir(dir)
				t.Fatalf("corrupt file not moved aside; dir holds %v", entries)
			}
			if got, _ := os.ReadFile(aside[0]); string(got) != content {
				t.Errorf("moved file content changed")
			}
			g := mustLogin(t, a, "ben", "neb") // and the store works again
			if _, err := New(testUsers(t), Options{StorePath: path}); err != nil {
				t.Fatal(err)
			}
			if _, err := a.Verify(g.Token); err != nil {
				t.Fatal(err)
			}
		})
	}
}

func TestUnreadableStoreIsAnError(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "tokens.json")
	if err := os.Mkdir(path, 0o700); err != nil { // a directory cannot be read as a file
		t.Fatal(err)
	}
	if _, err := New(testUsers(t), Options{StorePath: path}); err == nil {
		t.Fatal("New succeeded with an unreadable store")
	}
}

// Logins at the same moment share the store's writes (group commit), and
// still each returns only once its token is on disk: a restart right
// after knows every one of them.
func TestConcurrentLoginsAllSaved(t *testing.T) {
	path := filepath.Join(t.TempDir(), "tokens.json")
	a, c := newTestAuth(t, Options{StorePath: path})
	const each = 5 // under the throttle's burst per user
	grants := make(chan Grant, 2*each)
	var wg sync.WaitGroup
	for range each {
		wg.Go(func() { grants <- mustLogin(t, a, "ben", "neb") })
		wg.Go(func() { grants <- mustLogin(t, a, "clara", "aralc") })
	}
	wg.Wait()
	close(grants)
	b, err := New(testUsers(t), Options{StorePath: path, Now: c.Now})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for g := range grants {
		if _, err := b.Verify(g.Token); err != nil {
			t.Errorf("token %s of %s not in the store after the logins returned: %v", g.TokenID, g.User.Name, err)
		}
		n++
	}
	if n != 2*each {
		t.Fatalf("%d grants", n)
	}
}

// Temp files a crash left during a save are removed at start; other files
// in the state directory stay.
func TestStaleTempFilesRemovedAtStart(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "tokens.json")
	stale := []string{path + ".tmp-123456", path + ".tmp-987"}
	keep := []string{filepath.Join(dir, "notes.txt"), path + ".corrupt-20260101T000000Z"}
	for _, f := range append(stale, keep...) {
		if err := os.WriteFile(f, []byte(`{"version": 1, "tokens": [`), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := New(testUsers(t), Options{StorePath: path}); err != nil {
		t.Fatal(err)
	}
	for _, f := range stale {
		if _, err := os.Stat(f); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("stale temp file %s not removed: %v", f, err)
		}
	}
	for _, f := range keep {
		if _, err := os.Stat(f); err != nil {
			t.Errorf("%s: %v", f, err)
		}
	}
}
