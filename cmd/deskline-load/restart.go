package main

import (
	"context"
	"fmt"
	"time"

	"github.com/deskline/deskline/ctiproto"
)

// restart stops the server with SIGTERM while the load runs and starts
// it again on the same port and state dir. The clients, told 1001 (going
// away), reconnect with backoff until it is back, log in with their
// tokens (kept in state_dir) and ask to resume: the epoch changed, so
// they get a snapshot instead. Calls in progress died with the old
// server's simulated exchange; from the moment every client is back,
// every call is followed one by one (fleet.allBack, loadCounters.call).
func restart(ctx context.Context, env *runEnv) {
	f, srv := env.f, env.srv
	fig := &RestartFigures{AtSeconds: time.Since(env.start).Seconds()}
	env.rep.Restart = fig
	t0 := time.Now()
	fig.FirstExit = srv.terminate()
	exited := time.Now()
	fig.StopSeconds = exited.Sub(t0).Seconds()
	if err := srv.start(ctx, env.progress); err != nil {
		fig.StartError = err.Error()
		return
	}
	healthy := time.Now()
	fig.DownSeconds = healthy.Sub(t0).Seconds()
	// Welcomes after the exit are the new server's; times count from SIGTERM.
	back := waitBack(ctx, f, nil, exited)
	for i := range back {
		back[i] += exited.Sub(t0)
	}
	fig.Back = backTimes(back, len(f.clients))
	if fig.Back.P99 >= 0 { // clients may beat the health poll (50 ms) by a little
		fig.P99Healthy = max(fig.Back.P99-fig.DownSeconds, 0)
	}
	f.allBack.Store(true)
	fmt.Fprintf(env.progress, "restart: down %.2fs, %d of %d back, 99%% %.2fs after SIGTERM\n",
		fig.DownSeconds, fig.Back.Back, fig.Back.Clients, fig.Back.P99)
}

// finishRestart checks the restart's figures: the server came back,
// every client with it, on the new epoch, and calls were followed after.
func (r *Report) finishRestart(s fleetStats) {
	fig := r.Restart
	if fig == nil {
		r.problem("restart: no restart happened (the run ended first)")
		return
	}
	fig.TrackedCalls = s.Tracked.Calls
	fig.Resynced = s.Logins.Resync[ctiproto.ResyncEpochChanged]
	switch {
	case fig.StartError != "":
		r.problem("restart: the server did not start again: %s", fig.StartError)
	case fig.Back.Back < fig.Back.Clients:
		r.problem("restart: only %d of %d clients came back", fig.Back.Back, fig.Back.Clients)
	case fig.Resynced < r.Clients:
		r.problem("restart: %d of %d clients were told epoch-changed (resync: %v)", fig.Resynced, r.Clients, s.Logins.Resync)
	case fig.TrackedCalls == 0:
		r.problem("restart: no call was made after every client was back; lengthen -duration")
	}
}
