package ami

import (
	"fmt"

	"github.com/deskline/deskline/pbx"
)

// legInfo is what a service needs to know about a device's channel.
type legInfo struct {
	name string
	conn pbx.ConnState
}

// find returns the device's live channel in call. Called with m.mu held.
func (m *mapper) find(call pbx.CallID, device string) (*channel, error) {
	if _, ok := m.devices[device]; !ok {
		return nil, fmt.Errorf("%w: %q", pbx.ErrNoSuchDevice, device)
	}
	for _, c := range m.chans {
		if c.device == device && c.call() == call && c.conn != "" && c.conn != pbx.StateCleared {
			return c, nil
		}
	}
	return nil, fmt.Errorf("%w: %s at %s", pbx.ErrNoSuchCall, call, device)
}

func (m *mapper) leg(call pbx.CallID, device string) (legInfo, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	c, err := m.find(call, device)
	if err != nil {
		return legInfo{}, err
	}
	return legInfo{name: c.name, conn: c.conn}, nil
}

// farParty is the channel bridged with the device's: whom a transfer moves.
func (m *mapper) farParty(call pbx.CallID, device string) (string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	c, err := m.find(call, device)
	if err != nil {
		return "", err
	}
	if c.bridge != "" {
		for _, p := range m.chans {
			if p != c && p.bridge == c.bridge {
				return p.name, nil
			}
		}
	}
	// Answered but not yet bridged (BridgeEnter follows within
	// milliseconds): the party is the one whose Dial rang us, or ours rang.
	if c.answered {
		for _, uid := range []string{c.dialer, c.dialee} {
			if p := m.chans[uid]; p != nil {
				return p.name, nil
			}
		}
	}
	return "", fmt.Errorf("%w: the call is not connected to anyone to transfer", pbx.ErrInvalidState)
}

// callerOf is the channel whose Dial rings the device: whom a deflect moves.
func (m *mapper) callerOf(call pbx.CallID, device string) (string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	c, err := m.find(call, device)
	if err != nil {
		return "", err
	}
	d := m.chans[c.dialer]
	if c.conn != pbx.StateAlerting || d == nil {
		return "", fmt.Errorf("%w: only a ringing call can be deflected", pbx.ErrInvalidState)
	}
	return d.name, nil
}

// intend marks the device's channel with what the connector is about to
// do to it (the zero intent takes a mark back).
func (m *mapper) intend(call pbx.CallID, device string, in intent) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if c, err := m.find(call, device); err == nil {
		c.intent = in
	}
}

// expect registers a click-to-dial before its Originate is sent: its
// events may arrive before the action's answer.
func (m *mapper) expect(o *originate) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.originates[o.uid], m.byAction[o.actionID] = o, o
}

// unexpect forgets a click-to-dial Asterisk refused.
func (m *mapper) unexpect(o *originate) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.forget(o)
}
