package server

import (
	"cmp"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"sync"
	"time"

	"github.com/deskline/deskline/ctiproto"
	"github.com/deskline/deskline/pbx"
	"github.com/deskline/deskline/server/config"
)

// Presence (PROTOCOL.md section 15): the hub follows every device's state
// as colleagues see it and tells each change to the users who watch the
// device, through their event logs, so it resumes like every other event.
//
// Cost of one change: the device's presence is computed and encoded once
// per kind of watcher (with and without the other party); each watcher
// then gets the frame with their own seq spliced in
// (ctiproto.EventTemplate). Watchers are indexed by device, and those who
// watch every device are one list, so a change costs O(watchers of that
// device), never O(watchers × devices).

// watchRights is what one user may watch, from the config's watch groups.
type watchRights struct {
	every     bool            // may watch every device ("*")
	everyShow bool            // a "*" group shows parties
	devices   map[string]bool // device → parties shown; the devices of groups that list them
	reception bool            // a group marks the user as a reception
}

// may reports whether the user may watch dev, and see its parties.
func (r *watchRights) may(dev string) (ok, show bool) {
	show, listed := r.devices[dev]
	if r.every {
		return true, r.everyShow || show
	}
	return listed, show
}

// subscription is what one user watches.
type subscription struct {
	u      *userLog
	rights *watchRights
	every  bool     // every device (the user may watch every device)
	list   []string // otherwise: the devices watched, sorted
}

// presenceConn is one call of a watched device, as presence needs it.
type presenceConn struct {
	state pbx.ConnState
	dir   pbx.Direction
	other pbx.Party
	since time.Time
}

// devicePresence is one device's state and what watchers were last told.
type devicePresence struct {
	id, name   string
	registered bool
	dnd        bool
	forwardTo  string
	conns      map[pbx.CallID]*presenceConn
	// shown is the presence last told, with parties; plain the same
	// without them, for watchers who see states only.
	shown, plain ctiproto.Presence
}

// presence is the hub's presence state: every device's presence and who
// watches what. mu is taken before any userLog's mutex, never after, so
// that a watch's snapshot and its seq agree with the events around it.
type presence struct {
	log *slog.Logger

	// Fixed at start.
	rights map[string]*watchRights // by user name; nil: may watch nothing
	order  []string                // every device id, sorted

	mu       sync.Mutex
	devices  map[string]*devicePresence
	subs     map[*userLog]*subscription
	everyone map[*subscription]bool            // subscriptions to every device
	byDevice map[string]map[*subscription]bool // the other subscriptions, by device

	// Queues and ring groups (queues.go).
	queues     map[string]*watchedQueue     // by number
	queueOrder []string                     // their numbers, sorted
	queueOf    map[pbx.CallID]*watchedQueue // the queue each waiting call waits in
	memberOf   map[string][]*watchedQueue   // by member device
	queueSeq   uint64                       // counts the calls that joined, for their order
	// served are the waits that ended answered, by call: their joined
	// time; servedOrder bounds them (queues.go, markServed).
	served      map[pbx.CallID]time.Time
	servedOrder []pbx.CallID
}

// newPresence starts presence from the exchange's devices and calls and
// the config's watch groups. A group naming a user or device the server
// does not have is an error, as it is in a config file.
func newPresence(log *slog.Logger, groups []config.WatchGroup, users map[string]*userLog,
	devs []pbx.DeviceInfo, calls []pbx.Call, now time.Time) (*presence, error) {
	p := &presence{
		log:      log,
		rights:   make(map[string]*watchRights),
		devices:  make(map[string]*devicePresence, len(devs)),
		subs:     make(map[*userLog]*subscription),
		everyone: make(map[*subscription]bool),
		byDevice: make(map[string]map[*subscription]bool),
		queues:   make(map[string]*watchedQueue),
		queueOf:  make(map[pbx.CallID]*watchedQueue),
		memberOf: make(map[string][]*watchedQueue),
		served:   make(map[pbx.CallID]time.Time),
	}
	for _, d := range devs {
		p.devices[d.ID] = &devicePresence{id: d.ID, name: cleanName(d.Name), registered: d.Registered,
			dnd: d.DND, forwardTo: cleanNumber(d.ForwardTo), conns: make(map[pbx.CallID]*presenceConn)}
		p.order = append(p.order, d.ID)
	}
	slices.Sort(p.order)
	if err := p.grant(groups, users); err != nil {
		return nil, err
	}
	p.seed(calls, now)
	return p, nil
}

