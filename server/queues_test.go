package server

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/deskline/deskline/ctiproto"
	"github.com/deskline/deskline/pbx"
	"github.com/deskline/deskline/server/config"
)

// The watch groups of the queue tests (the test office's group 600
// "Front" rings 201 and 203): ann (the reception) watches every device and
// sees parties; bob watches both members of 600, states only; carl
// watches 201 only, which does not cover the queue.
var (
	queueLeadGroup    = config.WatchGroup{Name: "front-lead", Users: []string{"bob"}, Devices: []string{"201", "203"}}
	queuePartialGroup = config.WatchGroup{Name: "partial", Users: []string{"carl"}, Devices: []string{"201"}}
)

// nextQueue reads messages until a queue-changed event and returns it;
// the call and presence events on the way are skipped.
func (c *client) nextQueue() *ctiproto.Event {
	c.t.Helper()
	for {
		m := c.next()
		if ev, ok := m.(*ctiproto.Event); ok && ev.Type == ctiproto.EventQueueChanged {
			return ev
		}
	}
}

// expectQueue reads the next queue-changed event and checks its change,
// call and the waiting calls' order; it returns the event.
func (c *client) expectQueue(change string, call string, waiting ...string) *ctiproto.Event {
	c.t.Helper()
	ev := c.nextQueue()
	if ev.Change != change || ev.Call != call || ev.QueueState == nil || ev.QueueState.Number != "600" {
		c.t.Fatalf("want queue %s of %s, got %s", change, call, dump(ev))
	}
	checkWaiting(c.t, ev.QueueState, waiting...)
	return ev
}

// checkWaiting checks that calls wait in st in this order, with positions
// from 1 and waiting times that do not decrease.
func checkWaiting(t *testing.T, st *ctiproto.QueueState, calls ...string) {
	t.Helper()
	if len(st.Waiting) != len(calls) {
		t.Fatalf("waiting %+v, want %v", st.Waiting, calls)
	}
	for i, w := range st.Waiting {
		if w.Call != calls[i] || w.Position != i+1 || w.Joined.IsZero() {
			t.Errorf("waiting[%d] = %+v, want %s at %d", i, w, calls[i], i+1)
		}
		if i > 0 && w.Joined.Before(st.Waiting[i-1].Joined) {
			t.Errorf("waiting[%d] joined %v before the one ahead (%v)", i, w.Joined, st.Waiting[i-1].Joined)
		}
	}
}

