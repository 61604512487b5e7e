package settings

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/deskline/deskline/contacts"
)

// addressBooksProblems names each bad entry by its index, so the user
// knows which line of the list to fix.
func addressBooksProblems(s Settings) []error {
	var errs []error
	seen := make(map[string]bool, len(s.AddressBooks))
	for i, path := range s.AddressBooks {
		p := ""
		switch {
		case path == "":
			p = "empty path"
		case seen[path]:
			p = fmt.Sprintf("%s is listed twice", path)
		default:
			p = absPathProblem(path)
		}
		if p != "" {
			errs = append(errs, &Error{Field: fmt.Sprintf("address_books[%d]", i), Reason: p, Book: i + 1})
		}
		seen[path] = true
	}
	return errs
}

// dropBadAddressBooks keeps the good entries: one book on an unmounted
// share must not cost the user the others.
func dropBadAddressBooks(s *Settings, _ Settings, errs []error) {
	bad := make(map[int]bool)
	for _, err := range errs {
		var se *Error
		if errors.As(err, &se) && se.Book > 0 {
			bad[se.Book-1] = true
		}
	}
	var keep []string
	for i, path := range s.AddressBooks {
		if !bad[i] {
			keep = append(keep, path)
		}
	}
	s.AddressBooks = keep
}

// BookProblem is what is wrong with a path offered as an address book.
type BookProblem string

// Book problems.
const (
	BookNotAbsolute BookProblem = "not-absolute" // a relative path: a tray app started at login has no useful working folder
	BookUnreadable  BookProblem = "unreadable"   // it cannot be opened (Err says why)
	BookNotVCard    BookProblem = "not-vcard"    // a file whose name is not .vcf or .vcard
)

// BookError says why a path cannot be added as an address book; a
// settings window words it from its fields.
type BookError struct {
	Path    string
	Problem BookProblem
	Err     error // BookUnreadable: the cause (no such file, permission denied)
}

func (e *BookError) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("settings: address book %s: %s: %v", e.Path, e.Problem, e.Err)
	}
	return fmt.Sprintf("settings: address book %s: %s", e.Path, e.Problem)
}

func (e *BookError) Unwrap() error { return e.Err }

// CheckAddressBook checks a path offered as an address book: absolute,
// readable, and a folder or a vCard file. nil when it can be added.
func CheckAddressBook(path string) error {
	if !filepath.IsAbs(path) {
		return &BookError{Path: path, Problem: BookNotAbsolute}
	}
	info, err := os.Stat(path)
	if err != nil {
		return &BookError{Path: path, Problem: BookUnreadable, Err: errors.Unwrap(err)}
	}
	if !info.IsDir() && !contacts.IsVCardName(path) {
		return &BookError{Path: path, Problem: BookNotVCard}
	}
	return nil
}
