package sim

import (
	"testing"
	"time"

	"github.com/deskline/deskline/pbx"
)

func TestClickToDialInternal(t *testing.T) {
	r := newRig(t, nil)
	id := r.makeCall("201", "202")
	r.expect(id, "initiated 201 initiated out other=202(Bob)")
	r.expectCalls("c-000001 201 initiated out other=202(Bob) since=0s answered=false")

	r.clk.Advance(time.Second)
	r.ok(r.x.Answer(r.ctx, id, "201"))
	r.expect(id, "originated 201 connected out other=202(Bob)",
		"delivered 202 alerting in other=201(Alice)")
	r.expectCalls("c-000001 201 connected out other=202(Bob) since=1s answered=false",
		"c-000001 202 alerting in other=201(Alice) since=1s answered=false")

	r.clk.Advance(time.Second)
	r.ok(r.x.Answer(r.ctx, id, "202"))
	r.expect(id, "established 202 connected in other=201(Alice) answeredBy=202",
		"established 201 connected out other=202(Bob) answeredBy=202")
	r.expectCalls("c-000001 201 connected out other=202(Bob) since=1s answered=true",
		"c-000001 202 connected in other=201(Alice) since=2s answered=true")
	r.fails(r.x.Answer(r.ctx, id, "202"), pbx.ErrInvalidState)

	r.ok(r.x.Clear(r.ctx, id, "202"))
	r.expect(id, "cleared 202 cleared in other=201(Alice) cause=normal",
		"cleared 201 cleared out other=202(Bob) cause=normal")
	if n := r.clk.Pending(); n != 0 {
		t.Fatalf("%d timers left", n)
	}
}

func TestClickToDialExternal(t *testing.T) {
	r := newRig(t, func(c *Config) { c.Devices[0].Behaviour.PickUpAfter = time.Second })
	id := r.makeCall("201", "+49 (30) 555-0100")
	r.expect(id, "initiated 201 initiated out other=+49305550100")
	r.clk.Advance(time.Second)
	r.expect(id, "originated 201 connected out other=+49305550100")
	r.clk.Advance(2 * time.Second) // DefaultExternalAnswerAfter
	r.expect(id, "established 201 connected out other=+49305550100 answeredBy=+49305550100")
	r.ok(r.x.HangupRemote(r.ctx, id))
	r.expect(id, "cleared 201 cleared out other=+49305550100 cause=normal")
}

func TestClickToDialExternalManual(t *testing.T) {
	// An external number that only answers when told: the test plays it.
	r := newRig(t, func(c *Config) {
		c.Externals = map[string]Behaviour{"0301234567": {NeverAnswer: true}}
	})
	id := r.makeCall("201", "030 1234567")
	r.ok(r.x.Answer(r.ctx, id, "201"))
	r.clk.Advance(10 * time.Second)
	r.ok(r.x.Answer(r.ctx, id, "030-1234567"))
	r.ok(r.x.Clear(r.ctx, id, "0301234567"))
	r.expect(id, "initiated 201 initiated out other=0301234567",
		"originated 201 connected out other=0301234567",
		"established 201 connected out other=0301234567 answeredBy=0301234567",
		"cleared 201 cleared out other=0301234567 cause=normal")
}

func TestClickToDialDestinationRefuses(t *testing.T) {
	r := newRig(t, func(c *Config) {
		c.Externals = map[string]Behaviour{"+15550100": {Busy: true}, "+15550199": {Reject: true}}
	})
	r.ok(r.x.SetBehaviour("202", Behaviour{Busy: true}))
	for _, tc := range []struct{ to, other, cause string }{
		{"202", "202(Bob)", "busy"},
		{"+15550100", "+15550100", "busy"},
		{"+15550199", "+15550199", "rejected"},
	} {
		id := r.makeCall("201", tc.to)
		r.ok(r.x.Answer(r.ctx, id, "201"))
		r.expect(id, "initiated 201 initiated out other="+tc.other,
			"originated 201 connected out other="+tc.other,
			"failed 201 failed out other="+tc.other+" cause="+tc.cause,
			"cleared 201 cleared out other="+tc.other+" cause="+tc.cause)
	}
	// Rejected while ringing: the same for the caller.
	id := r.makeCall("201", "203")
	r.ok(r.x.Answer(r.ctx, id, "201"))
	r.ok(r.x.Clear(r.ctx, id, "203"))
	r.expect(id, "initiated 201 initiated out other=203(Carol)",
		"originated 201 connected out other=203(Carol)",
		"delivered 203 alerting in other=201(Alice)",
		"cleared 203 cleared in other=201(Alice) cause=rejected",
		"failed 201 failed out other=203(Carol) cause=rejected",
		"cleared 201 cleared out other=203(Carol) cause=rejected")
}

