package main

import (
	"context"
	"fmt"
	"time"
)

// storm drops every client's TCP connection at once (RST, no close
// frame: a switch reboots, a VPN concentrator fails over). Each client
// reconnects at once with its token and resumes from its epoch and seq;
// the load keeps going meanwhile, so events pile up in the server's
// per-user logs and must arrive after the resume, each exactly once.
func storm(ctx context.Context, env *runEnv) {
	f := env.f
	fig := &StormFigures{AtSeconds: time.Since(env.start).Seconds(), Dropped: len(f.clients)}
	t0 := time.Now()
	for _, c := range f.clients {
		c.drop()
	}
	back := waitBack(ctx, f, nil, t0)
	fig.Back = backTimes(back, len(f.clients))
	env.rep.Storm = fig
	fmt.Fprintf(env.progress, "storm: %d of %d back, 99%% in %.2fs, all in %.2fs\n",
		fig.Back.Back, fig.Back.Clients, fig.Back.P99, fig.Back.P100)
}

// finishStorm checks the storm's figures: everybody back and resumed.
func (r *Report) finishStorm(s fleetStats) {
	if r.Storm == nil {
		r.problem("storm: no storm happened (the run ended first)")
		return
	}
	if b := r.Storm.Back; b.Back < b.Clients {
		r.problem("storm: only %d of %d clients came back", b.Back, b.Clients)
	}
	if s.Logins.Resumed < r.Clients {
		r.problem("storm: %d resumes for %d clients (resync: %v)", s.Logins.Resumed, r.Clients, s.Logins.Resync)
	}
}
