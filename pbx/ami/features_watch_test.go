package ami_test

import (
	"testing"
	"time"

	"github.com/deskline/deskline/pbx"
	"github.com/deskline/deskline/pbx/ami"
	"github.com/deskline/deskline/pbx/ami/amitest"
)

// deviceState waits for the next device-state event and renders it.
func (o *office) deviceState() string {
	o.t.Helper()
	for {
		ev := o.next()
		if ev.Kind == pbx.EvDeviceState {
			d := ev.DeviceState
			return ev.Device + " dnd=" + map[bool]string{true: "on", false: "off"}[d.DND] + " forward=" + d.ForwardTo
		}
	}
}

// custom is the DeviceStateChange Asterisk 22 sends when the dialplan sets
// a custom device state (Set(DEVICE_STATE(Custom:DND201)=BUSY)), as
// FreePBX's feature codes do.
func custom(device, state string) []ami.Message {
	return []ami.Message{ev("Event", "DeviceStateChange", "Privilege", "call,all", "Device", device, "State", state)}
}

// FreePBX's *76 (DND) and *72/*73 (forwarding) set Custom:DND<ext> and
// Custom:CF<ext> (its donotdisturb and callforward modules, with custom
// device states on): the desk hears of it from the event, without
// waiting for the AstDB poll (set to an hour here). Custom:DEVDND<device>,
// which FreePBX sets too, is not the extension's and is ignored.
func TestFeatureCodesReachTheDesk(t *testing.T) {
	o := newOffice(t, amitest.Options{}, func(c *ami.Config) {
		c.Features, c.FeaturesPoll = ami.FeaturesFreePBX, time.Hour
	})
	o.available(true)
	o.ast.SetDB("DND", "201", "YES")
	o.ast.Send(custom("Custom:DEVDND201", "BUSY")...)
	o.ast.Send(custom("Custom:DND201", "BUSY")...)
	if got := o.deviceState(); got != "201 dnd=on forward=" {
		t.Fatalf("after *76: %s", got)
	}
	o.ast.Send(custom("Custom:DND201", "NOT_INUSE")...)
	if got := o.deviceState(); got != "201 dnd=off forward=" {
		t.Fatalf("after *76 again: %s", got)
	}
	// *72: FreePBX writes CF/201 first, then sets the state.
	o.ast.SetDB("CF", "201", "0891234567")
	o.ast.Send(custom("Custom:CF201", "BUSY")...)
	if got := o.deviceState(); got != "201 dnd=off forward=0891234567" {
		t.Fatalf("after *72: %s", got)
	}
	o.ast.Send(custom("Custom:CF201", "NOT_INUSE")...)
	if got := o.deviceState(); got != "201 dnd=off forward=" {
		t.Fatalf("after *73: %s", got)
	}
}

// Without features = "freepbx" the custom states mean nothing to the desk.
func TestFeatureCodesIgnoredWithoutFreePBX(t *testing.T) {
	o := newOffice(t, amitest.Options{}, nil)
	o.available(true)
	o.ast.Send(custom("Custom:DND201", "BUSY")...)
	o.ast.Send(ev("Event", "DeviceStateChange", "Privilege", "call,all", "Device", "PJSIP/203", "State", "NOT_INUSE"))
	if got := o.deviceState(); got != "203 dnd=off forward=" {
		t.Fatalf("got %s, want only 203's registration", got)
	}
}

// A change that sends no event (AstDB written on the CLI or by another
// tool) reaches the desk at the next poll, and only real changes are
// announced: polls that find nothing new stay silent.
func TestFeaturesPollAnnouncesChanges(t *testing.T) {
	const every = 20 * time.Millisecond // below the configurable minimum, for the test
	ami.LowerFeaturesPollMin(t, every)
	o := newOffice(t, amitest.Options{}, func(c *ami.Config) {
		c.Features, c.FeaturesPoll = ami.FeaturesFreePBX, every
	})
	o.available(true)
	o.ast.SetDB("DND", "202", "YES")
	if got := o.deviceState(); got != "202 dnd=on forward=" {
		t.Fatalf("after DND/202 = YES: %s", got)
	}
	time.Sleep(10 * every) // ten polls that find nothing new
	o.ast.SetDB("CF", "202", "203")
	if got := o.deviceState(); got != "202 dnd=on forward=203" {
		t.Fatalf("after CF/202 = 203: %s (a poll announced what had not changed?)", got)
	}
}
