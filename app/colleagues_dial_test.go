package app

import (
	"fmt"
	"strings"
	"testing"

	"github.com/deskline/deskline/ctiproto"
)

func colleagueLabels(ms []ColleagueMatch) []string {
	var out []string
	for _, m := range ms {
		out = append(out, m.Colleague.Label()+" "+m.Colleague.Device)
	}
	return out
}

// Typed names and extension prefixes find colleagues, best first; the
// user's own phone is never among them.
func TestFindColleagues(t *testing.T) {
	s := State{Devices: []Device{{ID: "201"}}, Switchboard: Switchboard{Colleagues: []Colleague{
		{Device: "201", Name: "Reception"},
		{Device: "202", Name: "Ben Kramer"},
		{Device: "203", Name: "Clara Weiss"},
		{Device: "204", Name: "Claudia Clausen"},
		{Device: "205", Name: "Jürgen Groß"},
		{Device: "299"},
	}}}
	for _, tc := range []struct {
		text  string
		limit int
		want  string
	}{
		{"clara", 0, "[Clara Weiss 203]"},
		{"cla", 0, "[Clara Weiss 203 Claudia Clausen 204]"}, // more of "clara" is typed than of "claudia"
		{"claus", 0, "[Claudia Clausen 204]"},
		{"wei", 0, "[Clara Weiss 203]"},
		{"20", 0, "[Ben Kramer 202 Clara Weiss 203 Claudia Clausen 204 Jürgen Groß 205]"},
		{"20", 2, "[Ben Kramer 202 Clara Weiss 203]"},
		{"203", 0, "[Clara Weiss 203]"},
		{"29", 0, "[299 299]"},
		{"201", 0, "[]"},
		{"recep", 0, "[]"},
		{"juergen", 0, "[Jürgen Groß 205]"},
		{"nobody", 0, "[]"},
	} {
		got := colleagueLabels(s.FindColleagues(tc.text, tc.limit))
		if g := "[" + strings.Join(got, " ") + "]"; g != tc.want {
			t.Errorf("%q: %s, want %s", tc.text, g, tc.want)
		}
	}
}

// On a real server: ann, who may watch Bob's phone, finds it by name.
func TestFindColleaguesOnTheServer(t *testing.T) {
	o := newReception(t)
	ann := o.switchboardDesk("ann")
	ms := ann.State().FindColleagues("bo", 5)
	if len(ms) != 1 || ms[0].Colleague.Device != "203" || ms[0].Colleague.Status != ctiproto.StatusIdle {
		t.Fatalf("ann finds %+v, want Bob's 203, idle", ms)
	}
}

// BenchmarkFindColleagues is one keystroke in the dial window of a
// switchboard watching 500 phones.
func BenchmarkFindColleagues(b *testing.B) {
	first := []string{"Clara", "Ben", "Jürgen", "Eva", "David", "Anna", "Lena", "Tom", "Mia", "Paul"}
	last := []string{"Weiss", "Kramer", "Groß", "Novak", "Schulz", "Meyer", "Hoffmann", "Berg", "Roth", "Lang"}
	var s State
	for i := range 500 {
		s.Switchboard.Colleagues = append(s.Switchboard.Colleagues, Colleague{Device: fmt.Sprint(2000 + i),
			Name: first[i%10] + " " + last[i/10%10], Status: "idle"})
	}
	for _, q := range []string{"cla", "clara wei", "21"} {
		b.Run(q, func(b *testing.B) {
			for b.Loop() {
				s.FindColleagues(q, 12)
			}
		})
	}
}
