package app

import (
	"context"
	"errors"
	"log/slog"
	"path/filepath"
	"sync"

	"github.com/deskline/deskline/app/journal"
	"github.com/deskline/deskline/app/settings"
	"github.com/deskline/deskline/app/tokens"
	"github.com/deskline/deskline/contacts"
)

// Desk is everything the tray app runs, built from the user's settings:
// the number normaliser, the address books, the journal and the client.
type Desk struct {
	Dir      string // the config folder
	Settings settings.Settings
	Numbers  *contacts.Normalizer
	Books    *contacts.Directory
	Journal  *journal.Journal
	// Client is nil until the settings name a server and a user: the UI
	// then opens the settings first.
	Client *Client
	// Warnings are what the user should know but that does not stop the
	// app: settings that fell back to defaults, broken vCards, a corrupt
	// journal moved aside. OpenDesk fills them; Problems adds what Run
	// found later.
	// Each is a value with fields (settings.Warning, journal.Warning,
	// contacts.Warning, ClientSettingsError, …) for the UI to word.
	Warnings []error

	// bookWarnings are the Warnings that came from loading the address
	// books: a reload of the books supersedes them.
	bookWarnings []error

	mu sync.Mutex
	// runWarnings are found by Run and read by the UI: the last reload's
	// warnings (each reload replaces the previous one's). Under mu, like
	// reloaded and watchProblem.
	runWarnings  []error
	reloaded     bool  // the books were loaded again: bookWarnings are stale
	watchProblem error // why the books are not watched for changes (a WatchError)
	// watchWish is whether the desk should watch colleagues now (the
	// switchboard setting); watchMu lets one ShowPresence run at a time
	// (desk_switchboard.go).
	watchWish bool
	watchMu   sync.Mutex
}

// Problems lists the warnings of OpenDesk and those Run found since. Once
// the books were reloaded, their warnings are the reload's, not those of
// the first load. Safe from any goroutine.
func (d *Desk) Problems() []error {
	d.mu.Lock()
	defer d.mu.Unlock()
	out := make([]error, 0, len(d.Warnings)+len(d.runWarnings))
	// By text: a warning may hold an error type that cannot be a map key.
	stale := map[string]int{}
	if d.reloaded {
		for _, w := range d.bookWarnings {
			stale[w.Error()]++
		}
	}
	for _, w := range d.Warnings {
		if stale[w.Error()] > 0 {
			stale[w.Error()]--
			continue
		}
		out = append(out, w)
	}
	if d.watchProblem != nil {
		out = append(out, d.watchProblem)
	}
	return append(out, d.runWarnings...)
}

// runMemory keeps device tokens where the keyring cannot, for this
// process: a desk reopened after new settings finds the token the last
// one earned, and the user is not asked for the password again.
var runMemory = tokens.NewMemory()

// OpenDesk reads the settings in dir (settings.Dir() when dir is "") and
// builds the desk. Only what makes the app unusable is an error.
func OpenDesk(dir string, store tokens.Store, log *slog.Logger) (*Desk, error) {
	if dir == "" {
		var err error
		if dir, err = settings.Dir(); err != nil {
			return nil, err
		}
	}
	if log == nil {
		log = slog.Default()
	}
	d := &Desk{Dir: dir}
	s, warn, err := settings.Load(filepath.Join(dir, settings.FileName))
	if err != nil {
		d.Warnings = append(d.Warnings, err) // the defaults are in s
	}
	d.Settings = s
	for _, w := range warn {
		d.Warnings = append(d.Warnings, w)
	}
	if d.Numbers, err = contacts.NewNormalizer(s.HomeRegion, s.MaxInternalDigits); err != nil {
		return nil, err
	}
	d.Books = contacts.NewDirectory(d.Numbers)
	for _, w := range d.Books.Load(s.AddressBooks...) {
		d.bookWarnings = append(d.bookWarnings, w)
	}
	d.Warnings = append(d.Warnings, d.bookWarnings...)
	j, jwarn, err := journal.Open(filepath.Join(dir, journal.FileName), journal.DefaultLimit)
	if err != nil {
		return nil, err
	}
	d.Journal = j
	for _, w := range jwarn {
		d.Warnings = append(d.Warnings, w)
	}
	if s.ServerURL == "" || s.User == "" {
		return d, nil
	}
	d.Client, err = New(Options{ServerURL: s.ServerURL, ServerURLs: s.ServerURLs, User: s.User, CAFile: s.CAFile, Tokens: store, Memory: runMemory,
		Numbers: d.Numbers, Directory: d.Books, Journal: j, ClientName: "Deskline tray", Log: log,
		Device: s.DialDevice})
	if err != nil {
		d.Warnings = append(d.Warnings, &ClientSettingsError{Err: err})
		d.Client = nil
	}
	d.followSwitchboard(s.SwitchboardMode())
	return d, nil
}

// Run keeps the books fresh and the client connected until ctx ends.
// Problems then names the cards that broke while it ran.
func (d *Desk) Run(ctx context.Context) error {
	err := d.Books.Watch(ctx, contacts.DefaultDebounce, d.booksReloaded)
	d.mu.Lock()
	d.watchProblem = nil
	if err != nil {
		d.watchProblem = &WatchError{Err: err}
	}
	d.mu.Unlock()
	if d.Client == nil {
		<-ctx.Done()
		return ctx.Err()
	}
	return d.Client.Run(ctx)
}

// booksReloaded records a reload's warnings in place of the last ones.
// It runs on the books' watching goroutine.
func (d *Desk) booksReloaded(warns []contacts.Warning) {
	lines := make([]error, len(warns))
	for i, w := range warns {
		lines[i] = w
	}
	d.mu.Lock()
	d.runWarnings, d.reloaded = lines, true
	d.mu.Unlock()
}

// Close writes what the journal still holds.
func (d *Desk) Close() error {
	return errors.Join(d.Journal.Close())
}
