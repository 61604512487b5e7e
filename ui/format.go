package ui

import (
	"fmt"
	"time"

	"fyne.io/fyne/v2"

	"github.com/deskline/deskline/contacts"
)

// since words how long something has lasted: "0:07", "12:03", "1:02:03".
func since(d time.Duration) string {
	if d < 0 {
		d = 0
	}
	s := int(d / time.Second)
	if s >= 3600 {
		return fmt.Sprintf("%d:%02d:%02d", s/3600, s/60%60, s%60)
	}
	return fmt.Sprintf("%d:%02d", s/60, s%60)
}

// photoResource is the contact's inline photo as a resource the image
// widget can show, nil when the card has none (or only links to one).
func photoResource(c *contacts.Contact) fyne.Resource {
	if c == nil || c.Photo == nil || len(c.Photo.Data) == 0 {
		return nil
	}
	return fyne.NewStaticResource("photo-"+c.ID, c.Photo.Data)
}
