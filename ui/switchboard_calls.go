// The switchboard's calls column: the user's calls (a recall first and
// loud), the buttons of the call in hand, its note, the queues and the
// parked calls. A few rows each: they are updated in place.

package ui

import (
	"context"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/deskline/deskline/app"
	"github.com/deskline/deskline/ctiproto"
)

// callsPanel is the column right of the grid.
type callsPanel struct {
	recall *widget.Label
	rows   *fyne.Container // the user's calls
	// rowCalls are the calls of rows' lines, in order ("" for a line that
	// is no call): what a drag from a line takes (switchboard_drag.go).
	rowCalls []string
	buttons  map[fyne.KeyName]*keyButton
	note     *keyEntry
	queues   *fyne.Container
	parked   *fyne.Container
	scroll   *container.Scroll // the column
}

// panelRow is one line of a list: its text, how it matters, what a click does
// (nil: a plain line).
type panelRow struct {
	text string
	imp  widget.Importance
	tap  func()
}

func (p *callsPanel) build(v *switchboardView) fyne.CanvasObject {
	p.recall = wrapped(widget.DangerImportance)
	p.recall.TextStyle.Bold = true
	p.rows = container.NewVBox()
	p.queues = container.NewVBox()
	p.parked = container.NewVBox()
	p.note = newKeyEntry(v)
	p.note.SetPlaceHolder(noteHint)
	p.note.OnSubmitted = func(text string) { v.saveNote(text); v.unfocus() }
	p.note.Disable()
	bar := container.NewGridWithColumns(2,
		p.button(v, "Answer", fyne.KeyF2, widget.SuccessImportance),
		p.button(v, "Hold", fyne.KeyF3, widget.MediumImportance),
		p.button(v, "Hang up", fyne.KeyF4, widget.DangerImportance),
		p.button(v, "Park", fyne.KeyF10, widget.MediumImportance),
		p.button(v, "Transfer", fyne.KeyF5, widget.HighImportance),
		p.button(v, "Announce", fyne.KeyF6, widget.MediumImportance),
		p.button(v, "Pick up", fyne.KeyF12, widget.WarningImportance),
		p.button(v, "Favourite", fyne.KeyInsert, widget.MediumImportance),
		p.button(v, "Keys", fyne.KeyF1, widget.LowImportance))
	heading := func(s string) *widget.Label {
		return widget.NewLabelWithStyle(s, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	}
	return container.NewVBox(p.recall, heading("Your calls"), container.NewStack(p.rows, newDragArea(v)), bar, p.note,
		widget.NewSeparator(), heading("Waiting"), p.queues,
		widget.NewSeparator(), heading("Parked"), p.parked,
		p.button(v, "Take back", fyne.KeyF11, widget.MediumImportance))
}

// button makes the button of a key: its label says the key (Fyne has no
// tooltips), a click does what the key does.
func (p *callsPanel) button(v *switchboardView, label string, k fyne.KeyName, imp widget.Importance) *keyButton {
	if p.buttons == nil {
		p.buttons = map[fyne.KeyName]*keyButton{}
	}
	b := newKeyButton(keyLabel(label, k), func() { v.runKey(k) }, v)
	b.Importance = imp
	p.buttons[k] = b
	return b
}

// sync shows s at now; the column is laid out again only when a row came
// or went.
func (p *callsPanel) sync(v *switchboardView, s app.State, now time.Time) {
	moved := setLine(p.recall, recallText(s.Switchboard.Recalls, s))
	var calls []panelRow
	p.rowCalls = p.rowCalls[:0]
	for _, it := range consoleItems(s) {
		if it.kind == cardFailed {
			continue
		}
		slot := s.Switchboard.Recalls[it.call.ID]
		r := panelRow{text: callRowText(it, slot, now), imp: callImportance(it.kind, slot != "")}
		id := it.call.ID
		switch it.kind {
		case cardRinging:
			r.tap = func() {
				v.run("answer", "", func(ctx context.Context, c *app.Client) error { return c.Answer(ctx, id) })
			}
		case cardHeld:
			r.tap = func() { v.swapTo(id) }
		}
		calls = append(calls, r)
		drag := ""
		if it.kind == cardRinging || it.kind == cardLive || it.kind == cardHeld {
			drag = id
		}
		p.rowCalls = append(p.rowCalls, drag)
	}
	if len(calls) == 0 {
		calls = []panelRow{{text: noCallsText, imp: widget.LowImportance}}
	}
	moved = setRows(p.rows, calls, v) || moved
	moved = setRows(p.queues, queueRows(s, now), v) || moved
	moved = setRows(p.parked, v.parkedRows(s, now), v) || moved
	p.syncButtons(v, s)
	p.syncNote(v, s)
	if moved {
		p.scroll.Refresh() // the column's height changed: lay it out again
	}
}

// callImportance is how a call's row looks: a recall loudest.
func callImportance(k cardKind, recall bool) widget.Importance {
	switch {
	case recall:
		return widget.DangerImportance
	case k == cardRinging:
		return widget.WarningImportance
	case k == cardLive:
		return widget.SuccessImportance
	}
	return widget.MediumImportance
}

// queueRows are the queues and their callers, escalated past the limit.
func queueRows(s app.State, now time.Time) []panelRow {
	var out []panelRow
	for _, q := range s.Switchboard.Queues {
		out = append(out, panelRow{text: queueTitle(q), imp: widget.MediumImportance})
		for _, w := range q.Waiting {
			text, late := waitingText(w, now)
			imp := widget.WarningImportance
			if late {
				imp = widget.DangerImportance
			}
			out = append(out, panelRow{text: text, imp: imp})
		}
	}
	if len(out) == 0 {
		out = []panelRow{{text: noQueuesText, imp: widget.LowImportance}}
	}
	return out
}

// parkedRows are the parked calls; a click takes one back, the selected
// one is marked for F11.
func (v *switchboardView) parkedRows(s app.State, now time.Time) []panelRow {
	parked := s.Switchboard.Parked
	sel := v.parkedSelection(s)
	var out []panelRow
	for _, p := range parked {
		text, late := parkedText(p, now)
		imp := widget.MediumImportance
		if late {
			imp = widget.DangerImportance
		}
		if p.Slot == sel {
			text = "› " + text
		}
		slot := p.Slot
		out = append(out, panelRow{text: text, imp: imp, tap: func() { v.unpark(slot) }})
	}
	if len(out) == 0 {
		out = []panelRow{{text: noParkedText, imp: widget.LowImportance}}
	}
	return out
}

// syncButtons enables the buttons that can act now.
func (p *callsPanel) syncButtons(v *switchboardView, s app.State) {
	active, hasCall := app.ActiveCall(s)
	_, sendable := callToSend(s) // in hand, answered or held, not announcing
	_, waiting := app.LongestWaiting(s)
	consulting := s.Switchboard.Consult != nil
	t := v.tiles[v.sel]
	hold := p.buttons[fyne.KeyF3]
	label := keyLabel("Hold", fyne.KeyF3)
	if sendable && active.State == ctiproto.StateHeld {
		label = keyLabel("Retrieve", fyne.KeyF3)
	}
	if hold.Text != label {
		hold.SetText(label)
	}
	up := canAct(s) // nothing can be done while the server or the exchange is away
	for k, on := range map[fyne.KeyName]bool{
		fyne.KeyF2:     waiting,
		fyne.KeyF3:     sendable,
		fyne.KeyF4:     hasCall,
		fyne.KeyF5:     sendable && t != nil,
		fyne.KeyF6:     sendable && t != nil && s.Can(ctiproto.TypeConsult),
		fyne.KeyF7:     consulting,
		fyne.KeyF8:     consulting,
		fyne.KeyF9:     consulting,
		fyne.KeyF10:    sendable && s.Can(ctiproto.TypePark),
		fyne.KeyF11:    len(s.Switchboard.Parked) > 0,
		fyne.KeyInsert: t != nil,
		fyne.KeyF12:    t != nil && t.col.Status == ctiproto.StatusRinging && s.Can(ctiproto.TypePickup) && !announcingTo(s, t.col.Device),
	} {
		setEnabled(p.buttons[k], on && (up || k == fyne.KeyInsert)) // favourites are the desk's own
	}
}

// syncNote puts the call in hand's note into the note field when the
// call changes (while the same call stays, what the user types stays).
func (p *callsPanel) syncNote(v *switchboardView, s app.State) {
	active, ok := noteCall(s)
	if active.ID == v.noteFor {
		return
	}
	v.noteFor = active.ID
	p.note.SetText(active.Note)
	setEnabled(p.note, ok && s.Can(ctiproto.TypeSetNote))
}

// announcingTo reports whether the user's own announcement rings at dev
// (nothing to pick up there).
func announcingTo(s app.State, dev string) bool {
	k := s.Switchboard.Consult
	return k != nil && k.To == dev
}

// noteCall is the call a note is about: the call in hand, the caller
// while the user announces them.
func noteCall(s app.State) (app.Call, bool) {
	if k := s.Switchboard.Consult; k != nil {
		return s.CallByID(k.Held)
	}
	return app.ActiveCall(s)
}

// setRows makes box show rows: its labels and buttons are reused, the
// box is laid out again (moved) only when a row came, went or changed kind.
func setRows(box *fyne.Container, rows []panelRow, keys keyHandler) (moved bool) {
	changed := len(box.Objects) != len(rows)
	for i, r := range rows {
		if i < len(box.Objects) && rowFits(box.Objects[i], r) {
			setRow(box.Objects[i], r)
			continue
		}
		o := newRow(r, keys)
		if i < len(box.Objects) {
			box.Objects[i] = o
		} else {
			box.Objects = append(box.Objects, o)
		}
		changed = true
	}
	box.Objects = box.Objects[:len(rows)]
	if changed {
		box.Refresh()
	}
	return changed
}

// rowFits: a clickable row is a button, a plain one a label.
func rowFits(o fyne.CanvasObject, r panelRow) bool {
	_, isButton := o.(*keyButton)
	return isButton == (r.tap != nil)
}

func newRow(r panelRow, keys keyHandler) fyne.CanvasObject {
	if r.tap != nil {
		b := newKeyButton("", nil, keys)
		b.Alignment = widget.ButtonAlignLeading
		setRow(b, r)
		return b
	}
	l := widget.NewLabel("")
	l.Wrapping = fyne.TextWrapWord
	setRow(l, r)
	return l
}

// setRow shows r in a row made by newRow, refreshing only on change.
func setRow(o fyne.CanvasObject, r panelRow) {
	switch w := o.(type) {
	case *keyButton:
		w.OnTapped = r.tap
		if w.Text != r.text || w.Importance != r.imp {
			w.Text, w.Importance = r.text, r.imp
			w.Refresh()
		}
	case *widget.Label:
		setHint(w, r.imp, r.text)
	}
}