// A watcher sees two callers wait in the ring group in order, with
// positions, since when and (only where allowed) who calls; the first is
// answered by a member (answered elsewhere for the other member's desk),
// the second abandons. A watcher who sees states only never gets a
// caller, a user whose rights do not cover the queue gets nothing of it,
// and a desk that reconnects gets the queue events it missed.
func TestQueueWatchers(t *testing.T) {
	e := newEnv(t, withWatch(receptionGroup, queueLeadGroup, queuePartialGroup))
	ctx := context.Background()
	ann, bob, carl := e.login("ann"), e.login("bob"), e.login("carl")

	r := watchResult(ann, "w")
	if len(r.Queues) != 1 {
		t.Fatalf("ann watches every device, so queue 600: got %s", dump(r))
	}
	q := r.Queues[0]
	if q.Number != "600" || q.Name != "Front" || len(q.Members) != 2 ||
		q.Members[0] != (ctiproto.QueueMember{Device: "201", LoggedIn: true}) ||
		q.Members[1] != (ctiproto.QueueMember{Device: "203", LoggedIn: true}) || len(q.Waiting) != 0 {
		t.Fatalf("queue 600 in the watch result: %+v", q)
	}
	if rb := watchResult(bob, "w"); len(rb.Queues) != 1 || rb.Queues[0].Number != "600" {
		t.Fatalf("bob watches both members of 600: got %s", dump(rb))
	}
	if rc := watchResult(carl, "w"); len(rc.Queues) != 0 {
		t.Fatalf("carl watches 201 only, not the queue: got %s", dump(rc))
	}

	c1 := e.ring("600", secretNumber, secretName)
	ev := ann.expectQueue(ctiproto.QueueJoined, c1, c1)
	if w := ev.QueueState.Waiting[0]; w.Caller == nil || w.Caller.Number != secretNumber || w.Caller.Name != secretName {
		t.Errorf("the reception sees the caller: %+v", w)
	}
	joined1 := ev.QueueState.Waiting[0].Joined
	if ev := bob.expectQueue(ctiproto.QueueJoined, c1, c1); ev.QueueState.Waiting[0].Caller != nil {
		t.Errorf("bob sees states only: %s", dump(ev))
	}
	// bob drops off here and resumes later.
	bobToken, bobResume := bob.welcome.Token, ctiproto.Resume{Epoch: bob.welcome.Epoch, Seq: bob.seq}
	bob.conn.Close()

	const number2 = "+4940555222"
	c2 := e.ring("600", number2, "")
	ev = ann.expectQueue(ctiproto.QueueJoined, c2, c1, c2)
	if w := ev.QueueState.Waiting[1]; w.Caller == nil || w.Caller.Number != number2 || w.Joined.Before(joined1) {
		t.Errorf("the second caller: %+v", w)
	}

	// Bob's phone (203) answers the first caller: the reception learns by
	// whom, the second caller moves up, and ann's own phone (201), which
	// rang for it too, is told it was answered elsewhere.
	if err := e.sim.Answer(ctx, pbx.CallID(c1), "203"); err != nil {
		t.Fatal(err)
	}
	var elsewhere bool
	for {
		m := ann.next()
		ev, ok := m.(*ctiproto.Event)
		if !ok {
			t.Fatalf("unexpected %s", dump(m))
		}
		if ev.Type == ctiproto.EventCleared && ev.Call == c1 && ev.Device == "201" && ev.Cause == ctiproto.CausePickedUpElsewhere {
			elsewhere = true
		}
		if ev.Type == ctiproto.EventQueueChanged {
			if ev.Change != ctiproto.QueueAnswered || ev.Call != c1 || ev.AnsweredBy != "203" {
				t.Fatalf("want 600 answered by 203, got %s", dump(ev))
			}
			checkWaiting(t, ev.QueueState, c2)
			break
		}
	}
	// The clear of ann's phone may follow the queue's event.
	for !elsewhere {
		ev := ann.expectEventAny()
		elsewhere = ev.Type == ctiproto.EventCleared && ev.Call == c1 && ev.Device == "201" && ev.Cause == ctiproto.CausePickedUpElsewhere
	}

	// The second caller gives up.
	if err := e.sim.HangupRemote(ctx, pbx.CallID(c2)); err != nil {
		t.Fatal(err)
	}
	ev = ann.expectQueue(ctiproto.QueueAbandoned, c2)
	if ev.Cause != ctiproto.CauseNormal {
		t.Errorf("abandoned: cause %q, want normal", ev.Cause)
	}

	// Bob resumes and gets exactly the queue events he missed, in order,
	// without callers.
	back := e.resume(bobToken, &bobResume)
	if !back.welcome.Resumed {
		t.Fatalf("bob's resume: %s", dump(back.welcome))
	}
	back.seq = bobResume.Seq
	var changes []string
	for len(changes) < 3 {
		ev := back.nextQueue()
		for _, w := range ev.QueueState.Waiting {
			if w.Caller != nil {
				t.Errorf("bob sees states only, resumed: %s", dump(ev))
			}
		}
		changes = append(changes, ev.Change+" "+ev.Call)
	}
	if want := []string{"joined " + c2, "answered " + c1, "abandoned " + c2}; strings.Join(changes, ",") != strings.Join(want, ",") {
		t.Errorf("bob's replay: %v, want %v", changes, want)
	}

	// A snapshot on a connection that shows presence names the queue, now
	// empty.
	rs, _ := ann.do(&ctiproto.Simple{ID: "s", Type: ctiproto.TypeSnapshot})
	if len(rs.Queues) != 1 || len(rs.Queues[0].Waiting) != 0 {
		t.Errorf("snapshot: %s", dump(rs))
	}

	// carl's desk got nothing of the queue: his presence events of 201
	// only.
	for {
		m, err := carl.read(200 * time.Millisecond)
		if err != nil {
			break
		}
		if ev, ok := m.(*ctiproto.Event); !ok || ev.Type != ctiproto.EventPresence || ev.Presence.Device != "201" {
			t.Fatalf("carl got %s", dump(m))
		}
	}
}

// A member who logs out (its phone unregisters) and in again is a
// members change; the welcome of a connection that shows presence names
// the queue.
func TestQueueMembersLogIn(t *testing.T) {
	e := newEnv(t, withWatch(receptionGroup))
	ctx := context.Background()
	ann := e.login("ann")
	watchResult(ann, "w")
	if err := e.sim.SetRegistered(ctx, "203", false); err != nil {
		t.Fatal(err)
	}
	ev := ann.nextQueue()
	if ev.Change != ctiproto.QueueMembers || ev.QueueState.Members[1] != (ctiproto.QueueMember{Device: "203"}) {
		t.Fatalf("203 logged out: %s", dump(ev))
	}
	desk := e.dial()
	desk.send(&ctiproto.Hello{ID: "h", User: "ann", Password: "secret", Presence: true})
	w := desk.expectWelcome()
	if len(w.Queues) != 1 || w.Queues[0].Members[1].LoggedIn {
		t.Fatalf("welcome's queues: %s", dump(w))
	}
	if err := e.sim.SetRegistered(ctx, "203", true); err != nil {
		t.Fatal(err)
	}
	if ev := ann.nextQueue(); ev.Change != ctiproto.QueueMembers || !ev.QueueState.Members[1].LoggedIn {
		t.Fatalf("203 logged in: %s", dump(ev))
	}
}

