package settings

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

// CheckAddressBook says, in fields, why a path cannot be a book.
func TestCheckAddressBook(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"team.vcf", "Old.VCARD", "notes.txt"} {
		if err := os.WriteFile(filepath.Join(dir, name), nil, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct {
		path string
		want BookProblem // "" when it can be added
	}{
		{filepath.Join(dir, "team.vcf"), ""},
		{filepath.Join(dir, "Old.VCARD"), ""},
		{dir, ""}, // a folder of books
		{"team.vcf", BookNotAbsolute},
		{filepath.Join(dir, "gone.vcf"), BookUnreadable},
		{filepath.Join(dir, "notes.txt"), BookNotVCard},
	} {
		err := CheckAddressBook(tc.path)
		var be *BookError
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("%s: %v, want it accepted", tc.path, err)
		case tc.want != "" && (!errors.As(err, &be) || be.Problem != tc.want || be.Path != tc.path):
			t.Errorf("%s: %v, want a BookError %s", tc.path, err, tc.want)
		case tc.want == BookUnreadable && !errors.Is(err, fs.ErrNotExist):
			t.Errorf("%s: %v does not say the file does not exist", tc.path, err)
		}
	}
}
