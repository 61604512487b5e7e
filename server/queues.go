package server

import (
	"cmp"
	"maps"
	"reflect"
	"slices"
	"time"

	"github.com/deskline/deskline/ctiproto"
	"github.com/deskline/deskline/pbx"
)

// Queues and ring groups for watchers (PROTOCOL.md section 18): presence
// for a queue. The hub follows the calls waiting in each queue from the
// call events it already routes (Event.Queue on the members' legs), and
// tells each change to the users whose subscription covers every member
// of the queue, through their event logs, like a presence event: the
// same rights, the same subscription, the same delivery and resume.
//
// Cost of one change: the queue's state is built and encoded once per
// kind of watcher (with and without callers); the watchers are those who
// watch every device plus the list subscriptions indexed by queue at
// watch time: O(watchers of the queue).

// queueCall is a call waiting in a queue.
type queueCall struct {
	call   pbx.CallID
	order  uint64 // arrival order, for calls that joined at the same time
	joined time.Time
	caller pbx.Party
	legs   map[string]bool // the member devices ringing for it
	// elsewhere: a leg left with cause picked-up-elsewhere, so the call
	// was answered even if the answer's own event has not come yet.
	elsewhere bool
}

// watchedQueue is one queue or ring group and its waiting calls.
type watchedQueue struct {
	number, name string
	members      []string        // sorted device ids; none for a queue the exchange did not list
	away         map[string]bool // members the exchange will not ring now (pbx.QueueInfo.Away)
	waiting      map[pbx.CallID]*queueCall
	subs         map[*subscription]bool // the list subscriptions that cover every member
}

// queueChange is what a queue-changed event says happened.
type queueChange struct {
	change string
	call   pbx.CallID
	by     string
	cause  pbx.Cause
}

// initQueues sets the exchange's queues and the calls waiting in them
// now. Called once, before any session.
func (p *presence) initQueues(infos []pbx.QueueInfo, calls []pbx.Call, now time.Time) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, qi := range infos {
		p.replaceMembers(p.queueNamed(qi.Number, qi.Name), qi, now)
	}
	p.rebuildQueues(calls)
}

// setMembers applies pbx.EvQueueMembers: the queue's members and who of
// them is away become what the exchange reports and, where that changed
// anything, its watchers are told (change members); a team whose
// subscription covers the queue only now gets its whole state there.
// Called with mu held.
func (p *presence) setMembers(qi pbx.QueueInfo, at time.Time) {
	if qi.Number == "" {
		return
	}
	q := p.queueNamed(qi.Number, qi.Name)
	before := p.queueState(q, false).Members
	// A member whose phone unregistered is reported away too (Asterisk
	// sends both): its logged_in changed once, so watchers hear it once.
	if p.replaceMembers(q, qi, at) && !slices.Equal(before, p.queueState(q, false).Members) {
		p.tellQueue(q, queueChange{change: ctiproto.QueueMembers}, at)
	}
}

// replaceMembers sets q's members (the devices the server has) and who
// of them is away from qi, and re-indexes the subscriptions that cover
// q (telling those that no longer do, at at); it reports whether
// anything changed. Called with mu held.
func (p *presence) replaceMembers(q *watchedQueue, qi pbx.QueueInfo, at time.Time) bool {
	members := make([]string, 0, len(qi.Members))
	for _, m := range qi.Members {
		if p.devices[m] != nil {
			members = append(members, m)
		}
	}
	slices.Sort(members)
	members = slices.Compact(members)
	away := make(map[string]bool)
	for _, m := range qi.Away {
		if _, found := slices.BinarySearch(members, m); found {
			away[m] = true
		}
	}
	if slices.Equal(members, q.members) && maps.Equal(away, q.away) {
		return false
	}
	for _, m := range q.members {
		p.memberOf[m] = slices.DeleteFunc(p.memberOf[m], func(o *watchedQueue) bool { return o == q })
		if len(p.memberOf[m]) == 0 {
			delete(p.memberOf, m)
		}
	}
	q.members, q.away = members, away
	for _, m := range members {
		p.memberOf[m] = append(p.memberOf[m], q)
	}
	p.reindexQueue(q, at)
	return true
}

