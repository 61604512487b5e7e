package ami

import (
	"errors"
	"testing"

	"github.com/deskline/deskline/pbx"
)

// The device a call was picked up from hears picked-up-elsewhere once the
// redirected caller dials the picker, not at its own hang-up (as a
// deflect's diverted). Capture d7 up to 201's hang-up, then the caller's
// DialBegin to 202 as Asterisk sends it for a Dial (capture e3's second
// DialBegin, on d7's channels).
func TestPickupClearsTheRingingDevice(t *testing.T) {
	m := newMapper(labDevices, fixedClock)
	registeredLab(m)
	var got []string
	for _, msg := range readCapture(t, "d7-deflect-to-nonexistent-ext.txt") {
		if msg.Event() == "Hangup" && msg.Get("Uniqueid") == "1796518491.24" {
			break // the caller's hang-up: this redirect works instead
		}
		for _, e := range m.handle(msg) {
			got = append(got, line(e))
		}
		if msg.Event() == "DialState" {
			leg, caller, err := m.callerOf("1796518491.24", "201")
			if err != nil {
				t.Fatal(err)
			}
			m.intend(leg.uid, intent{kind: intentPickup, to: "202", by: "202", moved: caller})
		}
	}
	same(t, got, []string{"delivered 201 alerting in other=+49301234567(Jane Doe) call=1796518491.24"})
	dial := Message{Fields: []Field{{"Event", "DialBegin"}, {"Channel", "PJSIP/carrier-00000016"},
		{"ChannelState", "4"}, {"Uniqueid", "1796518491.24"}, {"Linkedid", "1796518491.24"},
		{"DestChannel", "PJSIP/202-00000018"}, {"DestUniqueid", "1796518493.26"}, {"Exten", "202"}}}
	got = nil
	for _, e := range m.handle(dial) {
		got = append(got, line(e))
	}
	if len(got) == 0 || got[0] != "cleared 201 cleared in other=+49301234567(Jane Doe) call=1796518491.24 cause=picked-up-elsewhere" {
		t.Fatalf("after the caller dials the picker: %q", got)
	}
	if id, err := m.ringingAt("201"); err == nil {
		t.Errorf("201 still rings for %s", id)
	}
}

// A pickup is refused before the caller is redirected when the picker's
// phone could not take the call: in a call (busy) or on do-not-disturb
// (the dialplan would send the caller to voicemail or hang up).
func TestPickerRefuses(t *testing.T) {
	m := newMapper(labDevices, fixedClock)
	m.chans["1.1"] = &channel{uid: "1.1", linked: "1.1", device: "201", conn: pbx.StateConnected}
	m.devices["202"].DND = true
	for _, tc := range []struct {
		device string
		want   error
	}{
		{"201", pbx.ErrBusy},
		{"202", pbx.ErrInvalidState},
		{"203", nil},
	} {
		if err := m.pickerRefuses(tc.device); !errors.Is(err, tc.want) || (err == nil) != (tc.want == nil) {
			t.Errorf("picker %s: %v, want %v", tc.device, err, tc.want)
		}
	}
}
