package main

import (
	"encoding/json"
	"fmt"
	"net/http"
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
	b.user(body.Device).publish(&ctiproto.Event{Type: ctiproto.EventDelivered, Time: time.Now(), Call: id,
		Device: body.Device, State: ctiproto.StateAlerting, Direction: ctiproto.DirectionIncoming,
		Other: &ctiproto.Party{Number: body.From, Name: body.Name}})
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
	b.user(call.device).publish(&ctiproto.Event{Type: ctiproto.EventCleared, Time: time.Now(), Call: body.Call,
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
