package server

import (
	"slices"
	"strings"
	"testing"

	"github.com/deskline/deskline/ctiproto"
	"github.com/deskline/deskline/pbx"
	"github.com/deskline/deskline/pbx/sim"
)

func withSim(f func(*sim.Config)) envOption { return func(c *envConfig) { f(&c.simCfg) } }

// softphone is what ann's 202 can do in these tests: no answer, hold or
// retrieve from the desk (an Asterisk phone without a phone family).
var softphone = []pbx.Service{pbx.SvcMakeCall, pbx.SvcClear, pbx.SvcTransfer, pbx.SvcDeflect, pbx.SvcDoNotDisturb}

// A device with capabilities of its own: the welcome lists them on that
// device only (the welcome's own list stays the exchange's), the server
// refuses what the device lacks with not-supported, lets the rest through,
// and every device-state of the device repeats them.
func TestDeviceCapabilities(t *testing.T) {
	e := newEnv(t, withSim(func(c *sim.Config) { c.Devices[1].Services = softphone }))
	ann := e.login("ann")
	w := ann.welcome
	if len(w.Devices) != 2 || w.Devices[0].Capabilities != nil {
		t.Fatalf("welcome devices = %+v, want 201 without capabilities of its own", w.Devices)
	}
	want := []string{"make-call", "clear", "transfer", "deflect", "set-dnd"}
	if !slices.Equal(w.Devices[1].Capabilities, want) {
		t.Errorf("202 capabilities = %q, want %q", w.Devices[1].Capabilities, want)
	}
	if !slices.Contains(w.Capabilities, "answer") {
		t.Errorf("welcome capabilities = %q, want the exchange's (with answer)", w.Capabilities)
	}

	call := e.ring("202", "+4930555000", "Jane")
	ann.expectEvent(ctiproto.EventDelivered, "202")
	ann.send(&ctiproto.CallCommand{Type: ctiproto.TypeAnswer, ID: "a1", Call: call, Device: "202"})
	if e := ann.expectError(ctiproto.CodeNotSupported); e.ID != "a1" || !strings.Contains(e.Message, "device 202") {
		t.Errorf("answer at 202: %+v", e)
	}
	ann.do(&ctiproto.CallCommand{Type: ctiproto.TypeClear, ID: "c1", Call: call, Device: "202"})

	call = e.ring("201", "+4930555000", "Jane")
	ann.do(&ctiproto.CallCommand{Type: ctiproto.TypeAnswer, ID: "a2", Call: call, Device: "201"})

	ann.do(&ctiproto.SetDND{ID: "d1", Device: "202", On: true})
	for {
		ev := ann.expectEventAny()
		if ev.Type != ctiproto.EventDeviceState {
			continue
		}
		if ev.Device != "202" || !slices.Equal(ev.Capabilities, want) {
			t.Errorf("device-state = %s, want 202 with its capabilities", dump(ev))
		}
		break
	}
}