// reindexQueue sets which list subscriptions cover q after its members
// changed, and tells each that no longer does (change unwatched): its
// desk drops the queue instead of showing its last state for ever. It
// visits every subscription, but members change as seldom as a person
// pauses or an admin edits a queue, never per call. Called with mu held.
func (p *presence) reindexQueue(q *watchedQueue, at time.Time) {
	before := maps.Clone(q.subs)
	clear(q.subs)
	for _, s := range p.subs {
		if ok, _ := coversQueue(s, q); ok && !s.every {
			q.subs[s] = true
		}
	}
	var tpl *ctiproto.EventTemplate
	for s := range before {
		if q.subs[s] {
			continue
		}
		if tpl == nil {
			var err error
			tpl, err = ctiproto.NewEventTemplate(&ctiproto.Event{Type: ctiproto.EventQueueChanged,
				Time: cmp.Or(at, time.Now()).Truncate(ctiproto.TimePrecision), Change: ctiproto.QueueUnwatched,
				QueueState: &ctiproto.QueueState{Number: q.number, Members: []ctiproto.QueueMember{}, Waiting: []ctiproto.QueueCaller{}}})
			if err != nil {
				p.log.Error("queue change not published", "queue", q.number, "err", err)
				return
			}
		}
		s.u.publishTemplate(tpl)
	}
}

// queueNamed is the queue with number, made when it is new (a queue the
// exchange reports on a call but did not list: it has no members).
// Called with mu held.
func (p *presence) queueNamed(number, name string) *watchedQueue {
	q := p.queues[number]
	if q == nil {
		q = &watchedQueue{number: number, name: cleanName(name), waiting: make(map[pbx.CallID]*queueCall),
			subs: make(map[*subscription]bool)}
		p.queues[number] = q
		p.queueOrder = append(p.queueOrder, number)
		slices.Sort(p.queueOrder)
	}
	return q
}

// waits reports whether a connection in state s waits in a queue.
func waits(s pbx.ConnState) bool { return s == pbx.StateAlerting || s == pbx.StateQueued }

// followQueues applies a call event to the queues. Called with mu held.
func (p *presence) followQueues(ev pbx.Event) {
	q := p.queueOf[ev.Call]
	if q == nil {
		if ev.Queue == nil || ev.Queue.Number == "" || !waits(ev.State) || ev.Kind == pbx.EvEstablished {
			return
		}
		if j, ok := p.served[ev.Call]; ok && j.Equal(ev.Queue.Joined) {
			return // a late ring of a wait that was answered (a pickup whose clear came first)
		}
		q = p.queueNamed(ev.Queue.Number, ev.Queue.Name)
		p.queueSeq++
		q.waiting[ev.Call] = &queueCall{call: ev.Call, order: p.queueSeq, joined: cmp.Or(ev.Queue.Joined, ev.Time),
			caller: cleanParty(ev.Other), legs: map[string]bool{ev.Device: true}}
		p.queueOf[ev.Call] = q
		p.tellQueue(q, queueChange{change: ctiproto.QueueJoined, call: ev.Call}, ev.Time)
		return
	}
	qc := q.waiting[ev.Call]
	switch {
	case ev.Kind == pbx.EvEstablished || ev.State == pbx.StateConnected:
		p.leaveQueue(q, qc)
		p.markServed(qc)
		p.tellQueue(q, queueChange{change: ctiproto.QueueAnswered, call: ev.Call, by: cmp.Or(ev.AnsweredBy, ev.Device)}, ev.Time)
	case waits(ev.State) && ev.Queue != nil && ev.Queue.Number == q.number:
		qc.legs[ev.Device] = true // one more member rings for it
	case ev.State == pbx.StateCleared || ev.State == pbx.StateFailed || ev.State == "":
		if !qc.legs[ev.Device] {
			return // the caller's own device, or a device not rung for the queue
		}
		delete(qc.legs, ev.Device)
		if ev.Cause == pbx.CausePickedUpElsewhere {
			qc.elsewhere = true
		}
		if len(qc.legs) > 0 {
			return
		}
		p.leaveQueue(q, qc)
		c := queueChange{change: ctiproto.QueueAbandoned, call: ev.Call, cause: ev.Cause}
		if qc.elsewhere {
			c = queueChange{change: ctiproto.QueueAnswered, call: ev.Call}
			p.markServed(qc)
		}
		p.tellQueue(q, c, ev.Time)
	}
}

