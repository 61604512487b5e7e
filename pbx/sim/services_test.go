package sim

import (
	"reflect"
	"testing"
	"time"

	"github.com/deskline/deskline/pbx"
)

// connect201to202 has 201 call 202 from the handset and 202 answer.
func (r *rig) connect201to202() pbx.CallID {
	r.t.Helper()
	id := r.call("201", "202")
	r.ok(r.x.Answer(r.ctx, id, "202"))
	r.expect(id, "originated 201 connected out other=202(Bob)",
		"delivered 202 alerting in other=201(Alice)",
		"established 202 connected in other=201(Alice) answeredBy=202",
		"established 201 connected out other=202(Bob) answeredBy=202")
	return id
}

func TestHoldRetrieve(t *testing.T) {
	r := newRig(t, nil)
	id := r.connect201to202()
	r.clk.Advance(time.Second)
	r.ok(r.x.Hold(r.ctx, id, "201"))
	r.expect(id, "held 201 held out other=202(Bob) by=201",
		"held 202 connected in other=201(Alice) by=201")
	r.expectCalls("c-000001 201 held out other=202(Bob) since=1s answered=true",
		"c-000001 202 connected in other=201(Alice) since=0s answered=true")

	r.fails(r.x.Hold(r.ctx, id, "201"), pbx.ErrInvalidState)
	r.fails(r.x.Retrieve(r.ctx, id, "202"), pbx.ErrInvalidState)

	r.ok(r.x.Retrieve(r.ctx, id, "201"))
	r.expect(id, "retrieved 201 connected out other=202(Bob) by=201",
		"retrieved 202 connected in other=201(Alice) by=201")

	// Hanging up while held ends the call.
	r.ok(r.x.Hold(r.ctx, id, "202"))
	r.ok(r.x.Clear(r.ctx, id, "202"))
	r.expect(id, "held 202 held in other=201(Alice) by=202",
		"held 201 connected out other=202(Bob) by=202",
		"cleared 202 cleared in other=201(Alice) cause=normal",
		"cleared 201 cleared out other=202(Bob) cause=normal")
}

func TestHoldExternal(t *testing.T) {
	r := newRig(t, nil)
	id := r.ring("201")
	r.fails(r.x.Hold(r.ctx, id, "201"), pbx.ErrInvalidState) // still ringing
	r.ok(r.x.Answer(r.ctx, id, "201"))
	r.ok(r.x.Hold(r.ctx, id, "201"))
	r.ok(r.x.Retrieve(r.ctx, id, "201"))
	r.expect(id, "delivered 201 alerting in other="+jane,
		"established 201 connected in other="+jane+" answeredBy=201",
		"held 201 held in other="+jane+" by=201",
		"retrieved 201 connected in other="+jane+" by=201")
}

func TestTransferExternal(t *testing.T) {
	r := newRig(t, nil)
	id := r.ring("201")
	r.fails(r.x.Transfer(r.ctx, id, "201", "202"), pbx.ErrInvalidState) // ringing: deflect
	r.ok(r.x.Answer(r.ctx, id, "201"))
	r.ok(r.x.Transfer(r.ctx, id, "201", "202"))
	r.expect(id, "delivered 201 alerting in other="+jane,
		"established 201 connected in other="+jane+" answeredBy=201",
		"transferred 201 cleared in other="+jane+" cause=transferred by=201 to=202",
		"cleared 201 cleared in other="+jane+" cause=transferred",
		"delivered 202 alerting in other="+jane)
	r.expectCalls("c-000001 202 alerting in other=" + jane + " since=0s answered=false")

	r.ok(r.x.Answer(r.ctx, id, "202"))
	r.expect(id, "established 202 connected in other="+jane+" answeredBy=202")
	r.ok(r.x.HangupRemote(r.ctx, id))
	r.expect(id, "cleared 202 cleared in other="+jane+" cause=normal")
}

