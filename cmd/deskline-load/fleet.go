package main

import (
	"context"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"
)

// fleet is every client of the run.
type fleet struct {
	clients  []*client // index i is user userName(i), device deviceID(i)
	stopping atomic.Bool
	readers  sync.WaitGroup

	closeOnce sync.Once
	stats     fleetStats
}

// fleetStats is what the clients saw, summed once they are closed.
type fleetStats struct {
	Expected, Delivered int64
	Missing, Unexpected int64 // per client: expected − delivered, when positive, and the reverse
	Lost, Dup           int64
	BadFrames, Others   int64
	Latencies           []time.Duration // sorted
	LastRecv            time.Time
	Disconnects         map[string]int // how connections ended early, by close code or error
}

// connectFleet opens n clients, dialers at a time, each with its reader
// running. On the first failure it stops dialing and closes what is open.
func connectFleet(parent context.Context, url string, n, dialers int) (*fleet, error) {
	f := &fleet{clients: make([]*client, n)}
	ctx, cancel := context.WithCancel(parent)
	defer cancel()
	jobs := make(chan int)
	var mu sync.Mutex
	var firstErr error
	var wg sync.WaitGroup
	for range min(dialers, n) {
		wg.Go(func() {
			for i := range jobs {
				c, err := dialClient(ctx, url, i)
				if err != nil {
					mu.Lock()
					firstErr = cmpOr(firstErr, err)
					mu.Unlock()
					cancel()
					continue
				}
				f.clients[i] = c
				f.readers.Go(func() { c.read(&f.stopping) })
			}
		})
	}
	feed(ctx, jobs, n)
	wg.Wait()
	if err := cmpOr(parent.Err(), firstErr); err != nil {
		f.close()
		return nil, err
	}
	return f, nil
}

// feed sends 0…n-1 to jobs until ctx ends, then closes it.
func feed(ctx context.Context, jobs chan<- int, n int) {
	defer close(jobs)
	for i := range n {
		select {
		case jobs <- i:
		case <-ctx.Done():
			return
		}
	}
}

func cmpOr(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// drain waits until the clients have received expected events in all,
// or timeout passes. It reports whether they did.
func (f *fleet) drain(ctx context.Context, expected int64, timeout time.Duration) bool {
	deadline := time.Now().Add(timeout)
	for {
		if f.delivered() >= expected {
			return true
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			return false
		}
		sleep(ctx, 10*time.Millisecond)
	}
}

func (f *fleet) delivered() int64 {
	var n int64
	for _, c := range f.clients {
		n += c.delivered.Load()
	}
	return n
}

// closeGrace is how long clients wait for the server's answer to their
// close frames before they drop their connections.
const closeGrace = 3 * time.Second

// close says goodbye on every connection (close 1000), waits briefly for
// the server's answers, drops the connections, waits for the readers and
// returns the totals. Safe to call more than once.
func (f *fleet) close() fleetStats {
	f.closeOnce.Do(func() {
		f.stopping.Store(true)
		msg := websocket.FormatCloseMessage(websocket.CloseNormalClosure, "deskline-load done")
		for _, c := range f.clients {
			if c != nil {
				c.conn.WriteControl(websocket.CloseMessage, msg, time.Now().Add(time.Second))
			}
		}
		waitTimeout(&f.readers, closeGrace)
		for _, c := range f.clients {
			if c != nil {
				c.conn.Close()
			}
		}
		f.readers.Wait()
		f.stats = f.sum()
	})
	return f.stats
}

func waitTimeout(wg *sync.WaitGroup, d time.Duration) {
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(d):
	}
}

// sum adds up the clients; the readers must have ended.
func (f *fleet) sum() fleetStats {
	s := fleetStats{Disconnects: map[string]int{}}
	for _, c := range f.clients {
		if c == nil {
			continue
		}
		exp, got := c.expected.Load(), c.delivered.Load()
		s.Expected += exp
		s.Delivered += got
		s.Missing += max(exp-got, 0)
		s.Unexpected += max(got-exp, 0)
		s.Lost += c.lost
		s.Dup += c.dup
		s.BadFrames += c.badFrames
		s.Others += c.others
		s.Latencies = append(s.Latencies, c.latencies...)
		if c.lastRecv.After(s.LastRecv) {
			s.LastRecv = c.lastRecv
		}
		if c.endErr != nil {
			s.Disconnects[closeCode(c.endErr)]++
		}
	}
	slices.Sort(s.Latencies)
	return s
}
