package main

import (
	"cmp"
	"context"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"
)

// fleet is every client of the run.
type fleet struct {
	clients    []*client // index i is user userName(i), device deviceID(i)
	url        string
	reconnect  bool // clients reconnect and resume when a connection ends
	trackCalls bool // restart mode: count events per call

	// nodes are every node's WebSocket URL, one without a cluster
	// (cluster_clients.go); faults counts the cluster faults begun: a
	// call that spans one is not followed (load.go); withdrawn are the
	// events of calls no longer followed because a fault met them on
	// their way (cluster_inflight.go).
	nodes     []string
	faults    atomic.Int32
	withdrawn atomic.Int64

	ctx      context.Context // ends the clients' reconnection attempts
	cancel   context.CancelFunc
	stopping atomic.Bool
	phase    atomic.Int32 // phaseBefore…: the phase the latencies count for
	allBack  atomic.Bool  // restart mode: every client is back on the new server (cluster faults: calls are followed)
	readers  sync.WaitGroup

	closeOnce sync.Once
	stats     fleetStats
}

// fleetConfig is how the clients behave.
type fleetConfig struct {
	dialers    int
	reconnect  bool
	trackCalls bool
	slow       []int // clients that dial with a small receive buffer
	watchers   int   // presence: clients 0…watchers-1 watch every device
	sources    int   // source addresses the clients dial from (sources.go)

	nodes []string // cluster: every node's WebSocket URL, the clients spread over them; nil: url
}

// connectFleet opens n clients, dialers at a time, each with its reader
// running. On the first failure it stops dialing and closes what is open.
func connectFleet(parent context.Context, url string, n int, cfg fleetConfig) (*fleet, error) {
	f := &fleet{clients: make([]*client, n), url: url, nodes: cfg.nodes, reconnect: cfg.reconnect, trackCalls: cfg.trackCalls}
	if len(f.nodes) == 0 {
		f.nodes = []string{url}
	}
	f.ctx, f.cancel = context.WithCancel(parent)
	for i := range f.clients {
		f.clients[i] = newClient(i, slices.Contains(cfg.slow, i))
		f.clients[i].src = sourceAddr(i, cfg.sources)
		if i < cfg.watchers {
			f.clients[i].pres = newPresenceState(n)
		}
		if cfg.trackCalls {
			f.clients[i].perCall, f.clients[i].tracked = map[string]int{}, map[string]int{}
		}
	}
	ctx, cancel := context.WithCancel(parent)
	defer cancel()
	jobs := make(chan int)
	var mu sync.Mutex
	var firstErr error
	var wg sync.WaitGroup
	for range min(cfg.dialers, n) {
		wg.Go(func() {
			for i := range jobs {
				c := f.clients[i]
				if err := dialFirst(ctx, f.firstURL(c), c); err != nil {
					mu.Lock()
					firstErr = cmp.Or(firstErr, err)
					mu.Unlock()
					cancel()
					continue
				}
				f.readers.Go(func() { c.run(f) })
			}
		})
	}
	feed(ctx, jobs, n)
	wg.Wait()
	if err := cmp.Or(parent.Err(), firstErr); err != nil {
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

// drain waits until the clients have received what they expect, or
// timeout passes. It reports whether they did.
// Watchers must have had a presence event for each of the expected
// events too: each is one change of a device's presence.
func (f *fleet) drain(ctx context.Context, expected int64, timeout time.Duration) bool {
	deadline := time.Now().Add(timeout)
	for {
		if f.received(expected) && f.presenceReceived(expected) {
			return true
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			return false
		}
		sleep(ctx, 10*time.Millisecond)
	}
}

// received says whether the expected events have arrived: in all, or
// with call tracking, each tracked call's at its client.
func (f *fleet) received(expected int64) bool {
	if f.trackCalls {
		var t trackedStats
		for _, c := range f.clients {
			t.add(c.trackedStats())
		}
		return t.Missing == 0
	}
	var n int64
	for _, c := range f.clients {
		n += c.delivered.Load()
	}
	return n >= expected
}

// countBack counts the clients in idx welcomed after t0.
func (f *fleet) countBack(idx []int, t0 time.Time) int {
	n := 0
	for _, i := range idx {
		if f.clients[i].backAt.Load() > t0.UnixNano() {
			n++
		}
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
		f.cancel()
		msg := websocket.FormatCloseMessage(websocket.CloseNormalClosure, "deskline-load done")
		for _, c := range f.clients {
			if conn := c.current(); conn != nil {
				conn.WriteControl(websocket.CloseMessage, msg, time.Now().Add(time.Second))
			}
		}
		waitTimeout(&f.readers, closeGrace)
		for _, c := range f.clients {
			if conn := c.current(); conn != nil {
				conn.Close()
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
