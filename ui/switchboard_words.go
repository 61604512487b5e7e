// The switchboard's words: pure functions of the state and the clock,
// tested with tables.

package ui

import (
	"cmp"
	"fmt"
	"strings"
	"time"

	"fyne.io/fyne/v2"

	"github.com/deskline/deskline/app"
	"github.com/deskline/deskline/ctiproto"
	"github.com/deskline/deskline/internal/cut"
)

// queueEscalate is how long a caller waits in a queue or a park slot
// before the switchboard shows them in the danger colour and capitals:
// a minute is long on hold.
const queueEscalate = 60 * time.Second

// tileNameMax is how many characters of a name a tile shows (its text
// does not wrap; the rest is "…").
const tileNameMax = 22

// statusWords are the presence statuses as a tile says them.
var statusWords = map[string]string{
	ctiproto.StatusIdle:      "Free",
	ctiproto.StatusRinging:   "Ringing",
	ctiproto.StatusInCall:    "Talking",
	ctiproto.StatusOnHold:    "On hold",
	ctiproto.StatusDND:       "Do not disturb",
	ctiproto.StatusForwarded: "Forwarded",
	ctiproto.StatusOffline:   "Offline",
}

// statusWord says a status; an unknown one as it came.
func statusWord(status string) string {
	if w, ok := statusWords[status]; ok {
		return w
	}
	return status
}

// timedStatus reports whether a status runs a clock on its tile (a call):
// only those tiles change each second.
func timedStatus(status string) bool {
	return status == ctiproto.StatusRinging || status == ctiproto.StatusInCall || status == ctiproto.StatusOnHold
}

// tileName is the colleague's name as the tile shows it, a favourite's
// with a star.
func tileName(c app.Colleague, fav bool) string {
	name := cut.Runes(c.Label(), tileNameMax)
	if fav {
		return "★ " + name
	}
	return name
}

// tileState is the tile's state line: "Ringing 0:12", "Talking 3:04",
// "Forwarded to 204", "Do not disturb since 09:40", "Free".
func tileState(c app.Colleague, now time.Time) string {
	w := statusWord(c.Status)
	switch {
	case timedStatus(c.Status) && !c.Since.IsZero():
		return w + " " + since(now.Sub(c.Since))
	case c.Status == ctiproto.StatusForwarded && c.ForwardTo != "":
		return w + " to " + cut.Runes(c.ForwardTo, tileNameMax-len("Forwarded to "))
	case (c.Status == ctiproto.StatusDND || c.Status == ctiproto.StatusOffline) && !c.Since.IsZero():
		return w + " since " + c.Since.In(now.Location()).Format("15:04")
	}
	return w
}

// tileDetail is the tile's last line: the extension, and with whom the
// colleague talks where the server shows it ("203 · Jane Doe").
func tileDetail(c app.Colleague) string {
	if c.Who == "" || c.Status == ctiproto.StatusIdle {
		return c.Device
	}
	return c.Device + " · " + cut.Runes(c.Who, tileNameMax)
}

// Switchboard actions that go to a colleague.
const (
	toTransfer = "transfer"
	toAnnounce = "announce"
	toPickup   = "pickup"
	toDeflect  = "deflect" // a ringing call dragged onto a tile
)

// colleagueWarning says why a call put through to c may not reach them,
// and how to go on anyway (how: toTransfer or toAnnounce); "" for a free
// colleague.
func colleagueWarning(c app.Colleague, how string) string {
	if c.Free() {
		return ""
	}
	why := map[string]string{
		ctiproto.StatusRinging:   "has a call ringing",
		ctiproto.StatusInCall:    "is on the phone",
		ctiproto.StatusOnHold:    "has a call on hold",
		ctiproto.StatusDND:       "does not want to be disturbed",
		ctiproto.StatusForwarded: "forwards calls to " + cmp.Or(c.ForwardTo, "another number"),
		ctiproto.StatusOffline:   "has no phone online",
	}[c.Status]
	if why == "" {
		why = "is not free (" + c.Status + ")"
	}
	again := "transfer anyway"
	if how == toAnnounce {
		again = "announce anyway"
	}
	return c.Label() + " " + why + ". Press again to " + again + "."
}

