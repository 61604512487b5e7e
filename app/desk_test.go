package app

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/deskline/deskline/app/journal"
	"github.com/deskline/deskline/app/settings"
	"github.com/deskline/deskline/app/tokens"
	"github.com/deskline/deskline/contacts"
)

// From a settings file to a screen pop: the desk loads the books named in
// the settings, connects, and the journal lands in the config folder.
func TestOpenDeskFromSettings(t *testing.T) {
	o := newOffice(t)
	dir := t.TempDir()
	book, _ := filepath.Abs("testdata/office.vcf")
	s := settings.Default()
	s.ServerURL, s.User, s.HomeRegion, s.AddressBooks = o.url(), "ann", "DE", []string{book}
	if err := settings.Save(filepath.Join(dir, settings.FileName), s); err != nil {
		t.Fatal(err)
	}
	d, err := OpenDesk(dir, tokens.NewMemory(), nil)
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
	o.Sim.HangupRemote(context.Background(), call)
	await(t, states, "the missed call", func(s State) bool { return s.MissedUnseen == 1 })
	if _, err := os.Stat(filepath.Join(dir, journal.FileName)); err != nil {
		t.Fatalf("journal file: %v", err)
	}
}

// Without a server and user in the settings there is no client yet, and
// broken settings only warn.
func TestOpenDeskWithoutUser(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, settings.FileName), []byte(`{"version":1,"home_region":"XX","user":""}`), 0o600)
	d, err := OpenDesk(dir, tokens.NewMemory(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if d.Client != nil || len(d.Warnings) == 0 || d.Numbers == nil {
		t.Fatalf("desk %+v", d)
	}
	b := errors.Join(d.Warnings...).Error()
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

// A card that breaks while the desk runs shows in Problems after the
// reload, replacing what the last reload found; once it is fixed, the
// warning goes, also the one the desk opened with.
func TestDeskRunReportsBooksReloaded(t *testing.T) {
	dir, books := t.TempDir(), t.TempDir()
	good := "BEGIN:VCARD\nVERSION:3.0\nFN:Jane Doe\nTEL;TYPE=work:+49 30 1234567\nEND:VCARD\n"
	broken := "BEGIN:VCARD\nVERSION:3.0\nFN:Half\n" // cut short
	write := func(name, data string) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(books, name), []byte(data), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write("good.vcf", good)
	write("old.vcf", broken) // broken before the desk opens: one of its Warnings
	s := settings.Default()
	s.HomeRegion, s.AddressBooks = "DE", []string{books}
	if err := settings.Save(filepath.Join(dir, settings.FileName), s); err != nil {
		t.Fatal(err)
	}
	d, err := OpenDesk(dir, tokens.NewMemory(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	oldWarning := filepath.Join(books, "old.vcf") + ": card 1 (Half)"
	if p := errTexts(d.Problems()); len(p) != 1 || !strings.Contains(p[0], oldWarning) {
		t.Fatalf("problems after opening: %q", p)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { d.Run(ctx); close(done) }()
	defer func() { cancel(); <-done }()

	waitProblems := func(what string, ok func([]string) bool) []string {
		t.Helper()
		deadline := time.Now().Add(10 * time.Second)
		for {
			p := errTexts(d.Problems())
			if ok(p) {
				return p
			}
			if time.Now().After(deadline) {
				t.Fatalf("no %s: problems %q", what, p)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	names := func(p []string, part string) int {
		n := 0
		for _, w := range p {
			if strings.Contains(w, part) {
				n++
			}
		}
		return n
	}
	// Run watches from a moment after it started: a file written before
	// that is not seen, so it is written again now and then until a
	// reload sees it.
	newWarning := filepath.Join(books, "new.vcf") + ": card 1 (Half)"
	write("new.vcf", broken)
	lastWrite := time.Now()
	p := waitProblems("warning about new.vcf", func(p []string) bool {
		if names(p, newWarning) > 0 {
			return true
		}
		if time.Since(lastWrite) > 2*contacts.DefaultDebounce {
			write("new.vcf", broken)
			lastWrite = time.Now()
		}
		return false
	})
	if names(p, oldWarning) != 1 || len(p) != 2 {
		t.Fatalf("after the reload: %q; want old.vcf and new.vcf once each", p)
	}

	// Fixing both: the reload's warnings replace the last ones and the
	// desk's opening warning is stale.
	write("old.vcf", good)
	write("new.vcf", good)
	waitProblems("empty list after the fix", func(p []string) bool { return len(p) == 0 })
	if d.Books.Len() != 3 {
		t.Errorf("%d contacts after the fix, want 3", d.Books.Len())
	}
}

// Without a keyring, a desk reopened after new settings (same server and
// user) connects with the token the last desk earned: saving a setting
// does not cost the user another password.
func TestReopenedDeskKeepsTokenWithoutKeyring(t *testing.T) {
	o := newOffice(t)
	dir := t.TempDir()
	s := settings.Default()
	s.ServerURL, s.User, s.HomeRegion = o.url(), "ann", "DE"
	if err := settings.Save(filepath.Join(dir, settings.FileName), s); err != nil {
		t.Fatal(err)
	}
	run := func() (*Desk, func()) {
		d, err := OpenDesk(dir, brokenKeyring{}, nil)
		if err != nil || d.Client == nil {
			t.Fatalf("desk %+v, %v", d, err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() { d.Run(ctx); close(done) }()
		return d, func() { cancel(); <-done; d.Close() }
	}
	first, stop := run()
	lctx, lcancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer lcancel()
	if err := first.Client.Login(lctx, "secret"); err != nil {
		t.Fatal(err)
	}
	stop()
	second, stop2 := run()
	defer stop2()
	states, _ := second.Client.Subscribe()
	await(t, states, "connected without a password", func(s State) bool { return s.Status == StatusConnected })
}

// Whatever the settings file holds, the desk opens with the defaults in
// its place and a warning: a hand-edited file never keeps the app from
// starting.
func TestOpenDeskOddSettingsFiles(t *testing.T) {
	for _, content := range []string{
		``,
		`null`,
		`[]`,
		`{"version":1,`,
		`{"version":1,"max_internal_digits":99}`,
		`{"version":1,"max_internal_digits":-3}`,
		`{"version":1,"max_internal_digits":1e30}`,
		`{"version":1,"home_region":"de"}`,
		`{"version":1,"home_region":"","max_internal_digits":0}`,
		`{"version":99,"home_region":"DE"}`,
		"\xff\xfe{}",
	} {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, settings.FileName), []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		d, err := OpenDesk(dir, tokens.NewMemory(), nil)
		if err != nil {
			t.Errorf("%q: %v", content, err)
			continue
		}
		if d.Numbers == nil || d.Journal == nil {
			t.Errorf("%q: desk %+v", content, d)
		}
		d.Close()
	}
}

// errTexts is each error's text, to search them.
func errTexts(errs []error) []string {
	out := make([]string, len(errs))
	for i, e := range errs {
		out[i] = e.Error()
	}
	return out
}
