package main

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// Slow mode's limits.
const (
	// defaultSlowRate is the extra calls/s each slow client gets: with
	// fat names (fatName) about 25 KB/s, which fills a stalled client's
	// socket and send queue in seconds, not minutes.
	defaultSlowRate = 10
	// slowRcvBuf is the slow clients' socket receive buffer: small, so
	// the server's writes block soon after they stop reading. Set before
	// connecting, so the TCP window is small from the start.
	slowRcvBuf = 4 << 10
	// slowMaxStall bounds the stall: a server that has not cut its slow
	// consumers by then has failed to (its write_wait and pong_wait are
	// 10s and 60s by default).
	slowMaxStall = 90 * time.Second
	// healthPoll is how often the stall looks at the server's count.
	healthPoll = 100 * time.Millisecond
)

// slowClients are the clients that stall in slow mode (none otherwise):
// -slow of them, or 1% of the clients, at least one, spread evenly.
func (o options) slowClients() []int {
	if o.Mode != modeSlow {
		return nil
	}
	n := o.Slow
	if n == 0 {
		n = max(o.Clients/100, 1)
	}
	idx := make([]int, n)
	for k := range idx {
		idx[k] = k * o.Clients / n
	}
	return idx
}

// slowPhase makes the slow clients stop reading until the server has
// cut them all (its connection count falls by their number) or
// slowMaxStall passes, then read again: they read what their sockets
// hold, see their connection end, reconnect and resume. The phase ends
// when they are all back.
func slowPhase(ctx context.Context, env *runEnv) {
	slow := env.o.slowClients()
	fig := &SlowFigures{Clients: len(slow), RatePerClient: env.o.SlowRate}
	env.rep.Slow = fig
	stall := make(chan struct{})
	for _, i := range slow {
		c := env.f.clients[i]
		c.mu.Lock()
		c.stall = stall
		c.mu.Unlock()
	}
	t0 := time.Now()
	fig.CutByServer = waitCut(ctx, env.srv, len(env.f.clients), len(slow))
	fig.StallSeconds = time.Since(t0).Seconds()
	t1 := time.Now()
	for _, i := range slow {
		c := env.f.clients[i]
		c.mu.Lock()
		c.stall = nil
		c.mu.Unlock()
	}
	close(stall)
	fig.Back = backTimes(waitBack(ctx, env.f, slow, t1), len(slow))
	fmt.Fprintf(env.progress, "slow: %d stalled %.1fs, server cut %d, %d back in %.2fs\n",
		len(slow), fig.StallSeconds, fig.CutByServer, fig.Back.Back, fig.Back.P100)
}

// waitCut waits until the server counts n−slow connections or fewer, or
// slowMaxStall passes, and returns by how many its count fell.
func waitCut(ctx context.Context, srv *serverProc, n, slow int) int {
	deadline := time.Now().Add(slowMaxStall)
	cut := 0
	for ctx.Err() == nil && time.Now().Before(deadline) {
		if h, err := srv.health(ctx); err == nil {
			cut = n - h.Connections
			if cut >= slow {
				break
			}
		}
		sleep(ctx, healthPoll)
	}
	return cut
}

// finishSlow fills in the other clients' latency before and during the
// stall, and checks the slow ones were cut and resumed.
func (r *Report) finishSlow(s fleetStats) {
	fig := r.Slow
	if fig == nil {
		r.problem("slow: no stall happened (the run ended first)")
		return
	}
	fig.Ends, fig.Resumed = s.SlowEnds, s.SlowResumed
	fig.SlowSamples = len(s.SlowLatencies)
	before, during := latencyOf(s.Phases[phaseBefore]), latencyOf(s.Phases[phaseDuring])
	fig.P99Before, fig.P99During = before.P99, during.P99
	fig.P99Ratio = ratio(during.P99, before.P99)
	switch {
	case fig.CutByServer < fig.Clients:
		r.problem("slow: the server cut %d of %d slow clients within %s", fig.CutByServer, fig.Clients, slowMaxStall)
	case fig.Resumed < fig.Clients:
		r.problem("slow: %d of %d slow clients resumed", fig.Resumed, fig.Clients)
	case before.Samples == 0 || during.Samples == 0:
		r.problem("slow: no latency samples before (%d) or during (%d) the stall", before.Samples, during.Samples)
	case len(s.Ends) > 0:
		r.problem("slow: other clients were cut too: %v", s.Ends)
	}
}

// noteServerLine counts the server's "session ended" lines (slow mode
// logs at info) by why it cut a client: a full send queue, a write that
// timed out, or no pong within pong_wait.
func (f *SlowFigures) noteServerLine(line string) {
	if !strings.Contains(line, "session ended") {
		return
	}
	switch {
	case strings.Contains(line, "slow consumer"):
		f.ServerKicks++
	case strings.Contains(line, `reason="write failed"`):
		f.ServerWriteFails++
	case strings.Contains(line, `reason="keepalive timed out"`):
		f.ServerPongTimeouts++
	}
}
