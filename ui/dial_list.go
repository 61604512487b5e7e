// The dial window's list: what a search finds, and how a row shows it.

package ui

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/deskline/deskline/app"
	"github.com/deskline/deskline/contacts"
)

// dialSearchLimit is how many numbers the list shows: enough to pick
// from, few enough to scan with the eyes while typing.
const dialSearchLimit = 12

// dialRow is one line of the dial window: one number of a contact, or
// the number found in the typed text (contact may be nil then).
type dialRow struct {
	contact *contacts.Contact
	phone   contacts.Phone // the contact's number; zero for a typed row
	typed   bool           // the number read from the text itself
	// colleague is a watched colleague's phone (dial_colleagues.go); text
	// is then its extension.
	colleague *app.Colleague
	text      string // what PrepareDial reads for this row
	display   string // typed rows: the normalised number
	// source says where the row came from ("My contacts", a directory
	// book); "" when the user has no directory to tell it from.
	source string
}

// search lists the numbers matching text: the user's books and the
// colleagues now, the directory's when it answers (answered). A number
// in the text itself comes first, unless a row already has it: what the
// user typed is what Enter dials, the arrows reach the contacts.
func (v *dialView) search(text string) []dialRow {
	text = strings.TrimSpace(text)
	if text == "" {
		v.finder.stop()
		return nil
	}
	return v.withTyped(text, v.finder.find(text))
}

// withTyped puts the row of the number typed first, when no row has it.
func (v *dialView) withTyped(text string, rows []dialRow) []dialRow {
	c := v.u.client()
	if c == nil {
		return rows
	}
	t, err := c.PrepareDial(text)
	if err != nil {
		return rows
	}
	for _, r := range rows {
		if r.phone.Number.Key == t.Number.Key || r.colleague != nil && r.colleague.Device == t.Number.Key {
			return rows
		}
	}
	typed := dialRow{contact: t.Contact, typed: true, text: text, display: t.Display}
	return append([]dialRow{typed}, rows...)
}

// answered shows the rows merged with the directory's answer for text,
// keeping the row the user picked with the arrows.
func (v *dialView) answered(text string, rows []dialRow) {
	if strings.TrimSpace(v.entry.Text) != text {
		return
	}
	var picked *dialRow
	if v.sel > 0 && v.sel < len(v.rows) {
		picked = &v.rows[v.sel]
	}
	v.rows = v.withTyped(text, rows)
	v.list.UnselectAll()
	v.list.Refresh()
	sel := 0
	for i, r := range v.rows {
		if picked != nil && r.text == picked.text && contactID(r.contact) == contactID(picked.contact) {
			sel = i
		}
	}
	v.sel = -1
	if len(v.rows) > 0 {
		v.selectRow(sel)
	}
}

// contactID is c's ID, "" for none: a directory's card is a new value
// with each answer.
func contactID(c *contacts.Contact) string {
	if c == nil {
		return ""
	}
	return c.ID
}

// dialPrepare is PrepareDial for a row, keeping the row's contact: two
// cards may share a number, and the user picked this one.
func dialPrepare(c *app.Client, row *dialRow, text string) (app.DialTarget, error) {
	t, err := c.PrepareDial(text)
	if err != nil && row != nil && !row.typed {
		t, err = c.PrepareDial(row.phone.Number.Key)
	}
	if err == nil && row != nil && row.contact != nil {
		t.Contact = row.contact
	}
	if err == nil && row != nil && row.colleague != nil && t.Contact == nil && row.colleague.Name != "" {
		t.Contact = &contacts.Contact{FormattedName: row.colleague.Name} // "call Bob (203)"
	}
	return t, err
}

// dialRowWidget shows one row: photo, name (bold) over company, number
// over its type. A tap selects, a double tap dials.
type dialRowWidget struct {
	widget.BaseWidget
	v     *dialView
	id    widget.ListItemID
	thumb *canvas.Image
	who   *widget.RichText // name, company
	num   *widget.RichText // number, type
	box   *fyne.Container
}

func newDialRowWidget(v *dialView) *dialRowWidget {
	r := &dialRowWidget{v: v, thumb: canvas.NewImageFromResource(theme.AccountIcon()),
		who: widget.NewRichText(), num: widget.NewRichText()}
	r.thumb.FillMode = canvas.ImageFillContain
	r.thumb.SetMinSize(fyne.NewSquareSize(thumbSize))
	r.who.Truncation = fyne.TextTruncateEllipsis
	// The list sizes every row like this template: two lines.
	r.who.Segments = dialTwoLines("Name", "Company", fyne.TextAlignLeading, true)
	r.num.Segments = dialTwoLines("Number", "type", fyne.TextAlignTrailing, false)
	r.box = container.NewBorder(nil, nil, container.NewCenter(r.thumb), r.num, r.who)
	r.ExtendBaseWidget(r)
	return r
}

func (r *dialRowWidget) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(r.box)
}

func (r *dialRowWidget) set(id widget.ListItemID, row dialRow) {
	r.id = id
	name, company, number, kind := dialRowTexts(row)
	r.who.Segments = dialTwoLines(name, company, fyne.TextAlignLeading, true)
	r.num.Segments = dialTwoLines(number, kind, fyne.TextAlignTrailing, false)
	photo := r.v.thumb(row.contact)
	if row.colleague != nil {
		var colour fyne.ThemeColorName
		photo, colour = presenceLook(*row.colleague)
		colourLine(r.who.Segments, colour)
	}
	r.who.Refresh()
	r.num.Refresh()
	setPhoto(r.thumb, photo)
	r.box.Refresh() // lay out again: the number column's width follows its text
}

// dialTwoLines is a line of text over a smaller, dimmer one: one text
// widget instead of two labels keeps the rows compact.
func dialTwoLines(first, second string, align fyne.TextAlign, bold bool) []widget.RichTextSegment {
	top := widget.RichTextStyleParagraph
	top.Alignment, top.TextStyle.Bold = align, bold
	low := widget.RichTextStyleParagraph
	low.Alignment, low.ColorName, low.SizeName = align, theme.ColorNameDisabled, theme.SizeNameCaptionText
	return []widget.RichTextSegment{&widget.TextSegment{Text: first, Style: top}, &widget.TextSegment{Text: second, Style: low}}
}

// thumb is the contact's photo, kept per contact: rows are rebound on
// every keystroke, the image should not be decoded again each time.
func (v *dialView) thumb(c *contacts.Contact) fyne.Resource {
	if c == nil {
		return nil
	}
	if res, ok := v.thumbs[c.ID]; ok {
		return res
	}
	res := photoResource(c)
	if v.thumbs == nil {
		v.thumbs = make(map[string]fyne.Resource)
	}
	v.thumbs[c.ID] = res
	return res
}

func (r *dialRowWidget) Tapped(*fyne.PointEvent) {
	r.v.selectRow(r.id)
	r.v.win.focus(r.v.entry) // the arrows keep working
}

func (r *dialRowWidget) DoubleTapped(*fyne.PointEvent) {
	r.v.selectRow(r.id)
	r.v.dial()
}
