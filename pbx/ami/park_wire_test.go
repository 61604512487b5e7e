package ami_test

import (
	"errors"
	"testing"

	"github.com/deskline/deskline/pbx"
	"github.com/deskline/deskline/pbx/ami"
	"github.com/deskline/deskline/pbx/ami/amitest"
)

// Park sends Action: Park for the far party with the device's channel as
// TimeoutChannel (Asterisk 22's manager documentation, AMI_Actions/Park:
// "treated as having parked Channel in the same manner as the Park Call
// DTMF feature", so the recall rings it). No capture has a park; the
// fake answers the action as the documentation says ("Response:
// Success"). Then the ParkedCall event Asterisk sends names the slot.
func TestParkByAction(t *testing.T) {
	o := newOffice(t, amitest.Options{}, func(c *ami.Config) { c.ParkSlots = []string{"701", "702"} })
	o.available(true)
	caps := o.x.Capabilities()
	if !caps[pbx.SvcPark] || !caps[pbx.SvcUnpark] {
		t.Fatalf("capabilities %v lack park", caps)
	}
	o.play("e3-transfer-by-ami-redirect")
	o.until("established 201")
	ctx := t.Context()
	if _, err := o.x.Park(ctx, "1795687073.23", "201", "799"); !errors.Is(err, pbx.ErrInvalidNumber) {
		t.Fatalf("park in 799 = %v, want invalid-number", err)
	}
	if _, err := o.x.Unpark(ctx, "702", "202", ""); !errors.Is(err, pbx.ErrSlotEmpty) {
		t.Fatalf("unpark of an empty slot = %v, want slot-empty", err)
	}
	slot, err := o.x.Park(ctx, "1795687073.23", "201", "")
	if err != nil || slot != "701" {
		t.Fatalf("Park = %q, %v", slot, err)
	}
	var park ami.Message
	for _, a := range o.ast.Actions() {
		if a.Get("Action") == "Park" {
			park = a
		}
	}
	if park.Get("Channel") != "PJSIP/carrier-00000017" || park.Get("ParkingSpace") != "701" ||
		park.Get("TimeoutChannel") == "" {
		t.Errorf("Park = %v, want the caller's channel into 701, timing out to 201's channel", park)
	}
	o.ast.Send(ami.Message{Fields: []ami.Field{{"Event", "ParkedCall"}, {"ParkeeChannel", "PJSIP/carrier-00000017"},
		{"ParkeeCallerIDNum", "+49301234567"}, {"ParkeeCallerIDName", "Jane Doe"},
		{"ParkeeUniqueid", "1795687073.23"}, {"ParkeeLinkedid", "1795687073.23"},
		{"ParkerDialString", "PJSIP/201"}, {"Parkinglot", "default"}, {"ParkingSpace", "701"},
		{"ParkingTimeout", "45"}, {"ParkingDuration", "0"}}})
	o.until("parked 201")
	parked, _ := o.x.Parked(ctx)
	if len(parked) != 1 || parked[0].Slot != "701" || parked[0].ParkedBy != "201" {
		t.Fatalf("Parked = %+v", parked)
	}
	if _, err := o.x.Park(ctx, "1795687073.23", "201", "701"); !errors.Is(err, pbx.ErrSlotTaken) {
		t.Fatalf("park into a taken slot = %v, want slot-taken", err)
	}
	// Unpark is click-to-dial to the slot: 202's phone rings, then dials 701.
	if _, err := o.x.Unpark(ctx, "701", "202", ""); err != nil {
		t.Fatal(err)
	}
	var orig ami.Message
	for _, a := range o.ast.Actions() {
		if a.Get("Action") == "Originate" {
			orig = a
		}
	}
	if orig.Get("Channel") != "PJSIP/202" || orig.Get("Exten") != "701" {
		t.Errorf("Originate = %v, want 202's phone dialling 701", orig)
	}
}
