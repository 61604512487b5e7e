package sim

import (
	"testing"
	"time"

	"github.com/deskline/deskline/pbx"
)

func TestGroupPickedUpElsewhere(t *testing.T) {
	r := newRig(t, nil)
	id := r.ring("600")
	r.expect(id, "delivered 202 alerting in other="+jane,
		"delivered 203 alerting in other="+jane,
		"delivered 204 alerting in other="+jane)
	r.expectCalls("c-000001 202 alerting in other="+jane+" since=0s answered=false",
		"c-000001 203 alerting in other="+jane+" since=0s answered=false",
		"c-000001 204 alerting in other="+jane+" since=0s answered=false")
	r.ok(r.x.Answer(r.ctx, id, "203"))
	r.expect(id, "established 203 connected in other="+jane+" answeredBy=203",
		"cleared 202 cleared in other="+jane+" cause=picked-up-elsewhere",
		"cleared 204 cleared in other="+jane+" cause=picked-up-elsewhere")
	r.expectCalls("c-000001 203 connected in other=" + jane + " since=0s answered=true")
}

func TestGroupInternalCaller(t *testing.T) {
	r := newRig(t, nil)
	r.ok(r.x.SetDND(r.ctx, "204", true))
	id := r.call("202", "600") // 202 is a member: it does not ring itself
	r.expect(id, `device-state 204 dnd=true fwd="" reg=true`,
		"originated 202 connected out other=600(Sales)",
		"delivered 203 alerting in other=202(Bob)")
	r.ok(r.x.Answer(r.ctx, id, "203"))
	r.expect(id, "established 203 connected in other=202(Bob) answeredBy=203",
		"established 202 connected out other=203(Carol) answeredBy=203")
}

func TestGroupNoAnswer(t *testing.T) {
	r := newRig(t, nil)
	id := r.call("201", "600")
	r.clk.Advance(30 * time.Second)
	r.expect(id, "originated 201 connected out other=600(Sales)",
		"delivered 202 alerting in other=201(Alice)",
		"delivered 203 alerting in other=201(Alice)",
		"delivered 204 alerting in other=201(Alice)",
		"cleared 201 cleared out other=600(Sales) cause=no-answer",
		"cleared 202 cleared in other=201(Alice) cause=no-answer",
		"cleared 203 cleared in other=201(Alice) cause=no-answer",
		"cleared 204 cleared in other=201(Alice) cause=no-answer")
}

func TestGroupRejectAndDeflect(t *testing.T) {
	r := newRig(t, nil)
	id := r.call("201", "600")
	r.ok(r.x.Clear(r.ctx, id, "202")) // one declines, the others ring on
	r.ok(r.x.Deflect(r.ctx, id, "203", "+4940555"))
	r.expect(id, "originated 201 connected out other=600(Sales)",
		"delivered 202 alerting in other=201(Alice)",
		"delivered 203 alerting in other=201(Alice)",
		"delivered 204 alerting in other=201(Alice)",
		"cleared 202 cleared in other=201(Alice) cause=rejected",
		"diverted 203 cleared in other=201(Alice) cause=deflected to=+4940555",
		"cleared 204 cleared in other=201(Alice) cause=picked-up-elsewhere")
	r.clk.Advance(2 * time.Second)
	r.expect(id, "established 201 connected out other=+4940555 answeredBy=+4940555")
	r.ok(r.x.HangupRemote(r.ctx, id))
	r.expect(id, "cleared 201 cleared out other=+4940555 cause=normal")

	// Everyone declines: the caller fails with rejected.
	id = r.ring("600")
	for _, m := range []string{"204", "202", "203"} {
		r.ok(r.x.Clear(r.ctx, id, m))
	}
	r.expect(id, "delivered 202 alerting in other="+jane,
		"delivered 203 alerting in other="+jane,
		"delivered 204 alerting in other="+jane,
		"cleared 204 cleared in other="+jane+" cause=rejected",
		"cleared 202 cleared in other="+jane+" cause=rejected",
		"cleared 203 cleared in other="+jane+" cause=rejected")
	r.expectCalls()
}