func TestTransferInternal(t *testing.T) {
	r := newRig(t, nil)
	id := r.connect201to202()
	r.ok(r.x.Hold(r.ctx, id, "201")) // transfer from hold, as people do
	r.ok(r.x.Transfer(r.ctx, id, "201", "203"))
	r.expect(id, "held 201 held out other=202(Bob) by=201",
		"held 202 connected in other=201(Alice) by=201",
		"transferred 201 cleared out other=202(Bob) cause=transferred by=201 to=203",
		"cleared 201 cleared out other=202(Bob) cause=transferred",
		"transferred 202 connected in other=203(Carol) by=201 to=203",
		"delivered 203 alerting in other=202(Bob)")
	r.ok(r.x.Answer(r.ctx, id, "203"))
	r.expect(id, "established 203 connected in other=202(Bob) answeredBy=203",
		"established 202 connected in other=203(Carol) answeredBy=203")
	r.expectCalls("c-000001 202 connected in other=203(Carol) since=0s answered=true",
		"c-000001 203 connected in other=202(Bob) since=0s answered=true")
}

func TestTransferToBusy(t *testing.T) {
	r := newRig(t, nil)
	r.ok(r.x.SetBehaviour("203", Behaviour{Busy: true}))
	id := r.connect201to202()
	r.ok(r.x.Transfer(r.ctx, id, "201", "203"))
	r.expect(id, "transferred 201 cleared out other=202(Bob) cause=transferred by=201 to=203",
		"cleared 201 cleared out other=202(Bob) cause=transferred",
		"transferred 202 connected in other=203(Carol) by=201 to=203",
		"failed 202 failed in other=203(Carol) cause=busy",
		"cleared 202 cleared in other=203(Carol) cause=busy")
}

func TestTransferToExternal(t *testing.T) {
	r := newRig(t, nil)
	id := r.connect201to202()
	r.ok(r.x.Transfer(r.ctx, id, "202", "0301234567"))
	r.expect(id, "transferred 202 cleared in other=201(Alice) cause=transferred by=202 to=0301234567",
		"cleared 202 cleared in other=201(Alice) cause=transferred",
		"transferred 201 connected out other=0301234567 by=202 to=0301234567")
	r.clk.Advance(2 * time.Second)
	r.expect(id, "established 201 connected out other=0301234567 answeredBy=0301234567")
}

func TestTransferExternalToExternal(t *testing.T) {
	// Once only outside parties are left the exchange forgets the call.
	r := newRig(t, nil)
	id := r.ring("201")
	r.ok(r.x.Answer(r.ctx, id, "201"))
	r.ok(r.x.Transfer(r.ctx, id, "201", "+4940999"))
	r.expect(id, "delivered 201 alerting in other="+jane,
		"established 201 connected in other="+jane+" answeredBy=201",
		"transferred 201 cleared in other="+jane+" cause=transferred by=201 to=+4940999",
		"cleared 201 cleared in other="+jane+" cause=transferred")
	r.expectCalls()
	if n := r.clk.Pending(); n != 0 {
		t.Fatalf("%d timers left", n)
	}
}

func TestDeflect(t *testing.T) {
	r := newRig(t, nil)
	id := r.ring("201")
	r.ok(r.x.Deflect(r.ctx, id, "201", "202"))
	r.expect(id, "delivered 201 alerting in other="+jane,
		"diverted 201 cleared in other="+jane+" cause=deflected to=202",
		"delivered 202 alerting in other="+jane)
	r.fails(r.x.Answer(r.ctx, id, "201"), pbx.ErrNoSuchCall) // 201 left the call
	r.ok(r.x.Answer(r.ctx, id, "202"))
	r.expect(id, "established 202 connected in other="+jane+" answeredBy=202")
	r.fails(r.x.Deflect(r.ctx, id, "202", "203"), pbx.ErrInvalidState)

	// The no-answer timeout restarts with the new destination.
	id = r.ring("201")
	r.clk.Advance(20 * time.Second)
	r.ok(r.x.Deflect(r.ctx, id, "201", "203"))
	r.clk.Advance(20 * time.Second)
	r.expect(id, "delivered 201 alerting in other="+jane,
		"diverted 201 cleared in other="+jane+" cause=deflected to=203",
		"delivered 203 alerting in other="+jane)
	r.clk.Advance(10 * time.Second)
	r.expect(id, "cleared 203 cleared in other="+jane+" cause=no-answer")
}

