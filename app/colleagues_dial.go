package app

import (
	"cmp"
	"slices"

	"github.com/deskline/deskline/contacts"
)

// Colleagues found by what the user types in the dial window or a
// transfer field: an office worker reaches Clara by her name without an
// address-book card, and sees whether she is free.

// ColleagueMatch is a colleague's phone found by typed text. Score is on
// the address book's scale (contacts.Match.Score), so the two lists
// interleave by it.
type ColleagueMatch struct {
	Colleague Colleague
	Score     int
}

// FindColleagues lists the watched colleagues' phones whose name words
// start with the typed words and whose extension starts with the typed
// digits ("clara", "cla wei", "20"), best first, at most limit; ties by
// name. The user's own phones are left out: nobody dials themselves.
// Empty unless the desk watches (State.Switchboard).
func (s State) FindColleagues(text string, limit int) []ColleagueMatch {
	var out []ColleagueMatch
	for _, c := range s.Switchboard.Colleagues {
		if s.Mine(c.Device) {
			continue
		}
		if sc, ok := contacts.NameScore(text, c.Name, c.Device); ok {
			out = append(out, ColleagueMatch{Colleague: c, Score: sc})
		}
	}
	slices.SortStableFunc(out, func(a, b ColleagueMatch) int {
		return cmp.Or(b.Score-a.Score, cmp.Compare(a.Colleague.Label(), b.Colleague.Label()))
	})
	if limit > 0 && len(out) > limit {
		out = out[:limit]
	}
	return out
}

// Mine reports whether device is one of the user's phones.
func (s State) Mine(device string) bool {
	return slices.ContainsFunc(s.Devices, func(d Device) bool { return d.ID == device })
}
