package app

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/deskline/deskline/app/journal"
	"github.com/deskline/deskline/ctiproto"
	"github.com/deskline/deskline/pbx"
	"github.com/deskline/deskline/pbx/sim"
)

// registeredAs waits until the desk sees device's registration as on.
func registeredAs(device string, on bool) func(State) bool {
	return func(s State) bool {
		for _, d := range s.Devices {
			if d.ID == device {
				return d.Registered == on
			}
		}
		return false
	}
}

// Click-to-dial rings the phone the user chose while it is registered;
// one that is not is passed over for a registered one, and the prompt
// says so; without a choice, the first registered phone rings (issue 13
// item 9: carl has a desk phone 204 and a softphone 205).
func TestDialDeviceFollowsTheChoiceAndRegistration(t *testing.T) {
	o := newOffice(t)
	carl := o.desk("carl")
	carl.login()
	carl.waitFor("both phones", func(s State) bool { return s.Status == StatusConnected && len(s.Devices) == 2 })
	ctx := context.Background()
	dial := func(want, instead string) DialTarget {
		t.Helper()
		tg, err := carl.PrepareDial("201")
		if err != nil || tg.Device != want || tg.Instead != instead {
			t.Fatalf("PrepareDial: device %q instead of %q (%v); want %q instead of %q", tg.Device, tg.Instead, err, want, instead)
		}
		return tg
	}
	dial("204", "")
	carl.SetDialDevice("205")
	dial("205", "")

	if err := o.Sim.SetRegistered(ctx, "205", false); err != nil {
		t.Fatal(err)
	}
	carl.waitFor("softphone unregistered", registeredAs("205", false))
	tg := dial("204", "205")
	if p := tg.Prompt(); !strings.HasPrefix(p, "Your phone 205 is not registered. Your phone 204 rings first") {
		t.Errorf("prompt %q: the user must hear that the chosen phone is passed over", p)
	}
	id, err := carl.Dial(ctx, tg)
	if err != nil {
		t.Fatal(err)
	}
	carl.waitFor("the desk phone rings to start the call", func(s State) bool {
		c, ok := callIn(s, id)
		return ok && c.Device == "204" && c.State == ctiproto.StateInitiated
	})

	carl.SetDialDevice("")
	if err := o.Sim.SetRegistered(ctx, "204", false); err != nil {
		t.Fatal(err)
	}
	if err := o.Sim.SetRegistered(ctx, "205", true); err != nil {
		t.Fatal(err)
	}
	carl.waitFor("only the softphone registered", func(s State) bool { return registeredAs("204", false)(s) && registeredAs("205", true)(s) })
	dial("205", "") // automatic: the first registered phone
}

// A call that rings at both of carl's phones is one call for him: answered
// on the softphone, the desk phone's ring ends as picked up elsewhere and
// the call stays, on the softphone; the journal has it once, answered. A
// call that rang at both and was not answered is one missed call; one
// sent on from one phone is in the journal as sent on.
func TestCallAtTwoPhonesIsOneCall(t *testing.T) {
	o := newOffice(t)
	carl := o.desk("carl")
	carl.login()
	carl.waitFor("connected", func(s State) bool { return s.Status == StatusConnected })
	ctx := context.Background()

	call := string(o.ring("700", "+4930111", "Max"))
	s := carl.waitFor("ringing at both", func(s State) bool { return len(alertingAt(s, call)) == 2 })
	if r := s.Ringing(); len(r) != 1 {
		t.Fatalf("ringing %+v: one call, one pop", r)
	}
	if err := o.Sim.Answer(ctx, c2id(call), "205"); err != nil {
		t.Fatal(err)
	}
	s = carl.waitFor("answered on the softphone", func(s State) bool {
		c, ok := callIn(s, call)
		return ok && c.Device == "205" && c.State == ctiproto.StateConnected && len(alertingAt(s, call)) == 0
	})
	if n := len(s.Calls); n != 1 {
		t.Fatalf("calls %+v: the desk phone's ring must be gone, the call stay", s.Calls)
	}
	if err := o.Sim.HangupRemote(ctx, c2id(call)); err != nil {
		t.Fatal(err)
	}
	carl.waitFor("over", func(s State) bool { _, ok := callIn(s, call); return !ok })

	missed := string(o.ring("700", "+4930222", ""))
	carl.waitFor("ringing at both", func(s State) bool { return len(alertingAt(s, missed)) == 2 })
	if err := o.Sim.HangupRemote(ctx, c2id(missed)); err != nil {
		t.Fatal(err)
	}
	carl.waitFor("missed", func(s State) bool { _, ok := callIn(s, missed); return !ok && s.MissedUnseen > 0 })

	sent := string(o.ring("700", "+4930333", ""))
	carl.waitFor("ringing at both", func(s State) bool { return len(alertingAt(s, sent)) == 2 })
	if err := carl.Deflect(ctx, sent, "201"); err != nil {
		t.Fatal(err)
	}
	carl.waitFor("sent on", func(s State) bool { _, ok := callIn(s, sent); return !ok })

	es := carl.journal.Entries()
	if len(es) != 3 {
		t.Fatalf("journal %+v: want one entry per call", es)
	}
	byNumber := map[string]journal.Entry{}
	for _, e := range es {
		byNumber[e.Number] = e
	}
	if e := byNumber["+4930111"]; e.Outcome != journal.OutcomeAnswered || e.Device != "205" {
		t.Errorf("answered call: %+v, want answered on 205", e)
	}
	if e := byNumber["+4930222"]; e.Outcome != journal.OutcomeMissed {
		t.Errorf("unanswered call: %+v, want missed", e)
	}
	if e := byNumber["+4930333"]; e.Outcome != journal.OutcomeRejected || e.Cause != ctiproto.CauseDeflected || e.To != "201" {
		t.Errorf("call sent on from one phone: %+v, want deflected to 201 (not answered elsewhere)", e)
	}
	if n := carl.State().MissedUnseen; n != 1 {
		t.Errorf("%d missed calls unseen, want 1", n)
	}
}

