package sim

import (
	"sync"

	"github.com/deskline/deskline/pbx"
)

// EventBuffer is the capacity of the Events channel. Beyond it events wait
// in an unbounded internal queue, so a slow consumer delays its own events
// but never blocks the exchange.
const EventBuffer = 1024

// eventQueue is the unbounded FIFO between the exchange and the Events
// channel. The exchange pushes under its lock (cheap, never blocks); one
// goroutine drains the queue into the channel, which keeps the order
// exactly as pushed.
type eventQueue struct {
	mu   sync.Mutex
	buf  []pbx.Event    // pushed, not yet taken by run
	wake chan struct{}  // cap 1: "buf is not empty"
	stop chan struct{}  // closed by close
	done chan struct{}  // closed when run has returned
	out  chan pbx.Event // the Events channel
}

func newEventQueue() *eventQueue {
	q := &eventQueue{
		wake: make(chan struct{}, 1),
		stop: make(chan struct{}),
		done: make(chan struct{}),
		out:  make(chan pbx.Event, EventBuffer),
	}
	go q.run()
	return q
}

// push appends evs (copied) and wakes the drain goroutine.
func (q *eventQueue) push(evs []pbx.Event) {
	q.mu.Lock()
	q.buf = append(q.buf, evs...)
	q.mu.Unlock()
	select {
	case q.wake <- struct{}{}:
	default: // already signalled
	}
}

// run moves events to out until close. It swaps buffers with push so that
// a steady stream costs no allocation.
func (q *eventQueue) run() {
	defer close(q.done)
	defer close(q.out)
	var batch []pbx.Event
	for {
		q.mu.Lock()
		batch, q.buf = q.buf, batch[:0]
		q.mu.Unlock()
		for i := range batch {
			select {
			case q.out <- batch[i]:
			case <-q.stop:
				if q.flush(batch[i:]) {
					q.flushBuf()
				}
				return
			}
		}
		clear(batch) // drop DeviceState pointers
		if len(batch) > 0 {
			continue // more may have arrived meanwhile
		}
		select {
		case <-q.wake:
		case <-q.stop:
			q.flushBuf()
			return
		}
	}
}

// flush hands over, at close, what still fits into out without blocking:
// a consumer that keeps up loses nothing, a stuck one cannot hold Close.
// It reports whether everything fitted; once one event is dropped, later
// ones must not follow, or the consumer would see a gap.
func (q *eventQueue) flush(evs []pbx.Event) bool {
	for _, ev := range evs {
		select {
		case q.out <- ev:
		default:
			return false
		}
	}
	return true
}

// flushBuf flushes what is still queued.
func (q *eventQueue) flushBuf() {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.flush(q.buf)
}

// close stops the drain goroutine and waits until out is closed.
func (q *eventQueue) close() {
	close(q.stop)
	<-q.done
}

// legEvent is an event about l's connection in c, with the fields every
// call event shares.
func legEvent(kind pbx.EventKind, c *call, l *leg) pbx.Event {
	return pbx.Event{
		Kind:      kind,
		Call:      c.id,
		Device:    l.party.Number,
		State:     l.state,
		Direction: l.dir,
		Other:     l.other,
	}
}

// emit stamps ev and queues it; it goes out when the lock is released.
// Called with x.mu held.
func (x *Exchange) emit(ev pbx.Event) {
	ev.Time = x.clock.Now()
	x.pending = append(x.pending, ev)
}

// tell emits ev if l is an extension: external parties have no one to
// tell.
func (x *Exchange) tell(l *leg, ev pbx.Event) {
	if l.dev != nil {
		x.emit(ev)
	}
}

// emitDeviceState reports d's state.
func (x *Exchange) emitDeviceState(d *device) {
	info := d.info
	x.emit(pbx.Event{Kind: pbx.EvDeviceState, Device: d.info.ID, DeviceState: &info})
}