func TestDeflectToRefusing(t *testing.T) {
	r := newRig(t, nil)
	r.ok(r.x.SetDND(r.ctx, "203", true))
	id := r.call("202", "201")
	r.ok(r.x.Deflect(r.ctx, id, "201", "203"))
	r.expect(id, `device-state 203 dnd=true fwd="" reg=true`,
		"originated 202 connected out other=201(Alice)",
		"delivered 201 alerting in other=202(Bob)",
		"diverted 201 cleared in other=202(Bob) cause=deflected to=203",
		"diverted 203 cleared in other=202(Bob) cause=do-not-disturb", // 203's user is told
		"failed 202 failed out other=201(Alice) cause=do-not-disturb",
		"cleared 202 cleared out other=201(Alice) cause=do-not-disturb")
}

func TestDND(t *testing.T) {
	r := newRig(t, nil)
	r.ok(r.x.SetDND(r.ctx, "201", true))
	r.expect("", `device-state 201 dnd=true fwd="" reg=true`)
	id := r.call("202", "201")
	r.expect(id, "originated 202 connected out other=201(Alice)",
		"diverted 201 cleared in other=202(Bob) cause=do-not-disturb", // 201's user is told
		"failed 202 failed out other=201(Alice) cause=do-not-disturb",
		"cleared 202 cleared out other=201(Alice) cause=do-not-disturb")
	// Click-to-dial from a DND device still works.
	id = r.makeCall("201", "202")
	r.expect(id, "initiated 201 initiated out other=202(Bob)")
	r.ok(r.x.SetDND(r.ctx, "201", false))
	r.expect("", `device-state 201 dnd=false fwd="" reg=true`)
	devs, err := r.x.Devices(r.ctx)
	r.ok(err)
	if !reflect.DeepEqual(devs[0], pbx.DeviceInfo{ID: "201", Name: "Alice", Registered: true}) {
		t.Fatalf("Devices()[0] = %+v", devs[0])
	}
}

func TestForwarding(t *testing.T) {
	r := newRig(t, nil)
	r.ok(r.x.SetForwarding(r.ctx, "201", "202"))
	r.expect("", `device-state 201 dnd=false fwd="202" reg=true`)
	id := r.ring("201")
	r.expect(id, "diverted 201 cleared in other="+jane+" cause=forwarded to=202",
		"delivered 202 alerting in other="+jane)
	r.ok(r.x.Answer(r.ctx, id, "202"))
	r.expect(id, "established 202 connected in other="+jane+" answeredBy=202")

	// A chain, ending outside; forwarding wins over DND.
	r.ok(r.x.SetDND(r.ctx, "202", true))
	r.ok(r.x.SetForwarding(r.ctx, "202", "+49 40 555"))
	r.expect("", `device-state 202 dnd=true fwd="" reg=true`,
		`device-state 202 dnd=true fwd="+4940555" reg=true`)
	id = r.call("203", "201")
	r.expect(id, "originated 203 connected out other=201(Alice)",
		"diverted 201 cleared in other=203(Carol) cause=forwarded to=202",
		"diverted 202 cleared in other=203(Carol) cause=forwarded to=+4940555")
	r.clk.Advance(2 * time.Second)
	r.expect(id, "established 203 connected out other=+4940555 answeredBy=+4940555")

	r.ok(r.x.SetForwarding(r.ctx, "201", ""))
	r.expect("", `device-state 201 dnd=false fwd="" reg=true`)
	r.fails(r.x.SetForwarding(r.ctx, "201", "201"), pbx.ErrInvalidNumber)
	r.fails(r.x.SetForwarding(r.ctx, "201", "abc"), pbx.ErrInvalidNumber)
	r.fails(r.x.SetForwarding(r.ctx, "777", "201"), pbx.ErrNoSuchDevice)
}

func TestForwardingLoop(t *testing.T) {
	r := newRig(t, nil)
	r.ok(r.x.SetForwarding(r.ctx, "201", "202"))
	r.ok(r.x.SetForwarding(r.ctx, "202", "201"))
	r.expect("", `device-state 201 dnd=false fwd="202" reg=true`,
		`device-state 202 dnd=false fwd="201" reg=true`)
	id := r.call("203", "201")
	r.expect(id, "originated 203 connected out other=201(Alice)",
		"failed 203 failed out other=201(Alice) cause=failed",
		"cleared 203 cleared out other=201(Alice) cause=failed")
	// Forwarding back to the caller: it is in the call already, so busy.
	r.ok(r.x.SetForwarding(r.ctx, "202", "203"))
	r.ok(r.x.SetForwarding(r.ctx, "201", ""))
	id = r.call("203", "202")
	r.expect(id, `device-state 202 dnd=false fwd="203" reg=true`,
		`device-state 201 dnd=false fwd="" reg=true`,
		"originated 203 connected out other=202(Bob)",
		"diverted 202 cleared in other=203(Carol) cause=forwarded to=203",
		"failed 203 failed out other=202(Bob) cause=busy",
		"cleared 203 cleared out other=202(Bob) cause=busy")
}

