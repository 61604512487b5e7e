package sim

import (
	"testing"
	"time"

	"github.com/deskline/deskline/pbx"
)

// Pickup: Jane rings 202; 201 takes the call. 201's pop names Jane before
// (delivered) and after (established); 202's ringing is withdrawn.
func TestPickup(t *testing.T) {
	r := newRig(t, nil)
	id := r.ring("202")
	r.expect(id, "delivered 202 alerting in other="+jane)
	got, err := r.x.Pickup(r.ctx, "", "201", "202")
	r.ok(err)
	if got != id {
		t.Fatalf("pickup returned %s, want %s", got, id)
	}
	r.expect(id, "delivered 201 alerting in other="+jane,
		"established 201 connected in other="+jane+" answeredBy=201",
		"cleared 202 cleared in other="+jane+" cause=picked-up-elsewhere")
	r.expectCalls("c-000001 201 connected in other=" + jane + " since=0s answered=true")
	r.ok(r.x.Clear(r.ctx, id, "201"))
	r.expect(id, "cleared 201 cleared in other="+jane+" cause=normal")
}

// Picking up from a ring group member takes the call from every member;
// the picker's pop says which group it came through.
func TestPickupFromGroup(t *testing.T) {
	r := newRig(t, nil)
	id := r.ring("600")
	r.expect(id, "delivered 202 alerting in other="+jane, "delivered 203 alerting in other="+jane,
		"delivered 204 alerting in other="+jane)
	_, err := r.x.Pickup(r.ctx, id, "201", "203")
	r.ok(err)
	ev := r.next()
	if ev.Kind != pbx.EvDelivered || ev.Device != "201" || ev.Queue == nil || ev.Queue.Name != "Sales" {
		t.Fatalf("picker's pop: %s queue %+v", format(ev), ev.Queue)
	}
	r.expect(id, "established 201 connected in other="+jane+" answeredBy=201",
		"cleared 202 cleared in other="+jane+" cause=picked-up-elsewhere",
		"cleared 203 cleared in other="+jane+" cause=picked-up-elsewhere",
		"cleared 204 cleared in other="+jane+" cause=picked-up-elsewhere")
}

// A call answered meanwhile, a device where nothing rings, a call that is
// gone: each a clear error, and the call goes on untouched.
func TestPickupRefused(t *testing.T) {
	r := newRig(t, nil)
	id := r.ring("202")
	r.ok(r.x.Answer(r.ctx, id, "202"))
	r.expect(id, "delivered 202 alerting in other="+jane, "established 202 connected in other="+jane+" answeredBy=202")
	_, err := r.x.Pickup(r.ctx, id, "201", "202")
	r.fails(err, pbx.ErrInvalidState)
	_, err = r.x.Pickup(r.ctx, "", "201", "202")
	r.fails(err, pbx.ErrNoSuchCall)
	_, err = r.x.Pickup(r.ctx, "c-999999", "201", "202")
	r.fails(err, pbx.ErrNoSuchCall)
	_, err = r.x.Pickup(r.ctx, id, "202", "202")
	r.fails(err, pbx.ErrInvalidState)
	_, err = r.x.Pickup(r.ctx, id, "201", "999")
	r.fails(err, pbx.ErrNoSuchDevice)
	r.quiet()
	r.expectCalls("c-000001 202 connected in other=" + jane + " since=0s answered=true")
}

// consulting: Jane talks to 201, who consults 202.
func (r *rig) consulting(noAnswer time.Duration) (held, cons pbx.CallID) {
	r.t.Helper()
	held = r.ring("201")
	r.ok(r.x.Answer(r.ctx, held, "201"))
	r.expect(held, "delivered 201 alerting in other="+jane, "established 201 connected in other="+jane+" answeredBy=201")
	cons, err := r.x.Consult(r.ctx, held, "201", "202", noAnswer)
	r.ok(err)
	r.expectMixed("c-000001 held 201 held in other="+jane+" by=201",
		"c-000002 originated 201 connected out other=202(Bob)",
		"c-000002 delivered 202 alerting in other=201(Alice)")
	return held, cons
}

