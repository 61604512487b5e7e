package main

import (
	"context"
	"fmt"
	"io"
	"slices"
	"time"
)

// The modes. Each is bounded in time (its own limits below and -timeout)
// and in count (-clients), runs on loopback only and stops by itself.
const (
	modeSteady  = "steady"  // calls at -rate, nothing else
	modeStorm   = "storm"   // every client drops at once and reconnects at once
	modeSlow    = "slow"    // a few clients stop reading until the server cuts them
	modeRestart = "restart" // the server restarts (SIGTERM) under load
)

var modes = append([]string{modeSteady, modeStorm, modeSlow, modeRestart}, clusterModes...)

func validMode(m string) bool { return slices.Contains(modes, m) }

// Phases of a disturbed run, for the latency of the undisturbed clients.
const (
	phaseBefore = iota // from the load's start to the disturbance
	phaseDuring        // from the disturbance until the clients are back
	phaseAfter         // from then to the load's end
	numPhases
)

var phaseNames = [numPhases]string{"before", "during", "after"}

// Limits of the disturbances.
const (
	// reconnectLimit bounds the wait for clients to come back after a
	// storm, a cut or a restart; a client still away then has failed.
	reconnectLimit = 60 * time.Second
	// backPoll is how often the tool looks whether the clients are back.
	backPoll = 10 * time.Millisecond
	// minAfter is the least load after a disturbance: the clients must
	// be seen to work again, and restart counts only these calls.
	minAfterFraction = 3 // of -duration
)

// baselineOn says whether the run measures the baseline server too.
func (o options) baselineOn() bool {
	return (o.Baseline || o.Mode == modeSteady) && !o.NoBaseline
}

// reconnects says whether clients reconnect and resume when their
// connection ends: in every mode but steady, where an end is a failure.
func (o options) reconnects() bool { return o.Mode != modeSteady }

// scenario is the load phase's timeline: it closes stop when the load
// should end. Steady: after -duration. Otherwise a third of -duration of
// load, the disturbance and the clients' recovery, then at least another
// third, and at least -duration in all.
func scenario(ctx context.Context, env *runEnv, start time.Time, stop chan<- struct{}) {
	defer close(stop)
	o := env.o
	env.start = start
	if o.Mode == modeSteady {
		sleep(ctx, o.Duration)
		return
	}
	sleep(ctx, o.Duration/minAfterFraction)
	if ctx.Err() != nil {
		return
	}
	env.f.phase.Store(phaseDuring)
	fmt.Fprintf(env.progress, "%s: disturbing %.1fs into the load…\n", o.Mode, time.Since(start).Seconds())
	switch o.Mode {
	case modeStorm:
		storm(ctx, env)
	case modeSlow:
		slowPhase(ctx, env)
	case modeRestart:
		restart(ctx, env)
	default:
		clusterFault(ctx, env)
	}
	env.f.phase.Store(phaseAfter)
	rest := max(o.Duration-time.Since(start), o.Duration/minAfterFraction)
	sleep(ctx, rest)
}

// runEnv is what a mode's disturbance works with.
type runEnv struct {
	o        options
	srv      *serverProc // one server; nil in a cluster
	nodes    *nodeSet    // a cluster's nodes (cluster_nodes.go); nil without
	f        *fleet
	rep      *Report
	progress io.Writer
	start    time.Time // the load's start
}

// waitBack waits until every client in idx (all when nil) has had a
// welcome after t0, or reconnectLimit passes. It returns how long each
// took from t0, sorted; the ones not back are left out.
func waitBack(ctx context.Context, f *fleet, idx []int, t0 time.Time) []time.Duration {
	if idx == nil {
		idx = make([]int, len(f.clients))
		for i := range idx {
			idx[i] = i
		}
	}
	deadline := time.Now().Add(reconnectLimit)
	for f.countBack(idx, t0) < len(idx) && time.Now().Before(deadline) && ctx.Err() == nil {
		sleep(ctx, backPoll)
	}
	var d []time.Duration
	for _, i := range idx {
		if at := f.clients[i].backAt.Load(); at > t0.UnixNano() {
			d = append(d, time.Duration(at-t0.UnixNano()))
		}
	}
	slices.Sort(d)
	return d
}

// backTimes summarises the times clients took to come back: the time
// until 50%, 99% and 100% of want were back (-1 when they never were).
func backTimes(d []time.Duration, want int) BackTimes {
	at := func(q float64) float64 {
		n := int(q*float64(want) + 0.999999) // clients needed, rounded up
		if n < 1 {
			n = 1
		}
		if n > len(d) {
			return -1
		}
		return d[n-1].Seconds()
	}
	return BackTimes{Clients: want, Back: len(d), P50: at(0.5), P99: at(0.99), P100: at(1)}
}
