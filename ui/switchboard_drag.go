// Drag a call onto a colleague: the user's call, dragged from its row
// in the calls column and dropped on a tile, goes to that colleague —
// a call in hand or on hold is transferred blind, a ringing one is sent
// on (deflected). The tile under the pointer is selected while dragging,
// so the user sees where the call will go.

package ui

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/widget"
)

// dragArea lies over the rows of the user's calls. It is only Draggable:
// Fyne sends a drag to the topmost Draggable under the pointer and a
// click to the topmost Tappable, so the rows' buttons below still get
// their clicks.
type dragArea struct {
	widget.BaseWidget
	v    *switchboardView
	call string        // the call being dragged; "" when none
	at   fyne.Position // the pointer, in the window
}

func newDragArea(v *switchboardView) *dragArea {
	a := &dragArea{v: v}
	a.ExtendBaseWidget(a)
	return a
}

func (a *dragArea) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(canvas.NewRectangle(color.Transparent))
}

// Dragged follows the pointer; the first event names the call whose row
// the drag started on.
func (a *dragArea) Dragged(ev *fyne.DragEvent) {
	if a.call == "" {
		a.call = a.v.calls.callAt(ev.Position.Subtract(ev.Dragged))
	}
	// ev.Position is the pointer in the area (AbsolutePosition is not
	// set by every driver: Fyne's test driver leaves it out).
	a.at = fyne.CurrentApp().Driver().AbsolutePositionForObject(a).Add(ev.Position)
	if dev := a.v.tileAt(a.at); a.call != "" && dev != "" {
		a.v.selectTile(dev, a.v.order)
	}
}

// DragEnd drops the call on the tile under the pointer, if any.
func (a *dragArea) DragEnd() {
	call := a.call
	a.call = ""
	if dev := a.v.tileAt(a.at); call != "" && dev != "" {
		a.v.dropCall(call, dev)
	}
}

// callAt is the call whose row is at pos in the rows' container; "" for
// none (the "no calls" line, or below the last row).
func (p *callsPanel) callAt(pos fyne.Position) string {
	for i, o := range p.rows.Objects {
		top := o.Position().Y
		if pos.Y >= top && pos.Y < top+o.Size().Height && i < len(p.rowCalls) {
			return p.rowCalls[i]
		}
	}
	return ""
}

// tileAt is the device of the tile on screen at pos (in the window); ""
// for none. The grid's place is found once (a walk of the window's
// tree); each tile's is relative to it: a drag moves many times a second.
func (v *switchboardView) tileAt(pos fyne.Position) string {
	g := fyne.CurrentApp().Driver().AbsolutePositionForObject(v.grid)
	for _, dev := range v.order {
		b := v.tiles[dev].box
		p, s := g.Add(b.Position()), b.Size()
		if pos.X >= p.X && pos.X < p.X+s.Width && pos.Y >= p.Y && pos.Y < p.Y+s.Height {
			return dev
		}
	}
	return ""
}

// dropCall sends the user's call id to the colleague at dev: blind
// transfer, or deflect while it rings (the same checks as a key).
func (v *switchboardView) dropCall(id, dev string) {
	s := v.state
	col, ok := s.Switchboard.Colleague(dev)
	if !ok {
		return
	}
	for _, c := range s.Calls {
		if c.ID != id {
			continue
		}
		how := toTransfer
		if c.Ringing() && !c.Answered {
			how = toDeflect
		}
		v.sendTo(col, how, c)
		v.syncAfterKey()
		return
	}
	v.say(widget.WarningImportance, noCallText) // it ended meanwhile
}