func TestErrors(t *testing.T) {
	r := newRig(t, nil)
	id := r.ring("201")
	r.fails(r.x.Answer(r.ctx, "c-999999", "201"), pbx.ErrNoSuchCall)
	r.fails(r.x.Answer(r.ctx, id, "202"), pbx.ErrNoSuchCall)
	r.fails(r.x.Answer(r.ctx, id, "777"), pbx.ErrNoSuchDevice)
	r.fails(r.x.Answer(r.ctx, id, ""), pbx.ErrNoSuchDevice)
	r.fails(r.x.Clear(r.ctx, "c-999999", "777"), pbx.ErrNoSuchDevice)
	r.fails(r.x.Retrieve(r.ctx, id, "201"), pbx.ErrInvalidState)
	r.fails(r.x.SetDND(r.ctx, "777", true), pbx.ErrNoSuchDevice)
	r.fails(r.x.SetRegistered(r.ctx, "777", true), pbx.ErrNoSuchDevice)
	r.fails(r.x.SetBehaviour("777", Behaviour{}), pbx.ErrNoSuchDevice)
	if err := r.x.SetBehaviour("201", Behaviour{AnswerAfter: -1}); err == nil {
		t.Fatal("negative AnswerAfter accepted")
	}
	_, err := r.x.MakeCall(r.ctx, "777", "202")
	r.fails(err, pbx.ErrNoSuchDevice)
	_, err = r.x.Ring(r.ctx, "0301234567", pbx.Party{Number: "+1555"})
	r.fails(err, pbx.ErrNoSuchDevice)
	_, err = r.x.Ring(r.ctx, "201", pbx.Party{Number: "202"})
	r.fails(err, pbx.ErrInvalidNumber)
	_, err = r.x.Ring(r.ctx, "201", pbx.Party{Number: "call me"})
	r.fails(err, pbx.ErrInvalidNumber)
	r.ok(r.x.SetRegistered(r.ctx, "203", false))
	_, err = r.x.MakeCall(r.ctx, "203", "202")
	r.fails(err, pbx.ErrInvalidState)
	_, err = r.x.Call(r.ctx, "203", "202")
	r.fails(err, pbx.ErrInvalidState)
	r.fails(r.x.SetExternal("202", Behaviour{}), pbx.ErrInvalidNumber)
	r.expect(id, "delivered 201 alerting in other="+jane,
		`device-state 203 dnd=false fwd="" reg=false`)
}

func TestInvalidNumbers(t *testing.T) {
	r := newRig(t, nil)
	bad := []string{"", " ", "abc", "20a", "+", "2+01", "++49", "*21", "123456789012345678901", "999", "60"}
	for _, n := range bad {
		_, err := r.x.MakeCall(r.ctx, "201", n)
		r.fails(err, pbx.ErrInvalidNumber)
		_, err = r.x.Call(r.ctx, "201", n)
		r.fails(err, pbx.ErrInvalidNumber)
	}
	id := r.ring("201")
	for _, n := range bad {
		r.fails(r.x.Deflect(r.ctx, id, "201", n), pbx.ErrInvalidNumber)
	}
	r.ok(r.x.Answer(r.ctx, id, "201"))
	for _, n := range bad {
		r.fails(r.x.Transfer(r.ctx, id, "201", n), pbx.ErrInvalidNumber)
	}
	r.expect(id, "delivered 201 alerting in other="+jane,
		"established 201 connected in other="+jane+" answeredBy=201")

	good := map[string]string{"202": "202", "600": "600", "0301234567": "0301234567",
		"+49 (30) 123-45.67": "+49301234567", "1234": "1234", "12345678901234567890": "12345678901234567890"}
	for in, want := range good {
		id := r.makeCall("201", in)
		if ev := r.next(); ev.Other.Number != want {
			t.Errorf("MakeCall to %q: Other %q, want %q", in, ev.Other.Number, want)
		}
		r.ok(r.x.Clear(r.ctx, id, "201"))
		r.next()
	}
	r.quiet()
}
