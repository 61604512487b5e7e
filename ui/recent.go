package ui

import (
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/deskline/deskline/app"
	"github.com/deskline/deskline/contacts"
	"github.com/deskline/deskline/ctiproto"
)

// recentTitle is the recent calls window's title (an end-to-end test
// finds it).
const recentTitle = "Deskline: recent calls"

// recentLimit is how far back the window lists: a day or two for a busy
// receptionist, more for everyone else.
const recentLimit = 50

// The recent calls window's size: a dozen rows.
const (
	recentWidth  = 580
	recentHeight = 520
)

// recentView lists the journal, newest first, with one-click call back.
// Missed calls the user has not seen yet stand out until marked seen.
type recentView struct {
	u       *UI
	w       fyne.Window
	visible bool

	entries  []app.JournalEntry
	blocked  string // why call back is off now, "" when it works
	list     *widget.List
	empty    *widget.Label
	summary  *widget.Label
	markSeen *widget.Button
	problem  *widget.Label // the last call back's error
}

func newRecentView(u *UI) *recentView { return &recentView{u: u} }

func (v *recentView) show() {
	if v.w == nil {
		v.build()
	}
	v.visible = true
	setHint(v.problem, widget.DangerImportance, "")
	v.refresh(v.u.state)
	v.w.Show()
	v.w.RequestFocus() // opened on purpose: new windows do not take focus by themselves
	relayoutWindow(v.w)
}

func (v *recentView) hide() {
	v.visible = false
	if v.w != nil {
		v.w.Hide()
	}
}

// render refreshes the list: every journal change publishes a state.
func (v *recentView) render(s app.State) {
	if v.visible {
		v.refresh(s)
	}
}

func (v *recentView) build() {
	v.w = v.u.fy.NewWindow(recentTitle)
	v.w.SetCloseIntercept(v.hide)
	v.list = widget.NewList(func() int { return len(v.entries) },
		func() fyne.CanvasObject { return newRecentRow(v) },
		func(id widget.ListItemID, o fyne.CanvasObject) { o.(*recentRow).set(v.entries[id]) })
	v.list.OnSelected = func(widget.ListItemID) { v.list.UnselectAll() } // rows act through their button
	v.empty = widget.NewLabelWithStyle("No calls yet", fyne.TextAlignCenter, fyne.TextStyle{Italic: true})
	v.empty.Importance = widget.LowImportance
	v.summary = widget.NewLabel("")
	v.markSeen = widget.NewButtonWithIcon("Mark all seen", theme.ConfirmIcon(), v.u.markAllSeen)
	v.problem = widget.NewLabel("")
	v.problem.Wrapping = fyne.TextWrapWord
	v.problem.Importance = widget.DangerImportance
	top := container.NewVBox(container.NewHBox(v.summary, layout.NewSpacer(), v.markSeen), v.problem, widget.NewSeparator())
	v.w.SetContent(container.NewBorder(top, nil, nil, nil, container.NewStack(v.list, container.NewCenter(v.empty))))
	v.w.Canvas().SetOnTypedKey(func(k *fyne.KeyEvent) {
		if k.Name == fyne.KeyEscape {
			v.hide()
		}
	})
	v.w.Resize(fyne.NewSize(recentWidth, recentHeight))
}

// refresh reads the journal again and says what can be done now.
func (v *recentView) refresh(s app.State) {
	d := v.u.Desk()
	v.entries = nil
	unseen := 0
	if d != nil {
		v.entries = d.Journal.Recent(recentLimit)
		unseen = d.Journal.UnseenMissed()
	}
	v.blocked = dialBlocker(v.u.client() != nil, s)
	v.list.Refresh()
	v.empty.Hidden = len(v.entries) > 0
	v.empty.Refresh()
	switch {
	case unseen == 1:
		v.summary.SetText("1 missed call you have not seen")
	case unseen > 1:
		v.summary.SetText(fmt.Sprintf("%d missed calls you have not seen", unseen))
	case v.blocked != "" && len(v.entries) > 0:
		v.summary.SetText("Call back is off — " + v.blocked)
	default:
		v.summary.SetText("")
	}
	if unseen > 0 {
		v.summary.Importance = widget.DangerImportance
	} else {
		v.summary.Importance = widget.LowImportance
	}
	setEnabled(v.markSeen, unseen > 0)
	v.summary.Refresh()
}

// say shows a problem above the list ("" hides it).
func (v *recentView) say(text string) {
	if v.problem == nil {
		return // never opened
	}
	if setHint(v.problem, widget.DangerImportance, text) || text != "" {
		relayoutWindow(v.w)
	}
}