// leaveQueue removes a waiting call. Called with mu held.
func (p *presence) leaveQueue(q *watchedQueue, qc *queueCall) {
	delete(q.waiting, qc.call)
	delete(p.queueOf, qc.call)
}

// maxServed bounds the waits remembered as over (presence.served).
const maxServed = 4096

// markServed remembers that qc's wait is over: an exchange that reports
// a ring of the same wait after its answer (the phone that picked it up
// rings after the others were cleared) does not make it join again. A
// new wait of the same call (transferred into the queue again) has
// another joined time. Called with mu held.
func (p *presence) markServed(qc *queueCall) {
	if _, ok := p.served[qc.call]; !ok {
		p.servedOrder = append(p.servedOrder, qc.call)
	}
	p.served[qc.call] = qc.joined
	if len(p.servedOrder) > maxServed {
		delete(p.served, p.servedOrder[0])
		p.servedOrder = p.servedOrder[1:]
	}
}

// membersChanged tells the queues of dev that a member logged in or out
// (its phone registered or unregistered).
// Called with mu held.
func (p *presence) membersChanged(dev string, at time.Time) {
	for _, q := range p.memberOf[dev] {
		p.tellQueue(q, queueChange{change: ctiproto.QueueMembers}, at)
	}
}

// rebuildQueues sets the waiting calls from the exchange's list of calls.
// Called with mu held.
func (p *presence) rebuildQueues(calls []pbx.Call) {
	for _, q := range p.queues {
		clear(q.waiting)
	}
	clear(p.queueOf)
	for _, c := range calls {
		if c.Queue == nil || c.Queue.Number == "" || c.Answered || !waits(c.State) || p.devices[c.Device] == nil {
			continue
		}
		q := p.queueOf[c.Call]
		if q == nil {
			q = p.queueNamed(c.Queue.Number, c.Queue.Name)
			p.queueSeq++
			q.waiting[c.Call] = &queueCall{call: c.Call, order: p.queueSeq, joined: cmp.Or(c.Queue.Joined, c.Since),
				caller: cleanParty(c.Other), legs: make(map[string]bool)}
			p.queueOf[c.Call] = q
		}
		if qc := q.waiting[c.Call]; qc != nil {
			qc.legs[c.Device] = true
		}
	}
}

// resetQueues brings the queues to what the exchange reports after an
// outage (infos: its queues now, nil when it lists none), telling
// watchers of each queue that changed: members may have been added,
// removed or paused while events were lost. A queue the exchange no
// longer lists keeps its waiting calls, without members. Called with mu
// held, after the devices' registration was updated; before is what
// queueStates returned before.
func (p *presence) resetQueues(infos []pbx.QueueInfo, calls []pbx.Call, before map[string]ctiproto.QueueState, now time.Time) {
	if infos != nil {
		listed := make(map[string]bool, len(infos))
		for _, qi := range infos {
			listed[qi.Number] = true
			p.replaceMembers(p.queueNamed(qi.Number, qi.Name), qi, now)
		}
		for _, n := range slices.Clone(p.queueOrder) {
			if !listed[n] {
				p.replaceMembers(p.queues[n], pbx.QueueInfo{Number: n}, now)
			}
		}
	}
	p.rebuildQueues(calls)
	for _, n := range p.queueOrder {
		q := p.queues[n]
		if !reflect.DeepEqual(before[n], p.queueState(q, true)) {
			p.tellQueue(q, queueChange{change: ctiproto.QueueRefresh}, now)
		}
	}
}

// queueStates is every queue's state with callers, by number. Called
// with mu held.
func (p *presence) queueStates() map[string]ctiproto.QueueState {
	out := make(map[string]ctiproto.QueueState, len(p.queues))
	for n, q := range p.queues {
		out[n] = p.queueState(q, true)
	}
	return out
}

