package sim

import (
	"container/heap"
	"sync"
	"time"
)

// Clock is the source of time and timers of an Exchange. Every timeout and
// automatic answer goes through it, so a test that controls the Clock
// controls when they happen.
type Clock interface {
	// Now is the current time; events are stamped with it.
	Now() time.Time
	// AfterFunc calls f once, in its own goroutine or synchronously from
	// the clock's driver, after d has passed.
	AfterFunc(d time.Duration, f func()) Timer
}

// Timer is a pending AfterFunc call.
type Timer interface {
	// Stop prevents the call if it has not happened yet and reports
	// whether it did so.
	Stop() bool
}

// systemClock is the real clock; *time.Timer already satisfies Timer.
type systemClock struct{}

func (systemClock) Now() time.Time { return time.Now() }

func (systemClock) AfterFunc(d time.Duration, f func()) Timer { return time.AfterFunc(d, f) }

// ManualClock is a Clock that only moves when told to: Advance fires the
// timers that fall due, in order, synchronously in the caller's goroutine.
// It makes tests of timeouts exact and free of sleeps. It is safe for
// concurrent use, but Advance is meant to be called from one goroutine at
// a time.
type ManualClock struct {
	mu     sync.Mutex
	now    time.Time
	seq    uint64 // creation order, the tie-break between timers due together
	timers timerHeap
}

// NewManualClock returns a ManualClock showing start.
func NewManualClock(start time.Time) *ManualClock {
	return &ManualClock{now: start}
}

// Now returns the clock's current time.
func (c *ManualClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// AfterFunc schedules f for Now()+d; it runs during the Advance that
// reaches that time (d <= 0: the next Advance, even Advance(0)).
func (c *ManualClock) AfterFunc(d time.Duration, f func()) Timer {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.seq++
	t := &manualTimer{clock: c, due: c.now.Add(d), seq: c.seq, f: f}
	heap.Push(&c.timers, t)
	return t
}

// Advance moves the clock forward by d. Each timer due by then fires in
// order of due time (then creation), with Now showing its due time while
// it runs; timers that callbacks schedule inside the window fire too.
// Callbacks run without the clock's lock held, so they may use the clock.
func (c *ManualClock) Advance(d time.Duration) {
	c.mu.Lock()
	end := c.now.Add(d)
	for len(c.timers) > 0 && !c.timers[0].due.After(end) {
		t := heap.Pop(&c.timers).(*manualTimer)
		if t.due.After(c.now) {
			c.now = t.due
		}
		c.mu.Unlock()
		t.f()
		c.mu.Lock()
	}
	if end.After(c.now) {
		c.now = end
	}
	c.mu.Unlock()
}

// Pending reports how many timers wait to fire; tests use it to check that
// nothing was left scheduled.
func (c *ManualClock) Pending() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.timers)
}

// manualTimer is one scheduled call of a ManualClock.
type manualTimer struct {
	clock *ManualClock
	due   time.Time
	seq   uint64
	f     func()
	index int // position in the heap; -1 once fired or stopped
}

// Stop removes the timer from its clock if it is still waiting.
func (t *manualTimer) Stop() bool {
	c := t.clock
	c.mu.Lock()
	defer c.mu.Unlock()
	if t.index < 0 {
		return false
	}
	heap.Remove(&c.timers, t.index)
	return true
}

// timerHeap orders timers by due time, then creation (container/heap).
type timerHeap []*manualTimer

func (h timerHeap) Len() int { return len(h) }

func (h timerHeap) Less(i, j int) bool {
	if h[i].due.Equal(h[j].due) {
		return h[i].seq < h[j].seq
	}
	return h[i].due.Before(h[j].due)
}

func (h timerHeap) Swap(i, j int) {
	h[i], h[j] = h[j], h[i]
	h[i].index = i
	h[j].index = j
}

func (h *timerHeap) Push(x any) {
	t := x.(*manualTimer)
	t.index = len(*h)
	*h = append(*h, t)
}

func (h *timerHeap) Pop() any {
	old := *h
	t := old[len(old)-1]
	old[len(old)-1] = nil
	t.index = -1
	*h = old[:len(old)-1]
	return t
}
