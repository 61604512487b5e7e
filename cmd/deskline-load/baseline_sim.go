package main

import (
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"time"

	"github.com/deskline/deskline/ctiproto"
	"github.com/deskline/deskline/server/simapi"
)

// readBody reads a sim API request.
func readBody(w http.ResponseWriter, r *http.Request) (simapi.Request, bool) {
	var body simapi.Request
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 4<<10)).Decode(&body); err != nil {
		http.Error(w, `{"error":"bad body"}`, http.StatusBadRequest)
		return body, false
	}
	return body, true
}

// ring sends the device's user a delivered event, as Deskline does when
// an outside caller rings the device.
func (b *bServer) ring(w http.ResponseWriter, r *http.Request) {
	body, ok := readBody(w, r)
	if !ok {
		return
	}
	b.mu.Lock()
	b.next++
	id := fmt.Sprintf("c-%026d", b.next) // as long as the sim's random ids: frames compare in size
	b.calls[id] = bCall{device: body.Device, from: body.From, name: body.Name}
	b.mu.Unlock()
	now := time.Now()
	b.user(body.Device).publish(&ctiproto.Event{Type: ctiproto.EventDelivered, Time: now, Call: id,
		Device: body.Device, State: ctiproto.StateAlerting, Direction: ctiproto.DirectionIncoming,
		Other: &ctiproto.Party{Number: body.From, Name: body.Name}})
	b.presence(now, ctiproto.Presence{Device: body.Device, Status: ctiproto.StatusRinging,
		Direction: ctiproto.DirectionIncoming, Other: &ctiproto.Party{Number: body.From, Name: body.Name}})
	writeJSON(w, simapi.CallID{Call: id})
}

// hangup sends the call's device's user a cleared event.
func (b *bServer) hangup(w http.ResponseWriter, r *http.Request) {
	body, ok := readBody(w, r)
	if !ok {
		return
	}
	b.mu.Lock()
	call, found := b.calls[body.Call]
	delete(b.calls, body.Call)
	b.mu.Unlock()
	if !found {
		http.Error(w, `{"error":"no such call"}`, http.StatusNotFound)
		return
	}
	now := time.Now()
	defer b.presence(now, ctiproto.Presence{Device: call.device, Status: ctiproto.StatusIdle})
	b.user(call.device).publish(&ctiproto.Event{Type: ctiproto.EventCleared, Time: now, Call: body.Call,
		Device: call.device, State: ctiproto.StateCleared, Direction: ctiproto.DirectionIncoming, Cause: ctiproto.CauseNormal,
		Other: &ctiproto.Party{Number: call.from, Name: call.name}})
	writeJSON(w, struct{}{})
}

// listCalls lists the calls ringing, for the end-of-run check.
func (b *bServer) listCalls(w http.ResponseWriter, _ *http.Request) {
	b.mu.Lock()
	out := make([]ctiproto.Call, 0, len(b.calls))
	for id, c := range b.calls {
		out = append(out, ctiproto.Call{Call: id, Device: c.device, State: ctiproto.StateAlerting})
	}
	b.mu.Unlock()
	writeJSON(w, simapi.CallList{Calls: out})
}

// presence tells every watcher that pr.Device changed at now: one
// encoding, the seq spliced in per watcher (as Deskline does).
func (b *bServer) presence(now time.Time, pr ctiproto.Presence) {
	b.mu.Lock()
	watchers := make([]*bUser, 0, len(b.watchers))
	for u := range b.watchers {
		watchers = append(watchers, u)
	}
	b.mu.Unlock()
	if len(watchers) == 0 {
		return
	}
	now = now.Truncate(ctiproto.TimePrecision)
	pr.Since, pr.Name = now, "Load "+pr.Device // as the load's config names it
	tpl, err := ctiproto.NewEventTemplate(&ctiproto.Event{Type: ctiproto.EventPresence, Time: now, Presence: &pr})
	if err != nil {
		return
	}
	for _, u := range watchers {
		u.publishTemplate(tpl)
	}
}

// watch makes u a watcher of every device and answers with the presence
// of every device a client has (ringing where a call rings), in frames a
// client accepts, as of u's seq.
func (b *bServer) watch(u *bUser, c *bConn, id string) {
	b.mu.Lock()
	b.watchers[u] = true
	ringing := map[string]bCall{}
	for _, call := range b.calls {
		ringing[call.device] = call
	}
	devices := slices.Sorted(maps.Keys(b.users))
	b.mu.Unlock()
	list := make([]ctiproto.Presence, 0, len(devices))
	for _, d := range devices {
		pr := ctiproto.Presence{Device: d, Name: "Load " + d, Status: ctiproto.StatusIdle, Since: b.started}
		if call, ok := ringing[d]; ok {
			pr.Status, pr.Direction, pr.Other = ctiproto.StatusRinging, ctiproto.DirectionIncoming, &ctiproto.Party{Number: call.from, Name: call.name}
		}
		list = append(list, pr)
	}
	u.mu.Lock()
	defer u.mu.Unlock()
	seq := u.seq
	frames, err := ctiproto.EncodeSplit(ctiproto.Subprotocol, &ctiproto.Result{ID: id, Epoch: b.epoch, Seq: &seq, Presence: list}, ctiproto.MaxServerMessageBytes)
	if err != nil {
		return
	}
	for _, f := range frames {
		select {
		case c.send <- f:
		default:
			delete(u.conns, c)
			c.close()
			return
		}
	}
}