func TestGroupAutoAnswer(t *testing.T) {
	r := newRig(t, func(c *Config) {
		c.Devices[2].Behaviour.AnswerAfter = 4 * time.Second // 203
		c.Devices[3].Behaviour.AnswerAfter = 3 * time.Second // 204 is quicker
	})
	id := r.ring("600")
	r.clk.Advance(10 * time.Second)
	r.expect(id, "delivered 202 alerting in other="+jane,
		"delivered 203 alerting in other="+jane,
		"delivered 204 alerting in other="+jane,
		"established 204 connected in other="+jane+" answeredBy=204",
		"cleared 202 cleared in other="+jane+" cause=picked-up-elsewhere",
		"cleared 203 cleared in other="+jane+" cause=picked-up-elsewhere")
}

func TestGroupNobodyAvailable(t *testing.T) {
	r := newRig(t, nil)
	r.ok(r.x.SetDND(r.ctx, "202", true))
	r.ok(r.x.SetBehaviour("203", Behaviour{Busy: true}))
	r.ok(r.x.SetRegistered(r.ctx, "204", false))
	id := r.call("201", "600")
	r.expect(id, `device-state 202 dnd=true fwd="" reg=true`,
		`device-state 204 dnd=false fwd="" reg=false`,
		"originated 201 connected out other=600(Sales)",
		"failed 201 failed out other=600(Sales) cause=busy",
		"cleared 201 cleared out other=600(Sales) cause=busy")
	for _, m := range []string{"202", "203"} {
		r.ok(r.x.SetRegistered(r.ctx, m, false))
	}
	id = r.call("201", "600")
	r.expect(id, `device-state 202 dnd=true fwd="" reg=false`,
		`device-state 203 dnd=false fwd="" reg=false`,
		"originated 201 connected out other=600(Sales)",
		"failed 201 failed out other=600(Sales) cause=unreachable",
		"cleared 201 cleared out other=600(Sales) cause=unreachable")
}

// Every member a ring group rings is told which group the call came
// through and since when the caller waits (issue 13 item 8), and so is a
// snapshot; a call to a member's own number is not.
func TestGroupNamesItselfOnTheCall(t *testing.T) {
	r := newRig(t, nil)
	r.clk.Advance(5 * time.Second)
	id := r.ring("600")
	want := pbx.Queue{Name: "Sales", Number: "600", Joined: t0.Add(5 * time.Second)}
	for range 3 {
		ev := r.next()
		if ev.Kind != pbx.EvDelivered || ev.Queue == nil || *ev.Queue != want {
			r.t.Fatalf("%s: queue %+v, want %+v", format(ev), ev.Queue, want)
		}
	}
	r.clk.Advance(7 * time.Second)
	r.ok(r.x.Answer(r.ctx, id, "203"))
	calls, err := r.x.Calls(r.ctx)
	if err != nil || len(calls) != 1 || calls[0].Queue == nil || *calls[0].Queue != want {
		t.Fatalf("Calls = %+v, %v; want 203's answered connection with the Sales queue", calls, err)
	}
	direct := r.call("201", "202")
	for {
		ev := r.next()
		if ev.Call == direct && ev.Queue != nil {
			t.Fatalf("%s: a direct call carries queue %+v", format(ev), ev.Queue)
		}
		if ev.Call == direct && ev.Kind == pbx.EvDelivered {
			break
		}
	}
}

// The ring groups are the exchange's queues (pbx.QueueLister), with their
// members, for the server's queue watchers.
func TestGroupsAreQueues(t *testing.T) {
	r := newRig(t, nil)
	qs := r.x.Queues()
	if len(qs) != 1 || qs[0].Number != "600" || qs[0].Name != "Sales" || len(qs[0].Members) != 3 ||
		qs[0].Members[0] != "202" || qs[0].Members[1] != "203" || qs[0].Members[2] != "204" {
		t.Fatalf("Queues() = %+v", qs)
	}
}
