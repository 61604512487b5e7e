package server

import "sync"

// sendQueue is a connection's bounded FIFO of frames for its writer. It
// holds nothing while idle — a channel with room for the limit would cost
// every idle connection kilobytes — and grows only as frames wait. push
// never blocks: the hub calls it while holding a user's log.
type sendQueue struct {
	mu     sync.Mutex
	frames [][]byte
	limit  int
	ready  chan struct{} // has a value when frames may be waiting
}

func newSendQueue(limit int) *sendQueue {
	return &sendQueue{limit: limit, ready: make(chan struct{}, 1)}
}

// push appends a frame; false when limit frames are already waiting.
func (q *sendQueue) push(f []byte) bool {
	q.mu.Lock()
	if len(q.frames) >= q.limit {
		q.mu.Unlock()
		return false
	}
	q.frames = append(q.frames, f)
	q.mu.Unlock()
	select {
	case q.ready <- struct{}{}:
	default:
	}
	return true
}

// take removes and returns every waiting frame, oldest first.
func (q *sendQueue) take() [][]byte {
	q.mu.Lock()
	defer q.mu.Unlock()
	out := q.frames
	q.frames = nil
	return out
}