// queueState is q as a watcher sees it: with the callers when show.
// Called with mu held.
func (p *presence) queueState(q *watchedQueue, show bool) ctiproto.QueueState {
	st := ctiproto.QueueState{Number: q.number, Name: q.name,
		Members: make([]ctiproto.QueueMember, 0, len(q.members)), Waiting: make([]ctiproto.QueueCaller, 0, len(q.waiting))}
	for _, m := range q.members {
		st.Members = append(st.Members, ctiproto.QueueMember{Device: m, LoggedIn: p.devices[m].registered && !q.away[m]})
	}
	calls := make([]*queueCall, 0, len(q.waiting))
	for _, qc := range q.waiting {
		calls = append(calls, qc)
	}
	slices.SortFunc(calls, func(a, b *queueCall) int {
		return cmp.Or(a.joined.Compare(b.joined), cmp.Compare(a.order, b.order))
	})
	for i, qc := range calls {
		w := ctiproto.QueueCaller{Call: string(qc.call), Position: i + 1, Joined: qc.joined.Truncate(ctiproto.TimePrecision)}
		if show {
			w.Caller = &ctiproto.Party{Number: qc.caller.Number, Name: qc.caller.Name}
		}
		st.Waiting = append(st.Waiting, w)
	}
	return st
}

// coversQueue reports whether s watches q (it watches every member, or
// every device), and whether it sees q's callers (it may see the parties
// of every member). A queue without members is for those who watch every
// device. Called with mu held (q's members change).
func coversQueue(s *subscription, q *watchedQueue) (ok, show bool) {
	if len(q.members) == 0 {
		return s.every, s.every && s.rights.everyShow
	}
	show = true
	for _, m := range q.members {
		if !s.every {
			if _, found := slices.BinarySearch(s.list, m); !found {
				return false, false
			}
		}
		_, sh := s.rights.may(m)
		show = show && sh
	}
	return true, show
}

// indexQueues adds s to the queues it covers; dropQueues removes it.
// Called with mu held.
func (p *presence) indexQueues(s *subscription) {
	if s.every {
		return // p.everyone
	}
	for _, q := range p.queues {
		if ok, _ := coversQueue(s, q); ok {
			q.subs[s] = true
		}
	}
}

func (p *presence) dropQueues(s *subscription) {
	if s.every {
		return
	}
	for _, q := range p.queues {
		delete(q.subs, s)
	}
}

// tellQueue sends q's state after a change to its watchers: each the form
// they may see. Called with mu held.
func (p *presence) tellQueue(q *watchedQueue, c queueChange, at time.Time) {
	at = cmp.Or(at, time.Now()).Truncate(ctiproto.TimePrecision)
	var withTpl, plainTpl *ctiproto.EventTemplate
	send := func(s *subscription) {
		ok, show := coversQueue(s, q)
		if !ok {
			return
		}
		tpl := &plainTpl
		if show {
			tpl = &withTpl
		}
		if *tpl == nil {
			st := p.queueState(q, show)
			t, err := ctiproto.NewEventTemplate(&ctiproto.Event{Type: ctiproto.EventQueueChanged, Time: at,
				QueueState: &st, Change: c.change, Call: string(c.call), AnsweredBy: c.by, Cause: string(c.cause)})
			if err != nil {
				p.log.Error("queue change not published", "queue", q.number, "err", err)
				return
			}
			*tpl = t
		}
		s.u.publishTemplate(*tpl)
	}
	for s := range p.everyone {
		send(s)
	}
	for s := range q.subs {
		send(s)
	}
}

// listQueuesLocked is the state of every queue s watches, by number, each
// as s may see it; nil when none. Called with mu held.
func (p *presence) listQueuesLocked(s *subscription) []ctiproto.QueueState {
	var out []ctiproto.QueueState
	for _, n := range p.queueOrder {
		q := p.queues[n]
		if ok, show := coversQueue(s, q); ok {
			out = append(out, p.queueState(q, show))
		}
	}
	return out
}