// callRowText is one of the user's calls in the switchboard's list:
// "Jane Doe · Talking 1:02"; a recall from a park slot says so first.
func callRowText(it consoleItem, recallSlot string, now time.Time) string {
	c := it.call
	what := map[cardKind]string{cardRinging: "Ringing", cardLive: "Talking", cardHeld: "On hold", cardDialling: "Calling"}[it.kind]
	line := c.Display + " · " + what + " " + since(now.Sub(c.Since))
	if recallSlot != "" {
		line = "RECALL from park " + recallSlot + ": " + line
	}
	return line
}

// recallText is the banner over the calls while a parked call rings back.
func recallText(recalls map[string]string, s app.State) string {
	var parts []string
	for _, c := range s.Ringing() {
		if slot, ok := recalls[c.ID]; ok {
			parts = append(parts, c.Display+" (park "+slot+")")
		}
	}
	if len(parts) == 0 {
		return ""
	}
	return "Parked caller rings back: " + strings.Join(parts, ", ")
}

// waitingText is a caller waiting in a queue: "1. Jane Doe · 0:42", and
// in capitals past queueEscalate. escalated reports that.
func waitingText(w app.WaitingCaller, now time.Time) (text string, escalated bool) {
	d := now.Sub(w.Joined)
	who := cmp.Or(w.Who, "Caller")
	if d >= queueEscalate {
		return fmt.Sprintf("%d. %s · WAITING %s", w.Position, who, since(d)), true
	}
	return fmt.Sprintf("%d. %s · %s", w.Position, who, since(d)), false
}

// queueTitle heads a queue: "Front desk (600) · 2 waiting".
func queueTitle(q app.WaitingQueue) string {
	title := q.Label()
	if q.Name != "" {
		title += " (" + q.Number + ")"
	}
	if n := len(q.Waiting); n > 0 {
		return fmt.Sprintf("%s · %d waiting", title, n)
	}
	return title + " · nobody waiting"
}

// parkedText is a parked call: "701 · Jane Doe · 1:10", "by you" when one
// of the user's phones parked it; in capitals past queueEscalate.
func parkedText(p app.ParkedCall, now time.Time) (text string, escalated bool) {
	d := now.Sub(p.Since)
	line := p.Slot + " · " + p.Who
	if p.Mine {
		line += " (by you)"
	}
	if d >= queueEscalate {
		return line + " · WAITING " + since(d), true
	}
	return line + " · " + since(d), false
}

// consultText is the bar over the grid while the user announces a
// caller: "Announcing Jane Doe to 203 — Complete (F7) · Back to caller (F8)".
func consultText(k *app.Consultation, s app.State) string {
	who := "the caller"
	if c, ok := s.CallByID(k.Held); ok && c.Display != "" {
		who = c.Display
	}
	to := k.To
	if col, ok := s.Switchboard.Colleague(k.To); ok {
		to = col.Label()
	}
	return "Announcing " + who + " to " + to
}

// switchboardHeader is the line over the grid: how many colleagues are
// free, or why the grid is empty.
func switchboardHeader(s app.State, shown, all int) string {
	if !canAct(s) {
		return linkProblem(true, s)
	}
	if !s.Switchboard.Watching {
		return "Colleagues' lines are not shown: the server lets this user watch no phones."
	}
	free := 0
	for _, c := range s.Switchboard.Colleagues {
		if c.Free() {
			free++
		}
	}
	line := fmt.Sprintf("%d of %d colleagues free", free, all)
	if shown != all {
		line += fmt.Sprintf(" · %d match", shown)
	}
	return line
}

