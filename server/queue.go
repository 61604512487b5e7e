package server

import "sync"

// outbox is everything a connection's writer has to do, under one mutex:
// the frames waiting for it, whether a ping is due, whether the
// connection is to be closed, and whether a writer is running.
//
// It holds nothing while idle — a channel with room for the limit would
// cost every idle connection kilobytes — and grows only as frames wait.
// No call on it ever blocks: the hub queues events while holding a user's
// log, and the ping wheel queues pings while holding its own lock.
//
// There is no writer goroutine while nothing is waiting: whoever queues
// work into an outbox that has no writer starts one (session.wake), and
// the writer returns once it finds the outbox empty. writing is set
// before the writer starts and cleared by the writer itself, under mu,
// in the same critical section in which it found nothing to do, so at
// most one writer exists at any time and work queued is never left
// without one.
type outbox struct {
	mu      sync.Mutex
	prelude [][]byte // frames up to and including the welcome and its replay
	frames  [][]byte // live frames: results and events after the welcome
	// stamps are, frame by frame, the times (unix ns) of the exchange
	// events the live frames tell, 0 for the others: the writer observes
	// the write latency from them.
	stamps   []int64
	limit    int  // most frames that may wait in frames (and in prelude)
	welcomed bool // the welcome is queued: frames may be written after prelude
	ping     bool // a keep-alive ping is due
	closing  bool // the session was kicked: the writer closes the connection
	writing  bool // a writer goroutine runs, or has closed the connection for good
}

// work is what a writer takes out of the outbox in one go.
type work struct {
	prelude, frames [][]byte
	stamps          []int64 // frames' exchange event times (outbox.stamps)
	ping            bool
}

func (w work) empty() bool { return len(w.prelude) == 0 && len(w.frames) == 0 && !w.ping }

// pushLocked appends a live frame; false when limit frames already wait.
// After a kick the frame is dropped: the writer no longer takes frames.
func (q *outbox) pushLocked(f []byte, at int64) bool {
	if q.closing {
		return true
	}
	if len(q.frames) >= q.limit {
		return false
	}
	q.frames = append(q.frames, f)
	q.stamps = append(q.stamps, at)
	return true
}

// pushPreludeLocked appends a frame that goes before the welcome; false
// when limit frames already wait there (a client that sends frame after
// frame before its hello and reads none of the errors).
func (q *outbox) pushPreludeLocked(f []byte) bool {
	if q.closing {
		return true
	}
	if len(q.prelude) >= q.limit {
		return false
	}
	q.prelude = append(q.prelude, f)
	return true
}

// takeLocked removes what may be written now, oldest first: the prelude
// always, live frames only once the welcome is among what was queued.
func (q *outbox) takeLocked() work {
	w := work{prelude: q.prelude, ping: q.ping}
	q.prelude, q.ping = nil, false
	if q.welcomed {
		w.frames, q.frames = q.frames, nil
		w.stamps, q.stamps = q.stamps, nil
	}
	return w
}
