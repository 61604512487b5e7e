package ami

import (
	"fmt"
	"slices"
	"strings"

	"github.com/deskline/deskline/pbx"
)

// legInfo is what a service needs to know about a device's channel.
type legInfo struct {
	uid, name string
	conn      pbx.ConnState
}

func (c *channel) info() legInfo { return legInfo{uid: c.uid, name: c.name, conn: c.conn} }

// better: the channel in the preferred state, else the older (uids grow).
func better(c, than *channel, prefer pbx.ConnState) bool {
	if (c.conn == prefer) != (than.conn == prefer) {
		return c.conn == prefer
	}
	return c.uid < than.uid
}

// find returns the device's live channel in call. A device can have two
// (it called itself, or a group it called includes it): then the one in
// the state the service acts on (ringing for reject and deflect), else the
// older one — never a random pick. Called with m.mu held.
func (m *mapper) find(call pbx.CallID, device string) (*channel, error) {
	return m.findIn(call, device, pbx.StateConnected)
}

func (m *mapper) findIn(call pbx.CallID, device string, prefer pbx.ConnState) (*channel, error) {
	if _, ok := m.devices[device]; !ok {
		return nil, fmt.Errorf("%w: %q", pbx.ErrNoSuchDevice, device)
	}
	var best *channel
	for _, c := range m.chans {
		if c.device != device || c.call() != call || c.conn == "" || c.conn == pbx.StateCleared {
			continue
		}
		if best == nil || better(c, best, prefer) {
			best = c
		}
	}
	if best == nil {
		return nil, fmt.Errorf("%w: %s at %s", pbx.ErrNoSuchCall, call, device)
	}
	return best, nil
}

// leg is the device's channel for hanging up: a ringing one first (reject).
func (m *mapper) leg(call pbx.CallID, device string) (legInfo, error) {
	return m.legIn(call, device, pbx.StateAlerting)
}

// legIn is the device's channel in call, one in state prefer first.
func (m *mapper) legIn(call pbx.CallID, device string, prefer pbx.ConnState) (legInfo, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	c, err := m.findIn(call, device, prefer)
	if err != nil {
		return legInfo{}, err
	}
	return c.info(), nil
}

// farParty is the channel bridged with the device's: whom a transfer
// moves. A bridge of three or more (a conference) has no one far party.
func (m *mapper) farParty(call pbx.CallID, device string) (legInfo, string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	c, err := m.find(call, device)
	if err != nil {
		return legInfo{}, "", err
	}
	if c.bridge != "" {
		var far []*channel
		for _, p := range m.chans {
			if p != c && p.bridge == c.bridge {
				far = append(far, p)
			}
		}
		switch len(far) {
		case 1:
			return c.info(), far[0].name, nil
		case 0:
		default:
			return legInfo{}, "", fmt.Errorf("%w: %d parties share the call; transfer needs one", pbx.ErrInvalidState, len(far))
		}
	}
	// Answered but not yet bridged (BridgeEnter follows within
	// milliseconds): the party is the one whose Dial rang us, or ours rang.
	if c.answered {
		for _, uid := range []string{c.dialer, c.dialee} {
			if p := m.chans[uid]; p != nil {
				return c.info(), p.name, nil
			}
		}
	}
	return legInfo{}, "", fmt.Errorf("%w: the call is not connected to anyone to transfer", pbx.ErrInvalidState)
}

// callerOf is the channel whose Dial rings the device: whom a deflect
// moves. A queue or ring group rings the phone through a Local channel
// pair (Local/…;2 dials the phone, Local/…;1 is dialled by the caller):
// the caller is found behind it, up to a few pairs deep.
func (m *mapper) callerOf(call pbx.CallID, device string) (legInfo, string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	c, err := m.findIn(call, device, pbx.StateAlerting)
	if err != nil {
		return legInfo{}, "", err
	}
	d := m.chans[c.dialer]
	for hop := 0; d != nil && hop < maxLocalHops && strings.HasPrefix(d.name, "Local/") && strings.HasSuffix(d.name, ";2"); hop++ {
		d = m.chans[m.byName(strings.TrimSuffix(d.name, ";2")+";1").dialer]
	}
	if c.conn != pbx.StateAlerting || d == nil || strings.HasPrefix(d.name, "Local/") {
		return legInfo{}, "", fmt.Errorf("%w: only a ringing call whose caller is known can be deflected", pbx.ErrInvalidState)
	}
	return c.info(), d.name, nil
}

// maxLocalHops bounds the Local channel pairs followed to a caller (a
// queue calling a ring group is two).
const maxLocalHops = 4

// byName finds a live channel by its name; an empty channel when none.
func (m *mapper) byName(name string) *channel {
	for _, c := range m.chans {
		if c.name == name {
			return c
		}
	}
	return &channel{}
}

// intend marks a device's channel with what the connector is about to do
// to it (the zero intent takes a mark back).
func (m *mapper) intend(uid string, in intent) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if c := m.chans[uid]; c != nil {
		c.intent = in
		m.expectRedirect(uid, in)
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

// rival reports a channel of device other than uid in one of the states,
// and its state.
func (m *mapper) rival(device, uid string, states []pbx.ConnState) (pbx.ConnState, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, c := range m.chans {
		if c.device == device && c.uid != uid && slices.Contains(states, c.conn) {
			return c.conn, true
		}
	}
	return "", false
}
