package server

import (
	"log/slog"
	"maps"
	"slices"
	"sync"
	"time"

	"github.com/deskline/deskline/ctiproto"
	"github.com/deskline/deskline/pbx"
)

// hub routes exchange events to the logs of the users who own the devices.
// It is the in-process router; the seam a message-bus router (several
// servers sharing users) would replace is route and the userLog it feeds.
//
// The user and device maps are fixed at start and read without locks. The
// per-call bookkeeping (which devices ring for which call, which clears
// the hub made up) is owned by the single goroutine that runs routeLoop.
type hub struct {
	log      *slog.Logger
	ex       pbx.Exchange        // asked for the truth after an outage; nil on a replica (node.go)
	users    map[string]*userLog // by user name
	owner    map[string]*userLog // by device id
	alerting map[pbx.CallID]map[string]bool
	presence *presence // set at start, before routing
	notes    *callNotes
	m        *metrics // the server's; its hot-path members are atomics

	statusMu sync.Mutex
	status   ctiproto.ExchangeStatus
}

func newHub(log *slog.Logger, ex pbx.Exchange) *hub {
	h := &hub{
		log:      log,
		ex:       ex,
		users:    make(map[string]*userLog),
		owner:    make(map[string]*userLog),
		alerting: make(map[pbx.CallID]map[string]bool),
		status:   ctiproto.ExchangeStatus{Available: true},
		m:        newMetrics(),
	}
	h.notes = newCallNotes(h.owner) // the map addUser fills
	return h
}

func (h *hub) addUser(u *userLog, devices []string) {
	h.users[u.name] = u
	u.m = h.m
	for _, d := range devices {
		h.owner[d] = u
	}
}

// routeLoop reads the exchange's event stream until it closes or stop is
// closed. It never blocks on a client: userLog.publish only queues.
func (h *hub) routeLoop(events <-chan pbx.Event, stop <-chan struct{}) {
	for {
		select {
		case ev, ok := <-events:
			if !ok {
				return
			}
			h.route(ev)
		case <-stop:
			return
		}
	}
}

// route delivers one exchange event to whoever must see it.
func (h *hub) route(ev pbx.Event) {
	h.m.eventsIn.Inc()
	if ev.Kind == pbx.EvExchangeState {
		h.routeExchangeState(ev)
		if ev.Available && h.ex != nil { // a replica's come as restored
			h.reconcile(ev.Time)
		}
		return
	}
	if ev.Kind == pbx.EvParked || ev.Kind == pbx.EvUnparked {
		h.routePark(ev) // commands_switchboard.go
		return
	}
	h.track(ev)
	h.notes.route(h, ev)
	if ev.Kind == pbx.EvEstablished && ev.AnsweredBy != "" {
		h.retractElsewhere(ev)
	}
	h.presence.apply(ev) // after the device's own user has been told
}

// restored is route for an exchange-state that says the exchange is
// available again, with the exchange's state then: in a cluster, the
// holder takes snap and every node's hub reconciles with it.
func (h *hub) restored(ev pbx.Event, snap pbx.Snapshot) {
	h.m.eventsIn.Inc()
	h.routeExchangeState(ev)
	h.reconcileWith(snap)
}

// routeExchangeState tells every user the exchange's new status.
func (h *hub) routeExchangeState(ev pbx.Event) {
	was := h.setStatus(ctiproto.ExchangeStatus{Available: ev.Available, Reason: ev.Reason})
	h.m.exchangeState(was.Available, ev.Available)
	wev := toWire(ev)
	at := stamp(ev.Time)
	for _, u := range h.users {
		h.publish(u, wev, at)
	}
}

// track keeps the set of devices ringing for each call.
func (h *hub) track(ev pbx.Event) {
	switch {
	case ev.State == pbx.StateAlerting:
		m := h.alerting[ev.Call]
		if m == nil {
			m = make(map[string]bool)
			h.alerting[ev.Call] = m
		}
		m[ev.Device] = true
	default:
		if m := h.alerting[ev.Call]; m != nil {
			delete(m, ev.Device)
			if len(m) == 0 {
				delete(h.alerting, ev.Call)
			}
		}
	}
}

// retractElsewhere clears, with cause picked-up-elsewhere, every other
// device still ringing for a call that has just been answered, whether
// or not the exchange says so itself: no popup may stay open anywhere.
// When the exchange does say so, its clear changes nothing and is dropped
// (ctiproto.CallState.Changes).
//
// The devices go in order: every node of a cluster numbers the events
// alike (node.go).
func (h *hub) retractElsewhere(ev pbx.Event) {
	for _, dev := range slices.Sorted(maps.Keys(h.alerting[ev.Call])) {
		if dev == ev.AnsweredBy {
			continue
		}
		delete(h.alerting[ev.Call], dev)
		h.presence.apply(pbx.Event{Kind: pbx.EvCleared, Time: ev.Time, Call: ev.Call, Device: dev,
			State: pbx.StateCleared, Cause: pbx.CausePickedUpElsewhere})
		note := h.notes.leave(ev.Call, dev, ev.Time)
		u := h.owner[dev]
		if u == nil {
			continue
		}
		h.publish(u, ctiproto.Event{
			Type: ctiproto.EventCleared, Time: ev.Time, Call: string(ev.Call),
			Device: dev, State: string(pbx.StateCleared), Cause: string(pbx.CausePickedUpElsewhere), Note: note,
		}, stamp(ev.Time))
	}
	if len(h.alerting[ev.Call]) == 0 {
		delete(h.alerting, ev.Call)
	}
}

// publish adds ev to u's log. at is the time (unix ns) of the exchange
// event it tells, for the write latency; 0 for an event the server makes
// of its own (a note, a reconciliation after an outage).
func (h *hub) publish(u *userLog, ev ctiproto.Event, at int64) {
	if err := u.publish(ev, at); err != nil {
		h.log.Error("event not published", "user", u.name, "type", ev.Type, "err", err)
	}
}

// setStatus records the exchange's status and returns the one before.
func (h *hub) setStatus(s ctiproto.ExchangeStatus) ctiproto.ExchangeStatus {
	h.statusMu.Lock()
	defer h.statusMu.Unlock()
	was := h.status
	h.status = s
	return was
}

// stamp is t in unix ns for the write latency; 0 (not measured) when the
// event has no time.
func stamp(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixNano()
}

func (h *hub) exchangeStatus() ctiproto.ExchangeStatus {
	h.statusMu.Lock()
	defer h.statusMu.Unlock()
	return h.status
}
