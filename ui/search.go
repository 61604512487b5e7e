// One search for every search field (the dial window, the transfer
// field, the switchboard): app.Finder's rows, the user's books at once
// and the company directory's when the server answers, as dialRows.

package ui

import (
	"time"

	"fyne.io/fyne/v2/widget"

	"github.com/deskline/deskline/app"
)

// searchingDelay is how long an Enter waits for the directory before the
// field says so: shorter reads as instant, and a word that flashes by
// is noise.
const searchingDelay = 400 * time.Millisecond

// finder is a search field's app.Finder over the desk the UI runs now:
// a new desk (settings saved) brings new books and a new client.
type finder struct {
	u          *UI
	colleagues bool // colleagues as their own rows (app.Find.Colleagues)
	limit      int
	// answer gets the rows merged with the directory's, on the main
	// goroutine, only while they answer the text typed last.
	answer func(text string, rows []dialRow)

	desk *app.Desk
	f    *app.Finder
	// note is the list's dim line saying the directory could not be
	// searched (noteLine); nil until a view places it.
	note *widget.Label
	// flushing counts Enters and what cancels them (typing, stop): a
	// "searching" note is shown only for the Enter still waiting.
	flushing uint64
}

// find returns the rows for text now; the directory's follow through
// answer. In a synchronous UI (tests) the rows include them already.
func (fd *finder) find(text string) []dialRow {
	d := fd.u.Desk()
	if d == nil || d.Books == nil {
		return nil
	}
	if d != fd.desk {
		fd.stop()
		fd.desk = d
		var f *app.Finder
		f = app.NewFinder(app.Find{Books: d.Books, Numbers: d.Numbers, Colleagues: fd.colleagues, Limit: fd.limit},
			d.Client, func(a app.Answer) {
				fd.u.do(func() {
					if f.Current(a) {
						fd.unreachable(a.Unreachable)
						fd.answer(a.Text, fd.rows(a.Rows))
					}
				})
			})
		f.Wait = fd.u.opts.Synchronous && fd.u.run.post == nil
		fd.f = f
	}
	fd.flushing++
	rows := fd.rows(fd.f.Type(fd.u.state, text))
	fd.unreachable(fd.f.Unreachable(text))
	return rows
}

// noteLine is the dim line a view places under its list: "Company
// directory not reachable — your contacts only", hidden while the
// directory answers (and for a user who has none).
func (fd *finder) noteLine() *widget.Label {
	if fd.note == nil {
		fd.note = newLine()
		fd.note.Importance = widget.LowImportance
		fd.note.Hide()
	}
	return fd.note
}

// unreachable shows or hides the note.
func (fd *finder) unreachable(on bool) {
	if fd.note == nil {
		return
	}
	text := ""
	if on {
		text = directoryUnreachable
	}
	setLine(fd.note, text)
}

// flush is Enter before the directory answered (app.Finder.Flush): it
// reports false when the rows shown are final; else then gets the rows
// merged with the directory's answer (the local rows when it cannot
// answer), on the main goroutine, unless the text changed or the field
// stopped meanwhile, and searching runs first if that takes longer than
// searchingDelay. then checks the field still says text.
func (fd *finder) flush(then func(text string, rows []dialRow), searching func()) bool {
	f := fd.f
	if f == nil {
		return false
	}
	fd.flushing++
	token := fd.flushing
	ok := f.Flush(func(a app.Answer) {
		fd.u.do(func() {
			if fd.f == f && f.Current(a) && fd.flushing == token {
				fd.flushing++
				fd.unreachable(a.Unreachable)
				then(a.Text, fd.rows(a.Rows))
			}
		})
	})
	if ok && searching != nil {
		time.AfterFunc(searchingDelay, func() {
			fd.u.do(func() {
				if fd.f == f && fd.flushing == token {
					searching()
				}
			})
		})
	}
	return ok
}

// stop drops an answer on its way (the field is cleared or closed).
func (fd *finder) stop() {
	fd.flushing++
	fd.unreachable(false)
	if fd.f != nil {
		fd.f.Stop()
	}
}

// rows turns the finder's rows into the fields' rows, each saying where
// it came from once the user has a directory to tell it from.
func (fd *finder) rows(found []app.Found) []dialRow {
	labelled := len(fd.u.state.Directory) > 0
	rows := make([]dialRow, 0, len(found))
	for _, f := range found {
		r := dialRow{contact: f.Contact, phone: f.Phone, colleague: f.Colleague, text: f.Number()}
		if labelled && f.Colleague == nil {
			r.source = sourceText(f.Source)
		}
		rows = append(rows, r)
	}
	return rows
}
