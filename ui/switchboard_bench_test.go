package ui

import (
	"fmt"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"github.com/deskline/deskline/app"
	"github.com/deskline/deskline/ctiproto"
)

// benchTiles is the switchboard of a large office.
const benchTiles = 500

// benchBoard opens the switchboard on Fyne's test driver with benchTiles
// free colleagues (busy of them in a call) and returns its state.
func benchBoard(b *testing.B, busy int) (*UI, app.State) {
	b.Helper()
	s := sbState()
	s.Switchboard.Colleagues = make([]app.Colleague, benchTiles)
	for i := range s.Switchboard.Colleagues {
		c := app.Colleague{Device: fmt.Sprint(1000 + i), Name: fmt.Sprintf("Colleague %03d", i), Status: ctiproto.StatusIdle, Since: testNow}
		if i < busy {
			c.Status, c.Who = ctiproto.StatusInCall, "Jane Doe"
		}
		s.Switchboard.Colleagues[i] = c
	}
	fy := test.NewTempApp(b)
	fy.Settings().SetTheme(testTheme())
	u := New(fy, nil, Options{TrayHost: true, Synchronous: true, Now: func() time.Time { return testNow }})
	u.switchboard.show()
	u.Render(s)
	if n := len(u.switchboard.grid.Objects); n != benchTiles {
		b.Fatalf("%d tiles", n)
	}
	return u, s
}

// One presence change (a colleague starts or ends a call) as the app
// publishes it: the switchboard updates that tile only.
func BenchmarkSwitchboardPresenceChange(b *testing.B) {
	u, s := benchBoard(b, 0)
	cols := s.Switchboard.Colleagues
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		c := &cols[(i*7)%benchTiles]
		if c.Status == ctiproto.StatusIdle {
			c.Status, c.Who, c.Since = ctiproto.StatusInCall, "Jane Doe", testNow.Add(time.Duration(i))
		} else {
			c.Status, c.Who, c.Since = ctiproto.StatusIdle, "", testNow.Add(time.Duration(i))
		}
		u.switchboard.render(s)
	}
}

// A state that changed nothing the switchboard shows (another view's
// news): one comparison of the list.
func BenchmarkSwitchboardUnchanged(b *testing.B) {
	u, s := benchBoard(b, 0)
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		u.switchboard.render(s)
	}
}

// The one-second clock with 50 colleagues in calls: the cost of each
// second while calls run (none when nobody is in a call: no clock).
func BenchmarkSwitchboardTick(b *testing.B) {
	u, _ := benchBoard(b, 50)
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		now := testNow.Add(time.Duration(i+1) * time.Second)
		u.now = func() time.Time { return now }
		u.switchboard.tick()
	}
}

// Typing into the filter: each key lays the grid out again (here
// alternating between everybody and one tenth of them).
func BenchmarkSwitchboardFilterKey(b *testing.B) {
	u, _ := benchBoard(b, 0)
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		if i%2 == 0 {
			u.switchboard.filter.SetText("colleague 04")
		} else {
			u.switchboard.filter.SetText("")
		}
	}
}
