// The dial window's colleagues: watched colleagues' phones found by the
// typed text (app.State.FindColleagues), ranked among the address book's
// rows by score, with whether each is free, kept live as presence changes.

package ui

import (
	"cmp"
	"slices"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/deskline/deskline/app"
	"github.com/deskline/deskline/contacts"
	"github.com/deskline/deskline/ctiproto"
)

// withColleagues merges the colleagues matching text into the address
// book's rows, best score first (a colleague first on a tie: the row
// says whether she is free), at most dialSearchLimit. A card's number
// that is a watched colleague's extension becomes her row, once, with
// the card's name ("Bob Baker" where the exchange says "Bob"): whichever
// way she was found, the row says whether she is free.
func withColleagues(s app.State, books *contacts.Directory, text string, book []contacts.Match) []dialRow {
	found := s.FindColleagues(text, dialSearchLimit)
	if len(found) == 0 && len(s.Switchboard.Colleagues) == 0 {
		return bookRows(book)
	}
	type scored struct {
		row   dialRow
		score int
		rank  int // colleagues 0, cards 1: ties go to the colleague
	}
	var all []scored
	seen := map[string]bool{} // colleagues listed, by extension
	for _, m := range found {
		col := m.Colleague
		seen[col.Device] = true
		all = append(all, scored{dialRow{colleague: &col, contact: cardFor(books, col.Device), text: col.Device}, m.Score, 0})
	}
	for _, m := range book {
		col, ok := s.Switchboard.Colleague(m.Phone.Number.Key)
		switch {
		case !ok || s.Mine(col.Device):
			all = append(all, scored{bookRow(m), m.Score, 1})
		case !seen[col.Device]:
			seen[col.Device] = true
			all = append(all, scored{dialRow{colleague: &col, contact: m.Contact, text: col.Device}, m.Score, 0})
		}
	}
	slices.SortStableFunc(all, func(a, b scored) int { return cmp.Or(b.score-a.score, a.rank-b.rank) })
	rows := make([]dialRow, 0, min(len(all), dialSearchLimit))
	for _, x := range all[:min(len(all), dialSearchLimit)] {
		rows = append(rows, x.row)
	}
	return rows
}

// cardFor is the address-book card with extension ext, nil for none.
func cardFor(books *contacts.Directory, ext string) *contacts.Contact {
	num, err := books.Normalizer().Normalize(ext)
	if err != nil {
		return nil
	}
	if cards := books.LookupNumber(num); len(cards) > 0 {
		return cards[0].Contact
	}
	return nil
}

func bookRows(book []contacts.Match) []dialRow {
	var rows []dialRow
	for _, m := range book {
		rows = append(rows, bookRow(m))
	}
	return rows
}

func bookRow(m contacts.Match) dialRow {
	return dialRow{contact: m.Contact, phone: m.Phone, text: m.Phone.Raw}
}

// liveColleagues puts s's presence into the colleague rows shown: the
// list says whether Clara is free now, not when the user typed. It
// reports whether a row changed.
func (v *dialView) liveColleagues(s app.State) bool {
	changed := false
	for i, r := range v.rows {
		if r.colleague == nil {
			continue
		}
		if c, ok := s.Switchboard.Colleague(r.colleague.Device); ok && c != *r.colleague {
			v.rows[i].colleague = &c
			changed = true
		}
	}
	return changed
}

// presenceLook is a colleague's state as a shape and a colour, so that
// it reads without colour too: a tick when free, a sounding speaker when ringing, a
// dot when talking, pause bars on hold, a cross for do not disturb, an
// arrow when forwarded, a hollow eye when offline.
func presenceLook(c app.Colleague) (fyne.Resource, fyne.ThemeColorName) {
	switch {
	case c.Status == ctiproto.StatusIdle:
		return theme.NewSuccessThemedResource(theme.ConfirmIcon()), theme.ColorNameSuccess
	case c.Status == ctiproto.StatusRinging:
		return theme.NewWarningThemedResource(theme.VolumeUpIcon()), theme.ColorNameWarning
	case c.Status == ctiproto.StatusOnHold:
		return theme.NewWarningThemedResource(theme.MediaPauseIcon()), theme.ColorNameWarning
	case c.Status == ctiproto.StatusDND || c.DND:
		return theme.NewErrorThemedResource(theme.CancelIcon()), theme.ColorNameError
	case c.Status == ctiproto.StatusForwarded:
		return theme.NewPrimaryThemedResource(theme.MailForwardIcon()), theme.ColorNamePrimary
	case c.Status == ctiproto.StatusOffline:
		return theme.NewDisabledResource(theme.VisibilityOffIcon()), theme.ColorNameDisabled
	}
	return theme.NewErrorThemedResource(theme.MediaRecordIcon()), theme.ColorNameError // in a call
}

// colourLine colours the second line of a row's two lines (a colleague's
// state).
func colourLine(segs []widget.RichTextSegment, colour fyne.ThemeColorName) {
	if len(segs) == 2 {
		if t, ok := segs[1].(*widget.TextSegment); ok {
			t.Style.ColorName = colour
		}
	}
}
