package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"sync"

	"github.com/deskline/deskline/contacts"
)

// Desk is everything the tray app runs, built from the user's settings:
// the number normaliser, the address books, the journal and the client.
type Desk struct {
	Dir      string // the config folder
	Settings Settings
	Numbers  *contacts.Normalizer
	Books    *contacts.Directory
	Journal  *Journal
	// Client is nil until the settings name a server and a user: the UI
	// then opens the settings first.
	Client *Client
	// Warnings are what the user should know but that does not stop the
	// app: settings that fell back to defaults, broken vCards, a corrupt
	// journal moved aside. OpenDesk fills them; Problems adds what Run
	// found later.
	Warnings []string

	mu          sync.Mutex
	runWarnings []string // found by Run, read by the UI: under mu
}

// Problems lists the warnings of OpenDesk and those Run found since.
// Safe from any goroutine.
func (d *Desk) Problems() []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append(append([]string(nil), d.Warnings...), d.runWarnings...)
}

// OpenDesk reads the settings in dir (ConfigDir() when dir is "") and
// builds the desk. Only what makes the app unusable is an error.
func OpenDesk(dir string, tokens TokenStore, log *slog.Logger) (*Desk, error) {
	if dir == "" {
		var err error
		if dir, err = ConfigDir(); err != nil {
			return nil, err
		}
	}
	if log == nil {
		log = slog.Default()
	}
	d := &Desk{Dir: dir}
	s, warn, err := LoadSettings(filepath.Join(dir, SettingsFileName))
	if err != nil {
		d.Warnings = append(d.Warnings, err.Error()) // the defaults are in s
	}
	d.Settings, d.Warnings = s, append(d.Warnings, warn...)
	if d.Numbers, err = contacts.NewNormalizer(s.HomeRegion, s.MaxInternalDigits); err != nil {
		return nil, err
	}
	d.Books = contacts.NewDirectory(d.Numbers)
	for _, w := range d.Books.Load(s.AddressBooks...) {
		d.Warnings = append(d.Warnings, w.String())
	}
	j, warn, err := OpenJournal(filepath.Join(dir, JournalFileName), DefaultJournalLimit)
	if err != nil {
		return nil, err
	}
	d.Journal, d.Warnings = j, append(d.Warnings, warn...)
	if s.ServerURL == "" || s.User == "" {
		return d, nil
	}
	d.Client, err = New(Options{ServerURL: s.ServerURL, User: s.User, CAFile: s.CAFile, Tokens: tokens,
		Numbers: d.Numbers, Directory: d.Books, Journal: j, ClientName: "Deskline tray", Log: log})
	if err != nil {
		d.Warnings = append(d.Warnings, fmt.Sprintf("cannot connect with these settings: %v", err))
		d.Client = nil
	}
	return d, nil
}

// Run keeps the books fresh and the client connected until ctx ends.
func (d *Desk) Run(ctx context.Context) error {
	if err := d.Books.Watch(ctx, contacts.DefaultDebounce, nil); err != nil {
		d.mu.Lock()
		d.runWarnings = append(d.runWarnings, "address books are not watched for changes: "+err.Error())
		d.mu.Unlock()
	}
	if d.Client == nil {
		<-ctx.Done()
		return ctx.Err()
	}
	return d.Client.Run(ctx)
}

// Close writes what the journal still holds.
func (d *Desk) Close() error {
	return errors.Join(d.Journal.Close())
}
