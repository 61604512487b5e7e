package ami

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/deskline/deskline/pbx"
)

// Announced (consult) transfer on Asterisk: Action: Atxfer (capture e5;
// Asterisk 22's AMI_Actions/Atxfer: Channel, Exten, Context) has Asterisk
// hold the device's far party and dial the target from the device's own
// channel, through a Local channel pair. The consultation therefore runs
// on the same channel and call id as the held call (docs/asterisk.md:
// the desk does not show it as a second call). Complete is the device
// hanging up (Asterisk then bridges the held party with the target and
// sends AttendedTransfer, which transfer.go follows, as in e5); cancel is
// Action: CancelAtxfer (AMI_Actions/CancelAtxfer, since 13.18; it uses
// the atxferabort feature code, which must be configured). Swap has no
// manager action: it is refused (pbx.ErrNotSupported), the phone can.

// consults are the consultations the connector started, by device. On
// Asterisk every consultation of a call keeps the held call's id, so each
// is told apart by its generation: the no-answer timer of one that ended
// never cancels the next.
type consults struct {
	mu   sync.Mutex
	byID map[string]*consult
	gen  uint64
}

// consult is one consultation: its call, generation and no-answer timer.
type consult struct {
	call  pbx.CallID
	gen   uint64
	timer *time.Timer // nil without a no-answer time
}

// get is device's consultation: its call and generation.
func (k *consults) get(device string) (pbx.CallID, uint64, bool) {
	k.mu.Lock()
	defer k.mu.Unlock()
	c, ok := k.byID[device]
	if !ok {
		return "", 0, false
	}
	return c.call, c.gen, true
}

// start records a new consultation of device in call, ending any earlier
// one, and returns its generation.
func (k *consults) start(device string, call pbx.CallID) uint64 {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.byID == nil {
		k.byID = map[string]*consult{}
	}
	k.endLocked(device)
	k.gen++
	k.byID[device] = &consult{call: call, gen: k.gen}
	return k.gen
}

// arm gives consultation gen of device its no-answer timer; a timer for
// a consultation that has ended meanwhile is stopped.
func (k *consults) arm(device string, gen uint64, t *time.Timer) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if c := k.byID[device]; c != nil && c.gen == gen {
		c.timer = t
		return
	}
	t.Stop()
}

// end forgets device's consultation and stops its timer.
func (k *consults) end(device string) {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.endLocked(device)
}

func (k *consults) endLocked(device string) {
	if c := k.byID[device]; c != nil {
		if c.timer != nil {
			c.timer.Stop()
		}
		delete(k.byID, device)
	}
}

// Consult starts an attended transfer of device's call to to. When the
// target has not answered after noAnswer, the connector cancels it.
func (x *Exchange) Consult(ctx context.Context, call pbx.CallID, device, to string, noAnswer time.Duration) (pbx.CallID, error) {
	num, err := dialable(to)
	if err != nil {
		return "", err
	}
	if c, _, ok := x.consults.get(device); ok && x.m.alive(c, device) && x.m.consulting(c) {
		return "", fmt.Errorf("%w: %s is already consulting: complete or cancel that first", pbx.ErrInvalidState, device)
	}
	leg, err := x.m.legIn(call, device, pbx.StateConnected)
	if err != nil {
		return "", err
	}
	if leg.conn != pbx.StateConnected {
		return "", fmt.Errorf("%w: the call is %s at %s, needs connected", pbx.ErrInvalidState, leg.conn, device)
	}
	if err := x.reachable(ctx, num); err != nil {
		return "", err
	}
	err = x.act(ctx, "consult "+num, leg.uid, intent{},
		NewAction("Atxfer", "Channel", leg.name, "Context", x.cfg.Context, "Exten", num))
	if err != nil {
		return "", err
	}
	gen := x.consults.start(device, call)
	if noAnswer > 0 {
		x.consults.arm(device, gen, time.AfterFunc(noAnswer, func() {
			if c, g, ok := x.consults.get(device); ok && c == call && g == gen && !x.m.consultAnswered(call, device) {
				ctx, cancel := context.WithTimeout(context.Background(), x.cfg.ActionTimeout)
				defer cancel()
				if err := x.CancelConsult(ctx, call, device); err != nil {
					x.cfg.Log.Warn("consultation not answered, cancel failed", "device", device, "err", err)
				}
			}
		}))
	}
	return call, nil
}

