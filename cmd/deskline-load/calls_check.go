package main

import (
	"context"
	"fmt"
	"maps"
	"slices"

	"github.com/deskline/deskline/ctiproto"
	"github.com/deskline/deskline/server/simapi"
)

// exchangeCalls asks the exchange which calls it has now.
func exchangeCalls(ctx context.Context, base string) ([]ctiproto.Call, error) {
	ctx, cancel := context.WithTimeout(ctx, simRequestTimeout)
	defer cancel()
	calls, err := simapi.NewClient(base, nil, "").Calls(ctx)
	return calls, simErr(simapi.Calls, err)
}

// maxExamples is how many stuck or unseen calls the report names.
const maxExamples = 5

// checkCalls compares the calls each client shows (from its events and
// snapshots) with the exchange's, once the load has drained: a call a
// client shows that the exchange no longer has is stuck on its screen; a
// call the exchange has at the client's device that it does not show is
// unseen. The readers must have ended.
func (r *Report) checkCalls(f *fleet, calls []ctiproto.Call) {
	if calls == nil {
		return // the run was cut short before the exchange was asked
	}
	byDevice := map[string]map[string]bool{}
	for _, c := range calls {
		if byDevice[c.Device] == nil {
			byDevice[c.Device] = map[string]bool{}
		}
		byDevice[c.Device][c.Call] = true
	}
	ch := CallCheck{ExchangeCalls: len(calls), Checked: true}
	for _, c := range f.clients {
		have := byDevice[deviceID(c.idx)]
		for _, id := range slices.Sorted(maps.Keys(c.known)) {
			ch.ClientCalls++
			if !have[id] {
				ch.Stuck++
				ch.note(fmt.Sprintf("%s shows %s (%s), the exchange has no such call", userName(c.idx), id, c.known[id]))
			}
		}
		for id := range have {
			if _, ok := c.known[id]; !ok {
				ch.Unseen++
				ch.note(fmt.Sprintf("%s does not show %s, which is at its device", userName(c.idx), id))
			}
		}
	}
	r.CallCheck = ch
}

func (ch *CallCheck) note(s string) {
	if len(ch.Examples) < maxExamples {
		ch.Examples = append(ch.Examples, s)
	}
}
