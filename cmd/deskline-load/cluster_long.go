package main

import (
	"context"
	"fmt"

	"github.com/deskline/deskline/server/simapi"
)

// Long calls ring before a cluster fault and stay up through it, so that
// calls in progress meet the fault (the load's calls last milliseconds).
// A new holder's exchange (a fresh sim) does not have them: each must end
// at its desk reconciled (cleared, cause exchange-restarted); a holder
// that stayed keeps them, and they are hung up after the recovery.
// Either way no desk may keep one (the final call check), and they are
// not counted as calls no ring answered.
const (
	longCallShare = 10  // one long call per this many desks
	maxLongCalls  = 100 // bounds the calls rung before the fault
	longWorkers   = 4   // sim API connections for them
)

// LongCalls are the calls up through the fault.
type LongCalls struct {
	Rung     int `json:"rung"`     // before the fault
	Survived int `json:"survived"` // still on the exchange after it, then hung up
	Gone     int `json:"gone"`     // gone from the exchange (a new holder's fresh one)
	Errors   int `json:"errors"`   // rings or hang-ups that failed
}

// ringLong rings one call at every longCallShare-th desk's device.
func ringLong(ctx context.Context, env *runEnv, ft *FaultFigures) map[string]bool {
	api := env.nodes.simClient(longWorkers)
	defer api.CloseIdleConnections()
	ids := map[string]bool{}
	for i := 0; i < len(env.f.clients) && len(ids) < maxLongCalls; i += longCallShare {
		id, err := api.Ring(ctx, deviceID(i), fmt.Sprintf("+4940%07d", i), "long call")
		if err != nil {
			ft.LongCalls.Errors++
			continue
		}
		ids[id] = true
	}
	ft.LongCalls.Rung = len(ids)
	env.rep.Cluster.longIDs = ids
	return ids
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