// grant turns the watch groups into each user's rights.
func (p *presence) grant(groups []config.WatchGroup, users map[string]*userLog) error {
	for _, g := range groups {
		for _, name := range g.Users {
			if users[name] == nil {
				return fmt.Errorf("server: watch group %q: user %q is not known", g.Name, name)
			}
			r := p.rights[name]
			if r == nil {
				r = &watchRights{devices: make(map[string]bool)}
				p.rights[name] = r
			}
			r.reception = r.reception || g.Reception
			for _, d := range g.Devices {
				switch {
				case d == config.AllDevices:
					r.every, r.everyShow = true, r.everyShow || g.ShowParties
				case p.devices[d] == nil:
					return fmt.Errorf("server: watch group %q: device %q is not known to the exchange", g.Name, d)
				default:
					r.devices[d] = r.devices[d] || g.ShowParties
				}
			}
		}
	}
	return nil
}

// seed sets every device's calls from the exchange's list and what
// watchers will be told first.
func (p *presence) seed(calls []pbx.Call, now time.Time) {
	for _, c := range calls {
		if dp := p.devices[c.Device]; dp != nil {
			dp.conns[c.Call] = &presenceConn{state: c.State, dir: c.Direction, other: cleanParty(c.Other), since: c.Since}
		}
	}
	for _, dp := range p.devices {
		dp.shown = dp.compute(ctiproto.Presence{}, now)
		dp.plain = withoutParties(dp.shown)
	}
}

// mayWatch reports whether the user may watch anything: the welcome then
// lists watch among the capabilities.
func (p *presence) mayWatch(user string) bool { return p.rights[user] != nil }

// reception reports whether a watch group marks the user as a reception.
func (p *presence) reception(user string) bool {
	r := p.rights[user]
	return r != nil && r.reception
}

// may reports whether user may watch dev, and see its parties. The
// rights are fixed at start: no lock.
func (p *presence) may(user, dev string) (ok, show bool) {
	if r := p.rights[user]; r != nil {
		return r.may(dev)
	}
	return false, false
}

// showingParties lists the users who may watch dev with its parties,
// sorted. Fixed at start: no lock.
func (p *presence) showingParties(dev string) []string {
	var out []string
	for name, r := range p.rights {
		if ok, show := r.may(dev); ok && show {
			out = append(out, name)
		}
	}
	slices.Sort(out)
	return out
}

// apply follows one exchange event and tells the watchers of the device
// when its presence changed. The routing goroutine calls it.
func (p *presence) apply(ev pbx.Event) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if ev.Kind == pbx.EvQueueMembers {
		if ev.Members != nil {
			p.setMembers(*ev.Members, ev.Time) // queues.go
		}
		return
	}
	dp := p.devices[ev.Device]
	if dp == nil {
		return
	}
	switch ev.Kind {
	case pbx.EvExchangeState:
		return
	case pbx.EvDeviceState:
		if d := ev.DeviceState; d != nil {
			was := dp.registered
			dp.registered, dp.dnd, dp.forwardTo = d.Registered, d.DND, cleanNumber(d.ForwardTo)
			if d.Name != "" {
				dp.name = cleanName(d.Name)
			}
			if was != dp.registered {
				defer p.membersChanged(dp.id, ev.Time) // after the presence event
			}
		}
	default:
		dp.follow(ev)
		defer p.followQueues(ev) // after the presence event
	}
	p.changed(dp, ev.Time)
}

// follow applies a call event to the device's calls.
func (dp *devicePresence) follow(ev pbx.Event) {
	c := dp.conns[ev.Call]
	switch {
	case ev.State == pbx.StateCleared || ev.State == "":
		delete(dp.conns, ev.Call)
		return
	case c == nil:
		c = &presenceConn{since: ev.Time}
		dp.conns[ev.Call] = c
	}
	if ev.Kind == pbx.EvTransferred && ev.NewCall != "" && ev.NewCall != ev.Call {
		delete(dp.conns, ev.Call)
		dp.conns[ev.NewCall] = c
	}
	if c.state != ev.State {
		c.state, c.since = ev.State, ev.Time
	}
	if ev.Direction != "" {
		c.dir = ev.Direction
	}
	if o := cleanParty(ev.Other); o != (pbx.Party{}) {
		c.other = o
	}
}

// statusOf is the presence status a connection state stands for, and its
// rank: where several calls disagree, the lowest rank wins.
func statusOf(s pbx.ConnState) (string, int) {
	switch s {
	case pbx.StateConnected, pbx.StateFailed:
		return ctiproto.StatusInCall, 0
	case pbx.StateHeld:
		return ctiproto.StatusOnHold, 1
	}
	return ctiproto.StatusRinging, 2 // alerting, queued, initiated
}

