package app

import (
	"cmp"
	"slices"
	"strings"

	"github.com/deskline/deskline/ctiproto"
)

// The switchboard's choices that need no window: which colleagues the
// grid shows for what the user typed, in which order, and which of the
// user's calls a key acts on.

// FilterColleagues lists the colleagues whose name or extension contains
// every word of text (case does not matter), favourites (fav may be nil)
// first, then by name: the grid's order, which a change of state never
// shuffles. An empty text lists everybody.
func FilterColleagues(all []Colleague, text string, fav func(device string) bool) []Colleague {
	words := strings.Fields(strings.ToLower(text))
	out := make([]Colleague, 0, len(all))
	for _, c := range all {
		if matches(c, words) {
			out = append(out, c)
		}
	}
	SortColleagues(out, fav)
	return out
}

// SortColleagues sorts favourites (fav may be nil) first, then by name
// (case does not matter), then extension; devices without a name come
// after those with one, by extension.
func SortColleagues(cs []Colleague, fav func(device string) bool) {
	rank := func(c Colleague) int {
		r := 0
		if fav == nil || !fav(c.Device) {
			r += 2
		}
		if c.Name == "" {
			r++
		}
		return r
	}
	slices.SortFunc(cs, func(a, b Colleague) int {
		return cmp.Or(cmp.Compare(rank(a), rank(b)),
			cmp.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name)), cmp.Compare(a.Device, b.Device))
	})
}

func matches(c Colleague, words []string) bool {
	hay := strings.ToLower(c.Name + " " + c.Device)
	for _, w := range words {
		if !strings.Contains(hay, w) {
			return false
		}
	}
	return true
}

// LongestWaiting is the call ringing at the user's phones that has waited
// longest (in its queue, where it came through one): the one a
// receptionist answers next.
func LongestWaiting(s State) (Call, bool) {
	ringing := s.Ringing()
	if len(ringing) == 0 {
		return Call{}, false
	}
	waitedSince := func(c Call) int64 {
		if !c.QueueJoined.IsZero() && c.QueueJoined.Before(c.Since) {
			return c.QueueJoined.UnixNano()
		}
		return c.Since.UnixNano()
	}
	return slices.MinFunc(ringing, func(a, b Call) int { return cmp.Compare(waitedSince(a), waitedSince(b)) }), true
}

// ActiveCall is the call in hand, the one the switchboard's keys act on.
// While the user announces a caller it is the colleague's call, ringing
// or answered, and never the caller on hold; otherwise the call the user
// talks on, else a call the user dials (not answered yet: hanging up
// ends it), else the one on hold (the most recent), else none.
func ActiveCall(s State) (Call, bool) {
	if k := s.Switchboard.Consult; k != nil {
		return s.CallByID(k.Consulted)
	}
	var dialled, held *Call
	for i := len(s.Calls) - 1; i >= 0; i-- {
		c := &s.Calls[i]
		switch {
		case c.State == ctiproto.StateConnected && (c.Answered || !c.Outgoing()):
			return *c, true
		case Dialling(*c) && dialled == nil:
			dialled = c
		case c.State == ctiproto.StateHeld && held == nil:
			held = c
		}
	}
	switch {
	case dialled != nil:
		return *dialled, true
	case held != nil:
		return *held, true
	}
	return Call{}, false
}

// Dialling reports whether c is a call the user's side started that
// nobody answered yet: a click-to-dial ringing the user's phone, or the
// far end ringing. Such a call is not one to transfer, hold or park.
func Dialling(c Call) bool {
	if c.State == ctiproto.StateInitiated {
		return true
	}
	return c.Outgoing() && !c.Answered && (c.State == ctiproto.StateConnected || c.Ringing())
}

// CallByID finds one of the user's calls (its first connection).
func (s State) CallByID(id string) (Call, bool) {
	for _, c := range s.Calls {
		if c.ID == id {
			return c, true
		}
	}
	return Call{}, false
}
