package app

import (
	"fmt"
	"testing"

	"github.com/deskline/deskline/ctiproto"
)

// TestCallPredicates pins the one meaning of "ringing", "in the call" and
// "outgoing" for every connection state the protocol has.
func TestCallPredicates(t *testing.T) {
	tests := []struct {
		state           string
		ringing, inCall bool
	}{
		{ctiproto.StateInitiated, false, false},
		{ctiproto.StateAlerting, true, false},
		{ctiproto.StateQueued, true, false},
		{ctiproto.StateConnected, false, true},
		{ctiproto.StateHeld, false, true},
		{ctiproto.StateFailed, false, false},
		{ctiproto.StateCleared, false, false},
		{"", false, false},
	}
	for _, tt := range tests {
		for _, dir := range []string{ctiproto.DirectionIncoming, ctiproto.DirectionOutgoing} {
			c := Call{State: tt.state, Direction: dir}
			if got := c.Ringing(); got != tt.ringing {
				t.Errorf("%s/%s: Ringing() = %v, want %v", tt.state, dir, got, tt.ringing)
			}
			if got := c.InCall(); got != tt.inCall {
				t.Errorf("%s/%s: InCall() = %v, want %v", tt.state, dir, got, tt.inCall)
			}
			if got, want := c.Outgoing(), dir == ctiproto.DirectionOutgoing; got != want {
				t.Errorf("%s/%s: Outgoing() = %v, want %v", tt.state, dir, got, want)
			}
		}
	}
}

// TestStateRinging: the screen pops once per incoming call ringing at the
// user's phones, never for the user's own outgoing call ringing here.
func TestStateRinging(t *testing.T) {
	s := State{Calls: []Call{
		{ID: "a", Device: "201", State: ctiproto.StateAlerting, Direction: ctiproto.DirectionIncoming},
		{ID: "a", Device: "202", State: ctiproto.StateQueued, Direction: ctiproto.DirectionIncoming},
		{ID: "b", Device: "201", State: ctiproto.StateAlerting, Direction: ctiproto.DirectionOutgoing},
		{ID: "c", Device: "201", State: ctiproto.StateConnected, Direction: ctiproto.DirectionIncoming},
		{ID: "d", Device: "202", State: ctiproto.StateQueued, Direction: ""},
	}}
	var ids []string
	for _, c := range s.Ringing() {
		ids = append(ids, c.ID+"/"+c.Device)
	}
	if got, want := fmt.Sprint(ids), "[a/201 d/202]"; got != want {
		t.Errorf("Ringing() = %s, want %s", got, want)
	}
}