// Messages after an action.
const (
	noCallText    = "No call to put through: answer one first (F2)."
	consultingNow = "You are announcing a caller: Complete (F7), Back to caller (F8) or Swap (F9) first."
	noSlotText    = "No parked call selected."
	noneSelected  = "Select a colleague first (type a name or use the arrow keys)."
	noteSavedText = "Note saved: it goes with the call."
	noCallInHand  = "No call in hand."
	diallingNow   = "You are calling someone: hang up (F4) first, or wait until they answer."
	noRingingText = "No call is ringing."
	favSaveFailed = "Favourites not saved: "
	favLoadFailed = "Favourites could not be read: "
	completedText = "Transferred."
	cancelledText = "Back with the caller."
	noCallsText   = "No calls"
	noQueuesText  = "No queues"
	noParkedText  = "No parked calls"
	filterHint    = "Type a name or extension anywhere; Enter transfers (F1: keys)"
	noteHint      = "Note on the call: Enter saves, the colleague sees it"
)

// noCallToPark says why F10 parks nothing.
func noCallToPark(s app.State) string {
	c, ok := app.ActiveCall(s)
	switch {
	case s.Switchboard.Consult != nil:
		return consultingNow
	case ok && app.Dialling(c):
		return diallingNow
	}
	return noCallInHand
}

// callingText says a colleague is being called (Enter without a call).
func callingText(c app.Colleague) string { return "Calling " + c.Label() + "…" }

// parkedInText says where a call was parked.
func parkedInText(slot string) string { return "Parked in " + slot + ": F11 takes it back." }

// doneText says what an action to a colleague did.
func doneText(how string, c app.Colleague) string {
	switch how {
	case toAnnounce:
		return "Calling " + c.Label() + " to announce the caller…"
	case toPickup:
		return "Picked up the call ringing at " + c.Label() + "."
	case toDeflect:
		return "Sent the ringing call on to " + c.Label() + "."
	}
	return "Transferred to " + c.Label() + "."
}

// switchboardKey is one key of the switchboard, for the help overlay,
// the buttons and docs/switchboard.md.
type switchboardKey struct {
	key  fyne.KeyName
	name string // as the user reads it
	what string
}

// switchboardKeys are the switchboard's keys. Function keys never clash
// with typing a name into the filter.
var switchboardKeys = []switchboardKey{
	{fyne.KeyF1, "F1", "Show or hide this help"},
	{fyne.KeyF2, "F2", "Answer the caller who has waited longest"},
	{fyne.KeyF3, "F3", "Hold the call, or take it back"},
	{fyne.KeyF4, "F4", "Hang up (while announcing: the announcement only, back to the caller)"},
	{fyne.KeyF5, "F5", "Transfer the call to the selected colleague"},
	{fyne.KeyReturn, "Enter", "Transfer the call to the selected colleague; with no call, pick up the call ringing there or call them"},
	{fyne.KeyF6, "F6", "Announce the call to the selected colleague (consult)"},
	{fyne.KeyF7, "F7", "Complete the announced transfer"},
	{fyne.KeyF8, "F8", "Back to the caller (cancel the announcement)"},
	{fyne.KeyF9, "F9", "Swap between caller and colleague"},
	{fyne.KeyF10, "F10", "Park the call"},
	{fyne.KeyF11, "F11", "Take back the selected parked call"},
	{fyne.KeyF12, "F12", "Pick up the call ringing at the selected colleague"},
	{fyne.KeyInsert, "Insert", "Pin or unpin the selected colleague as a favourite (★, shown first)"},
	{fyne.KeyUp, "Arrows", "Move the selection in the grid (Left/Right outside the text fields)"},
	{fyne.KeyPageDown, "Page Up/Down", "Select a parked call"},
	{fyne.KeyTab, "Tab", "Go to the next field (filter, note, buttons)"},
	{fyne.KeyEscape, "Escape", "Close help; clear the filter; close the window"},
}

// keyLabel is a button's label with its key: "Hang up (F4)".
func keyLabel(label string, k fyne.KeyName) string { return label + " (" + string(k) + ")" }

// helpText is the help overlay: one key a line.
func helpText() string {
	var b strings.Builder
	b.WriteString("Switchboard keys\n\n")
	for _, k := range switchboardKeys {
		fmt.Fprintf(&b, "%-14s %s\n", k.name, k.what)
	}
	b.WriteString("\nType a name to filter the colleagues. Click a tile to transfer the call there,\n" +
		"right-click it to announce the call. A colleague who is not free is named first:\n" +
		"press again to go on.")
	return b.String()
}
