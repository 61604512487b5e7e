package server

import (
	"strings"
	"testing"
	"time"

	"github.com/deskline/deskline/ctiproto"
	"github.com/deskline/deskline/pbx"
)

// Whatever a connector hands over, the event a client receives decodes
// under the strict v1 rules: odd PBX replies are repaired, not passed on.
func TestToWireRepairsOddExchangeEvents(t *testing.T) {
	now := time.Now()
	base := pbx.Event{Time: now, Call: "c-1", Device: "201"}
	with := func(f func(*pbx.Event)) pbx.Event { e := base; f(&e); return e }
	for _, tc := range []struct {
		name string
		ev   pbx.Event
		want string // event type after repair
	}{
		{"withheld caller", with(func(e *pbx.Event) { e.Kind, e.State = pbx.EvDelivered, pbx.StateAlerting }), ctiproto.EventDelivered},
		{"huge name, control bytes in number", with(func(e *pbx.Event) {
			e.Kind, e.State = pbx.EvDelivered, pbx.StateAlerting
			e.Other = pbx.Party{Number: "+49\x00\x1b30 123", Name: strings.Repeat("\xff名", 2000)}
		}), ctiproto.EventDelivered},
		{"established without answerer", with(func(e *pbx.Event) { e.Kind, e.State = pbx.EvEstablished, pbx.StateConnected }), ctiproto.EventEstablished},
		{"held without holder", with(func(e *pbx.Event) { e.Kind, e.State = pbx.EvHeld, pbx.StateHeld }), ctiproto.EventHeld},
		{"transfer without destination", with(func(e *pbx.Event) { e.Kind, e.State = pbx.EvTransferred, pbx.StateCleared }), ctiproto.EventTransferred},
		{"diverted without destination", with(func(e *pbx.Event) { e.Kind, e.State = pbx.EvDiverted, pbx.StateCleared }), ctiproto.EventCleared},
		{"cleared without cause", with(func(e *pbx.Event) { e.Kind, e.State = pbx.EvCleared, pbx.StateCleared }), ctiproto.EventCleared},
		{"failed without cause", with(func(e *pbx.Event) { e.Kind, e.State = pbx.EvFailed, pbx.StateFailed }), ctiproto.EventFailed},
		{"device state", pbx.Event{Kind: pbx.EvDeviceState, Time: now, Device: "201", DeviceState: &pbx.DeviceInfo{ID: "201"}}, ctiproto.EventDeviceState},
		{"exchange down, long reason", pbx.Event{Kind: pbx.EvExchangeState, Time: now, Reason: strings.Repeat("x", 5000)}, ctiproto.EventExchangeState},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := toWire(tc.ev)
			w.Seq = 1
			frame, err := ctiproto.Encode(&w)
			if err != nil {
				t.Fatal(err)
			}
			m, err := ctiproto.Decode(frame)
			if err != nil {
				t.Fatalf("a client would reject %s: %v", frame, err)
			}
			if got := m.MessageType(); got != tc.want {
				t.Fatalf("type %s, want %s", got, tc.want)
			}
		})
	}
}
