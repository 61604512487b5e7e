package server

import (
	"strings"
	"testing"

	"github.com/deskline/deskline/ctiproto"
)

// Ann cannot tell from the server's answers whether a call id exists at
// another desk: a command on bob's live call and one on a made-up id get
// the same error, and bob's id is not one she could count her way to.
func TestCallIDProbingLearnsNothing(t *testing.T) {
	e := newEnv(t)
	ann, bob := e.login("ann"), e.login("bob")
	first := e.ring("203", "+4930999", "")
	bob.expectEvent(ctiproto.EventDelivered, "203")
	call := e.ring("203", "+4930998", "")
	bob.expectEvent(ctiproto.EventDelivered, "203")
	if strings.ContainsAny(strings.TrimPrefix(call, "c-"), "0189") || len(call) < 20 || call == first {
		t.Errorf("call ids %q then %q: counted, short or repeated", first, call)
	}
	answer := func(id, call string) ctiproto.Error {
		ann.send(&ctiproto.CallCommand{Type: ctiproto.TypeHold, ID: id, Call: call, Device: "201"})
		e := *ann.expectError(ctiproto.CodeNotFound)
		e.ID = ""
		return e
	}
	for _, made := range []string{"c-999999", "c-000003", "c-" + strings.Repeat("a", 26)} {
		if real, fake := answer("p1", call), answer("p2", made); real != fake {
			t.Errorf("bob's call answered %+v, made-up %s answered %+v", real, made, fake)
		}
	}
	ann.send(&ctiproto.Redirect{Type: ctiproto.TypeDeflect, ID: "p3", Call: call, Device: "201", To: "202"})
	if e := ann.expectError(ctiproto.CodeNotFound); e.Message != noSuchCallText || strings.Contains(e.Message, call) {
		t.Errorf("deflect of bob's call answered %+v", e)
	}
}
