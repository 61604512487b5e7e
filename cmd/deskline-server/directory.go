package main

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"path/filepath"
	"slices"

	"github.com/deskline/deskline/contacts"
	"github.com/deskline/deskline/server/config"
	"github.com/deskline/deskline/server/directory"
	"github.com/deskline/deskline/server/directory/carddav"
	"github.com/deskline/deskline/server/directory/ldap"
)

// directoryStateDir is where, in state_dir, each book keeps its last good
// copy, so that a restart with a source down still serves it.
const directoryStateDir = "directory"

// newDirectory builds the company directory from the config, not yet
// started, and the books each user may see; nil without books. demo: the
// config is the embedded demo's, whose company book is built in too.
func newDirectory(cfg *config.Config, demo bool, log *slog.Logger) (*directory.Directory, map[string][]string, error) {
	if len(cfg.Directory.Books) == 0 {
		return nil, nil, nil
	}
	norm, err := cfg.Directory.Normalizer()
	if err != nil {
		return nil, nil, fmt.Errorf("directory: %w", err)
	}
	stateDir := ""
	if cfg.StateDir != "" {
		stateDir = filepath.Join(cfg.StateDir, directoryStateDir)
	}
	d := directory.New(norm, stateDir, log)
	for _, b := range cfg.Directory.Books {
		src, err := bookSource(norm, b, demo)
		if err != nil {
			return nil, nil, err
		}
		if err := d.Add(directory.BookConfig{Name: b.Name, Source: src, Refresh: b.Refresh, Timeout: b.Timeout, Origin: origin(b)}); err != nil {
			return nil, nil, err
		}
	}
	books := make(map[string][]string, len(cfg.Users))
	for _, u := range cfg.Users {
		books[u.Name] = cfg.BooksFor(u.Name)
	}
	return d, books, nil
}

// bookSource is the source a book's type names.
func bookSource(norm *contacts.Normalizer, b config.DirectoryBook, demo bool) (directory.Source, error) {
	switch b.Type {
	case config.BookVCard:
		if demo && slices.Equal(b.VCard.Paths, []string{config.DemoDirectoryFile}) {
			return directory.Cards(norm, config.DemoDirectoryFile, config.DemoDirectory()), nil
		}
		return directory.Files(norm, b.VCard.Paths...), nil
	case config.BookLDAP:
		l := b.LDAP
		src, err := ldap.New(ldap.Config{URL: l.URL, StartTLS: l.StartTLS, CAFile: l.CAFile, BindDN: l.BindDN,
			PasswordFile: l.PasswordFile, BaseDN: l.BaseDN, Filter: l.Filter, Scope: l.Scope, Schema: l.Schema,
			Attributes: l.Attributes, PageSize: l.PageSize, Timeout: l.Timeout, SizeLimit: l.SizeLimit}, norm)
		if err != nil {
			return nil, fmt.Errorf("directory: book %q: %w", b.Name, err)
		}
		return src, nil
	case config.BookCardDAV:
		c := b.CardDAV
		src, err := carddav.New(carddav.Config{URL: c.URL, Book: c.Book, Username: c.Username,
			PasswordFile: c.PasswordFile, CAFile: c.CAFile, Timeout: c.Timeout}, norm, contacts.Limits{})
		if err != nil {
			return nil, fmt.Errorf("directory: book %q: %w", b.Name, err)
		}
		return src, nil
	}
	return nil, fmt.Errorf("directory: book %q: type %q is not built into this server", b.Name, b.Type)
}

// origin names what a book reads, for its saved copy: the type and its
// table (URLs, base DN, filter, paths; file names, never a password).
func origin(b config.DirectoryBook) string {
	var table any
	switch b.Type {
	case config.BookVCard:
		table = b.VCard
	case config.BookCardDAV:
		table = b.CardDAV
	case config.BookLDAP:
		table = b.LDAP
	}
	data, _ := json.Marshal(table)
	return b.Type + " " + string(data)
}
