package ami

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/deskline/deskline/pbx"
)

// dialable cleans a number the way a person writes it ("+49 (30) 555-0100")
// into what the dialplan gets ("+49305550100"): digits, and * # + only.
func dialable(to string) (string, error) {
	var b strings.Builder
	for _, r := range to {
		switch {
		case r >= '0' && r <= '9', r == '*', r == '#', r == '+' && b.Len() == 0:
			b.WriteRune(r)
		case r == ' ' || r == '-' || r == '(' || r == ')' || r == '.' || r == '/':
		default:
			return "", fmt.Errorf("%w: %q has %q, which a phone cannot dial", pbx.ErrInvalidNumber, to, r)
		}
	}
	if b.Len() == 0 || b.String() == "+" || b.Len() > 32 {
		return "", fmt.Errorf("%w: %q", pbx.ErrInvalidNumber, to)
	}
	return b.String(), nil
}

// device returns the configuration of a device.
func (x *Exchange) device(id string) (Device, error) {
	for _, d := range x.cfg.Devices {
		if d.ID == id {
			return d, nil
		}
	}
	return Device{}, fmt.Errorf("%w: %q", pbx.ErrNoSuchDevice, id)
}

// MakeCall is click-to-dial: Originate rings the user's own phone and,
// once it is answered, dials to in the configured context with the
// user's caller id. ChannelId names the first leg, so the call's id is
// known now and the events that follow carry it.
func (x *Exchange) MakeCall(ctx context.Context, device, to string) (pbx.CallID, error) {
	d, err := x.device(device)
	if err != nil {
		return "", err
	}
	num, err := dialable(to)
	if err != nil {
		return "", err
	}
	c, done, err := x.session()
	if err != nil {
		return "", err
	}
	defer done()
	id := x.newID()
	o := &originate{uid: id, actionID: "dl-o-" + id, device: device, to: num}
	x.m.expect(o)
	a := NewAction("Originate",
		KeyActionID, o.actionID,
		"Channel", d.Endpoint,
		"Context", x.cfg.Context,
		"Exten", num,
		"Priority", "1",
		"CallerID", callerID(d),
		"Timeout", strconv.FormatInt(x.cfg.RingTimeout.Milliseconds(), 10),
		"Async", "true",
		"ChannelId", id,
		"Variable", "DESKLINE_DEVICE="+device)
	if v := autoAnswerVariable(d); v != "" {
		a.Add("Variable", v)
	}
	if _, err := c.action(ctx, a); err != nil {
		x.m.unexpect(o)
		return "", actionError("click-to-dial "+device+" → "+num, err)
	}
	return pbx.CallID(id), nil
}

// callerID is the caller id Asterisk presents for the user's call:
// "Name" <exten>, as the phone itself would.
func callerID(d Device) string {
	name := strings.NewReplacer(`"`, "", "<", "", ">", "").Replace(d.Name)
	if name == "" {
		return "<" + d.Exten + ">"
	}
	return `"` + name + `" <` + d.Exten + ">"
}

// Clear hangs up the device's channel; while it rings, that rejects the
// call (cause 21, call rejected) and the caller's Dial moves on.
func (x *Exchange) Clear(ctx context.Context, call pbx.CallID, device string) error {
	leg, err := x.m.leg(call, device)
	if err != nil {
		return err
	}
	cause := q850Normal
	if leg.conn == pbx.StateAlerting {
		cause = q850Rejected
	}
	return x.act(ctx, "hang up", leg.uid, intent{kind: intentClear, by: device},
		NewAction("Hangup", "Channel", leg.name, "Cause", strconv.Itoa(cause)))
}

// Transfer moves the far party of the device's call to to (blind): the
// party's channel is redirected into the dialplan, and the device's leg
// ends.
func (x *Exchange) Transfer(ctx context.Context, call pbx.CallID, device, to string) error {
	num, err := dialable(to)
	if err != nil {
		return err
	}
	leg, far, err := x.m.farParty(call, device)
	if err != nil {
		return err
	}
	if err := x.reachable(ctx, num); err != nil {
		return err
	}
	return x.act(ctx, "transfer to "+num, leg.uid, intent{kind: intentTransfer, to: num, by: device, moved: far},
		NewAction("Redirect", "Channel", far, "Context", x.cfg.Context, "Exten", num, "Priority", "1"))
}

// Deflect sends a call ringing at the device on to to: the caller's
// channel leaves its Dial for the new destination.
func (x *Exchange) Deflect(ctx context.Context, call pbx.CallID, device, to string) error {
	num, err := dialable(to)
	if err != nil {
		return err
	}
	leg, caller, err := x.m.callerOf(call, device)
	if err != nil {
		return err
	}
	if err := x.reachable(ctx, num); err != nil {
		return err
	}
	return x.act(ctx, "deflect to "+num, leg.uid, intent{kind: intentDeflect, to: num, by: device, moved: caller},
		NewAction("Redirect", "Channel", caller, "Context", x.cfg.Context, "Exten", num, "Priority", "1"))
}

// act marks the device's channel (uid) with what is about to happen to it
// and sends the action; a refused action takes the mark back.
func (x *Exchange) act(ctx context.Context, what, uid string, in intent, a Message) error {
	c, done, err := x.session()
	if err != nil {
		return err
	}
	defer done()
	x.m.intend(uid, in)
	if _, err := c.action(ctx, a); err != nil {
		x.m.intend(uid, intent{})
		return actionError(what, err)
	}
	return nil
}
