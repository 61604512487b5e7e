package app

import (
	"context"
	"errors"
	"testing"

	"github.com/deskline/deskline/app/journal"
	"github.com/deskline/deskline/ctiproto"
	"github.com/deskline/deskline/pbx/sim"
)

// A receptionist takes a second caller: answering it holds the first,
// and Swap goes back and forth with one of the two always live.
func TestAnswerHoldsAndSwap(t *testing.T) {
	o := newOffice(t)
	ann := o.desk("ann")
	ann.login()
	ann.waitFor("connected", func(s State) bool { return s.Status == StatusConnected })
	ctx := context.Background()
	first := string(o.ring("201", "+4930111", "First"))
	second := string(o.ring("201", "+4930222", "Second"))
	ann.waitFor("two ringing", func(s State) bool { return len(s.Ringing()) == 2 })
	if err := ann.Answer(ctx, first); err != nil {
		t.Fatal(err)
	}
	ann.waitFor("talking to the first", func(s State) bool { c, _ := callIn(s, first); return c.Answered })
	if err := ann.Answer(ctx, second); err != nil {
		t.Fatal(err)
	}
	live := func(s State, id string) bool { c, _ := callIn(s, id); return c.State == ctiproto.StateConnected }
	held := func(s State, id string) bool { c, _ := callIn(s, id); return c.State == ctiproto.StateHeld }
	ann.waitFor("second live, first held", func(s State) bool { return live(s, second) && held(s, first) })
	if err := ann.Swap(ctx, first); err != nil {
		t.Fatal(err)
	}
	ann.waitFor("first live, second held", func(s State) bool { return live(s, first) && held(s, second) })
	if got := ann.talking(""); len(got) != 1 || got[0] != first {
		t.Fatalf("talking on %v, want only %s", got, first)
	}
}

// Without hold at the exchange, answering a second call still answers it
// (the phone deals with call waiting) and holds nothing.
func TestAnswerWithoutHold(t *testing.T) {
	o := newOffice(t)
	ann := o.desk("ann")
	ann.login()
	ann.waitFor("connected", func(s State) bool { return s.Status == StatusConnected })
	ctx := context.Background()
	first := string(o.ring("201", "+4930111", ""))
	ann.waitFor("ringing", func(s State) bool { return len(s.Ringing()) == 1 })
	if err := ann.Answer(ctx, first); err != nil {
		t.Fatal(err)
	}
	ann.waitFor("talking", func(s State) bool { c, _ := callIn(s, first); return c.Answered })
	ann.mu.Lock()
	delete(ann.state.Capabilities, ctiproto.TypeHold)
	ann.mu.Unlock()
	second := string(o.ring("201", "+4930222", ""))
	ann.waitFor("second ringing", func(s State) bool { return len(s.Ringing()) == 1 })
	if err := ann.Answer(ctx, second); err != nil {
		t.Fatal(err)
	}
	s := ann.waitFor("second answered", func(s State) bool { c, _ := callIn(s, second); return c.Answered })
	if c, _ := callIn(s, first); c.State != ctiproto.StateConnected {
		t.Fatalf("first call %s, want it left alone (connected)", c.State)
	}
}

// A call the user placed that fails stays in State.Failed with its cause
// until dismissed; one the user abandoned does not.
func TestFailedCallsStayUntilDismissed(t *testing.T) {
	o := testOfficeWith(t, func(c *sim.Config) { c.External = sim.Behaviour{Busy: true} })
	ann := o.desk("ann")
	ann.login()
	ann.waitFor("connected", func(s State) bool { return s.Status == StatusConnected })
	ctx := context.Background()
	target, err := ann.PrepareDial("+49 30 999")
	if err != nil {
		t.Fatal(err)
	}
	call, err := ann.Dial(ctx, target)
	if err != nil {
		t.Fatal(err)
	}
	ann.waitFor("own phone rings", func(s State) bool { c, ok := callIn(s, call); return ok && c.State == "initiated" })
	if err := ann.Answer(ctx, call); err != nil { // pick up: the exchange dials, the line is busy
		t.Fatal(err)
	}
	s := ann.waitFor("failed and kept", func(s State) bool { return len(s.Calls) == 0 && len(s.Failed) == 1 })
	if f := s.Failed[0]; f.Cause != ctiproto.CauseBusy || f.Number != "+4930999" || f.Outcome != journal.OutcomeOutgoingFailed {
		t.Fatalf("failed call %+v", f)
	}
	// Abandoned before pick-up: the user knows why, nothing to explain.
	call2, err := ann.Dial(ctx, target)
	if err != nil {
		t.Fatal(err)
	}
	ann.waitFor("own phone rings", func(s State) bool { _, ok := callIn(s, call2); return ok })
	if err := ann.HangUp(ctx, call2); err != nil {
		t.Fatal(err)
	}
	s = ann.waitFor("abandoned", func(s State) bool { _, ok := callIn(s, call2); return !ok })
	if len(s.Failed) != 1 {
		t.Fatalf("failed %+v, want only the busy call", s.Failed)
	}
	ann.DismissFailed(s.Failed[0].ID)
	ann.DismissFailed(s.Failed[0].ID) // a second click is no error
	ann.waitFor("dismissed", func(s State) bool { return len(s.Failed) == 0 })
	if e := ann.journal.Entries(); len(e) != 2 {
		t.Fatalf("journal %+v: both calls stay there", e)
	}
}

