package app

import (
	"context"
	"errors"
	"testing"

	"github.com/deskline/deskline/ctiproto"
	"github.com/deskline/deskline/internal/testoffice"
	"github.com/deskline/deskline/pbx"
)

// newReception is the test office with a switchboard (testoffice.StartReception):
// rita at 202 watches everyone, ann watches 203 without parties.
func newReception(t *testing.T) *office {
	t.Helper()
	return &office{Office: testoffice.StartReception(t, nil), t: t}
}

// switchboardDesk logs user in on a desk that shows presence.
func (o *office) switchboardDesk(user string) *desk {
	o.t.Helper()
	d := o.desk(user)
	if err := d.ShowPresence(context.Background(), true); err != nil {
		o.t.Fatal(err)
	}
	d.login()
	d.waitFor("colleagues", func(s State) bool { return len(s.Switchboard.Colleagues) > 0 })
	return d
}

func colleagueIn(s State, dev string) Colleague {
	c, _ := s.Switchboard.Colleague(dev)
	return c
}

// The reception sees every phone, who rings where, and the Front desk
// queue; a team member sees Bob's phone only, and never who calls.
func TestSwitchboardSeesColleaguesLive(t *testing.T) {
	o := newReception(t)
	rita, ann := o.switchboardDesk("rita"), o.switchboardDesk("ann")
	s := rita.State()
	if !s.Reception || ann.State().Reception {
		t.Errorf("reception: rita %v, ann %v; want rita only", s.Reception, ann.State().Reception)
	}
	if got := len(s.Switchboard.Colleagues); got != 5 {
		t.Fatalf("rita sees %d devices, want all 5: %+v", got, s.Switchboard.Colleagues)
	}
	if c := colleagueIn(s, "203"); c.Label() != "Bob" || c.Status != ctiproto.StatusIdle {
		t.Fatalf("bob's phone: %+v", c)
	}
	o.ring("203", "+4930999", "Jane Doe")
	s = rita.waitFor("203 ringing", func(s State) bool { return colleagueIn(s, "203").Status == ctiproto.StatusRinging })
	if c := colleagueIn(s, "203"); c.Who != "Jane Doe" || c.Number != "+4930999" {
		t.Fatalf("rita sees 203 ringing from %q (%q), want Jane Doe", c.Who, c.Number)
	}
	s = ann.waitFor("203 ringing", func(s State) bool { return colleagueIn(s, "203").Status == ctiproto.StatusRinging })
	if len(s.Switchboard.Colleagues) != 1 || colleagueIn(s, "203").Who != "" {
		t.Fatalf("ann sees %+v, want 203 only and nobody's caller", s.Switchboard.Colleagues)
	}
	o.ring("600", "+4930888", "Queue Caller")
	s = rita.waitFor("a caller waits in Front desk", func(s State) bool {
		return len(s.Switchboard.Queues) > 0 && len(s.Switchboard.Queues[0].Waiting) == 1
	})
	if q := s.Switchboard.Queues[0]; q.Label() != "Front desk" || q.Waiting[0].Who != "Queue Caller" {
		t.Fatalf("queue %+v", q)
	}
}

// A desk that turns the switchboard off forgets what it saw and stops
// getting presence; on again, it has the lists back.
func TestShowPresenceOffAndOn(t *testing.T) {
	o := newReception(t)
	rita := o.switchboardDesk("rita")
	ctx := context.Background()
	if err := rita.ShowPresence(ctx, false); err != nil {
		t.Fatal(err)
	}
	if s := rita.State(); s.Switchboard.Watching || len(s.Switchboard.Colleagues) != 0 {
		t.Fatalf("after off: %+v", s.Switchboard)
	}
	if err := rita.ShowPresence(ctx, true); err != nil {
		t.Fatal(err)
	}
	rita.waitFor("colleagues again", func(s State) bool { return len(s.Switchboard.Colleagues) == 5 })
}

// The lists are never stale: what changed while the desk was cut off
// (resume) or the server restarted (new epoch: watch again) is there.
func TestPresenceSurvivesReconnects(t *testing.T) {
	o := newReception(t)
	rita := o.switchboardDesk("rita")
	o.Stop()
	rita.waitFor("disconnected", func(s State) bool { return s.Status != StatusConnected })
	o.Restart(false)
	o.ring("203", "+4930999", "Jane Doe")
	rita.waitFor("203 ringing after the restart", func(s State) bool {
		return s.Status == StatusConnected && colleagueIn(s, "203").Status == ctiproto.StatusRinging
	})
	rita.dropLink()
	o.ring("201", "+4930777", "Max")
	rita.waitFor("201 ringing after the resume", func(s State) bool {
		return s.Status == StatusConnected && colleagueIn(s, "201").Status == ctiproto.StatusRinging
	})
}

