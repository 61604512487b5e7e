package ui

import (
	"context"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"github.com/deskline/deskline/app"
	"github.com/deskline/deskline/ctiproto"
	"github.com/deskline/deskline/internal/testoffice"
	"github.com/deskline/deskline/internal/testoffice/testdesk"
	"github.com/deskline/deskline/pbx"
	"github.com/deskline/deskline/pbx/sim"
)

// Carl's softphone 205 cannot be answered, held or retrieved from the desk
// (as an Asterisk phone without a phone family), his desk phone 204 can:
// on a real server with the simulated exchange, each card greys out
// exactly what its own call's phone cannot do.
func TestConsoleButtonsFollowTheDevice(t *testing.T) {
	o, d, u := carlWithSoftphone(t)

	soft := o.Ring("205", "+4930555000", "Jane")
	waitRender(t, u, "ringing on 205", ringing(soft))
	c := card(t, u, soft)
	if !c.answer.Disabled() || c.decline.Disabled() || c.forward.Disabled() {
		t.Errorf("205 ringing: answer disabled %v (want true), decline %v, forward %v (want false)",
			c.answer.Disabled(), c.decline.Disabled(), c.forward.Disabled())
	}
	desk := o.Ring("204", "+4930555001", "Joe")
	waitRender(t, u, "ringing on 204", ringing(desk))
	if c := card(t, u, desk); c.answer.Disabled() {
		t.Error("204 ringing: Answer greyed out, but the desk phone can answer")
	}
	test.Tap(c.decline)
	waitRender(t, u, "declined on 205", gone(soft))
	test.Tap(card(t, u, desk).answer)
	waitRender(t, u, "answered on 204", popConnectedOn(desk, "204"))
	if c := card(t, u, desk); c.hold.Disabled() {
		t.Error("204 live: Hold greyed out, but the desk phone can hold")
	}
	test.Tap(card(t, u, desk).hangUp)
	waitRender(t, u, "hung up on 204", gone(desk))

	target, err := d.Client.PrepareDial("+49 30 999")
	if err != nil {
		t.Fatal(err)
	}
	target.Device = "205"
	id, err := d.Client.Dial(context.Background(), target)
	if err != nil {
		t.Fatal(err)
	}
	waitRender(t, u, "talking on 205", popConnectedOn(id, "205"))
	waitRender(t, u, "answered far end", func(s app.State) bool { c, ok := findCall(s, id); return ok && c.Answered })
	if c := card(t, u, id); !c.hold.Disabled() || c.hangUp.Disabled() || c.transfer.Disabled() {
		t.Errorf("205 live: hold disabled %v (want true), hang up %v, transfer %v (want false)",
			c.hold.Disabled(), c.hangUp.Disabled(), c.transfer.Disabled())
	}
	// The desk refuses it too, before asking the server.
	if err := d.Client.Hold(context.Background(), id); err == nil {
		t.Error("hold on 205 went through")
	}
}

// A held call on a phone without retrieve: Retrieve is greyed out; with
// the device's list absent, the exchange's capabilities apply.
func TestConsoleRetrieveFollowsTheDevice(t *testing.T) {
	u, _ := newTestUI(t, popOfflineDesk(t))
	u.Render(popState(popJane("c1", 7))) // the console opens on a ringing call
	held := cwTalking("c1", 3)
	held.State = ctiproto.StateHeld
	s := popState(held)
	s.Devices[0].Capabilities = []string{ctiproto.TypeMakeCall, ctiproto.TypeClear, ctiproto.TypeHold}
	u.Render(s)
	c := onlyCard(t, u)
	if c.hold.Text != "Retrieve" || !c.hold.Disabled() || c.hangUp.Disabled() || !c.transfer.Disabled() {
		t.Errorf("held on a phone without retrieve: %q disabled %v, hang up disabled %v, transfer disabled %v",
			c.hold.Text, c.hold.Disabled(), c.hangUp.Disabled(), c.transfer.Disabled())
	}
	u.Render(popState(held))
	if c.hold.Disabled() {
		t.Error("Retrieve greyed out on a phone without a list of its own")
	}
}

// Click-to-dial from a phone that answers by itself does not ask the user
// to pick up.
func TestConsoleDiallingOnAutoAnswerPhone(t *testing.T) {
	u, _ := newTestUI(t, popOfflineDesk(t))
	u.Render(popState(popJane("c0", 7))) // the console opens on a ringing call
	out := popCaller("c1", "+49 30 999", "", 0)
	out.State, out.Direction = ctiproto.StateInitiated, ctiproto.DirectionOutgoing
	s := popState(popJane("c0", 7), out)
	s.Devices[0].AutoAnswer = true
	u.Render(s)
	if c := card(t, u, "c1"); c.where.Text != "Your phone 201 answers by itself, then calls" {
		t.Errorf("dialling card says %q", c.where.Text)
	}
	s.Devices[0].AutoAnswer = false
	u.Render(s)
	if c := card(t, u, "c1"); c.where.Text != "Your phone 201 rings — pick up to call" {
		t.Errorf("dialling card says %q", c.where.Text)
	}
}

// carlWithSoftphone is carl's desk on a real server: his softphone 205
// cannot answer, hold or retrieve from the desk; his desk phone 204 can.
func carlWithSoftphone(t *testing.T) (*testoffice.Office, *app.Desk, *UI) {
	t.Helper()
	o := testoffice.Start(t, func(c *sim.Config) {
		for i := range c.Devices {
			if c.Devices[i].ID == "205" {
				c.Devices[i].Services = []pbx.Service{pbx.SvcMakeCall, pbx.SvcClear, pbx.SvcTransfer, pbx.SvcDeflect,
					pbx.SvcDoNotDisturb, pbx.SvcForwarding}
				c.Devices[i].Behaviour.PickUpAfter = time.Millisecond // the user picks the softphone up
			}
		}
	})
	d := testdesk.Open(t, o, "carl")
	u, _ := newTestUI(t, d)
	return o, d, u
}

// A call that rings at both of carl's phones is one card; it can be
// answered because the desk phone can, and Answer takes it there.
func TestConsoleAnswersAtThePhoneThatCan(t *testing.T) {
	o, d, u := carlWithSoftphone(t)
	d.Client.SetDialDevice("205")
	call := o.Ring("700", "+4930555000", "Jane")
	waitRender(t, u, "ringing at both", func(s app.State) bool {
		n := 0
		for _, c := range s.Calls {
			if c.ID == call && c.State == ctiproto.StateAlerting {
				n++
			}
		}
		return n == 2
	})
	c := card(t, u, call)
	if c.answer.Disabled() {
		t.Fatal("Answer greyed out on a call the desk phone 204 can answer")
	}
	test.Tap(c.answer)
	waitRender(t, u, "answered on 204", popConnectedOn(call, "204"))
}
