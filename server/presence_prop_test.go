package server

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/deskline/deskline/ctiproto"
	"github.com/deskline/deskline/pbx"
	"github.com/deskline/deskline/server/config"
)

// watchModel is what the groups of one run let each user watch: the test's
// own reading of the config, against which the server is checked.
type watchModel map[string]map[string]bool // user → device → parties shown

func (m watchModel) may(user, dev string) (ok, show bool) {
	show, ok = m[user][dev]
	return ok, show
}

var propDevices = []string{"201", "202", "203", "204", "205"}

// randomGroups makes 0 to 3 watch groups over the test office, and the
// model of what they allow.
func randomGroups(r *rand.Rand) ([]config.WatchGroup, watchModel) {
	users := []string{"ann", "bob", "carl"}
	model := watchModel{}
	var groups []config.WatchGroup
	for i := range r.IntN(4) {
		g := config.WatchGroup{Name: fmt.Sprintf("g%d", i), ShowParties: r.IntN(2) == 0}
		for _, u := range users {
			if r.IntN(2) == 0 {
				g.Users = append(g.Users, u)
			}
		}
		if len(g.Users) == 0 {
			g.Users = []string{users[r.IntN(len(users))]}
		}
		devs := propDevices
		if r.IntN(4) == 0 {
			g.Devices = []string{config.AllDevices}
		} else {
			devs = nil
			for _, d := range propDevices {
				if r.IntN(3) == 0 {
					devs = append(devs, d)
				}
			}
			if len(devs) == 0 {
				devs = []string{propDevices[r.IntN(len(propDevices))]}
			}
			g.Devices = devs
		}
		for _, u := range g.Users {
			if model[u] == nil {
				model[u] = map[string]bool{}
			}
			for _, d := range devs {
				model[u][d] = model[u][d] || g.ShowParties
			}
		}
		groups = append(groups, g)
	}
	return groups, model
}

// boundary is where a user's subscription changed: events with a higher
// seq are for set (nil: none).
type boundary struct {
	seq uint64
	set map[string]bool
}

// propUser is one user's connection and what the test knows of it.
type propUser struct {
	name   string
	c      *client
	events []*ctiproto.Event // every presence and queue-changed event received
	bounds []boundary
}

// reply reads until the reply to id, keeping the presence events on the way.
func (pu *propUser) reply(id string) ctiproto.Message {
	pu.c.t.Helper()
	for {
		m := pu.c.next()
		if ev, ok := m.(*ctiproto.Event); ok {
			if ev.Type == ctiproto.EventPresence || ev.Type == ctiproto.EventQueueChanged {
				pu.events = append(pu.events, ev)
			}
			continue
		}
		if ctiproto.RequestID(m) != id && !(isReply(m, id)) {
			pu.c.t.Fatalf("%s: reply to %q expected, got %s", pu.name, id, dump(m))
		}
		return m
	}
}

func isReply(m ctiproto.Message, id string) bool {
	switch m := m.(type) {
	case *ctiproto.Result:
		return m.ID == id
	case *ctiproto.Error:
		return m.ID == id
	}
	return false
}

// Isolation, as a property: over random watch groups and random watch,
// unwatch and exchange changes, a user gets the presence of no device
// outside their groups, none outside what they watched at that seq, no
// party where their groups show none, and forbidden without rights; a
// refused watch changes nothing. The seed is logged: rerun one failure
// with PRESENCE_SEED.
func TestPresenceIsolationProperty(t *testing.T) {
	seed := uint64(time.Now().UnixNano())
	if env := os.Getenv("PRESENCE_SEED"); env != "" {
		var err error
		if seed, err = strconv.ParseUint(env, 10, 64); err != nil {
			t.Fatalf("PRESENCE_SEED: %v", err)
		}
	}
	t.Logf("seed %d", seed)
	r := rand.New(rand.NewPCG(seed, 15))
	runs := 25
	if testing.Short() {
		runs = 5
	}
	var tally propTally
	for run := range runs {
		groups, model := randomGroups(r)
		t.Run(fmt.Sprint(run), func(t *testing.T) { propRun(t, r, groups, model, &tally) })
		if t.Failed() {
			t.Fatalf("groups %+v", groups)
		}
	}
	t.Logf("%+v", tally)
	if tally.queueEvents == 0 {
		t.Logf("no run let a user watch the queue: its checks did not run")
	}
	if tally.events == 0 || tally.watches == 0 || tally.refused == 0 {
		t.Fatalf("the runs checked too little to prove anything: %+v", tally)
	}
}

