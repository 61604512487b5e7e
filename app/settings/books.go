package settings

import (
	"errors"
	"fmt"
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
			errs = append(errs, &Error{Field: fmt.Sprintf("address_books[%d]", i), Reason: p})
		}
		seen[path] = true
	}
	return errs
}

// dropBadAddressBooks keeps the good entries: one book on an unmounted
// share must not cost the user the others.
func dropBadAddressBooks(s *Settings, _ Settings, errs []error) {
	bad := make(map[string]bool)
	for _, err := range errs {
		var se *Error
		if errors.As(err, &se) {
			bad[se.Field] = true
		}
	}
	var keep []string
	for i, path := range s.AddressBooks {
		if !bad[fmt.Sprintf("address_books[%d]", i)] {
			keep = append(keep, path)
		}
	}
	s.AddressBooks = keep
}
