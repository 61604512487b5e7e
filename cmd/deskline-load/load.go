package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"time"
)

// loadResult is what the load phase did.
type loadResult struct {
	Start, End   time.Time
	Attempted    int64 // calls started (ring sent)
	Completed    int64 // calls rung and hung up
	RingErrors   int64
	HangupErrors int64
	Events       int64 // events the successful requests must cause
	FirstError   string
}

func (r loadResult) expected() int64 { return r.Events }

// loadCounters are loadResult's numbers while the workers run.
type loadCounters struct {
	attempted, completed, ringErrs, hangupErrs, events atomic.Int64
	mu                                                 sync.Mutex
	firstErr                                           string
}

// driveLoad rings and hangs up calls at random clients' devices, o.Rate
// calls per second (0: as fast as o.Workers go) for o.Duration. Each call
// causes two events for its client: delivered, then cleared.
func driveLoad(ctx context.Context, base string, f *fleet, o options) loadResult {
	api := newSimAPI(base, o.Workers)
	defer api.close()
	var cnt loadCounters
	tickets := make(chan int64)
	start := time.Now()
	go pace(ctx, o.Rate, o.Duration, start, tickets)
	var wg sync.WaitGroup
	for range o.Workers {
		wg.Go(func() {
			for k := range tickets {
				cnt.call(ctx, api, f, k)
			}
		})
	}
	wg.Wait()
	return cnt.result(start, time.Now())
}

// pace hands out call numbers 0, 1, … on tickets: call k is due at
// start + k/rate (when the workers fall behind they catch up at once), or
// at once when rate is 0. It closes tickets when d has passed: at most
// rate×d calls are started.
func pace(ctx context.Context, rate float64, d time.Duration, start time.Time, tickets chan<- int64) {
	defer close(tickets)
	end := time.NewTimer(time.Until(start.Add(d)))
	defer end.Stop()
	wait := time.NewTimer(0)
	defer wait.Stop()
	for k := int64(0); ; k++ {
		if rate > 0 {
			due := time.Duration(float64(k) / rate * float64(time.Second))
			if due >= d {
				waitDone(ctx, end.C)
				return
			}
			wait.Reset(time.Until(start.Add(due)))
			select {
			case <-wait.C:
			case <-end.C:
				return
			case <-ctx.Done():
				return
			}
		}
		select {
		case tickets <- k:
		case <-end.C:
			return
		case <-ctx.Done():
			return
		}
	}
}

// call is call number k: ring a random client's device, then hang up.
func (cnt *loadCounters) call(ctx context.Context, api *simAPI, f *fleet, k int64) {
	i := rand.IntN(len(f.clients))
	c := f.clients[i]
	cnt.attempted.Add(1)
	id, err := api.ring(ctx, deviceID(i), callerNumber(k))
	if err != nil {
		cnt.fail(&cnt.ringErrs, err)
		return
	}
	c.expected.Add(1) // delivered
	cnt.events.Add(1)
	if err := api.hangup(ctx, id); err != nil {
		cnt.fail(&cnt.hangupErrs, err)
		return
	}
	c.expected.Add(1) // cleared
	cnt.events.Add(1)
	cnt.completed.Add(1)
}

// waitDone waits for c or the end of ctx.
func waitDone(ctx context.Context, c <-chan time.Time) {
	select {
	case <-c:
	case <-ctx.Done():
	}
}

// callerNumber is call k's outside caller, a Berlin number.
func callerNumber(k int64) string { return fmt.Sprintf("+4930%07d", k%10_000_000) }

func (cnt *loadCounters) fail(n *atomic.Int64, err error) {
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
		RingErrors: cnt.ringErrs.Load(), HangupErrors: cnt.hangupErrs.Load(),
		Events: cnt.events.Load(), FirstError: cnt.firstErr,
	}
}
