// The switchboard's directory: what the typed name finds beyond the
// colleagues' tiles (the user's books, the company directory), as a
// short list under the grid. A receptionist looks for a colleague first,
// so the tiles keep the top; the list adds the customer or the colleague
// who has no tile. Enter takes its first row when no tile matches.

package ui

import (
	"context"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/deskline/deskline/app"
)

// switchboardFound is how many rows the list shows: a glance, under a
// grid that keeps most of the window.
const switchboardFound = 5

// minSwitchboardSearch: a single letter filters the tiles, it does not
// ask the directory.
const minSwitchboardSearch = 2

// foundList is the list under the grid.
type foundList struct {
	v      *switchboardView
	finder *finder
	rows   []dialRow
	box    *fyne.Container
}

func (l *foundList) build(v *switchboardView) fyne.CanvasObject {
	l.v = v
	l.finder = &finder{u: v.u, limit: switchboardFound, answer: l.answered}
	l.box = container.NewVBox()
	l.box.Hide()
	return l.box
}

// search lists the matches for the filter's text (none for less than
// minSwitchboardSearch characters).
func (l *foundList) search(text string) {
	text = strings.TrimSpace(text)
	var rows []dialRow
	if len([]rune(text)) >= minSwitchboardSearch {
		rows = l.finder.find(text)
	} else {
		l.finder.stop()
	}
	l.show(rows)
}

// flush is Enter before the directory answered the filter's text: then
// runs once its rows are shown (false: the list shown is final).
func (l *foundList) flush(then func()) bool {
	if len([]rune(strings.TrimSpace(l.v.filter.Text))) < minSwitchboardSearch {
		return false
	}
	return l.finder.flush(func(text string, rows []dialRow) {
		if strings.TrimSpace(l.v.filter.Text) == text {
			l.show(rows)
			then()
		}
	}, func() { l.v.say(widget.MediumImportance, searchingDirectory) })
}

// answered shows the rows merged with the directory's answer while the
// filter still says what was asked.
func (l *foundList) answered(text string, rows []dialRow) {
	if strings.TrimSpace(l.v.filter.Text) == text {
		l.show(rows)
	}
}

func (l *foundList) show(rows []dialRow) {
	note := l.finder.noteLine()
	if len(rows) == 0 && len(l.rows) == 0 && note.Visible() == l.box.Visible() {
		return
	}
	l.rows = rows
	objs := []fyne.CanvasObject{}
	if len(rows) > 0 || note.Visible() {
		objs = append(objs, widget.NewSeparator(), widget.NewLabelWithStyle(foundHeading, fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
	}
	for _, r := range rows {
		b := widget.NewButtonWithIcon(foundRowText(r), theme.AccountIcon(), func() { l.take(r) })
		b.Importance = widget.LowImportance
		b.Alignment = widget.ButtonAlignLeading
		objs = append(objs, b)
	}
	if note.Visible() {
		objs = append(objs, note)
	}
	l.box.Objects = objs
	if len(objs) > 0 {
		l.box.Show()
	} else {
		l.box.Hide()
	}
	l.box.Refresh()
	l.v.relayout()
}

// first takes the first row (Enter with no tile matching); false when
// there is none.
func (l *foundList) first() bool {
	if len(l.rows) == 0 {
		return false
	}
	l.take(l.rows[0])
	return true
}

// take sends the call in hand to the row's number, or calls it.
func (l *foundList) take(r dialRow) {
	v := l.v
	number := r.text
	if call, ok := callToSend(v.state); ok {
		id := call.ID
		v.runThen(toTransfer, transferredToText(r), func(ctx context.Context, c *app.Client) error {
			return c.Transfer(ctx, id, number)
		}, v.clearFilter)
		return
	}
	if v.state.Switchboard.Consult != nil {
		v.say(widget.WarningImportance, consultingNow)
		return
	}
	if _, busy := app.ActiveCall(v.state); busy {
		v.say(widget.WarningImportance, diallingNow)
		return
	}
	v.runThen("call", callingRowText(r), func(ctx context.Context, c *app.Client) error {
		target, err := c.PrepareDial(number)
		if err == nil {
			_, err = c.Dial(ctx, target)
		}
		return err
	}, v.clearFilter)
}