// Past maxFailed the oldest failure goes.
func TestFailedCallsBounded(t *testing.T) {
	c := &Client{}
	for i := range maxFailed + 5 {
		c.noteFailedLocked([]journal.Entry{{ID: string(rune('a' + i)), Outcome: journal.OutcomeOutgoingFailed, Cause: ctiproto.CauseBusy}})
	}
	if len(c.failed) != maxFailed || c.failed[0].ID != string(rune('a'+5)) {
		t.Fatalf("kept %d, first %q", len(c.failed), c.failed[0].ID)
	}
}

// An answer that fails (the caller gave up meanwhile) takes the held
// call back: nobody is left on hold by a click that did not work.
func TestAnswerThatFailsRetrievesTheHeldCall(t *testing.T) {
	o := newOffice(t)
	ann := o.desk("ann")
	ann.login()
	ann.waitFor("connected", func(s State) bool { return s.Status == StatusConnected })
	ctx := context.Background()
	first := string(o.ring("201", "+4930111", ""))
	ann.waitFor("ringing", func(s State) bool { return len(s.Ringing()) == 1 })
	if err := ann.Answer(ctx, first); err != nil {
		t.Fatal(err)
	}
	ann.waitFor("talking", func(s State) bool { c, _ := callIn(s, first); return c.Answered })
	second := string(o.ring("201", "+4930222", ""))
	ann.waitFor("second ringing", func(s State) bool { return len(s.Ringing()) == 1 })
	// The second caller hangs up just as the user answers: the exchange
	// refuses the answer, as it would after the hang-up.
	err := ann.switchTo(ctx, second, func() error {
		if err := o.Sim.HangupRemote(ctx, c2id(second)); err != nil {
			t.Fatal(err)
		}
		return ann.callCommand(ctx, ctiproto.TypeAnswer, second, "alerting")
	})
	if err == nil {
		t.Fatal("answering a call that is gone succeeded")
	}
	ann.waitFor("first back off hold", func(s State) bool {
		c, _ := callIn(s, first)
		_, there := callIn(s, second)
		return c.State == ctiproto.StateConnected && !there
	})
}

// Decline refuses a call at every one of the user's phones where it rings.
func TestDeclineAtEveryPhone(t *testing.T) {
	o := newOffice(t)
	carl := o.desk("carl")
	carl.login()
	carl.waitFor("connected", func(s State) bool { return s.Status == StatusConnected })
	call := string(o.ring("700", "+4930111", "")) // rings at his desk phone and his softphone
	carl.waitFor("ringing at both", func(s State) bool { return len(alertingAt(s, call)) == 2 })
	if err := carl.Decline(context.Background(), call); err != nil {
		t.Fatal(err)
	}
	carl.waitFor("declined at both", func(s State) bool { _, ok := callIn(s, call); return !ok })
	if err := carl.Decline(context.Background(), call); !errors.Is(err, ErrNoSuchCall) {
		t.Fatalf("declining a call that is gone: %v, want ErrNoSuchCall", err)
	}
}

// alertingAt lists the devices at which call rings.
func alertingAt(s State, call string) []string {
	var out []string
	for _, c := range s.Calls {
		if c.ID == call && c.State == ctiproto.StateAlerting {
			out = append(out, c.Device)
		}
	}
	return out
}