// compute is the device's presence now; prev is what was told before,
// whose since stands while the status does not change.
func (dp *devicePresence) compute(prev ctiproto.Presence, now time.Time) ctiproto.Presence {
	pr := ctiproto.Presence{Device: dp.id, Name: dp.name, DND: dp.dnd, ForwardTo: dp.forwardTo}
	// The call the status is about: of the winning rank, the oldest (then
	// the lowest id), so that the party shown does not flicker.
	var top *presenceConn
	var topID pbx.CallID
	rank := 3
	for id, c := range dp.conns {
		_, r := statusOf(c.state)
		if r < rank || r == rank && (c.since.Before(top.since) || c.since.Equal(top.since) && id < topID) {
			top, topID, rank = c, id, r
		}
	}
	switch {
	case !dp.registered:
		pr.Status = ctiproto.StatusOffline
	case top != nil:
		pr.Status, _ = statusOf(top.state)
		other := ctiproto.Party{Number: top.other.Number, Name: top.other.Name}
		pr.Direction, pr.Other = string(top.dir), &other
	case dp.dnd:
		pr.Status = ctiproto.StatusDND
	case dp.forwardTo != "":
		pr.Status = ctiproto.StatusForwarded
	default:
		pr.Status = ctiproto.StatusIdle
	}
	pr.Since = prev.Since
	if pr.Status != prev.Status || prev.Since.IsZero() {
		pr.Since = cmp.Or(now, time.Now()).Truncate(ctiproto.TimePrecision)
	}
	return pr
}

// withoutParties is pr as a watcher who sees states only gets it.
func withoutParties(pr ctiproto.Presence) ctiproto.Presence {
	pr.Direction, pr.Other = "", nil
	return pr
}

// samePresence reports whether a and b tell the same.
func samePresence(a, b ctiproto.Presence) bool {
	if (a.Other == nil) != (b.Other == nil) || a.Other != nil && *a.Other != *b.Other {
		return false
	}
	a.Other, b.Other = nil, nil
	return a == b
}

// changed recomputes dp's presence and, where it changed, sends it to the
// device's watchers: to each the form they may see, and to those who see
// states only just when the state changed. Called with mu held.
func (p *presence) changed(dp *devicePresence, at time.Time) {
	shown := dp.compute(dp.shown, at)
	if samePresence(shown, dp.shown) {
		return
	}
	plain := withoutParties(shown)
	plainChanged := !samePresence(plain, dp.plain)
	dp.shown, dp.plain = shown, plain
	at = cmp.Or(at, time.Now()).Truncate(ctiproto.TimePrecision)
	var withTpl, plainTpl *ctiproto.EventTemplate
	send := func(s *subscription) {
		_, show := s.rights.may(dp.id)
		tpl, pr := &plainTpl, &plain
		if show {
			tpl, pr = &withTpl, &shown
		} else if !plainChanged {
			return
		}
		if *tpl == nil {
			t, err := ctiproto.NewEventTemplate(&ctiproto.Event{Type: ctiproto.EventPresence, Time: at, Presence: pr})
			if err != nil {
				p.log.Error("presence not published", "device", dp.id, "err", err)
				return
			}
			*tpl = t
		}
		s.u.publishTemplate(*tpl)
	}
	for s := range p.everyone {
		send(s)
	}
	for s := range p.byDevice[dp.id] {
		send(s)
	}
}

// reset brings every device's calls and state, and the queues (queues:
// nil when the exchange lists none), to what the exchange reports after
// an outage, telling watchers what changed.
func (p *presence) reset(calls []pbx.Call, devs []pbx.DeviceInfo, queues []pbx.QueueInfo, now time.Time) {
	p.mu.Lock()
	defer p.mu.Unlock()
	before := p.queueStates()
	defer p.resetQueues(queues, calls, before, now)
	live := make(map[string]map[pbx.CallID]*presenceConn)
	for _, c := range calls {
		if p.devices[c.Device] == nil {
			continue
		}
		if live[c.Device] == nil {
			live[c.Device] = make(map[pbx.CallID]*presenceConn)
		}
		live[c.Device][c.Call] = &presenceConn{state: c.State, dir: c.Direction, other: cleanParty(c.Other), since: c.Since}
	}
	for _, d := range devs {
		if dp := p.devices[d.ID]; dp != nil {
			dp.registered, dp.dnd, dp.forwardTo = d.Registered, d.DND, cleanNumber(d.ForwardTo)
		}
	}
	for _, id := range p.order {
		dp := p.devices[id]
		dp.conns = live[id]
		if dp.conns == nil {
			dp.conns = make(map[pbx.CallID]*presenceConn)
		}
		p.changed(dp, now)
	}
}

