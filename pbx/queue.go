package pbx

import "sync"

// EventBuffer is the capacity of the Events channel. Beyond it events wait
// in an unbounded internal queue, so a slow consumer delays its own events
// but never blocks the exchange.
const EventBuffer = 1024

// EventQueue is the unbounded FIFO between an exchange and its Events
// channel. The exchange pushes under its lock (cheap, never blocks); one
// goroutine drains the queue into the channel, which keeps the order
// exactly as pushed.
type EventQueue struct {
	mu   sync.Mutex
	buf  []Event       // pushed, not yet taken by run
	wake chan struct{} // cap 1: "buf is not empty"
	stop chan struct{} // closed by close
	done chan struct{} // closed when run has returned
	out  chan Event    // the Events channel
}

// NewEventQueue starts a queue; its channel is Out.
func NewEventQueue() *EventQueue {
	q := &EventQueue{
		wake: make(chan struct{}, 1),
		stop: make(chan struct{}),
		done: make(chan struct{}),
		out:  make(chan Event, EventBuffer),
	}
	go q.run()
	return q
}

// Push appends evs (copied) and wakes the drain goroutine.
func (q *EventQueue) Push(evs []Event) {
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
func (q *EventQueue) run() {
	defer close(q.done)
	defer close(q.out)
	var batch []Event
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
func (q *EventQueue) flush(evs []Event) bool {
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
func (q *EventQueue) flushBuf() {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.flush(q.buf)
}

// Close stops the drain goroutine and waits until out is closed.
func (q *EventQueue) Close() {
	close(q.stop)
	<-q.done
}

// Out is the channel the queued events come out of, in order; it is
// closed by Close.
func (q *EventQueue) Out() <-chan Event { return q.out }