// The reception takes a call ringing at Bob's phone: it is hers, and Bob's
// tile is free again.
func TestPickupFromAColleague(t *testing.T) {
	o := newReception(t)
	rita := o.switchboardDesk("rita")
	call := string(o.ring("203", "+4930999", "Jane Doe"))
	rita.waitFor("203 ringing", func(s State) bool { return colleagueIn(s, "203").Status == ctiproto.StatusRinging })
	got, err := rita.Pickup(context.Background(), "203", "")
	if err != nil {
		t.Fatal(err)
	}
	if got != call {
		t.Fatalf("picked up %s, want %s", got, call)
	}
	rita.waitFor("the call is rita's and 203 is free", func(s State) bool {
		c, ok := callIn(s, call)
		return ok && c.Answered && c.Display == "Jane Doe" && colleagueIn(s, "203").Status == ctiproto.StatusIdle
	})
	// Ann may not act on the reception's phone.
	ann := o.desk("ann")
	ann.login()
	ann.waitFor("connected", func(s State) bool { return s.Status == StatusConnected })
	o.ring("202", "+4930555", "")
	var ae *ActionError
	if _, err := ann.Pickup(context.Background(), "202", ""); !errors.As(err, &ae) || ae.Code != ctiproto.CodeForbidden {
		t.Fatalf("ann picking up at 202: %v, want forbidden", err)
	}
}

// An announced transfer: the caller waits on hold while the reception
// talks to Bob; back to the caller, then again and complete.
func TestConsultCancelThenComplete(t *testing.T) {
	o := newReception(t)
	rita := o.switchboardDesk("rita")
	ctx := context.Background()
	call := string(o.ring("202", "+4930999", "Jane Doe"))
	rita.waitFor("ringing", func(s State) bool { return len(s.Ringing()) == 1 })
	if err := rita.Answer(ctx, call); err != nil {
		t.Fatal(err)
	}
	rita.waitFor("talking", func(s State) bool { c, _ := callIn(s, call); return c.Answered })
	consult := func() string {
		t.Helper()
		if err := rita.Consult(ctx, call, "203"); err != nil {
			t.Fatal(err)
		}
		s := rita.waitFor("consulting", func(s State) bool {
			c, _ := callIn(s, call)
			return s.Switchboard.Consult != nil && c.State == ctiproto.StateHeld
		})
		k := s.Switchboard.Consult
		if k.Held != call || k.Consulted == "" || k.To != "203" {
			t.Fatalf("consultation %+v", k)
		}
		if err := o.Sim.Answer(ctx, pbx.CallID(k.Consulted), "203"); err != nil {
			t.Fatal(err)
		}
		rita.waitFor("bob answered", func(s State) bool { c, _ := callIn(s, k.Consulted); return c.Answered })
		return k.Consulted
	}
	consult()
	if err := rita.ConsultCancel(ctx); err != nil {
		t.Fatal(err)
	}
	rita.waitFor("back to the caller", func(s State) bool {
		c, _ := callIn(s, call)
		return s.Switchboard.Consult == nil && c.State == ctiproto.StateConnected && len(s.Calls) == 1
	})
	consult()
	if err := rita.ConsultComplete(ctx); err != nil {
		t.Fatal(err)
	}
	rita.waitFor("handed over", func(s State) bool {
		return len(s.Calls) == 0 && s.Switchboard.Consult == nil && colleagueIn(s, "203").Who == "Jane Doe"
	})
	if err := rita.ConsultComplete(ctx); err != ErrNoConsultation {
		t.Fatalf("a step with no consultation: %v", err)
	}
}

// A parked call is listed with its slot and caller, and taken back.
func TestParkAndTakeBack(t *testing.T) {
	o := newReception(t)
	rita := o.switchboardDesk("rita")
	ctx := context.Background()
	call := string(o.ring("202", "+4930999", "Jane Doe"))
	rita.waitFor("ringing", func(s State) bool { return len(s.Ringing()) == 1 })
	if err := rita.Answer(ctx, call); err != nil {
		t.Fatal(err)
	}
	rita.waitFor("talking", func(s State) bool { c, _ := callIn(s, call); return c.Answered })
	slot, err := rita.Park(ctx, call, "")
	if err != nil {
		t.Fatal(err)
	}
	s := rita.waitFor("parked", func(s State) bool { return len(s.Switchboard.Parked) == 1 && len(s.Calls) == 0 })
	if p := s.Switchboard.Parked[0]; p.Slot != slot || p.Who != "Jane Doe" || !p.Mine || p.Call != call {
		t.Fatalf("parked %+v, want Jane Doe in %s", p, slot)
	}
	got, err := rita.Unpark(ctx, slot)
	if err != nil {
		t.Fatal(err)
	}
	rita.waitFor("taken back", func(s State) bool {
		c, ok := callIn(s, got)
		return ok && c.Answered && len(s.Switchboard.Parked) == 0
	})
}

// Turned on while the desk is cut off, the switchboard fills once the
// desk is back, even when the server resumes the session (no lists in a
// resumed welcome): the desk watches because it has none.
func TestSwitchboardOnWhileCutOff(t *testing.T) {
	o := newReception(t)
	rita := o.desk("rita")
	rita.login()
	rita.waitFor("connected", func(s State) bool { return s.Status == StatusConnected })
	rita.dropLink()
	if err := rita.ShowPresence(context.Background(), true); err != nil {
		t.Fatal(err)
	}
	rita.waitFor("colleagues after the resume", func(s State) bool {
		return s.Status == StatusConnected && len(s.Switchboard.Colleagues) == 5
	})
}