// recentRow is one journal entry: outcome icon, who (bold; red while an
// unseen missed call) over number, outcome and duration, then when and
// a Call back button.
type recentRow struct {
	widget.BaseWidget
	v     *recentView
	icon  *widget.Icon
	who   *widget.RichText
	when  *widget.Label
	call  *widget.Button
	entry app.JournalEntry
	box   *fyne.Container
}

func newRecentRow(v *recentView) *recentRow {
	r := &recentRow{v: v, icon: widget.NewIcon(theme.HistoryIcon()), who: widget.NewRichText(), when: widget.NewLabel("")}
	r.who.Truncation = fyne.TextTruncateEllipsis
	r.who.Segments = recentLines("Name", "number · outcome", false) // the list sizes rows by this template
	r.when.Alignment = fyne.TextAlignTrailing
	r.call = widget.NewButton("Call back", func() { r.v.u.callBack(r.entry) })
	right := container.NewHBox(container.NewCenter(r.when), container.NewCenter(r.call))
	r.box = container.NewBorder(nil, nil, container.NewCenter(r.icon), right, r.who)
	r.ExtendBaseWidget(r)
	return r
}

func (r *recentRow) CreateRenderer() fyne.WidgetRenderer { return widget.NewSimpleRenderer(r.box) }

func (r *recentRow) set(e app.JournalEntry) {
	r.entry = e
	r.icon.SetResource(recentIcon(e.Outcome))
	alert := e.Outcome == app.OutcomeMissed && !e.Seen
	name, detail := recentTexts(e, r.v.u.Desk())
	r.who.Segments = recentLines(name, detail, alert)
	r.who.Refresh()
	r.when.SetText(when(e.Start, r.v.u.now().Local()))
	setEnabled(r.call, e.CanCallBack() && r.v.blocked == "")
	r.box.Refresh()
}

// recentLines is the name over the details; an unseen missed call is
// bold and red in both.
func recentLines(name, detail string, alert bool) []widget.RichTextSegment {
	top := widget.RichTextStyleParagraph
	top.TextStyle.Bold = true
	low := widget.RichTextStyleParagraph
	low.ColorName, low.SizeName = theme.ColorNameDisabled, theme.SizeNameCaptionText
	if alert {
		top.ColorName, low.ColorName = theme.ColorNameError, theme.ColorNameError
	}
	return []widget.RichTextSegment{&widget.TextSegment{Text: name, Style: top}, &widget.TextSegment{Text: detail, Style: low}}
}

// recentTexts words an entry: who, then "number · outcome · duration".
// A caller the journal knew only by number may be in the books by now.
func recentTexts(e app.JournalEntry, d *app.Desk) (name, detail string) {
	var numbers *contacts.Normalizer
	if d != nil {
		numbers = d.Numbers
	}
	number := numberText(numbers, e.Number)
	name = e.Name
	if name == "" && d != nil && d.Books != nil && e.Number != "" {
		if ms := d.Books.Lookup(e.Number); len(ms) > 0 {
			name = ms[0].Contact.DisplayName()
		}
	}
	var parts []string
	switch {
	case e.Number == "":
		name = number // withheld
	case name == "":
		name = number
	default:
		parts = append(parts, number)
	}
	parts = append(parts, recentOutcome(e))
	if dur := e.Duration(); dur > 0 {
		parts = append(parts, since(dur))
	}
	return name, strings.Join(parts, " · ")
}

// recentOutcome says how the call ended, with the cause when a placed
// call failed ("not reached (busy)").
func recentOutcome(e app.JournalEntry) string {
	words := outcomeWords[e.Outcome]
	if words == "" {
		words = string(e.Outcome)
	}
	if e.Outcome == app.OutcomeOutgoingFailed && e.Cause != "" && e.Cause != ctiproto.CauseNormal {
		words += " (" + strings.ReplaceAll(e.Cause, "-", " ") + ")"
	}
	return capitalize(words)
}

// recentIcon shows the direction and outcome at a glance: arrows in and
// out, red for missed, amber for calls that did not get through.
func recentIcon(o app.Outcome) fyne.Resource {
	switch o {
	case app.OutcomeAnswered:
		return theme.NewSuccessThemedResource(theme.MoveDownIcon())
	case app.OutcomeMissed:
		return theme.NewErrorThemedResource(theme.MoveDownIcon())
	case app.OutcomeOutgoing:
		return theme.MoveUpIcon()
	case app.OutcomeOutgoingFailed:
		return theme.NewWarningThemedResource(theme.MoveUpIcon())
	case app.OutcomeAnsweredElsewhere:
		return theme.MailForwardIcon()
	case app.OutcomeRejected:
		return theme.CancelIcon()
	}
	return theme.HistoryIcon()
}
