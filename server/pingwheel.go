package server

import (
	"sync"
	"time"
)

// pingWheel sends every connection a keep-alive ping once per ping
// interval from one timer for the whole server, instead of a ticker (and
// a goroutine waiting on it) per connection. The interval is cut into
// slots; a session sits in the slot that was due when it joined, and
// each tick pings the sessions of the next slot, so each one is pinged
// every interval (the first time up to one tick early) and the pings
// are spread evenly over the interval rather than all at once.
//
// The timer runs only while the wheel holds sessions: once the last
// session has left (at the latest after Shutdown), it stops by itself. A ping only marks
// it due in the session's outbox and starts its writer if none runs
// (session.pingDue): the tick never blocks on a client.
type pingWheel struct {
	tick time.Duration

	mu      sync.Mutex
	slots   [][]*session
	pos     int // the slot pinged last; a session joining now goes there
	count   int // sessions in the wheel
	timer   *time.Timer
	running bool // the timer is set
}

// Wheel resolution: the interval is cut into up to pingSlots ticks of at
// least minPingTick each.
const (
	pingSlots   = 64
	minPingTick = 10 * time.Millisecond
)

func newPingWheel(interval time.Duration) *pingWheel {
	tick := max(interval/pingSlots, minPingTick)
	n := max(int(interval/tick), 1)
	return &pingWheel{tick: tick, slots: make([][]*session, n)}
}

// add puts s in the wheel: its first ping comes about one interval later.
func (w *pingWheel) add(s *session) {
	w.mu.Lock()
	defer w.mu.Unlock()
	slot := w.slots[w.pos]
	s.pingSlot, s.pingIndex = int32(w.pos), int32(len(slot))
	w.slots[w.pos] = append(slot, s)
	w.count++
	if w.running {
		return
	}
	w.running = true
	if w.timer == nil {
		w.timer = time.AfterFunc(w.tick, w.turn)
	} else {
		w.timer.Reset(w.tick)
	}
}

// remove takes s out of the wheel; it must be in it.
func (w *pingWheel) remove(s *session) {
	w.mu.Lock()
	defer w.mu.Unlock()
	slot := w.slots[s.pingSlot]
	last := len(slot) - 1
	moved := slot[last]
	slot[s.pingIndex], moved.pingIndex = moved, s.pingIndex
	slot[last] = nil
	w.slots[s.pingSlot] = slot[:last]
	w.count--
	if cap(slot) > 64 && last < cap(slot)/4 { // a crowd of connections has left: give the room back
		w.slots[s.pingSlot] = append([]*session(nil), slot[:last]...)
	}
}

// turn moves the wheel on by one slot and pings that slot's sessions.
func (w *pingWheel) turn() {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.pos = (w.pos + 1) % len(w.slots)
	for _, s := range w.slots[w.pos] {
		s.pingDue()
	}
	if w.count == 0 {
		w.running = false
		return
	}
	w.timer.Reset(w.tick)
}
