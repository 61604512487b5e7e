package server

import (
	"context"
	"testing"

	"github.com/deskline/deskline/ctiproto"
	"github.com/deskline/deskline/pbx"
)

// A caller's name and number lose control and direction characters on
// the server, whichever connector reported them: in the live event, in
// the welcome's snapshot, and in an event from any exchange (toWire is
// the one way from pbx.Event to the wire).
func TestCallerTextLosesControlAndBidi(t *testing.T) {
	const (
		name    = "Bank \u202eevil\u202c Support\r\nX\a\x1b[2J"
		number  = "+49301234567" // the sim refuses odd numbers; AMI passes them
		wantNum = number
	)
	const clean = "Bank evil SupportX[2J"
	e := newEnv(t)
	ann := e.login("ann")
	if _, err := e.sim.Ring(context.Background(), "201", pbx.Party{Name: name, Number: number}); err != nil {
		t.Fatal(err)
	}
	ev := ann.expectEvent(ctiproto.EventDelivered, "201")
	if ev.Other == nil || ev.Other.Name != clean || ev.Other.Number != wantNum {
		t.Fatalf("event other = %+v, want %q %q", ev.Other, clean, wantNum)
	}
	again := e.login("ann")
	if len(again.welcome.Calls) != 1 {
		t.Fatalf("welcome calls %+v", again.welcome.Calls)
	}
	if o := again.welcome.Calls[0].Other; o.Name != clean || o.Number != wantNum {
		t.Fatalf("welcome other = %+v", o)
	}
	w := toWire(pbx.Event{Kind: pbx.EvDelivered, State: pbx.StateAlerting, Call: "c", Device: "201",
		Other: pbx.Party{Name: "\u2067Eve\u2069\u0085", Number: "\u200e+4930\u20661234567\u202c\u009b"}})
	if w.Other.Name != "Eve" || w.Other.Number != wantNum {
		t.Fatalf("toWire other = %+v", w.Other)
	}
}
