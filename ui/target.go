package ui

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/deskline/deskline/app"
	"github.com/deskline/deskline/contacts"
)

// targetSuggestions is how many address-book matches a target entry
// offers: enough for a common first name, few enough to fit a card.
const targetSuggestions = 8

// targetPicker is where a call goes next (transfer, forward): an entry
// for a number or a name, the address book's matches below it as the
// user types, and the picked contact's name. Enter on a name picks the
// first match, Enter on a number (or a pick) submits.
type targetPicker struct {
	u *UI
	// submit gets the number to send the call to; changed tells the owner
	// the entry changed (its button may enable).
	submit  func(number string)
	changed func()
	picked  string // the number of the suggestion picked, "" while typing
	finder  *finder

	entry       *widget.Entry
	suggestions *fyne.Container
	pickedLabel *widget.Label
	box         *fyne.Container
}

func newTargetPicker(u *UI, placeholder string, submit func(string), changed func()) *targetPicker {
	p := &targetPicker{u: u, submit: submit, changed: changed}
	// Colleagues' phones too, ranked with the cards, as the dial window
	// does: whether she is free shows before the call goes to her.
	p.finder = &finder{u: u, colleagues: true, limit: targetSuggestions, answer: p.answered}
	p.entry = widget.NewEntry()
	p.entry.SetPlaceHolder(placeholder)
	p.entry.OnChanged = p.onTyped
	p.entry.OnSubmitted = p.onSubmit
	p.suggestions = container.NewVBox()
	p.pickedLabel = newLine()
	p.pickedLabel.Hide()
	p.box = container.NewVBox(p.suggestions, p.finder.noteLine(), p.pickedLabel)
	return p
}

// target is the number to send the call to: the pick, else what was
// typed (the app finds the number in it); "" when empty.
func (p *targetPicker) target() string {
	if p.picked != "" {
		return p.picked
	}
	return strings.TrimSpace(p.entry.Text)
}

// clear empties the entry after the call went.
func (p *targetPicker) clear() {
	p.picked = ""
	p.entry.SetText("")
	setLine(p.pickedLabel, "")
}

// onTyped offers matching contacts as the user types; editing a picked
// number drops the pick.
func (p *targetPicker) onTyped(text string) {
	if p.picked != "" && text != p.picked {
		p.picked = ""
		setLine(p.pickedLabel, "")
	}
	p.suggest(text)
	p.changed()
}

// onSubmit (Enter): a name picks the first suggestion, a number (or a
// picked suggestion) is sent.
func (p *targetPicker) onSubmit(text string) {
	if p.picked == "" && !contacts.LooksLikeNumber(text) && p.finder.flush(func(asked string, rows []dialRow) {
		if p.picked == "" && strings.TrimSpace(p.entry.Text) == asked {
			p.show(rows)
			p.submitNow(text)
		}
	}, func() { setLine(p.pickedLabel, searchingDirectory) }) {
		return // the directory's answer is on its way: Enter acts on it
	}
	p.submitNow(text)
}

// submitNow is Enter on the suggestions shown.
func (p *targetPicker) submitNow(text string) {
	if p.picked == "" && !contacts.LooksLikeNumber(text) && len(p.suggestions.Objects) > 0 {
		p.suggestions.Objects[0].(*widget.Button).OnTapped()
		return
	}
	if to := p.target(); to != "" {
		p.submit(to)
	}
}

// suggest lists the matches for text (the user's books, colleagues,
// the directory's when it answers); none for a picked number or fewer
// than two characters.
func (p *targetPicker) suggest(text string) {
	text = strings.TrimSpace(text)
	var rows []dialRow
	if len([]rune(text)) >= 2 && text != p.picked {
		rows = p.finder.find(text)
	} else {
		p.finder.stop()
	}
	p.show(rows)
}

// answered shows the suggestions merged with the directory's answer,
// while the entry still says what was asked.
func (p *targetPicker) answered(text string, rows []dialRow) {
	if p.picked == "" && strings.TrimSpace(p.entry.Text) == text {
		p.show(rows)
	}
}

func (p *targetPicker) show(rows []dialRow) {
	var objs []fyne.CanvasObject
	for _, r := range rows[:min(len(rows), targetSuggestions)] {
		objs = append(objs, p.suggestion(r))
	}
	if len(objs) == 0 && len(p.suggestions.Objects) == 0 {
		p.box.Refresh() // the note may have changed
		return
	}
	p.suggestions.Objects = objs
	p.suggestions.Refresh()
	p.box.Refresh()
}

// suggestion is the button for one row: a card's number, or a
// colleague's phone with her state's shape and words.
func (p *targetPicker) suggestion(r dialRow) *widget.Button {
	var b *widget.Button
	if c := r.colleague; c != nil {
		icon, _ := presenceLook(*c)
		label := colleagueMatchText(*c, r.contact)
		b = widget.NewButtonWithIcon(label, icon, func() { p.pickNumber(c.Device, "To "+label) })
	} else {
		m := contacts.Match{Contact: r.contact, Phone: r.phone}
		b = widget.NewButtonWithIcon(joinParts(" · ", callMatchText(m), r.source), theme.AccountIcon(), func() { p.pick(m) })
	}
	b.Importance = widget.LowImportance
	b.Alignment = widget.ButtonAlignLeading
	return b
}

// pick takes a suggestion: its number goes into the entry, its name below.
func (p *targetPicker) pick(m contacts.Match) {
	num := m.Phone.Number.Display
	if num == "" {
		num = m.Phone.Raw
	}
	p.pickNumber(num, "To "+callMatchText(m))
}

// pickNumber puts a picked number in the entry and says whose it is.
func (p *targetPicker) pickNumber(num, who string) {
	p.entry.SetText(num)
	p.picked = num
	p.suggest("")
	setLine(p.pickedLabel, who)
	p.box.Refresh()
	p.changed()
}

// colleagueMatchText is "Bob Baker · 203 · Free": the card's name for
// the extension, else the exchange's ("299 · Free" for neither).
func colleagueMatchText(c app.Colleague, card *contacts.Contact) string {
	name := c.Name
	if card != nil {
		name = card.DisplayName()
	}
	if name == "" {
		return joinParts(" · ", c.Device, colleagueState(c))
	}
	return joinParts(" · ", name, c.Device, colleagueState(c))
}

// callMatchText is "Bob Baker · 203 · work".
func callMatchText(m contacts.Match) string {
	return joinParts(" · ", m.Contact.DisplayName(), m.Phone.Number.Display, phoneKind(&m.Phone))
}