// Consult, 202 answers, complete: Jane and Bob talk, in Jane's call; both
// stayers are told whom they talk to (the attended-transfer events).
func TestConsultComplete(t *testing.T) {
	r := newRig(t, nil)
	held, cons := r.consulting(0)
	r.fails(r.x.CompleteConsult(r.ctx, cons, "201"), pbx.ErrInvalidState) // 202 still rings
	r.ok(r.x.Answer(r.ctx, cons, "202"))
	r.expectMixed("c-000002 established 202 connected in other=201(Alice) answeredBy=202",
		"c-000002 established 201 connected out other=202(Bob) answeredBy=202")
	r.ok(r.x.CompleteConsult(r.ctx, held, "201"))
	r.expectMixed(`c-000001 transferred 201 cleared in other=`+jane+` cause=transferred by=201 to=202`,
		"c-000001 cleared 201 cleared in other="+jane+" cause=transferred",
		`c-000002 transferred 201 cleared out other=202(Bob) cause=transferred by=201 to=202 new="c-000001"`,
		"c-000002 cleared 201 cleared out other=202(Bob) cause=transferred",
		`c-000002 transferred 202 connected in other=`+jane+` by=201 to=+49301234567 new="c-000001"`)
	r.expectCalls("c-000001 202 connected in other=" + jane + " since=0s answered=true")
	r.ok(r.x.Clear(r.ctx, held, "202"))
	r.expect(held, "cleared 202 cleared in other="+jane+" cause=normal")
	r.expectCalls()
}

// Cancel hangs up the consultation and retrieves the caller; swap goes
// back and forth.
func TestConsultSwapAndCancel(t *testing.T) {
	r := newRig(t, nil)
	held, cons := r.consulting(0)
	r.fails(r.x.SwapConsult(r.ctx, cons, "201"), pbx.ErrInvalidState) // not answered yet
	r.ok(r.x.Answer(r.ctx, cons, "202"))
	r.expectMixed("c-000002 established 202 connected in other=201(Alice) answeredBy=202",
		"c-000002 established 201 connected out other=202(Bob) answeredBy=202")
	r.ok(r.x.SwapConsult(r.ctx, cons, "201"))
	r.expectMixed("c-000002 held 201 held out other=202(Bob) by=201",
		"c-000002 held 202 connected in other=201(Alice) by=201",
		"c-000001 retrieved 201 connected in other="+jane+" by=201")
	r.ok(r.x.SwapConsult(r.ctx, held, "201"))
	r.expectMixed("c-000001 held 201 held in other="+jane+" by=201",
		"c-000002 retrieved 201 connected out other=202(Bob) by=201",
		"c-000002 retrieved 202 connected in other=201(Alice) by=201")
	r.ok(r.x.CancelConsult(r.ctx, cons, "201"))
	r.expectMixed("c-000002 cleared 201 cleared out other=202(Bob) cause=normal",
		"c-000002 cleared 202 cleared in other=201(Alice) cause=normal",
		"c-000001 retrieved 201 connected in other="+jane+" by=201")
	r.expectCalls("c-000001 201 connected in other=" + jane + " since=0s answered=true")
	// The consultation is over: another may start.
	r.fails(r.x.CancelConsult(r.ctx, held, "201"), pbx.ErrInvalidState)
}

// The consulted party does not answer in time: the consultation ends and
// the caller is retrieved.
func TestConsultNoAnswer(t *testing.T) {
	r := newRig(t, nil)
	r.consulting(20 * time.Second)
	r.clk.Advance(20 * time.Second)
	r.expectMixed("c-000002 cleared 201 cleared out other=202(Bob) cause=no-answer",
		"c-000002 cleared 202 cleared in other=201(Alice) cause=no-answer",
		"c-000001 retrieved 201 connected in other="+jane+" by=201")
}

