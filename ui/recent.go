package ui

import (
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/deskline/deskline/app"
	"github.com/deskline/deskline/app/journal"
	"github.com/deskline/deskline/contacts"
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

// recentView lists the journal, newest first and grouped by day, with
// one-click call back. Missed calls the user has not seen yet stand out
// until marked seen; "Missed only" hides the rest.
type recentView struct {
	u   *UI
	win appWindow

	items      []recentItem
	blocked    string // why call back is off now, "" when it works
	list       *widget.List
	rowHeight  float32 // a call's row and a day's heading, as the list sizes them
	dayHeight  float32
	empty      *widget.Label
	summary    *widget.Label
	missedOnly *widget.Check
	markSeen   *widget.Button
	problem    *widget.Label // the last call back's error
}

func newRecentView(u *UI) *recentView {
	v := &recentView{u: u}
	v.win = appWindow{u: u, title: recentTitle, size: fyne.NewSize(recentWidth, recentHeight), build: v.build}
	return v
}

func (v *recentView) show() {
	v.win.ensureContent()
	setHint(v.problem, widget.DangerImportance, "")
	v.refresh(v.u.state)
	v.win.show(true)
	v.win.relayout()
}

// render refreshes the list: every journal change publishes a state.
func (v *recentView) render(s app.State) {
	if v.win.shown() {
		v.refresh(s)
	}
}

func (v *recentView) build() fyne.CanvasObject {
	v.list = widget.NewList(func() int { return len(v.items) },
		func() fyne.CanvasObject { return newRecentRow(v) },
		func(id widget.ListItemID, o fyne.CanvasObject) { o.(*recentRow).set(v.items[id]) })
	v.list.OnSelected = func(widget.ListItemID) { v.list.UnselectAll() } // rows act through their button
	template := newRecentRow(v)
	v.rowHeight = template.MinSize().Height
	v.dayHeight = template.day.MinSize().Height
	v.empty = widget.NewLabelWithStyle("", fyne.TextAlignCenter, fyne.TextStyle{Italic: true})
	v.empty.Importance = widget.LowImportance
	v.summary = widget.NewLabel("")
	v.missedOnly = widget.NewCheck("Missed only", func(bool) { v.refresh(v.u.state) })
	v.markSeen = widget.NewButtonWithIcon("Mark all seen", theme.ConfirmIcon(), v.u.markAllSeen)
	v.problem = widget.NewLabel("")
	v.problem.Wrapping = fyne.TextWrapWord
	v.problem.Importance = widget.DangerImportance
	bar := container.NewHBox(v.summary, layout.NewSpacer(), v.missedOnly, v.markSeen)
	top := container.NewVBox(bar, v.problem, widget.NewSeparator())
	return container.NewBorder(top, nil, nil, nil, container.NewStack(v.list, container.NewCenter(v.empty)))
}

// refresh reads the journal again and says what can be done now.
func (v *recentView) refresh(s app.State) {
	d := v.u.Desk()
	var entries []journal.Entry
	unseen := 0
	if d != nil {
		entries = d.Journal.Recent(recentLimit)
		if v.missedOnly.Checked {
			entries = onlyMissed(d.Journal.Entries(), recentLimit)
		}
		unseen = d.Journal.UnseenMissed()
	}
	v.items = byDay(entries, v.u.now().Local())
	for id, it := range v.items {
		h := v.rowHeight
		if it.day != "" {
			h = v.dayHeight
		}
		v.list.SetItemHeight(id, h)
	}
	v.blocked = dialBlocker(v.u.client() != nil, s)
	v.list.Refresh()
	v.empty.Text = "No calls yet"
	if v.missedOnly.Checked {
		v.empty.Text = "No missed calls"
	}
	v.empty.Hidden = len(v.items) > 0
	v.empty.Refresh()
	v.summarize(unseen, len(entries) > 0)
	setEnabled(v.markSeen, unseen > 0)
}

// summarize says above the list what needs doing, or why it cannot be done.
func (v *recentView) summarize(unseen int, listed bool) {
	v.summary.SetText(recentSummary(unseen, v.blocked, listed))
	if unseen > 0 {
		v.summary.Importance = widget.DangerImportance
	} else {
		v.summary.Importance = widget.LowImportance
	}
	v.summary.Refresh()
}

// say shows a problem above the list ("" hides it).
func (v *recentView) say(text string) {
	if v.problem == nil {
		return // never opened
	}
	if setHint(v.problem, widget.DangerImportance, text) || text != "" {
		v.win.relayout()
	}
}

// recentItem is one row of the list: a day's heading or a call.
type recentItem struct {
	day   string        // "Today", "Yesterday", "Monday 30 Nov": a heading
	entry journal.Entry // the call, when day is ""
}

// byDay puts a heading before the first call of each day; entries are
// newest first.
func byDay(entries []journal.Entry, now time.Time) []recentItem {
	items := make([]recentItem, 0, len(entries))
	last := ""
	for _, e := range entries {
		if day := dayTitle(e.Start, now); day != last {
			items = append(items, recentItem{day: day})
			last = day
		}
		items = append(items, recentItem{entry: e})
	}
	return items
}

// onlyMissed is the newest limit missed calls of entries.
func onlyMissed(entries []journal.Entry, limit int) []journal.Entry {
	var out []journal.Entry
	for _, e := range entries {
		if e.Outcome == journal.OutcomeMissed && len(out) < limit {
			out = append(out, e)
		}
	}
	return out
}

// recentRow is a day's heading, or one journal entry: outcome icon, who
// (bold; red while an unseen missed call) over number, outcome and
// duration, then the time and a Call back button.
type recentRow struct {
	widget.BaseWidget
	v    *recentView
	day  *widget.Label
	icon *widget.Icon
	who  *widget.RichText
	when *widget.Label
	call *widget.Button
	item recentItem // what the row shows now
	box  *fyne.Container
}

func newRecentRow(v *recentView) *recentRow {
	r := &recentRow{v: v, icon: widget.NewIcon(theme.HistoryIcon()), who: widget.NewRichText(), when: widget.NewLabel("")}
	r.day = widget.NewLabelWithStyle("Today", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	r.day.Hide()
	r.who.Truncation = fyne.TextTruncateEllipsis
	r.who.Segments = recentLines("Name", "number · outcome", false) // the list sizes rows by this template
	r.when.Alignment = fyne.TextAlignTrailing
	r.call = widget.NewButton("Call back", func() { r.v.u.callBack(r.item.entry) })
	right := container.NewHBox(container.NewCenter(r.when), container.NewCenter(r.call))
	r.box = container.NewBorder(nil, nil, container.NewCenter(r.icon), right, r.who)
	r.ExtendBaseWidget(r)
	return r
}

func (r *recentRow) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(container.NewStack(r.day, r.box))
}

func (r *recentRow) set(it recentItem) {
	r.item = it
	if it.day != "" {
		r.day.SetText(it.day)
		r.day.Show()
		r.box.Hide()
		return
	}
	r.day.Hide()
	r.box.Show()
	e := it.entry
	r.icon.SetResource(recentIcon(e.Outcome))
	alert := e.Outcome == journal.OutcomeMissed && !e.Seen
	name, detail := recentTexts(e, r.v.u.Desk())
	r.who.Segments = recentLines(name, detail, alert)
	r.who.Refresh()
	r.when.SetText(e.Start.In(r.v.u.now().Location()).Format("15:04"))
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

// recentTexts words an entry: who, then "number · outcome · where it
// went · duration". A caller the journal knew only by number may be in
// the books by now.
func recentTexts(e journal.Entry, d *app.Desk) (name, detail string) {
	number := numberText(deskNumbers(d), e.Number)
	name = e.Name
	if name == "" {
		name = contactName(d, e.Number)
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
	parts = append(parts, recentOutcome(e, d))
	if dur := e.Duration(); dur > 0 {
		parts = append(parts, since(dur))
	}
	return name, strings.Join(parts, " · ")
}

// recentOutcome says how the call ended: with the cause when a placed
// call failed ("Not reached (busy)"), and where it went when it left the
// user's phone ("Answered · transferred to Clara Weiss", "Forwarded to
// 204").
func recentOutcome(e journal.Entry, d *app.Desk) string {
	to := ""
	if e.To != "" {
		if to = contactName(d, e.To); to == "" {
			to = numberText(deskNumbers(d), e.To)
		}
	}
	return outcomeText(e.Outcome, e.Cause, to)
}

// contactName is the name of the first contact in the desk's books with
// number, "" when there is none.
func contactName(d *app.Desk, number string) string {
	if d == nil || d.Books == nil || number == "" {
		return ""
	}
	if ms := d.Books.Lookup(number); len(ms) > 0 {
		return ms[0].Contact.DisplayName()
	}
	return ""
}

// deskNumbers is the desk's number normaliser, nil without a desk.
func deskNumbers(d *app.Desk) *contacts.Normalizer {
	if d == nil {
		return nil
	}
	return d.Numbers
}

// recentIcon shows the direction and outcome at a glance: arrows in and
// out, red for missed, amber for calls that did not get through.
func recentIcon(o journal.Outcome) fyne.Resource {
	switch o {
	case journal.OutcomeAnswered:
		return theme.NewSuccessThemedResource(theme.MoveDownIcon())
	case journal.OutcomeMissed:
		return theme.NewErrorThemedResource(theme.MoveDownIcon())
	case journal.OutcomeOutgoing:
		return theme.MoveUpIcon()
	case journal.OutcomeOutgoingFailed:
		return theme.NewWarningThemedResource(theme.MoveUpIcon())
	case journal.OutcomeAnsweredElsewhere:
		return theme.MailForwardIcon()
	case journal.OutcomeRejected:
		return theme.CancelIcon()
	}
	return theme.HistoryIcon()
}
