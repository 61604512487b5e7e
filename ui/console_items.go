// The console's pure part: which cards it shows for a state, in which
// order, and how the calls count.

package ui

import (
	"slices"

	"github.com/deskline/deskline/app"
	"github.com/deskline/deskline/app/journal"
	"github.com/deskline/deskline/ctiproto"
)

// consoleItem is one card's worth of the state.
type consoleItem struct {
	key     string
	kind    cardKind
	call    app.Call
	failure journal.Entry
}

// consoleItems are the console's cards for s, in order: callers waiting (the
// longest first), the live call, held calls, calls being dialled (each
// oldest first), then failures (oldest first).
func consoleItems(s app.State) []consoleItem {
	var out []consoleItem
	ringing := s.Ringing()
	slices.SortStableFunc(ringing, func(a, b app.Call) int { return a.Since.Compare(b.Since) })
	waiting := make(map[string]bool, len(ringing))
	for _, c := range ringing {
		waiting[c.ID] = true
		out = append(out, consoleItem{key: c.ID, kind: cardRinging, call: c})
	}
	for _, k := range []cardKind{cardLive, cardHeld, cardDialling} {
		for _, c := range callsOfKind(s, k) {
			if !waiting[c.ID] { // a call between two of my phones: it waits to be answered
				out = append(out, consoleItem{key: c.ID, kind: k, call: c})
			}
		}
	}
	for _, f := range s.Failed {
		out = append(out, consoleItem{key: "failed/" + f.ID, kind: cardFailed, failure: f})
	}
	return out
}

// callsOfKind lists the user's calls in progress that show as kind k, one
// per call even when it is at two of the user's phones (an internal call
// between them shows as its liveliest connection: live, held, dialling).
func callsOfKind(s app.State, k cardKind) []app.Call {
	best := map[string]cardKind{}
	for _, c := range s.Calls {
		if kind, ok := callKind(c); ok {
			if have, seen := best[c.ID]; !seen || kind < have {
				best[c.ID] = kind
			}
		}
	}
	var out []app.Call
	for _, c := range s.Calls {
		if kind, ok := callKind(c); ok && kind == k && best[c.ID] == k {
			best[c.ID] = -1 // once
			out = append(out, c)
		}
	}
	return out
}

// callKind is how a connection of the user's shows in the console; false
// for incoming calls still ringing (they show once, as callers waiting)
// and connections that are over.
func callKind(c app.Call) (cardKind, bool) {
	switch {
	case c.State == ctiproto.StateHeld:
		return cardHeld, true
	case c.State == ctiproto.StateConnected:
		if c.Outgoing() && !c.Answered {
			return cardDialling, true
		}
		return cardLive, true
	case c.State == ctiproto.StateInitiated:
		return cardDialling, true
	case c.Ringing():
		return cardDialling, c.Outgoing()
	}
	return 0, false
}

// callsInProgress counts the calls in progress besides callers waiting,
// one per call.
func callsInProgress(s app.State) int {
	n := 0
	for _, k := range []cardKind{cardLive, cardHeld, cardDialling} {
		n += len(callsOfKind(s, k))
	}
	return n
}

// callsCount counts everything the console shows: what "Calls (N)" says
// in the tray and the main window, which open it.
func callsCount(s app.State) int {
	return len(s.Ringing()) + callsInProgress(s) + len(s.Failed)
}

// alertingDevices lists the user's devices at which call id rings.
func alertingDevices(s app.State, id string) []string {
	var out []string
	for _, c := range s.Calls {
		if c.ID == id && c.Ringing() {
			out = append(out, c.Device)
		}
	}
	return out
}