// A busy target changes nothing; completing after the caller hung up is
// refused and the consultation goes on (no call lost).
func TestConsultRefused(t *testing.T) {
	r := newRig(t, func(c *Config) { c.Devices[2].Behaviour = Behaviour{Busy: true} })
	held := r.ring("201")
	r.ok(r.x.Answer(r.ctx, held, "201"))
	r.expect(held, "delivered 201 alerting in other="+jane, "established 201 connected in other="+jane+" answeredBy=201")
	_, err := r.x.Consult(r.ctx, held, "201", "203", 0)
	r.fails(err, pbx.ErrBusy)
	_, err = r.x.Consult(r.ctx, held, "201", "not a number", 0)
	r.fails(err, pbx.ErrInvalidNumber)
	r.quiet()
	r.expectCalls("c-000001 201 connected in other=" + jane + " since=0s answered=true")

	cons, err := r.x.Consult(r.ctx, held, "201", "202", 0)
	r.ok(err)
	_, err = r.x.Consult(r.ctx, held, "201", "204", 0)
	r.fails(err, pbx.ErrInvalidState) // one consultation at a time
	r.ok(r.x.Answer(r.ctx, cons, "202"))
	r.ok(r.x.HangupRemote(r.ctx, held))
	r.fails(r.x.CompleteConsult(r.ctx, cons, "201"), pbx.ErrInvalidState)
	r.fails(r.x.CompleteConsult(r.ctx, held, "201"), pbx.ErrNoSuchCall)
	r.expectMixed("c-000001 held 201 held in other="+jane+" by=201",
		"c-000003 originated 201 connected out other=202(Bob)",
		"c-000003 delivered 202 alerting in other=201(Alice)",
		"c-000003 established 202 connected in other=201(Alice) answeredBy=202",
		"c-000003 established 201 connected out other=202(Bob) answeredBy=202",
		"c-000001 cleared 201 cleared in other="+jane+" cause=normal")
	// 201 and 202 still talk; cancel just hangs up.
	r.ok(r.x.CancelConsult(r.ctx, cons, "201"))
	r.expectMixed("c-000003 cleared 201 cleared out other=202(Bob) cause=normal",
		"c-000003 cleared 202 cleared in other=201(Alice) cause=normal")
	r.expectCalls()
}

func parkRig(t *testing.T) *rig {
	return newRig(t, func(c *Config) {
		c.ParkSlots = []string{"701", "702"}
		c.ParkTime = 45 * time.Second
	})
}

// Park into the next free slot, list it, retrieve it at another device.
func TestParkAndUnpark(t *testing.T) {
	r := parkRig(t)
	id := r.ring("201")
	r.ok(r.x.Answer(r.ctx, id, "201"))
	r.expect(id, "delivered 201 alerting in other="+jane, "established 201 connected in other="+jane+" answeredBy=201")
	r.clk.Advance(time.Second)
	slot, err := r.x.Park(r.ctx, id, "201", "")
	r.ok(err)
	if slot != "701" {
		t.Fatalf("slot %q, want 701", slot)
	}
	r.expect(id, "transferred 201 cleared in other="+jane+" cause=transferred by=201 to=701",
		"cleared 201 cleared in other="+jane+" cause=transferred",
		"parked 201 slot=701 caller="+jane+" parkedBy=201 since=1s")
	ps, err := r.x.Parked(r.ctx)
	r.ok(err)
	if len(ps) != 1 || ps[0].Slot != "701" || ps[0].Call != id || ps[0].Caller.Name != "Jane Doe" {
		t.Fatalf("Parked() = %+v", ps)
	}
	_, err = r.x.Park(r.ctx, id, "201", "")
	r.fails(err, pbx.ErrNoSuchCall) // 201 is no longer in it

	got, err := r.x.Unpark(r.ctx, "701", "203", "")
	r.ok(err)
	if got != id {
		t.Fatalf("unpark returned %s", got)
	}
	r.expect(id, "unparked 201 by=203 slot=701 caller="+jane+" parkedBy=201 since=1s",
		"delivered 203 alerting in other="+jane,
		"established 203 connected in other="+jane+" answeredBy=203")
	if ps, _ := r.x.Parked(r.ctx); len(ps) != 0 {
		t.Fatalf("still parked: %+v", ps)
	}
}

