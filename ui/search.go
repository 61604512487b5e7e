// One search for every search field (the dial window, the transfer
// field, the switchboard): app.Finder's rows, the user's books at once
// and the company directory's when the server answers, as dialRows.

package ui

import (
	"github.com/deskline/deskline/app"
)

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
						fd.answer(a.Text, fd.rows(a.Rows))
					}
				})
			})
		f.Wait = fd.u.opts.Synchronous
		fd.f = f
	}
	return fd.rows(fd.f.Type(fd.u.state, text))
}

// stop drops an answer on its way (the field is cleared or closed).
func (fd *finder) stop() {
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
