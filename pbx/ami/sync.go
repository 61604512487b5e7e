package ami

import (
	"strings"
	"time"

	"github.com/deskline/deskline/pbx"
)

// rebuild replaces the channel table with what Asterisk reports now
// (CoreShowChannel items), after a (re)connect. Events missed while the
// link was down are not replayed: the server compares Calls with what
// desktops were told and clears or announces the difference.
func (m *mapper) rebuild(items []Message) {
	m.mu.Lock()
	defer m.mu.Unlock()
	now := m.now()
	old := m.chans
	m.chans = make(map[string]*channel, len(items))
	defer m.dropStale()
	defer m.pruneQueues()
	defer m.pruneParked()
	for _, it := range items {
		c := &channel{uid: it.Get("Uniqueid"), linked: it.Get("Linkedid"), name: it.Get("Channel")}
		if c.uid == "" {
			continue
		}
		if c.linked == "" {
			c.linked = c.uid
		}
		c.device = m.deviceOf(c.name)
		c.update(it)
		c.bridge = it.Get("BridgeId")
		if prev := old[c.uid]; prev != nil {
			// Known from before the drop: keep what was learnt (kind,
			// dialled number, intent); Asterisk's state wins.
			c.kind, c.to, c.dialer, c.dialee, c.intent, c.dialing = prev.kind, prev.to, prev.dialer, prev.dialee, prev.intent, prev.dialing
			c.queue = prev.queue
		}
		c.since = now.Add(-parseDuration(it.Get("Duration")))
		m.chans[c.uid] = c
		if c.device != "" {
			restore(c, atoi(it.Get("ChannelState")), it.Get("Application"))
		}
	}
}

// restore sets a device channel's connection from its reported state.
// Application tells who dialled whom: a channel running Dial placed the
// call; one running AppDial/AppDial2 was rung by someone else's Dial
// (AppDial2 by an Originate).
func restore(c *channel, state int, app string) {
	placing := strings.EqualFold(app, "Dial")
	if c.kind == legUnknown {
		switch {
		case placing || state == chanRing:
			c.kind = legOut
		case strings.EqualFold(app, "AppDial2") && state != chanUp:
			c.kind = legOriginate
		default:
			c.kind = legIn
		}
	}
	switch {
	case state == chanRinging && c.kind == legOriginate:
		c.conn = pbx.StateInitiated
	case state == chanRinging:
		c.kind, c.conn = legIn, pbx.StateAlerting
	case state == chanRing:
		c.conn = pbx.StateConnected
	case state == chanUp:
		c.conn = pbx.StateConnected
		// A placing channel is answered once it is bridged to the far end.
		c.answered = c.kind == legIn || c.bridge != ""
		if c.kind == legOut || c.kind == legOriginate {
			c.dialing = placing || c.dialing
		}
	default:
		c.conn = "" // still down: not yet ringing
	}
	if c.to.Number == "" && c.kind != legIn {
		c.to = c.connected
	}
}

// parseDuration reads CoreShowChannel's "HH:MM:SS".
func parseDuration(s string) time.Duration {
	var h, m, sec int
	parts := strings.Split(s, ":")
	if len(parts) != 3 {
		return 0
	}
	h, m, sec = atoi(parts[0]), atoi(parts[1]), atoi(parts[2])
	if h < 0 || m < 0 || sec < 0 {
		return 0
	}
	return time.Duration(h)*time.Hour + time.Duration(m)*time.Minute + time.Duration(sec)*time.Second
}

// calls lists every device's connection in progress.
func (m *mapper) calls() []pbx.Call {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []pbx.Call
	for _, c := range m.chans {
		if c.device == "" || c.conn == "" || c.conn == pbx.StateCleared || c.conn == pbx.StateFailed {
			continue
		}
		out = append(out, pbx.Call{Call: c.call(), Device: c.device, State: c.conn, Direction: c.direction(),
			Other: c.other(m.chans[c.dialer]), Since: c.since, Answered: c.answered, Queue: c.queue})
	}
	return out
}

// deviceList lists the devices in configuration order.
func (m *mapper) deviceList() []pbx.DeviceInfo {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make([]pbx.DeviceInfo, 0, len(m.order))
	for _, id := range m.order {
		out = append(out, *m.devices[id])
	}
	return out
}

// setDevice changes a device's stored state; announce sends the change
// to desktops (through push, in order with every other event).
func (m *mapper) setDevice(id string, change func(*pbx.DeviceInfo), announce bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	d := m.devices[id]
	if d == nil {
		return
	}
	change(d)
	m.featGen[id]++ // a poll that read AstDB before this must not undo it
	info := *d
	if announce && m.push != nil {
		m.push([]pbx.Event{{Kind: pbx.EvDeviceState, Time: m.now(), Device: id, DeviceState: &info}})
	}
}

// registrations sets each device's registration from DeviceStateList
// items (DeviceStateChange events), without events: the server compares
// Devices after the exchange comes back.
func (m *mapper) registrations(items []Message) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, it := range items {
		if d := m.devices[m.byEndpoint[strings.ToLower(it.Get("Device"))]]; d != nil {
			if reg, known := registered(it.Get("State")); known {
				d.Registered = reg
			}
		}
	}
}

// registered reads a device state: UNAVAILABLE (no contact registered)
// and INVALID (no such endpoint) are down; UNKNOWN says nothing.
func registered(state string) (reg, known bool) {
	switch state {
	case "UNAVAILABLE", "INVALID":
		return false, true
	case "UNKNOWN", "":
		return false, false
	default:
		return true, true
	}
}

// dropStale forgets, after a rebuild, the click-to-dials and transfers
// whose calls Asterisk no longer has (the link dropped before their
// answer): nothing would ever remove them. Called with m.mu held.
func (m *mapper) dropStale() {
	for uid, o := range m.originates {
		if m.chans[uid] == nil {
			m.forget(o)
		}
	}
	for linked := range m.movedBy {
		if m.ended(linked) {
			delete(m.movedBy, linked)
		}
	}
	m.dropStaleRedirects()
	for linked := range m.shutdown {
		if m.ended(linked) {
			delete(m.shutdown, linked)
		}
	}
}

// pruneParked forgets the parked calls whose caller is no longer among
// the channels after a reconnect: retrieved, recalled or hung up while
// the link was down. Nobody is told here; the server compares Parked
// with what desks were told. Called with m.mu held.
func (m *mapper) pruneParked() {
	live := make(map[pbx.CallID]bool, len(m.chans))
	for _, c := range m.chans {
		live[c.call()] = true
	}
	for slot, p := range m.parked {
		if !live[p.Call] {
			delete(m.parked, slot)
		}
	}
}
