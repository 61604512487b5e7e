package main

import (
	"context"
	"fmt"
	"time"

	"github.com/deskline/deskline/server/simapi"
)

// Long calls ring before a cluster fault and stay up through it, so that
// calls in progress meet the fault (the load's calls last milliseconds).
// A new holder's exchange (a fresh sim) does not have them: each must end
// at its desk reconciled (cleared, cause exchange-restarted); a holder
// that stayed keeps them, and they are hung up after the recovery.
// Either way no desk may keep one (the final call check), and they are
// not counted as calls no ring answered. The fault waits until every
// long call has reached its desk: a call rung just before a holder is cut
// off may be answered yet never reach the log, and the cluster never had
// it (a real exchange would still have it, and the reconcile announce it).
const (
	longCallShare = 10  // one long call per this many desks
	maxLongCalls  = 100 // bounds the calls rung before the fault
	longWorkers   = 4   // sim API connections for them
	// longSeenLimit bounds the wait for the long calls at their desks.
	longSeenLimit = 10 * time.Second
)

// LongCalls are the calls up through the fault.
type LongCalls struct {
	Rung     int `json:"rung"`     // before the fault
	Survived int `json:"survived"` // still on the exchange after it, then hung up
	Gone     int `json:"gone"`     // gone from the exchange (a new holder's fresh one)
	Unseen   int `json:"unseen"`   // not at their desks within longSeenLimit of the ring
	Errors   int `json:"errors"`   // rings or hang-ups that failed
}

// ringLong rings one call at every longCallShare-th desk's device.
func ringLong(ctx context.Context, env *runEnv, ft *FaultFigures) map[string]bool {
	api := env.nodes.simClient(longWorkers)
	defer api.CloseIdleConnections()
	ids := map[string]bool{}
	at := map[string]*client{}
	for i := 0; i < len(env.f.clients) && len(ids) < maxLongCalls; i += longCallShare {
		id, err := api.Ring(ctx, deviceID(i), fmt.Sprintf("+4940%07d", i), "long call")
		if err != nil {
			ft.LongCalls.Errors++
			continue
		}
		ids[id], at[id] = true, env.f.clients[i]
	}
	ft.LongCalls.Rung = len(ids)
	env.rep.Cluster.longIDs = ids
	ft.LongCalls.Unseen = waitSeen(ctx, at)
	return ids
}

// waitSeen waits until every call in at has had an event at its client,
// or longSeenLimit passes, and returns how many had none.
func waitSeen(ctx context.Context, at map[string]*client) int {
	deadline := time.Now().Add(longSeenLimit)
	for {
		unseen := 0
		for id, c := range at {
			c.mu.Lock()
			if c.perCall[id] == 0 {
				unseen++
			}
			c.mu.Unlock()
		}
		if unseen == 0 || ctx.Err() != nil || time.Now().After(deadline) {
			return unseen
		}
		sleep(ctx, backPoll)
	}
}

// hangupLong hangs up the long calls the exchange still has.
func hangupLong(ctx context.Context, env *runEnv, ft *FaultFigures, ids map[string]bool) {
	calls, err := env.nodes.exchangeCalls(ctx)
	if err != nil {
		ft.LongCalls.Errors++
		return
	}
	api := env.nodes.simClient(longWorkers)
	defer api.CloseIdleConnections()
	have := map[string]bool{}
	for _, c := range calls {
		if ids[c.Call] && !have[c.Call] {
			have[c.Call] = true
			if err := simErr(simapi.Hangup, api.Hangup(ctx, c.Call, "")); err != nil {
				ft.LongCalls.Errors++
			}
		}
	}
	ft.LongCalls.Survived = len(have)
	ft.LongCalls.Gone = len(ids) - len(have)
}
