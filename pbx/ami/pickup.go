package ami

import (
	"context"
	"fmt"

	"github.com/deskline/deskline/pbx"
)

// Pickup takes a call ringing at from to device the way Deflect moves it:
// the caller's channel is redirected (Action: Redirect, Asterisk 22's
// manager documentation: Channel, Context, Exten, Priority) out of its
// Dial to from and into device's extension. from's phone stops ringing
// and its desk hears cleared with cause picked-up-elsewhere once the
// caller dials on (or failed if the extension cannot be reached, as for
// a deflect); device's phone then rings with the caller, which is the
// picker's pop (delivered), and is established when it is picked up or,
// where the phone family takes it, answered from the desk. Asterisk
// cannot take a SIP phone off-hook, so the picker's phone rings first.
// A call no longer ringing at from is pbx.ErrInvalidState.
func (x *Exchange) Pickup(ctx context.Context, call pbx.CallID, device, from string) (pbx.CallID, error) {
	d, err := x.device(device)
	if err != nil {
		return "", err
	}
	if _, err := x.device(from); err != nil {
		return "", err
	}
	if device == from {
		return "", fmt.Errorf("%w: a device cannot pick up its own call (answer it)", pbx.ErrInvalidState)
	}
	if call == "" {
		if call, err = x.m.ringingAt(from); err != nil {
			return "", err
		}
	}
	leg, caller, err := x.m.callerOf(call, from)
	if err != nil {
		return "", err
	}
	if err := x.m.pickerRefuses(device); err != nil {
		return "", err
	}
	if err := x.reachable(ctx, d.Exten); err != nil {
		return "", err
	}
	in := intent{kind: intentPickup, to: d.Exten, by: device, moved: caller}
	err = x.act(ctx, "pickup to "+device, leg.uid, in,
		NewAction("Redirect", "Channel", caller, "Context", x.cfg.Context, "Exten", d.Exten, "Priority", "1"))
	if err != nil {
		return "", err
	}
	return call, nil
}

// pickerRefuses says why device's phone cannot take a picked-up call now:
// the Redirect takes the caller away from from before device rings, and a
// phone that is busy or on do-not-disturb would send the caller wherever
// its dialplan sends refused calls (voicemail, or a hang-up). What the
// phone does once it rings (nobody lifts it) remains the dialplan's.
func (m *mapper) pickerRefuses(device string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if d := m.devices[device]; d != nil && d.DND {
		return fmt.Errorf("%w: do-not-disturb is on at %s", pbx.ErrInvalidState, device)
	}
	for _, c := range m.chans {
		if c.device == device && c.conn != "" && c.conn != pbx.StateCleared && c.conn != pbx.StateFailed {
			return fmt.Errorf("%w: %s is in a call (%s)", pbx.ErrBusy, device, c.conn)
		}
	}
	return nil
}

// ringingAt is the call that has rung at device longest.
func (m *mapper) ringingAt(device string) (pbx.CallID, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var oldest *channel
	for _, c := range m.chans {
		if c.device == device && c.conn == pbx.StateAlerting && (oldest == nil || c.uid < oldest.uid) {
			oldest = c
		}
	}
	if oldest == nil {
		return "", fmt.Errorf("%w: nothing rings at %s", pbx.ErrNoSuchCall, device)
	}
	return oldest.call(), nil
}
