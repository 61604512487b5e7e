package ami

import (
	"cmp"
	"context"
	"errors"
	"maps"
	"slices"
	"time"

	"github.com/deskline/deskline/pbx"
)

var _ pbx.QueueLister = (*Exchange)(nil)

// firstSyncWait bounds how long Queues waits for the first link to
// Asterisk. The CTI server lists the queues once, as it starts, which is
// usually before the connector's first login: Asterisk on the LAN
// answers a login and QueueStatus within milliseconds, and a server must
// not hang for an Asterisk that is down (its queues then appear with
// their first call, without members).
const firstSyncWait = 5 * time.Second

// readQueues reads every queue's members and waiting callers
// (QueueStatus: QueueParams, QueueMember and QueueEntry items, then
// QueueStatusComplete). QueueStatus needs no write class; an Asterisk
// without app_queue answers it as an unknown command. Not knowing the
// queues is no reason to stay down: the previous roster is kept.
func (x *Exchange) readQueues(ctx context.Context, c *conn) {
	items, err := c.list(ctx, NewAction("QueueStatus"))
	if err != nil {
		x.refused("QueueStatus", err, "queue members unknown: queues appear with their first call, without members")
		return
	}
	x.m.mu.Lock()
	defer x.m.mu.Unlock()
	out := batch{now: x.m.now()}
	x.m.rosterFrom(items, out.now)
	x.m.tellMembers(&out, x.m.rosterNames()...)
	if len(out.list) > 0 {
		x.events.Push(out.list) // under m.mu, as the mapper pushes: in order with its events
	}
}

// readParked reads the calls parked now (ParkedCalls: ParkedCall items,
// then ParkedCallsComplete), so that calls parked while Deskline was not
// linked are listed too. ParkedCalls needs the write class call.
func (x *Exchange) readParked(ctx context.Context, c *conn) {
	if len(x.cfg.ParkSlots) == 0 {
		return
	}
	items, err := c.list(ctx, NewAction("ParkedCalls"))
	if err != nil {
		x.refused("ParkedCalls", err, "only calls parked while linked are listed")
		return
	}
	x.m.parkedFrom(items)
}

// refused logs an action the connector could do without, once per
// action and answer: Asterisk answers the same at every reconnect.
func (x *Exchange) refused(action string, err error, consequence string) {
	key := action + ": " + err.Error()
	var ae *ActionError
	if errors.As(err, &ae) {
		key = action + ": " + ae.Message
	}
	x.mu.Lock()
	seen := x.warned[key]
	x.warned[key] = true
	x.mu.Unlock()
	if !seen {
		x.cfg.Log.Warn("ami: "+action+" failed; "+consequence+" (see docs/asterisk.md)", "action", action, "err", err)
	}
}

// Queues lists Asterisk's queues with the Deskline devices among their
// members and those app_queue will not ring now, paused or unreachable
// (pbx.QueueLister; queue_told.go tells changes as pbx.EvQueueMembers),
// and the configured ring groups (whose members Asterisk does not
// report). It waits for the first link to
// Asterisk, up to firstSyncWait.
func (x *Exchange) Queues() []pbx.QueueInfo {
	select {
	case <-x.synced:
	case <-x.stop:
	case <-time.After(firstSyncWait):
	}
	x.m.mu.Lock()
	out := make([]pbx.QueueInfo, 0, len(x.m.roster.queues)+len(x.cfg.RingGroups))
	for _, name := range slices.Sorted(maps.Keys(x.m.roster.queues)) {
		out = append(out, x.m.queueInfo(name))
	}
	for _, exten := range slices.Sorted(maps.Keys(x.cfg.RingGroups)) {
		if _, isQueue := x.m.roster.queues[exten]; !isQueue {
			out = append(out, pbx.QueueInfo{Number: exten, Name: cmp.Or(x.cfg.RingGroups[exten], exten)})
		}
	}
	x.m.mu.Unlock()
	return out
}

// QueueLogins is each queue's Deskline members by queue name, with
// whether app_queue may ring them now and whether they are paused (the
// state QueueMemberPause and QueueMemberStatus change), for diagnostics
// and tests: Queues carries only who is away.
func (x *Exchange) QueueLogins() map[string][]MemberLogin { return x.m.logins() }