// A taken slot, an empty one, an unknown one: clear errors, nothing lost.
// A parked caller who hangs up frees the slot.
func TestParkRefused(t *testing.T) {
	r := parkRig(t)
	a := r.ring("201")
	r.ok(r.x.Answer(r.ctx, a, "201"))
	_, err := r.x.Park(r.ctx, a, "201", "701")
	r.ok(err)
	b := r.ring("202")
	r.ok(r.x.Answer(r.ctx, b, "202"))
	_, err = r.x.Park(r.ctx, b, "202", "701")
	r.fails(err, pbx.ErrSlotTaken)
	_, err = r.x.Park(r.ctx, b, "202", "799")
	r.fails(err, pbx.ErrInvalidNumber)
	_, err = r.x.Unpark(r.ctx, "702", "203", "")
	r.fails(err, pbx.ErrSlotEmpty)
	_, err = r.x.Unpark(r.ctx, "701", "203", "c-elsewhere") // not the call the server checked
	r.fails(err, pbx.ErrSlotEmpty)
	_, err = r.x.Unpark(r.ctx, "799", "203", "")
	r.fails(err, pbx.ErrInvalidNumber)
	r.expectMixed("c-000001 delivered 201 alerting in other="+jane,
		"c-000001 established 201 connected in other="+jane+" answeredBy=201",
		"c-000001 transferred 201 cleared in other="+jane+" cause=transferred by=201 to=701",
		"c-000001 cleared 201 cleared in other="+jane+" cause=transferred",
		"c-000001 parked 201 slot=701 caller="+jane+" parkedBy=201 since=0s",
		"c-000002 delivered 202 alerting in other="+jane,
		"c-000002 established 202 connected in other="+jane+" answeredBy=202")
	r.expectCalls("c-000002 202 connected in other=" + jane + " since=0s answered=true")
	r.ok(r.x.HangupRemote(r.ctx, a))
	r.expect(a, "unparked 201 cause=normal slot=701 caller="+jane+" parkedBy=201 since=0s")
	_, err = r.x.Park(r.ctx, b, "202", "701")
	r.ok(err)
}

// A parked call nobody takes rings back the device that parked it.
func TestParkRecall(t *testing.T) {
	r := parkRig(t)
	id := r.ring("201")
	r.ok(r.x.Answer(r.ctx, id, "201"))
	_, err := r.x.Park(r.ctx, id, "201", "702")
	r.ok(err)
	r.expect(id, "delivered 201 alerting in other="+jane,
		"established 201 connected in other="+jane+" answeredBy=201",
		"transferred 201 cleared in other="+jane+" cause=transferred by=201 to=702",
		"cleared 201 cleared in other="+jane+" cause=transferred",
		"parked 201 slot=702 caller="+jane+" parkedBy=201 since=0s")
	r.clk.Advance(44 * time.Second)
	r.quiet()
	r.clk.Advance(time.Second)
	r.expect(id, "unparked 201 cause=no-answer slot=702 caller="+jane+" parkedBy=201 since=0s",
		"delivered 201 alerting in other="+jane)
	r.ok(r.x.Answer(r.ctx, id, "201"))
	r.expect(id, "established 201 connected in other="+jane+" answeredBy=201")
}

// A recall to a device that cannot ring (do-not-disturb here) keeps the
// caller parked, not hung up; the next recall rings once it can.
func TestParkRecallKeepsTheCallerWhenItCannotRing(t *testing.T) {
	r := parkRig(t)
	id := r.ring("201")
	r.ok(r.x.Answer(r.ctx, id, "201"))
	_, err := r.x.Park(r.ctx, id, "201", "702")
	r.ok(err)
	r.expect(id, "delivered 201 alerting in other="+jane,
		"established 201 connected in other="+jane+" answeredBy=201",
		"transferred 201 cleared in other="+jane+" cause=transferred by=201 to=702",
		"cleared 201 cleared in other="+jane+" cause=transferred",
		"parked 201 slot=702 caller="+jane+" parkedBy=201 since=0s")
	r.ok(r.x.SetDND(r.ctx, "201", true))
	r.next() // 201's device-state
	r.clk.Advance(45 * time.Second)
	r.quiet()
	if ps, _ := r.x.Parked(r.ctx); len(ps) != 1 || ps[0].Call != id {
		t.Fatalf("after a recall 201 could not take, parked %+v", ps)
	}
	r.ok(r.x.SetDND(r.ctx, "201", false))
	r.next()
	r.clk.Advance(45 * time.Second)
	r.expect(id, "unparked 201 cause=no-answer slot=702 caller="+jane+" parkedBy=201 since=0s",
		"delivered 201 alerting in other="+jane)
}