// propTally counts what the runs checked.
type propTally struct{ events, queueEvents, watches, refused int }

// propQueueMembers are the members of the test office's ring group 600:
// a user watches the queue when their subscription covers both.
var propQueueMembers = []string{"201", "203"}

func propRun(t *testing.T, r *rand.Rand, groups []config.WatchGroup, model watchModel, tally *propTally) {
	e := newEnv(t, withWatch(groups...))
	users := []*propUser{{name: "ann"}, {name: "bob"}, {name: "carl"}}
	for _, pu := range users {
		pu.c = e.login(pu.name)
		if got, want := contains(pu.c.welcome.Capabilities, ctiproto.TypeWatch), model[pu.name] != nil; got != want {
			t.Fatalf("%s: watch capability %v, want %v", pu.name, got, want)
		}
	}
	ctx := context.Background()
	dnd := map[string]bool{}
	for step := range 20 {
		pu := users[r.IntN(len(users))]
		id := fmt.Sprint("r", step)
		switch r.IntN(6) {
		case 0, 1:
			if propWatch(t, r, pu, id, model) {
				tally.watches++
			} else {
				tally.refused++
			}
		case 2:
			pu.c.send(&ctiproto.Simple{Type: ctiproto.TypeUnwatch, ID: id})
			m := pu.reply(id)
			if model[pu.name] == nil {
				if er, ok := m.(*ctiproto.Error); !ok || er.Code != ctiproto.CodeForbidden {
					t.Fatalf("%s may watch nothing, unwatch got %s", pu.name, dump(m))
				}
				tally.refused++
				continue
			}
			if _, ok := m.(*ctiproto.Result); !ok {
				t.Fatalf("%s: unwatch got %s", pu.name, dump(m))
			}
			// After the unwatch, a snapshot's seq bounds what came before.
			pu.c.send(&ctiproto.Simple{Type: ctiproto.TypeSnapshot, ID: id + "s"})
			res := pu.reply(id + "s").(*ctiproto.Result)
			if res.Presence != nil {
				t.Fatalf("%s: snapshot after unwatch has presence", pu.name)
			}
			pu.bounds = append(pu.bounds, boundary{seq: *res.Seq})
		case 3:
			d := propDevices[r.IntN(len(propDevices))]
			dnd[d] = !dnd[d]
			if err := e.sim.SetDND(ctx, d, dnd[d]); err != nil {
				t.Fatal(err)
			}
		case 4:
			d := propDevices[r.IntN(len(propDevices))]
			call := e.ring(d, secretNumber, secretName)
			if r.IntN(2) == 0 {
				e.sim.Answer(ctx, pbx.CallID(call), d)
			}
		case 5: // a caller waits in the ring group, and is answered or gives up
			call := e.ring("600", secretNumber, secretName)
			switch r.IntN(3) {
			case 0:
				e.sim.Answer(ctx, pbx.CallID(call), propQueueMembers[r.IntN(2)])
			case 1:
				e.sim.HangupRemote(ctx, pbx.CallID(call))
			}
		}
	}
	// Barrier: the exchange-state of an outage reaches every user after
	// every presence event before it.
	e.sim.Outage("end of run", false)
	for _, pu := range users {
		for {
			m := pu.c.next()
			ev, ok := m.(*ctiproto.Event)
			if !ok {
				t.Fatalf("%s: %s", pu.name, dump(m))
			}
			if ev.Type == ctiproto.EventPresence || ev.Type == ctiproto.EventQueueChanged {
				pu.events = append(pu.events, ev)
			}
			if ev.Type == ctiproto.EventExchangeState {
				break
			}
		}
		propCheck(t, pu, model, tally)
		tally.events += len(pu.events)
	}
}

