package ui

import (
	"fmt"
	"path/filepath"
	"time"

	"fyne.io/fyne/v2"

	"github.com/deskline/deskline/app/journal"
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
// Its name is the card's file name and UID, not the book's absolute path:
// rendered masters stay the same wherever the repository lives.
func photoResource(c *contacts.Contact) fyne.Resource {
	if c == nil || c.Photo == nil || len(c.Photo.Data) == 0 {
		return nil
	}
	return fyne.NewStaticResource("photo-"+filepath.Base(c.ID), c.Photo.Data)
}

// when words a time for a list: "14:05" today, "Mon 24 Nov 14:05" before.
func when(t, now time.Time) string {
	t = t.In(now.Location())
	if y, m, d := t.Date(); y == now.Year() && m == now.Month() && d == now.Day() {
		return t.Format("15:04")
	}
	return t.Format("Mon 2 Jan 15:04")
}

// dayTitle heads a day's calls in the recent calls window: "Today",
// "Yesterday", "Monday 30 Nov", and with the year for an earlier year
// ("Monday 30 Nov 2025"). Days are calendar days where the user is.
func dayTitle(t, now time.Time) string {
	t = t.In(now.Location())
	midnight := func(t time.Time) time.Time {
		y, m, d := t.Date()
		return time.Date(y, m, d, 0, 0, 0, 0, t.Location())
	}
	day, today := midnight(t), midnight(now)
	switch {
	case day.Equal(today):
		return "Today"
	case day.Equal(today.AddDate(0, 0, -1)):
		return "Yesterday"
	case t.Year() == now.Year():
		return t.Format("Monday 2 Jan")
	}
	return t.Format("Monday 2 Jan 2006")
}

// outcomeWords says how a journal call ended.
var outcomeWords = map[journal.Outcome]string{
	journal.OutcomeAnswered:          "answered",
	journal.OutcomeMissed:            "missed",
	journal.OutcomeOutgoing:          "outgoing",
	journal.OutcomeOutgoingFailed:    "not reached",
	journal.OutcomeAnsweredElsewhere: "answered by a colleague",
	journal.OutcomeRejected:          "declined",
}

// journalLine is one journal entry in a line: "Miriam Okafor · 14:05 ·
// missed"; a caller without a name by number ("+49 30 1234567 · …").
func journalLine(e journal.Entry, n *contacts.Normalizer, now time.Time) string {
	who := e.Name
	if who == "" {
		who = numberText(n, e.Number)
	}
	return who + " · " + when(e.Start, now) + " · " + outcomeWords[e.Outcome]
}
