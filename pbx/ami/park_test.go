package ami

import (
	"fmt"
	"testing"
	"time"

	"github.com/deskline/deskline/pbx"
)

// parkMsg is a res_parking event as Asterisk 22's manager documentation
// gives it (AMI_Events/ParkedCall, UnParkedCall, ParkedCallTimeOut,
// ParkedCallGiveUp: Parkee*, ParkerDialString, Parkinglot, ParkingSpace,
// ParkingTimeout, ParkingDuration; UnParkedCall adds Retriever*). No
// capture of parking exists here.
func parkMsg(event, slot string, extra ...string) Message {
	kv := append(extra, "Event", event, "ParkeeChannel", "PJSIP/carrier-00000016", "ParkeeChannelState", "6",
		"ParkeeChannelStateDesc", "Up", "ParkeeCallerIDNum", "+49301234567", "ParkeeCallerIDName", "Jane Doe",
		"ParkeeUniqueid", "1796518491.24", "ParkeeLinkedid", "1796518491.24", "ParkerDialString", "PJSIP/201",
		"Parkinglot", "default", "ParkingSpace", slot, "ParkingTimeout", "45", "ParkingDuration", "0")
	return edgeMsg(kv...) // extra first: Get finds the first of a name
}

func parkLine(e pbx.Event) string {
	p := e.Park
	return fmt.Sprintf("%s %s call=%s slot=%s caller=%s(%s) by=%s cause=%s", e.Kind, e.Device, e.Call, p.Slot,
		p.Caller.Number, p.Caller.Name, e.By, e.Cause)
}

// Parked, retrieved, recalled and abandoned calls, as the parking
// device's desk hears them; repeats and foreign slots change nothing.
func TestParkEvents(t *testing.T) {
	m := newMapper(labDevices, fixedClock)
	m.slots = map[string]bool{"701": true, "702": true, "703": true, "704": true}
	var got []string
	feed := func(msg Message) {
		for _, e := range m.handle(msg) {
			got = append(got, parkLine(e))
		}
	}
	feed(parkMsg("ParkedCall", "701", "ParkingDuration", "3"))
	feed(parkMsg("ParkedCall", "701")) // repeated (ParkedCalls lists it again)
	if p := m.parked["701"]; !p.Since.Equal(fixedClock().Add(-3*time.Second)) || p.ParkedBy != "201" {
		t.Errorf("parked = %+v", p)
	}
	feed(parkMsg("UnParkedCall", "701", "RetrieverChannel", "PJSIP/202-0000001a"))
	feed(parkMsg("UnParkedCall", "701", "RetrieverChannel", "PJSIP/202-0000001a")) // nothing left
	feed(parkMsg("ParkedCall", "702"))
	feed(parkMsg("ParkedCallTimeOut", "702"))
	feed(parkMsg("ParkedCall", "703"))
	feed(parkMsg("ParkedCallGiveUp", "703"))
	same(t, got, []string{
		"parked 201 call=1796518491.24 slot=701 caller=+49301234567(Jane Doe) by= cause=",
		"unparked 201 call=1796518491.24 slot=701 caller=+49301234567(Jane Doe) by=202 cause=",
		"parked 201 call=1796518491.24 slot=702 caller=+49301234567(Jane Doe) by= cause=",
		"unparked 201 call=1796518491.24 slot=702 caller=+49301234567(Jane Doe) by= cause=no-answer",
		"parked 201 call=1796518491.24 slot=703 caller=+49301234567(Jane Doe) by= cause=",
		"unparked 201 call=1796518491.24 slot=703 caller=+49301234567(Jane Doe) by= cause=normal",
	})
	if len(m.parked) != 0 {
		t.Errorf("left parked: %v", m.parked)
	}
	// Parked by a phone Deskline does not know: followed, told to nobody.
	if evs := m.handle(parkMsg("ParkedCall", "704", "ParkerDialString", "PJSIP/299")); len(evs) != 0 {
		t.Errorf("events for a stranger's park: %v", evs)
	}
	// A parking space not in park_slots: not followed (no desk could
	// retrieve it from there).
	if evs := m.handle(parkMsg("ParkedCall", "750")); len(evs) != 0 || len(m.parked) != 1 {
		t.Errorf("a call in a space outside park_slots: events %v, parked %v", evs, m.parked)
	}
}

// After a reconnect, a parked call whose caller is gone (retrieved,
// recalled or hung up while the link was down) is no longer listed; one
// still parked stays.
func TestParkedAfterReconnect(t *testing.T) {
	m := newMapper(labDevices, fixedClock)
	m.slots = map[string]bool{"701": true, "702": true}
	m.handle(parkMsg("ParkedCall", "701"))
	m.handle(parkMsg("ParkedCall", "702", "ParkeeUniqueid", "1796518491.30", "ParkeeLinkedid", "1796518491.30"))
	m.rebuild([]Message{edgeMsg("Uniqueid", "1796518491.30", "Linkedid", "1796518491.30",
		"Channel", "PJSIP/carrier-00000020", "ChannelState", "6")})
	if _, ok := m.parked["701"]; ok || len(m.parked) != 1 {
		t.Fatalf("parked after the reconnect: %v", m.parked)
	}
}
