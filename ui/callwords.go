// The words of the calls console: what its cards, header and
// notifications say, as pure functions of the call and the state.

package ui

import (
	"fmt"
	"strings"
	"time"

	"github.com/deskline/deskline/app"
	"github.com/deskline/deskline/ctiproto"
	"github.com/deskline/deskline/internal/cut"
)

// kindWords are the marker's words: the state never rests on colour
// alone (colour-blind users).
var kindWords = map[cardKind]string{
	cardRinging:  "WAITING",
	cardLive:     "LIVE",
	cardHeld:     "ON HOLD",
	cardDialling: "CALLING",
	cardFailed:   "NOT CONNECTED",
}

// queueText is "Sales · waited 0:42" for a call that came through a queue
// or ring group, the name alone while the wait is unknown.
func queueText(queue string, waited time.Duration) string {
	if queue == "" {
		return ""
	}
	if waited <= 0 {
		return queue
	}
	return queue + " · waited " + since(waited)
}

// whereText is the line under the caller: where it rings, or what state
// the call is in.
func whereText(k cardKind, call app.Call, s app.State) string {
	switch k {
	case cardRinging:
		return "Ringing on " + devicesText(s, alertingDevices(s, call.ID))
	case cardHeld:
		return "On hold on " + myPhone(s, call.Device) + " — the caller hears music"
	case cardDialling:
		if call.State == ctiproto.StateConnected {
			return "Ringing at the other end"
		}
		if s.AutoAnswers(call.Device) {
			return "Your phone " + myPhone(s, call.Device) + " answers by itself, then calls"
		}
		return "Your phone " + myPhone(s, call.Device) + " rings — pick up to call"
	}
	return "Talking on " + myPhone(s, call.Device)
}

// myPhone names one of the user's phones on a card: with several (desk
// phone and softphone) by number and name, "205 (Softphone)", so the
// user knows which to pick up; with one, its number.
func myPhone(s app.State, id string) string {
	if len(s.Devices) > 1 {
		return deviceText(s, id)
	}
	return id
}

// failureWords says why a call of the user's did not connect.
func failureWords(cause string) string {
	switch cause {
	case ctiproto.CauseBusy:
		return "Line busy"
	case ctiproto.CauseNoAnswer:
		return "No answer"
	case ctiproto.CauseRejected:
		return "Call declined"
	case ctiproto.CauseDoNotDisturb:
		return "Do not disturb"
	case ctiproto.CauseUnreachable:
		return "Number not reachable"
	case ctiproto.CauseInvalidNumber:
		return "Number does not exist"
	case ctiproto.CauseExchangeRestarted:
		return "The telephone system restarted"
	}
	return "Call failed"
}

// popContactLines are the contact's company and title ("Jensen
// Logistik, Purchasing · Buyer"), where it came from when it is the
// directory's ("Directory: Customers", a line of its own, shown last:
// a book's name beside the company reads as part of it) and its note (at
// most popNoteLines short lines); empty without a contact.
func popContactLines(call app.Call) (org, source, note string) {
	ct := call.Contact
	if ct == nil {
		return "", "", ""
	}
	if call.Source != "" {
		source = popSourceText(call.Source)
	}
	return companyText(ct, true), source, popNoteText(ct.Note)
}

// The note shows at most popNoteLines of its lines, run together, and
// at most popNoteMax characters: about three lines of the card.
const (
	popNoteLines = 3
	popNoteMax   = 160
)

// popNoteText keeps the start of a note, "…" when cut.
func popNoteText(note string) string {
	var lines []string
	for _, l := range strings.Split(strings.TrimSpace(note), "\n") {
		if l = strings.TrimSpace(l); l != "" {
			lines = append(lines, l)
		}
	}
	s := strings.Join(lines[:min(popNoteLines, len(lines))], " ")
	if len(lines) > popNoteLines {
		s += "…"
	}
	return cut.Runes(s, popNoteMax)
}

// headerText counts what the console shows: "2 callers waiting · 1 call
// on hold".
func headerText(items []consoleItem) string {
	var n [cardFailed + 1]int
	for _, it := range items {
		n[it.kind]++
	}
	return joinParts(" · ",
		plural(n[cardRinging], "caller waiting", "callers waiting"),
		plural(n[cardLive], "live call", "live calls"),
		plural(n[cardHeld], "on hold", "on hold"),
		plural(n[cardDialling], "calling", "calling"),
		plural(n[cardFailed], "not connected", "not connected"))
}

// plural is "1 caller waiting", "2 callers waiting", "" for none.
func plural(n int, one, many string) string {
	switch n {
	case 0:
		return ""
	case 1:
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

// devicesText names devices for people: "201 (Ann), 202 (Mobile)".
func devicesText(s app.State, ids []string) string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = deviceText(s, id)
	}
	return strings.Join(out, ", ")
}

// deviceText is "201 (Desk phone)", or "201" when the device has no name
// of its own.
func deviceText(s app.State, id string) string {
	for _, d := range s.Devices {
		if d.ID == id && d.Name != "" && d.Name != id {
			return id + " (" + d.Name + ")"
		}
	}
	return id
}

// The card's buttons that always say the same.
const (
	wordAnswer   = "Answer"
	wordDecline  = "Decline"
	wordForward  = "Forward…"
	wordHangUp   = "Hang up"
	wordTransfer = "Transfer…"
	wordSend     = "Send"
	wordTryAgain = "Try again"
	wordDismiss  = "Dismiss"
)

// holdLabel is what the hold button does: Hold a live call; on a held
// one (held) Retrieve it, or Swap to it while another is live (swap).
func holdLabel(held, swap bool) string {
	switch {
	case swap:
		return "Swap"
	case held:
		return "Retrieve"
	}
	return "Hold"
}

// crmLabel is the CRM button: it opens the caller in the CRM, or says
// where to set one up (set: the settings name a CRM).
func crmLabel(set bool) string {
	if set {
		return "Open in CRM"
	}
	return "CRM: none set (Settings)"
}

// copyLabel is the copy button, "Copied" once it did.
func copyLabel(copied bool) string {
	if copied {
		return "Copied"
	}
	return "Copy number"
}

// pickerPrompt asks where to send a call: a ringing one is forwarded, a
// call in progress transferred.
func pickerPrompt(ringing bool) string {
	if ringing {
		return "Forward to: number or name"
	}
	return "Transfer to: number or name"
}

// calledAtText is when a failed call was placed, in the clock of loc:
// "Called at 14:05".
func calledAtText(start time.Time, loc *time.Location) string {
	return "Called at " + start.In(loc).Format("15:04")
}

// ringNotice is the desktop notification for a new ringing call c
// (number: c's number as shown): "Call from Lena Hoffmann", "+49 30
// 901820 · Acme GmbH · on 201 (Reception) · via Sales".
func ringNotice(s app.State, c app.Call, number string) (title, text string) {
	parts := []string{number}
	if org := companyText(c.Contact, false); org != "" {
		parts = append(parts, org)
	}
	if devs := alertingDevices(s, c.ID); len(devs) > 0 {
		parts = append(parts, "on "+devicesText(s, devs))
	}
	if c.Queue != "" {
		parts = append(parts, "via "+c.Queue)
	}
	return "Call from " + c.Display, strings.Join(parts, " · ")
}