// consultLeg is device's channel in the consultation call, which must be
// one the connector started.
func (x *Exchange) consultLeg(call pbx.CallID, device string) (legInfo, error) {
	c, _, ok := x.consults.get(device)
	if !ok || c != call {
		if _, err := x.m.legIn(call, device, pbx.StateHeld); err != nil {
			return legInfo{}, err
		}
		return legInfo{}, fmt.Errorf("%w: %s has no consultation in call %s", pbx.ErrInvalidState, device, call)
	}
	leg, err := x.m.legIn(call, device, pbx.StateHeld)
	if err != nil {
		x.consults.end(device)
		return legInfo{}, err
	}
	if !x.m.consulting(call) {
		// Ended on Asterisk's side: the target was busy, declined or hung
		// up, Asterisk's own no-answer time, the phone's key.
		x.consults.end(device)
		return legInfo{}, fmt.Errorf("%w: the consultation has ended; %s is back with the caller", pbx.ErrInvalidState, device)
	}
	return leg, nil
}

// CompleteConsult hands the held party over to the target: the device's
// channel hangs up. When the held party has hung up meanwhile, or the
// target has not answered yet, it is pbx.ErrInvalidState and nothing is
// done, as on every exchange (pbx.Switchboard).
func (x *Exchange) CompleteConsult(ctx context.Context, call pbx.CallID, device string) error {
	leg, err := x.consultLeg(call, device)
	if err != nil {
		return err
	}
	if !x.m.heldPartyStays(call, device) {
		return fmt.Errorf("%w: the held party has hung up", pbx.ErrInvalidState)
	}
	if !x.m.consultAnswered(call, device) {
		return fmt.Errorf("%w: the consulted party has not answered yet (cancel, or wait)", pbx.ErrInvalidState)
	}
	if err := x.act(ctx, "complete the transfer", leg.uid, intent{},
		NewAction("Hangup", "Channel", leg.name, "Cause", "16")); err != nil {
		return err
	}
	x.consults.end(device)
	return nil
}

// CancelConsult ends the consultation and returns the device to the held
// party (CancelAtxfer).
func (x *Exchange) CancelConsult(ctx context.Context, call pbx.CallID, device string) error {
	leg, err := x.consultLeg(call, device)
	if err != nil {
		return err
	}
	if err := x.act(ctx, "cancel the consultation", leg.uid, intent{},
		NewAction("CancelAtxfer", "Channel", leg.name)); err != nil {
		return err
	}
	x.consults.end(device)
	return nil
}

// SwapConsult is not a manager action: the phone's own key does it.
func (x *Exchange) SwapConsult(context.Context, pbx.CallID, string) error {
	return fmt.Errorf("ami: swapping between the held party and the consulted one is done on the phone: %w", pbx.ErrNotSupported)
}

// alive reports whether device still has a channel in call.
func (m *mapper) alive(call pbx.CallID, device string) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	_, err := m.findIn(call, device, pbx.StateHeld)
	return err == nil
}

// consulting reports whether an Atxfer still runs in call: its Local
// channel pair is there.
func (m *mapper) consulting(call pbx.CallID) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, c := range m.chans {
		if c.call() == call && strings.HasPrefix(c.name, "Local/") {
			return true
		}
	}
	return false
}

// targetOf reports whether c is the consultation's target: a channel the
// Local pair of the Atxfer dialled.
func (m *mapper) targetOf(c *channel) bool {
	d := m.chans[c.dialer]
	return d != nil && strings.HasPrefix(d.name, "Local/")
}

// heldPartyStays reports whether the party device held for the
// consultation is still in call: a channel of the call that is neither
// device's, nor a Local channel, nor the target.
func (m *mapper) heldPartyStays(call pbx.CallID, device string) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, c := range m.chans {
		if c.call() == call && c.device != device && !strings.HasPrefix(c.name, "Local/") && !m.targetOf(c) {
			return true
		}
	}
	return false
}

// consultAnswered reports whether the consultation's target answered.
func (m *mapper) consultAnswered(call pbx.CallID, device string) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, c := range m.chans {
		if c.call() == call && c.device != device && m.targetOf(c) && c.answered {
			return true
		}
	}
	return false
}