// A desk that speaks deskline.v1 gets nothing of queues: no queues in the
// welcome or snapshot, no queue-changed (a restatement in its place).
func TestQueueV1DeskSeesNothingNew(t *testing.T) {
	e := newEnv(t, withWatch(receptionGroup))
	cur := e.login("ann")
	watchResult(cur, "w")
	old := e.dialVersion(ctiproto.SubprotocolV1)
	w := old.hello(&ctiproto.Hello{ID: "h", User: "ann", Password: "secret"})
	c1 := e.ring("600", secretNumber, secretName)
	cur.expectQueue(ctiproto.QueueJoined, c1, c1)
	old.expectNoQueues(w.Seq, cur.seq)
}

// expectNoQueues reads the v1 desk's events after seq up to until: each
// in turn, none of them about queues.
func (old *rawClient) expectNoQueues(seq, until uint64) {
	t := old.t
	t.Helper()
	for seq < until {
		old.conn.SetReadDeadline(time.Now().Add(5 * time.Second))
		_, data, err := old.conn.ReadMessage()
		if err != nil {
			t.Fatal(err)
		}
		if s := string(data); strings.Contains(s, "queue-changed") || strings.Contains(s, "queue_state") || strings.Contains(s, "queues") {
			t.Fatalf("the v1 desk got %s", data)
		}
		m, err := ctiproto.Decode(data)
		if err != nil {
			t.Fatal(err)
		}
		if ev, ok := m.(*ctiproto.Event); ok {
			if ev.Seq != seq+1 {
				t.Fatalf("v1 seq %d after %d", ev.Seq, seq)
			}
			seq = ev.Seq
		}
	}
}

// An exchange that restarts loses its waiting callers without a word: once
// it is back, the server reads its calls again and the queue's watchers
// get the queue as it is (refresh), never a caller waiting for ever.
func TestQueueRefreshAfterOutage(t *testing.T) {
	e := newEnv(t, withWatch(receptionGroup))
	ann := e.login("ann")
	watchResult(ann, "w")
	c1 := e.ring("600", secretNumber, secretName)
	ann.expectQueue(ctiproto.QueueJoined, c1, c1)
	e.sim.Outage("restart", true)
	e.sim.Restore()
	ann.expectQueue(ctiproto.QueueRefresh, "")
}

// An exchange that reports a pickup as the rung phone's clear first and
// the picker's ring after it (as a connector may): the wait ends once,
// answered by the picker, and does not join again.
func TestQueuePickupClearFirst(t *testing.T) {
	devs := []pbx.DeviceInfo{{ID: "201", Registered: true}, {ID: "202", Registered: true}}
	u := newUserLog("ann", "e", 64, nil)
	p, err := newPresence(slog.New(slog.NewTextHandler(io.Discard, nil)),
		[]config.WatchGroup{{Name: "r", Users: []string{"ann"}, Devices: []string{config.AllDevices}}},
		map[string]*userLog{"ann": u}, devs, nil, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	p.initQueues([]pbx.QueueInfo{{Number: "600", Members: []string{"202"}}}, nil, time.Now())
	if _, _, qs, err := p.watch(u, nil); err != nil || len(qs) != 1 {
		t.Fatalf("watch: %v %+v", err, qs)
	}
	t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	q := &pbx.Queue{Number: "600", Joined: t0}
	caller := pbx.Party{Number: secretNumber}
	for _, ev := range []pbx.Event{
		{Kind: pbx.EvDelivered, Time: t0, Call: "c1", Device: "202", State: pbx.StateAlerting, Direction: pbx.Incoming, Other: caller, Queue: q},
		{Kind: pbx.EvCleared, Time: t0.Add(time.Second), Call: "c1", Device: "202", State: pbx.StateCleared, Cause: pbx.CausePickedUpElsewhere},
		{Kind: pbx.EvDelivered, Time: t0.Add(time.Second), Call: "c1", Device: "201", State: pbx.StateAlerting, Direction: pbx.Incoming, Other: caller, Queue: q},
		{Kind: pbx.EvEstablished, Time: t0.Add(time.Second), Call: "c1", Device: "201", State: pbx.StateConnected, AnsweredBy: "201"},
	} {
		p.apply(ev)
	}
	if changes := queueChanges(t, u); strings.Join(changes, ",") != "joined,answered" {
		t.Errorf("queue changes %v, want joined, answered", changes)
	}
}

// queueChanges lists the changes of the queue-changed events in u's log.
func queueChanges(t *testing.T, u *userLog) []string {
	t.Helper()
	var changes []string
	for _, e := range u.ring {
		m, err := ctiproto.Decode(e.frame)
		if err != nil {
			t.Fatal(err)
		}
		if ev := m.(*ctiproto.Event); ev.Type == ctiproto.EventQueueChanged {
			changes = append(changes, ev.Change)
		}
	}
	return changes
}
