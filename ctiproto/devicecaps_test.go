package ctiproto

import (
	"slices"
	"testing"
)

// A device-state tells the device's whole state: its capabilities replace
// the device's, and their absence means the welcome's apply again.
func TestDeviceStateCarriesCapabilities(t *testing.T) {
	caps := []string{TypeMakeCall, TypeClear}
	cs := NewCallState([]Device{{Device: "202", Capabilities: caps, AutoAnswer: true}}, nil)
	f, reg := false, true
	cs.Apply(&Event{Type: EventDeviceState, Device: "202", DND: &f, ForwardTo: new(string), Registered: &reg,
		Capabilities: []string{TypeMakeCall}})
	if d, _ := cs.Device("202"); !slices.Equal(d.Capabilities, []string{TypeMakeCall}) || !d.AutoAnswer {
		t.Errorf("after device-state with capabilities: %+v", d)
	}
	cs.Apply(&Event{Type: EventDeviceState, Device: "202", DND: &f, ForwardTo: new(string), Registered: &reg})
	if d, _ := cs.Device("202"); d.Capabilities != nil {
		t.Errorf("after device-state without capabilities: %v, want nil (the welcome's)", d.Capabilities)
	}
}