// propWatch sends a random watch and checks its answer against the model;
// it reports whether the watch was granted.
func propWatch(t *testing.T, r *rand.Rand, pu *propUser, id string, model watchModel) bool {
	t.Helper()
	var list []string
	if r.IntN(2) == 0 {
		for range 1 + r.IntN(3) {
			if r.IntN(8) == 0 {
				list = append(list, "999")
			} else {
				list = append(list, propDevices[r.IntN(len(propDevices))])
			}
		}
	}
	pu.c.send(&ctiproto.Watch{ID: id, Devices: list})
	m := pu.reply(id)
	wantCode, wantField := "", ""
	switch {
	case model[pu.name] == nil:
		wantCode = ctiproto.CodeForbidden
	default:
		for i, d := range list {
			if d == "999" {
				wantCode, wantField = ctiproto.CodeNotFound, fmt.Sprintf("devices[%d]", i)
				break
			}
			if ok, _ := model.may(pu.name, d); !ok {
				wantCode, wantField = ctiproto.CodeForbidden, fmt.Sprintf("devices[%d]", i)
				break
			}
		}
	}
	if wantCode != "" {
		if er, ok := m.(*ctiproto.Error); !ok || er.Code != wantCode || er.Field != wantField {
			t.Fatalf("%s: watch %v: got %s, want %s %s", pu.name, list, dump(m), wantCode, wantField)
		}
		return false
	}
	res, ok := m.(*ctiproto.Result)
	if !ok {
		t.Fatalf("%s: watch %v: got %s", pu.name, list, dump(m))
	}
	set := map[string]bool{}
	for _, d := range list {
		set[d] = true
	}
	if list == nil {
		for d := range model[pu.name] {
			set[d] = true
		}
	}
	var got []string
	for _, p := range res.Presence {
		got = append(got, p.Device)
		if _, show := model.may(pu.name, p.Device); !show && (p.Other != nil || p.Direction != "") {
			t.Fatalf("%s: watch result shows a party of %s: %+v", pu.name, p.Device, p)
		}
	}
	want := slices.Sorted(func(yield func(string) bool) {
		for d := range set {
			if !yield(d) {
				return
			}
		}
	})
	if !slices.Equal(got, want) {
		t.Fatalf("%s: watch %v: presence of %v, want %v", pu.name, list, got, want)
	}
	covers := set[propQueueMembers[0]] && set[propQueueMembers[1]]
	if covers != (len(res.Queues) == 1) || len(res.Queues) > 1 {
		t.Fatalf("%s: watch %v: queues %+v; covers the queue: %v", pu.name, list, res.Queues, covers)
	}
	for _, q := range res.Queues {
		for _, w := range q.Waiting {
			if !propQueueShow(model, pu.name) && w.Caller != nil {
				t.Fatalf("%s: watch result shows a queue's caller: %+v", pu.name, q)
			}
		}
	}
	pu.bounds = append(pu.bounds, boundary{seq: *res.Seq, set: set})
	return true
}

// propCheck holds every presence event a user got against the model and
// the subscription in force at its seq.
func propCheck(t *testing.T, pu *propUser, model watchModel, tally *propTally) {
	t.Helper()
	for _, ev := range pu.events {
		if ev.Type == ctiproto.EventQueueChanged {
			propCheckQueue(t, pu, model, ev)
			tally.queueEvents++
			continue
		}
		dev := ev.Presence.Device
		ok, show := model.may(pu.name, dev)
		if !ok {
			t.Fatalf("%s got presence of %s, outside their groups: %s", pu.name, dev, dump(ev))
		}
		if !show && (ev.Presence.Other != nil || ev.Presence.Direction != "") {
			t.Fatalf("%s sees states only, got a party: %s", pu.name, dump(ev))
		}
		var set map[string]bool
		for _, b := range pu.bounds {
			if b.seq < ev.Seq {
				set = b.set
			}
		}
		if !set[dev] {
			t.Fatalf("%s got presence of %s at seq %d, which it did not watch then (bounds %+v)", pu.name, dev, ev.Seq, pu.bounds)
		}
	}
}

// propQueueShow reports whether user may see the callers of the queue:
// the parties of every member.
func propQueueShow(model watchModel, user string) bool {
	for _, m := range propQueueMembers {
		if _, show := model.may(user, m); !show {
			return false
		}
	}
	return true
}

// propCheckQueue holds a queue-changed event against the model and the
// subscription in force at its seq: it must cover every member, and the
// callers show only where the parties of every member may be seen.
func propCheckQueue(t *testing.T, pu *propUser, model watchModel, ev *ctiproto.Event) {
	t.Helper()
	var set map[string]bool
	for _, b := range pu.bounds {
		if b.seq < ev.Seq {
			set = b.set
		}
	}
	for _, m := range propQueueMembers {
		if ok, _ := model.may(pu.name, m); !ok || !set[m] {
			t.Fatalf("%s got the queue at seq %d without watching member %s (bounds %+v): %s", pu.name, ev.Seq, m, pu.bounds, dump(ev))
		}
	}
	for _, w := range ev.QueueState.Waiting {
		if w.Caller != nil && !propQueueShow(model, pu.name) {
			t.Fatalf("%s sees states only, got a queue's caller: %s", pu.name, dump(ev))
		}
	}
}