// A call ringing at both phones is answered from the screen at the phone
// the user chose to work on, when it rings there; with no choice, at one
// that rings.
func TestAnswerAtTheChosenPhone(t *testing.T) {
	o := newOffice(t)
	carl := o.desk("carl")
	carl.login()
	carl.waitFor("connected", func(s State) bool { return s.Status == StatusConnected })
	ctx := context.Background()
	for _, tc := range []struct{ choice, want string }{{"205", "205"}, {"", "204"}} {
		carl.SetDialDevice(tc.choice)
		call := string(o.ring("700", "+4930111", ""))
		carl.waitFor("ringing at both", func(s State) bool { return len(alertingAt(s, call)) == 2 })
		if err := carl.Answer(ctx, call); err != nil {
			t.Fatal(err)
		}
		carl.waitFor("answered at "+tc.want, func(s State) bool {
			c, ok := callIn(s, call)
			return ok && c.Device == tc.want && c.State == ctiproto.StateConnected && len(alertingAt(s, call)) == 0
		})
		if err := carl.HangUp(ctx, call); err != nil {
			t.Fatal(err)
		}
		carl.waitFor("over", func(s State) bool { _, ok := callIn(s, call); return !ok })
	}
}

// A call ringing at both of carl's phones, with the softphone chosen to
// dial from but unable to answer from the desk (an Asterisk softphone
// without a phone family): Answer goes to the desk phone, which can.
func TestAnswerAtAPhoneThatCan(t *testing.T) {
	o := testOfficeWith(t, func(c *sim.Config) {
		for i := range c.Devices {
			if c.Devices[i].ID == "205" {
				c.Devices[i].Services = []pbx.Service{pbx.SvcMakeCall, pbx.SvcClear, pbx.SvcTransfer, pbx.SvcDeflect}
			}
		}
	})
	carl := o.desk("carl")
	carl.login()
	carl.waitFor("connected", func(s State) bool { return s.Status == StatusConnected })
	carl.SetDialDevice("205")
	call := string(o.ring("700", "+4930111", ""))
	carl.waitFor("ringing at both", func(s State) bool { return len(alertingAt(s, call)) == 2 })
	if err := carl.Answer(context.Background(), call); err != nil {
		t.Fatalf("answer: %v (want it sent to 204, which can answer)", err)
	}
	carl.waitFor("answered at 204", func(s State) bool {
		c, ok := callIn(s, call)
		return ok && c.Device == "204" && c.State == ctiproto.StateConnected
	})
}

// Carl calls his own softphone from his desk phone and declines it there: two entries, the call placed and the ring at the softphone
// (a ring folds only into another ring of the same call, never into the
// user's own outgoing call).
func TestCallToOwnOtherPhoneKeepsTheRing(t *testing.T) {
	o := newOffice(t)
	carl := o.desk("carl")
	carl.login()
	carl.waitFor("connected", func(s State) bool { return s.Status == StatusConnected })
	ctx := context.Background()
	target, err := carl.PrepareDial("205")
	if err != nil {
		t.Fatal(err)
	}
	target.Device = "204"
	call, err := carl.Dial(ctx, target)
	if err != nil {
		t.Fatal(err)
	}
	carl.waitFor("204 rings first", func(s State) bool { c, ok := callIn(s, call); return ok && c.State == ctiproto.StateInitiated })
	if err := o.Sim.Answer(ctx, c2id(call), "204"); err != nil {
		t.Fatal(err)
	}
	carl.waitFor("205 rings", func(s State) bool { return len(alertingAt(s, call)) == 1 })
	if err := carl.Decline(ctx, call); err != nil { // at 205, while 204 still calls
		t.Fatal(err)
	}
	carl.waitFor("declined", func(s State) bool { return len(alertingAt(s, call)) == 0 })
	carl.waitFor("over", func(s State) bool { return len(s.Calls) == 0 }) // the callee refused: the call ends
	var devices []string
	for _, e := range carl.journal.Entries() {
		devices = append(devices, e.Device+" "+e.Direction)
	}
	slices.Sort(devices)
	if want := []string{"204 outgoing", "205 incoming"}; !slices.Equal(devices, want) {
		t.Errorf("journal %v, want %v", devices, want)
	}
}