// errForbiddenWatch answers watch and unwatch from a user who may watch
// nothing.
func errForbiddenWatch(typ string) *ctiproto.Error {
	return &ctiproto.Error{Code: ctiproto.CodeForbidden, Message: typ + ": you may not watch other devices"}
}

// watch replaces u's subscription with devices (nil: every device u may
// watch) and returns the presence of what u now watches and the queues it
// covers (section 18), with the seq they reflect. Nothing changes when the
// request is refused.
func (p *presence) watch(u *userLog, devices []string) (uint64, []ctiproto.Presence, []ctiproto.QueueState, error) {
	r := p.rights[u.name]
	if r == nil {
		return 0, nil, nil, errForbiddenWatch(ctiproto.TypeWatch)
	}
	s := &subscription{u: u, rights: r, every: devices == nil && r.every}
	switch {
	case s.every:
	case devices == nil:
		s.list = slices.Sorted(maps.Keys(r.devices))
	default:
		for i, d := range devices {
			field := fmt.Sprintf("devices[%d]", i)
			if p.devices[d] == nil {
				return 0, nil, nil, &ctiproto.Error{Code: ctiproto.CodeNotFound, Field: field,
					Message: fmt.Sprintf("watch: no device %q on this exchange", d)}
			}
			if ok, _ := r.may(d); !ok {
				return 0, nil, nil, &ctiproto.Error{Code: ctiproto.CodeForbidden, Field: field,
					Message: fmt.Sprintf("watch: device %q is not one you may watch", d)}
			}
		}
		s.list = slices.Compact(slices.Sorted(slices.Values(devices)))
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.dropLocked(u)
	p.subs[u] = s
	if s.every {
		p.everyone[s] = true
	}
	for _, d := range s.list {
		m := p.byDevice[d]
		if m == nil {
			m = make(map[*subscription]bool)
			p.byDevice[d] = m
		}
		m[s] = true
	}
	p.indexQueues(s)
	return u.currentSeq(), p.listLocked(s), p.listQueuesLocked(s), nil
}

// unwatch ends u's subscription.
func (p *presence) unwatch(u *userLog) error {
	if p.rights[u.name] == nil {
		return errForbiddenWatch(ctiproto.TypeUnwatch)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.dropLocked(u)
	return nil
}

// dropLocked removes u's subscription from the indexes.
func (p *presence) dropLocked(u *userLog) {
	s := p.subs[u]
	if s == nil {
		return
	}
	delete(p.subs, u)
	delete(p.everyone, s)
	p.dropQueues(s)
	for _, d := range s.list {
		delete(p.byDevice[d], s)
		if len(p.byDevice[d]) == 0 {
			delete(p.byDevice, d)
		}
	}
}

// listLocked is the presence of every device s watches, sorted by device,
// each as s may see it.
func (p *presence) listLocked(s *subscription) []ctiproto.Presence {
	ids := s.list
	if s.every {
		ids = p.order
	}
	out := make([]ctiproto.Presence, 0, len(ids))
	for _, id := range ids {
		dp := p.devices[id]
		if _, show := s.rights.may(id); show {
			out = append(out, dp.shown)
		} else {
			out = append(out, dp.plain)
		}
	}
	return out
}

// attach attaches a session to u's log, with the presence of what u
// watches when the attachment is a snapshot and the session shows
// presence (want), as of the same seq.
func (p *presence) attach(u *userLog, sub subscriber, resume *ctiproto.Resume, want bool) attachment {
	p.mu.Lock()
	defer p.mu.Unlock()
	a := u.attach(sub, resume)
	if s := p.subs[u]; s != nil && want && !a.resumed {
		a.presence, a.queues = p.listLocked(s), p.listQueuesLocked(s)
	}
	return a
}

// snapshot is u's snapshot (devices, calls, parked calls) with, for a
// session that shows presence (want), the presence of what u watches, all
// as of the returned seq.
func (p *presence) snapshot(u *userLog, want bool) (uint64, []ctiproto.Device, []ctiproto.Call, []ctiproto.Parked, []ctiproto.Presence, []ctiproto.QueueState) {
	p.mu.Lock()
	defer p.mu.Unlock()
	seq, devices, calls, parked := u.snapshot()
	var list []ctiproto.Presence
	var queues []ctiproto.QueueState
	if s := p.subs[u]; s != nil && want {
		list, queues = p.listLocked(s), p.listQueuesLocked(s)
	}
	return seq, devices, calls, parked, list, queues
}