func TestClickToDialAbandon(t *testing.T) {
	r := newRig(t, nil)
	// Before picking up.
	id := r.makeCall("201", "202")
	r.ok(r.x.Clear(r.ctx, id, "201"))
	r.expect(id, "initiated 201 initiated out other=202(Bob)",
		"cleared 201 cleared out other=202(Bob) cause=normal")
	// While the destination rings: 202 misses the call.
	id = r.makeCall("201", "202")
	r.ok(r.x.Answer(r.ctx, id, "201"))
	r.ok(r.x.Clear(r.ctx, id, "201"))
	r.expect(id, "initiated 201 initiated out other=202(Bob)",
		"originated 201 connected out other=202(Bob)",
		"delivered 202 alerting in other=201(Alice)",
		"cleared 201 cleared out other=202(Bob) cause=normal",
		"cleared 202 cleared in other=201(Alice) cause=normal")
	if n := r.clk.Pending(); n != 0 {
		t.Fatalf("%d timers left", n)
	}
}

func TestClickToDialNoAnswer(t *testing.T) {
	r := newRig(t, nil)
	// The own phone is never picked up.
	id := r.makeCall("201", "202")
	r.clk.Advance(30 * time.Second)
	r.expect(id, "initiated 201 initiated out other=202(Bob)",
		"cleared 201 cleared out other=202(Bob) cause=no-answer")
	// The destination never answers; the timeout restarts at originate.
	id = r.makeCall("201", "202")
	r.clk.Advance(20 * time.Second)
	r.ok(r.x.Answer(r.ctx, id, "201"))
	r.clk.Advance(20 * time.Second)
	r.expect(id, "initiated 201 initiated out other=202(Bob)",
		"originated 201 connected out other=202(Bob)",
		"delivered 202 alerting in other=201(Alice)")
	r.clk.Advance(10 * time.Second)
	r.expect(id, "cleared 201 cleared out other=202(Bob) cause=no-answer",
		"cleared 202 cleared in other=201(Alice) cause=no-answer")
}

func TestClickToDialAutomatic(t *testing.T) {
	// Both people act by themselves on the manual clock.
	r := newRig(t, func(c *Config) {
		c.Devices[0].Behaviour.PickUpAfter = 2 * time.Second
		c.Devices[1].Behaviour.AnswerAfter = 3 * time.Second
	})
	id := r.makeCall("201", "202")
	r.clk.Advance(2 * time.Second)
	r.expect(id, "initiated 201 initiated out other=202(Bob)",
		"originated 201 connected out other=202(Bob)",
		"delivered 202 alerting in other=201(Alice)")
	r.clk.Advance(3*time.Second - 1)
	r.quiet()
	r.clk.Advance(1)
	r.expect(id, "established 202 connected in other=201(Alice) answeredBy=202",
		"established 201 connected out other=202(Bob) answeredBy=202")
}

func TestCallYourself(t *testing.T) {
	r := newRig(t, nil)
	id := r.call("201", "201")
	r.expect(id, "originated 201 connected out other=201(Alice)",
		"failed 201 failed out other=201(Alice) cause=busy",
		"cleared 201 cleared out other=201(Alice) cause=busy")
}

func TestCallIDs(t *testing.T) {
	r := newRig(t, func(c *Config) { c.Devices[1].Behaviour.Busy = true })
	want := []pbx.CallID{"c-000001", "c-000002", "c-000003"}
	got := []pbx.CallID{r.ring("201"), r.call("201", "202"), r.makeCall("203", "201")}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("ids %q, want %q", got, want)
		}
	}
	if id := callID(1234567); id != "c-1234567" {
		t.Fatalf("callID(1234567) = %q", id)
	}
}

func TestSetExternal(t *testing.T) {
	r := newRig(t, nil)
	r.ok(r.x.SetExternal("+1 555 0100", Behaviour{Busy: true}))
	r.fails(r.x.SetExternal("no number", Behaviour{}), pbx.ErrInvalidNumber)
	if err := r.x.SetExternal("+15550100", Behaviour{AnswerAfter: -1}); err == nil {
		t.Fatal("negative AnswerAfter accepted")
	}
	id := r.call("201", "+15550100")
	r.expect(id, "originated 201 connected out other=+15550100",
		"failed 201 failed out other=+15550100 cause=busy",
		"cleared 201 cleared out other=+15550100 cause=busy")
}
