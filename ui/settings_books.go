package ui

import (
	"os"
	"path/filepath"
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"github.com/deskline/deskline/app/settings"
)

// The settings window's address books: the list, adding by dialog, by
// typed path or by drop, and removing.

// showBooks lists the address books, each with its Remove button.
func (v *settingsView) showBooks() {
	setHint(v.bookHint, widget.DangerImportance, "")
	v.bookBox.RemoveAll()
	if len(v.books) == 0 {
		none := widget.NewLabel("No address book: callers show by number only.")
		none.Importance = widget.LowImportance
		v.bookBox.Add(none)
	}
	for i, path := range v.books {
		l := widget.NewLabel(path)
		l.Truncation = fyne.TextTruncateEllipsis
		remove := widget.NewButtonWithIcon("Remove", theme.DeleteIcon(), func() { v.removeBook(i) })
		v.bookBox.Add(container.NewBorder(nil, nil, nil, remove, l))
	}
	v.bookBox.Refresh()
}

// addBook lists a file or folder once; Save checks it exists.
func (v *settingsView) addBook(path string) {
	if path == "" || slices.Contains(v.books, path) {
		return
	}
	v.books = append(v.books, path)
	v.showBooks()
}

func (v *settingsView) removeBook(i int) {
	if i < 0 || i >= len(v.books) {
		return
	}
	v.books = slices.Delete(v.books, i, i+1)
	v.showBooks()
}

// addTypedBook adds the path typed (or pasted) under the list. It is
// checked at once, so a typo is caught where it was made, not at Save.
func (v *settingsView) addTypedBook() {
	path := strings.TrimSpace(v.bookPath.Text)
	if path == "" {
		setHint(v.bookHint, widget.DangerImportance, "Type the path of a .vcf file or a folder first.")
		return
	}
	if strings.HasPrefix(path, "~"+string(filepath.Separator)) {
		if home, err := os.UserHomeDir(); err == nil {
			path = filepath.Join(home, path[2:])
		}
	}
	if err := settings.CheckAddressBook(path); err != nil {
		setHint(v.bookHint, widget.DangerImportance, bookProblemText(err))
		return
	}
	v.bookPath.SetText("")
	v.addBook(path)
}

// pickFile adds a .vcf file chosen in a file dialog.
func (v *settingsView) pickFile() {
	d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil || r == nil {
			return // cancelled, or the dialog said what went wrong
		}
		r.Close()
		v.addPicked(r.URI())
	}, v.win.window())
	d.SetFilter(storage.NewExtensionFileFilter([]string{".vcf", ".vcard", ".VCF"}))
	d.Show()
}

// pickFolder adds a folder of vCards chosen in a folder dialog.
func (v *settingsView) pickFolder() {
	dialog.NewFolderOpen(func(l fyne.ListableURI, err error) {
		if err == nil && l != nil {
			v.addPicked(l)
		}
	}, v.win.window()).Show()
}

// addPicked adds a file or folder given as a URI (picked or dropped).
func (v *settingsView) addPicked(u fyne.URI) {
	if u.Scheme() != "file" {
		setHint(v.bookHint, widget.DangerImportance, notLocalFile(u.String()))
		return
	}
	if err := settings.CheckAddressBook(u.Path()); err != nil {
		setHint(v.bookHint, widget.DangerImportance, bookProblemText(err))
		return
	}
	v.addBook(u.Path())
}

// dropped adds files and folders dragged onto the window from a file
// manager as address books.
func (v *settingsView) dropped(_ fyne.Position, uris []fyne.URI) {
	for _, u := range uris {
		v.addPicked(u)
	}
}
