package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/deskline/deskline/server/simapi"
)

// loadResult is what the load phase did.
type loadResult struct {
	Start, End   time.Time
	Attempted    int64 // calls started (ring sent)
	Completed    int64 // calls rung and hung up
	RingErrors   int64
	HangupErrors int64
	Cut          int64 // restart mode: calls whose ring or hangup the restart cut off
	Events       int64 // events the successful requests must cause (restart: the tracked calls')
	FirstError   string
	rung         *sync.Map // with tracked calls: every call id a ring answered (countUnknownCalls)
}

func (r loadResult) expected() int64 { return r.Events }

// loadCounters are loadResult's numbers while the workers run.
type loadCounters struct {
	attempted, completed, ringErrs, hangupErrs, cut, events atomic.Int64
	mu                                                      sync.Mutex
	firstErr                                                string
	rung                                                    sync.Map // call ids rung, with tracked calls
}

// driveLoad rings and hangs up calls at random clients' devices, o.Rate
// calls per second (0: as fast as o.Workers go) until stop is closed.
// Each call causes two events for its client: delivered, then cleared.
// In slow mode the slow clients get o.SlowRate calls/s each on top, with
// fat caller names, for the whole run: their buffers fill once they stop
// reading, and the load is the same before and during the stall.
func driveLoad(ctx context.Context, srv target, f *fleet, o options, slow []int, stop <-chan struct{}) loadResult {
	floodWorkers := min(len(slow), maxFloodWorkers)
	api := srv.simClient(o.Workers + floodWorkers)
	defer api.CloseIdleConnections()
	var cnt loadCounters
	start := time.Now()
	var wg sync.WaitGroup
	drive(ctx, &wg, o.Rate, o.Workers, start, stop, func(k int64) {
		i := rand.IntN(len(f.clients))
		if o.Watchers > 0 { // presence: no two calls at a device at once (presence.go)
			i = int(k % int64(len(f.clients)))
		}
		cnt.call(ctx, api, f, i, k, "")
	})
	if len(slow) > 0 {
		drive(ctx, &wg, o.SlowRate*float64(len(slow)), floodWorkers, start, stop, func(k int64) {
			cnt.call(ctx, api, f, slow[int(k)%len(slow)], k, fatName)
		})
	}
	wg.Wait()
	lr := cnt.result(start, time.Now())
	lr.Events -= f.withdrawn.Load() // cluster faults: calls met on their way
	return lr
}

// maxFloodWorkers bounds the HTTP workers calling the slow clients.
const maxFloodWorkers = 8

// fatName is the caller name of the slow clients' calls: near the
// protocol's 1024-byte limit, so that few events fill their buffers.
var fatName = strings.Repeat("n", 1000)

// drive starts workers that run call for every ticket pace hands out.
func drive(ctx context.Context, wg *sync.WaitGroup, rate float64, workers int,
	start time.Time, stop <-chan struct{}, call func(k int64)) {
	tickets := make(chan int64)
	go pace(ctx, rate, start, stop, tickets)
	for range workers {
		wg.Go(func() {
			for k := range tickets {
				call(k)
			}
		})
	}
}

// pace hands out call numbers 0, 1, … on tickets: call k is due at
// start + k/rate (when the workers fall behind they catch up at once), or
// at once when rate is 0. It closes tickets when stop is closed.
func pace(ctx context.Context, rate float64, start time.Time, stop <-chan struct{}, tickets chan<- int64) {
	defer close(tickets)
	wait := time.NewTimer(0)
	defer wait.Stop()
	for k := int64(0); ; k++ {
		if rate > 0 {
			due := time.Duration(float64(k) / rate * float64(time.Second))
			wait.Reset(time.Until(start.Add(due)))
			select {
			case <-wait.C:
			case <-stop:
				return
			case <-ctx.Done():
				return
			}
		}
		select {
		case tickets <- k:
		case <-stop:
			return
		case <-ctx.Done():
			return
		}
	}
}

// call is call number k: ring client i's device, then hang up. In
// restart mode only calls made once every client was back on the new
// server are followed, one by one; a failure of another is the restart's.
// In the cluster's fault modes calls are followed but while a fault is
// being recovered from, and a call that spans a fault's start is not
// followed (it may end reconciled; clusterFault).
func (cnt *loadCounters) call(ctx context.Context, api *simapi.Client, f *fleet, i int, k int64, name string) {
	c := f.clients[i]
	gen := f.faults.Load() // before follow: see clusterFault
	follow := !f.trackCalls || f.allBack.Load()
	spans := func() bool { return f.faults.Load() != gen }
	cnt.attempted.Add(1)
	id, err := api.Ring(ctx, deviceID(i), callerNumber(k), name)
	if err != nil {
		err = simErr(simapi.Ring, err)
		cnt.fail(&cnt.ringErrs, err, follow && !spans())
		return
	}
	if f.trackCalls {
		cnt.rung.Store(id, struct{}{})
	}
	cnt.expect(f, c, id, follow)
	if err := simErr(simapi.Hangup, api.Hangup(ctx, id, "")); err != nil {
		cnt.fail(&cnt.hangupErrs, err, follow && !spans())
		cnt.unfollow(c, id, follow && spans())
		return
	}
	cnt.expect(f, c, id, follow)
	cnt.unfollow(c, id, follow && spans())
	cnt.completed.Add(1)
}

// expect counts one event the client must get.
func (cnt *loadCounters) expect(f *fleet, c *client, call string, follow bool) {
	switch {
	case !f.trackCalls:
		c.expected.Add(1)
	case follow:
		c.mu.Lock()
		c.tracked[call]++
		c.mu.Unlock()
	default:
		return
	}
	cnt.events.Add(1)
}

// callerNumber is call k's outside caller, a Berlin number.
func callerNumber(k int64) string { return fmt.Sprintf("+4930%07d", k%10_000_000) }

// fail counts a failed request: an error, or when not followed (restart
// mode, before everyone was back) a call the restart cut off.
func (cnt *loadCounters) fail(n *atomic.Int64, err error, follow bool) {
	if !follow {
		cnt.cut.Add(1)
		return
	}
	n.Add(1)
	cnt.mu.Lock()
	if cnt.firstErr == "" {
		cnt.firstErr = err.Error()
	}
	cnt.mu.Unlock()
}

func (cnt *loadCounters) result(start, end time.Time) loadResult {
	return loadResult{
		Start: start, End: end,
		Attempted: cnt.attempted.Load(), Completed: cnt.completed.Load(),
		RingErrors: cnt.ringErrs.Load(), HangupErrors: cnt.hangupErrs.Load(), Cut: cnt.cut.Load(),
		Events: cnt.events.Load(), FirstError: cnt.firstErr, rung: &cnt.rung,
	}
}

// unfollow stops following client c's call id when do: it spanned the
// start of a cluster fault, so its events are whatever the fault left.
func (cnt *loadCounters) unfollow(c *client, id string, do bool) {
	if !do {
		return
	}
	c.mu.Lock()
	n := c.tracked[id]
	delete(c.tracked, id)
	c.mu.Unlock()
	cnt.events.Add(-int64(n))
}
