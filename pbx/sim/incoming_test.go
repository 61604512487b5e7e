package sim

import (
	"strings"
	"testing"
	"time"

	"github.com/deskline/deskline/pbx"
)

func TestIncomingAnswered(t *testing.T) {
	r := newRig(t, nil)
	id := r.ring("201")
	if id != "c-000001" {
		t.Fatalf("call id %q, want c-000001", id)
	}
	r.expect(id, "delivered 201 alerting in other="+jane)
	r.expectCalls("c-000001 201 alerting in other=" + jane + " since=0s answered=false")

	r.clk.Advance(5 * time.Second)
	r.ok(r.x.Answer(r.ctx, id, "201"))
	r.expect(id, "established 201 connected in other="+jane+" answeredBy=201")
	r.expectCalls("c-000001 201 connected in other=" + jane + " since=5s answered=true")

	r.ok(r.x.Clear(r.ctx, id, "201"))
	r.expect(id, "cleared 201 cleared in other="+jane+" cause=normal")
	r.expectCalls()
	if n := r.clk.Pending(); n != 0 {
		t.Fatalf("%d timers left", n)
	}
}

func TestIncomingRejected(t *testing.T) {
	r := newRig(t, nil)
	id := r.ring("201")
	r.expect(id, "delivered 201 alerting in other="+jane)
	r.ok(r.x.Clear(r.ctx, id, "201"))
	r.expect(id, "cleared 201 cleared in other="+jane+" cause=rejected")
	r.expectCalls()
}

func TestIncomingMissed(t *testing.T) {
	r := newRig(t, nil)
	id := r.ring("201")
	r.expect(id, "delivered 201 alerting in other="+jane)
	r.clk.Advance(30*time.Second - time.Nanosecond)
	r.quiet()
	r.clk.Advance(time.Second)
	ev := r.next()
	if got := format(ev); got != "cleared 201 cleared in other="+jane+" cause=no-answer" {
		t.Fatalf("got %s", got)
	}
	if !ev.Time.Equal(t0.Add(30 * time.Second)) {
		t.Fatalf("time %v, want the timeout's", ev.Time)
	}
	r.quiet()
	r.fails(r.x.Answer(r.ctx, id, "201"), pbx.ErrNoSuchCall)
}

func TestNoAnswerTimeoutConfigured(t *testing.T) {
	r := newRig(t, func(c *Config) { c.NoAnswerTimeout = 5 * time.Second })
	id := r.ring("201")
	r.expect(id, "delivered 201 alerting in other="+jane)
	r.clk.Advance(5 * time.Second)
	r.expect(id, "cleared 201 cleared in other="+jane+" cause=no-answer")
}

func TestRemoteHangup(t *testing.T) {
	r := newRig(t, nil)
	id := r.ring("201")
	r.ok(r.x.Answer(r.ctx, id, "201"))
	r.expect(id, "delivered 201 alerting in other="+jane,
		"established 201 connected in other="+jane+" answeredBy=201")
	r.ok(r.x.HangupRemote(r.ctx, id))
	r.expect(id, "cleared 201 cleared in other="+jane+" cause=normal")
	r.fails(r.x.HangupRemote(r.ctx, id), pbx.ErrNoSuchCall)

	// The caller gives up while it still rings: a missed call.
	id = r.ring("201")
	r.ok(r.x.HangupRemote(r.ctx, id))
	r.expect(id, "delivered 201 alerting in other="+jane,
		"cleared 201 cleared in other="+jane+" cause=normal")
}

func TestWithheldCaller(t *testing.T) {
	r := newRig(t, nil)
	id, err := r.x.Ring(r.ctx, "201", pbx.Party{})
	r.ok(err)
	r.expect(id, "delivered 201 alerting in")
}

func TestAutoAnswer(t *testing.T) {
	r := newRig(t, nil)
	r.ok(r.x.SetBehaviour("201", Behaviour{AnswerAfter: 3 * time.Second}))
	id := r.ring("201")
	r.expect(id, "delivered 201 alerting in other="+jane)
	r.clk.Advance(3 * time.Second)
	r.expect(id, "established 201 connected in other="+jane+" answeredBy=201")
	r.clk.Advance(time.Minute) // the no-answer timer is gone
	r.quiet()

	// NeverAnswer wins over AnswerAfter.
	r.ok(r.x.SetBehaviour("202", Behaviour{AnswerAfter: time.Second, NeverAnswer: true}))
	id = r.ring("202")
	r.expect(id, "delivered 202 alerting in other="+jane)
	r.clk.Advance(30 * time.Second)
	r.expect(id, "cleared 202 cleared in other="+jane+" cause=no-answer")
}

func TestAutoAnswerFromConfig(t *testing.T) {
	r := newRig(t, func(c *Config) { c.Devices[0].Behaviour.AnswerAfter = time.Second })
	id := r.ring("201")
	r.clk.Advance(time.Second)
	r.expect(id, "delivered 201 alerting in other="+jane,
		"established 201 connected in other="+jane+" answeredBy=201")
}

func TestRefusedCalls(t *testing.T) {
	cases := []struct {
		name  string
		setup func(r *rig)
		cause pbx.Cause
		told  bool // 201 is told of the call it refused (do-not-disturb)
	}{
		{"busy", func(r *rig) { r.ok(r.x.SetBehaviour("201", Behaviour{Busy: true})) }, pbx.CauseBusy, false},
		{"reject", func(r *rig) { r.ok(r.x.SetBehaviour("201", Behaviour{Reject: true})) }, pbx.CauseRejected, false},
		{"unregistered", func(r *rig) {
			r.ok(r.x.SetRegistered(r.ctx, "201", false))
			r.expect("", `device-state 201 dnd=false fwd="" reg=false`)
		}, pbx.CauseUnreachable, false},
		{"dnd", func(r *rig) {
			r.ok(r.x.SetDND(r.ctx, "201", true))
			r.expect("", `device-state 201 dnd=true fwd="" reg=true`)
		}, pbx.CauseDoNotDisturb, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := newRig(t, nil)
			tc.setup(r)
			// From outside: 201 gets nothing, unless it is told of a
			// refusal by do-not-disturb (diverted, without a to).
			id := r.ring("201")
			c := " cause=" + string(tc.cause)
			var told []string
			if tc.told {
				told = []string{"diverted 201 cleared in other=" + jane + c}
			}
			r.expect(id, told...)
			r.expectCalls()
			// From 202: failed, then cleared, with the cause.
			id = r.call("202", "201")
			want := []string{"originated 202 connected out other=201(Alice)"}
			if tc.told {
				want = append(want, "diverted 201 cleared in other=202(Bob)"+c)
			}
			r.expect(id, append(want, "failed 202 failed out other=201(Alice)"+c,
				"cleared 202 cleared out other=201(Alice)"+c)...)
			r.expectCalls()
		})
	}
}

// By default call ids are random: none repeats, and none says how many
// calls came before it.
func TestCallIDsAreRandomByDefault(t *testing.T) {
	r := newRig(t, func(c *Config) { c.SequentialIDs = false })
	seen := map[pbx.CallID]bool{}
	for i := 1; i <= 5; i++ {
		id, err := r.x.Ring(r.ctx, "201", pbx.Party{Number: "+49301234567"})
		if err != nil {
			t.Fatal(err)
		}
		if seen[id] || id == callID(uint64(i)) || len(id) != len("c-")+26 || strings.ContainsAny(string(id), "0189") {
			t.Fatalf("call %d has id %q (seen before: %v)", i, id, seen[id])
		}
		seen[id] = true
	}
}
