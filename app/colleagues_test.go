package app

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/deskline/deskline/ctiproto"
)

func TestFilterColleagues(t *testing.T) {
	all := []Colleague{
		{Device: "203", Name: "bob Baker"},
		{Device: "201", Name: "Ann Archer"},
		{Device: "209"},
		{Device: "204", Name: "Sales – Ben Kramer"},
		{Device: "202", Name: "Ann Archer"},
	}
	fav := func(dev string) bool { return dev == "203" || dev == "209" }
	for _, tc := range []struct {
		text string
		fav  func(string) bool
		want string
	}{
		{"", nil, "201,202,203,204,209"},
		{"ann", nil, "201,202"},
		{"  BEN  kra ", nil, "204"},
		{"20", nil, "201,202,203,204,209"},
		{"209", nil, "209"},
		{"sales bob", nil, ""},
		{"", fav, "203,209,201,202,204"},
		{"a", fav, "203,201,202,204"},
	} {
		var got []string
		for _, c := range FilterColleagues(all, tc.text, tc.fav) {
			got = append(got, c.Device)
		}
		if g := strings.Join(got, ","); g != tc.want {
			t.Errorf("%q: %s, want %s", tc.text, g, tc.want)
		}
	}
	if all[0].Device != "203" {
		t.Error("FilterColleagues sorted the caller's slice")
	}
}

func TestLongestWaiting(t *testing.T) {
	t0 := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	in := func(id string, since time.Time) Call {
		return Call{ID: id, Device: "202", State: ctiproto.StateAlerting, Direction: ctiproto.DirectionIncoming, Since: since}
	}
	if _, ok := LongestWaiting(State{}); ok {
		t.Fatal("a call with nothing ringing")
	}
	queued := in("q", t0.Add(30*time.Second))
	queued.QueueJoined = t0.Add(-time.Minute) // waited in the queue before it rang here
	s := State{Calls: []Call{in("a", t0), queued, in("b", t0.Add(-time.Second)),
		{ID: "out", State: ctiproto.StateAlerting, Direction: ctiproto.DirectionOutgoing, Since: t0.Add(-time.Hour)}}}
	if c, _ := LongestWaiting(s); c.ID != "q" {
		t.Fatalf("longest waiting %q, want q (queued a minute before)", c.ID)
	}
}

func TestActiveCall(t *testing.T) {
	live := Call{ID: "live", State: ctiproto.StateConnected, Direction: ctiproto.DirectionIncoming, Answered: true}
	held1 := Call{ID: "h1", State: ctiproto.StateHeld}
	held2 := Call{ID: "h2", State: ctiproto.StateHeld}
	dialling := Call{ID: "out", State: ctiproto.StateConnected, Direction: ctiproto.DirectionOutgoing}
	ringing := Call{ID: "r", State: ctiproto.StateAlerting, Direction: ctiproto.DirectionIncoming}
	for _, tc := range []struct {
		calls []Call
		want  string
	}{
		{nil, ""},
		{[]Call{ringing}, ""},
		{[]Call{ringing, dialling}, "out"},
		{[]Call{held1, live, ringing}, "live"},
		// The user dials someone while a caller waits on hold: the call
		// in hand is the one being dialled (F4 ends it, not the caller).
		{[]Call{held1, held2, dialling}, "out"},
		{[]Call{held1, dialling, live}, "live"},
	} {
		c, ok := ActiveCall(State{Calls: tc.calls})
		if c.ID != tc.want || ok != (tc.want != "") {
			t.Errorf("%v: %q %v, want %q", tc.calls, c.ID, ok, tc.want)
		}
	}
	// While announcing, the call in hand is the colleague's (ringing or
	// answered), never the caller on hold.
	consult := State{Calls: []Call{held1, dialling}}
	consult.Switchboard.Consult = &Consultation{Held: "h1", Consulted: "out", To: "203"}
	if c, ok := ActiveCall(consult); !ok || c.ID != "out" {
		t.Errorf("while announcing: %q %v, want the announcement", c.ID, ok)
	}
	consult.Calls = consult.Calls[:1] // the announcement is gone, the state not yet
	if c, ok := ActiveCall(consult); ok {
		t.Errorf("while announcing without the colleague's call: %q, want none", c.ID)
	}
	if !Dialling(dialling) || Dialling(live) || Dialling(ringing) || Dialling(held1) {
		t.Error("Dialling")
	}
}

// Favourites survive a restart in the config folder; without one they
// live in memory.
func TestFavourites(t *testing.T) {
	dir := t.TempDir()
	f, err := LoadFavourites(dir)
	if err != nil || f.Has("203") {
		t.Fatalf("fresh: %v, has 203 %v", err, f.Has("203"))
	}
	for _, dev := range []string{"203", "205", "201", "201"} {
		if err := f.Toggle(dev); err != nil {
			t.Fatal(err)
		}
	}
	g, err := LoadFavourites(dir)
	if err != nil || !g.Has("203") || !g.Has("205") || g.Has("201") {
		t.Fatalf("after a restart: %v %+v", err, g.set)
	}
	if err := os.WriteFile(filepath.Join(dir, FavouritesFile), []byte("{"), 0o600); err != nil {
		t.Fatal(err)
	}
	if b, err := LoadFavourites(dir); err == nil || b.Has("203") {
		t.Fatal("a broken file gives an error and no favourites")
	}
	m, _ := LoadFavourites("")
	if err := m.Toggle("203"); err != nil || !m.Has("203") {
		t.Fatal("in memory")
	}
	var none *Favourites
	if none.Has("203") {
		t.Fatal("nil has none")
	}
}
