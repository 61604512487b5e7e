package server

import (
	"maps"
	"slices"
	"sync"
	"time"

	"github.com/deskline/deskline/ctiproto"
	"github.com/deskline/deskline/pbx"
)

// Call notes (PROTOCOL.md section 16): a desk attaches a line to a call;
// the hub tells it to the desks of every party and puts it on every later
// event of the call, so it travels with the call to whoever is transferred
// or picks it up.

// noteKeep is how long a note outlives the last connection of its users'
// devices in the call. A blind transfer or a deflection leaves no user's
// device in the call until the target's phone rings (the exchange may
// report that a moment later); a transfer to an outside number never
// brings one back, and the note then goes after this long.
const noteKeep = 2 * time.Minute

// noteSweepEvery spaces the sweeps for notes kept past their calls: a
// sweep walks every call in progress, and the routing goroutine must not
// do that for each of a thousand events a second.
const noteSweepEvery = time.Second

// callNotes owns every call's note and which users' devices have a
// connection in each call in progress (for a call with no note too, so a
// note set later reaches every party at once). The route goroutine follows connections;
// sessions set notes. mu is taken before any userLog's mutex (publishing
// under it keeps a note and the events of its call in order), never after.
type callNotes struct {
	mu      sync.Mutex
	owner   map[string]*userLog // by device id; fixed at start (hub.owner)
	byCall  map[pbx.CallID]*callNote
	orphans int       // notes with no party left, swept on a later change
	swept   time.Time // the last sweep (noteSweepEvery)
}

// callNote is one call's note ("" for none yet) and its parties among
// the users' devices.
type callNote struct {
	text    string
	parties map[string]bool
	alone   time.Time // when the last party left; zero while one is in the call
}

func newCallNotes(owner map[string]*userLog) *callNotes {
	return &callNotes{owner: owner, byCall: make(map[pbx.CallID]*callNote)}
}

// route tells ev to the user who owns its device, with the call's note,
// and follows who is in the call. It runs on the route goroutine.
func (n *callNotes) route(h *hub, ev pbx.Event) {
	n.mu.Lock()
	defer n.mu.Unlock()
	u := n.owner[ev.Device]
	if u == nil {
		return
	}
	c := n.follow(ev)
	wev := toWire(ev)
	if c != nil {
		wev.Note = c.text
	}
	h.publish(u, wev, stamp(ev.Time))
}

// follow updates the parties of ev's call (and, for a transfer to a new
// call id, carries the note over) and returns the call's entry, nil once
// the call has neither a party nor a note. n.mu is held.
func (n *callNotes) follow(ev pbx.Event) *callNote {
	c := n.byCall[ev.Call]
	if c != nil && c.text != "" && ev.Kind == pbx.EvTransferred && ev.NewCall != "" && ev.NewCall != ev.Call {
		if _, taken := n.byCall[ev.NewCall]; !taken {
			n.byCall[ev.NewCall] = &callNote{text: c.text, parties: map[string]bool{}, alone: ev.Time}
			n.orphans++
		}
	}
	gone := ev.State == pbx.StateCleared || ev.State == pbx.StateFailed
	switch {
	case c == nil && gone:
		return nil
	case c == nil:
		c = &callNote{parties: map[string]bool{ev.Device: true}}
		n.byCall[ev.Call] = c
	case gone && c.parties[ev.Device]:
		delete(c.parties, ev.Device)
		n.leftAlone(ev.Call, c, ev.Time)
	case !gone && !c.parties[ev.Device]:
		if len(c.parties) == 0 && !c.alone.IsZero() {
			c.alone = time.Time{}
			n.orphans--
		}
		c.parties[ev.Device] = true
	}
	n.sweep(ev.Time)
	return c
}

// leftAlone handles a call whose last party among the users' devices
// has left: without a note it is forgotten at once, with one it is kept
// for noteKeep (the call may come back to a user's device).
func (n *callNotes) leftAlone(call pbx.CallID, c *callNote, now time.Time) {
	switch {
	case len(c.parties) > 0:
	case c.text == "":
		delete(n.byCall, call)
	default:
		c.alone = now
		n.orphans++
	}
}

// sweep forgets the notes that have had no party for noteKeep.
func (n *callNotes) sweep(now time.Time) {
	if n.orphans == 0 || now.Sub(n.swept) < noteSweepEvery {
		return
	}
	n.swept = now
	for id, c := range n.byCall {
		if !c.alone.IsZero() && now.Sub(c.alone) >= noteKeep {
			delete(n.byCall, id)
			n.orphans--
		}
	}
}

// set gives call the note text ("" removes it) and tells it to the desks
// of every party among the users' devices, device (the setter's) first.
// It reports false, and changes nothing, when device is not in call as
// the routing goroutine last saw it (a call that ended a moment ago: its
// note would never be forgotten).
func (n *callNotes) set(h *hub, call pbx.CallID, device, text string, now time.Time) bool {
	n.mu.Lock()
	defer n.mu.Unlock()
	c := n.byCall[call]
	if c == nil || !c.parties[device] {
		return false
	}
	c.text = text
	tell := func(dev string) {
		if u := n.owner[dev]; u != nil {
			h.publish(u, ctiproto.Event{Type: ctiproto.EventNote, Time: now.Truncate(ctiproto.TimePrecision),
				Call: string(call), Device: dev, Note: text}, 0) // a desk's note, no exchange event
		}
	}
	tell(device)
	for _, dev := range slices.Sorted(maps.Keys(c.parties)) { // one order on every node of a cluster
		if dev != device {
			tell(dev)
		}
	}
	return true
}

// leave records that device left call without an exchange event (the hub
// cleared it: picked up elsewhere), and returns the call's note.
func (n *callNotes) leave(call pbx.CallID, device string, now time.Time) string {
	n.mu.Lock()
	defer n.mu.Unlock()
	c := n.byCall[call]
	if c == nil {
		return ""
	}
	if c.parties[device] {
		delete(c.parties, device)
		n.leftAlone(call, c, now)
	}
	return c.text
}

// reset makes the parties what the exchange reports after an outage:
// calls that are gone leave their notes alone (kept for noteKeep).
func (n *callNotes) reset(calls []pbx.Call, now time.Time) {
	n.mu.Lock()
	defer n.mu.Unlock()
	live := make(map[pbx.CallID]map[string]bool)
	for _, c := range calls {
		if n.owner[c.Device] == nil || c.State == pbx.StateCleared || c.State == pbx.StateFailed {
			continue
		}
		if live[c.Call] == nil {
			live[c.Call] = make(map[string]bool)
		}
		live[c.Call][c.Device] = true
	}
	for id, c := range n.byCall {
		c.parties = live[id]
		if c.parties == nil {
			c.parties = make(map[string]bool)
		}
	}
	for id, ps := range live {
		if n.byCall[id] == nil {
			n.byCall[id] = &callNote{parties: ps}
		}
	}
	n.orphans = 0
	for id, c := range n.byCall {
		switch {
		case len(c.parties) > 0:
			c.alone = time.Time{}
		case c.text == "":
			delete(n.byCall, id)
		default:
			if c.alone.IsZero() {
				c.alone = now
			}
			n.orphans++
		}
	}
	n.sweep(now)
}
