package ami

import (
	"strings"
	"sync"
	"time"

	"github.com/deskline/deskline/pbx"
)

// mapper follows Asterisk's channel events and turns them into Deskline
// events. It owns the channel table; the Exchange's event loop feeds it
// and services read it (to find a device's channel) under the same lock.
// It does no I/O, so every capture can be replayed through it directly.
type mapper struct {
	mu  sync.Mutex
	now func() time.Time
	// push, when set, receives every event while the lock is held, so
	// events leave in the order the state changed (a DND switched by a
	// desktop and a registration seen by the loop cannot swap).
	push       func([]pbx.Event)
	byEndpoint map[string]string          // lower-case "pjsip/201" → device id
	devices    map[string]*pbx.DeviceInfo // device id → its state
	order      []string                   // device ids in configuration order
	chans      map[string]*channel        // uid → channel
	// originates are the click-to-dials in flight, by the uid the
	// connector chose for the first leg (Originate's ChannelId) and by
	// ActionID (OriginateResponse carries only that when it failed early).
	originates map[string]*originate
	byAction   map[string]*originate
	// movedBy remembers, per call, the device that transferred it
	// (its channel is gone by the time the moved party dials on).
	movedBy map[string]string
	// shutdown marks the calls Asterisk hangs up as it shuts down (see
	// shutdown.go), by Linkedid.
	shutdown map[string]bool
	// redirects are the channels the connector redirected that have not
	// yet reached their target, by uid (see redirect.go); settleAfter
	// (redirectSettle) and after (time.AfterFunc) are changed by tests.
	redirects   map[string]*redirect
	settleAfter time.Duration
	after       func(time.Duration, func()) *time.Timer
	// featGen counts each device's DND/forwarding changes (see
	// features_watch.go), by device id.
	featGen map[string]uint64
	queues  queueBook                 // callers in queues and ring groups (queue.go)
	parked  map[string]pbx.ParkedCall // by parking space (park.go)
	// slots are Config.ParkSlots: the parking spaces followed; calls in
	// other spaces are not Deskline's to show (they could not be
	// retrieved from a desk).
	slots map[string]bool
	// roster is every queue's members (queue_members.go); byExten maps
	// an extension to its device, for members named by extension
	// (Local/201@from-queue/n).
	roster  roster
	byExten map[string]string
	// warn logs a message the mapper skipped (malformed); a no-op
	// until New sets it.
	warn func(msg string, args ...any)
}

type originate struct {
	uid, actionID, device, to string
	seen                      bool // the first leg's channel appeared
}

func newMapper(devs []Device, now func() time.Time) *mapper {
	m := &mapper{now: now, byEndpoint: map[string]string{}, devices: map[string]*pbx.DeviceInfo{},
		chans: map[string]*channel{}, originates: map[string]*originate{}, byAction: map[string]*originate{},
		movedBy: map[string]string{}, shutdown: map[string]bool{},
		redirects: map[string]*redirect{}, settleAfter: redirectSettle, after: time.AfterFunc,
		featGen: map[string]uint64{}, queues: newQueueBook(nil, nil), parked: map[string]pbx.ParkedCall{},
		roster: roster{queues: map[string]map[string]*queueMember{}}, byExten: map[string]string{},
		warn: func(string, ...any) {}}
	for _, d := range devs {
		m.byEndpoint[strings.ToLower(d.Endpoint)] = d.ID
		exten := d.Exten
		if exten == "" {
			_, exten, _ = strings.Cut(d.Endpoint, "/")
		}
		m.byExten[strings.ToLower(exten)] = d.ID
		m.devices[d.ID] = &pbx.DeviceInfo{ID: d.ID, Name: d.Name}
		m.order = append(m.order, d.ID)
	}
	return m
}

// handle applies one AMI event and returns what Deskline must hear.
// Events it does not need are ignored.
func (m *mapper) handle(msg Message) []pbx.Event {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out batch
	out.now = m.now()
	defer func() {
		if m.push != nil && len(out.list) > 0 {
			m.push(out.list)
		}
	}()
	switch msg.Event() {
	case "Newchannel":
		m.newChannel(msg, &out)
	case "Newstate":
		m.newState(msg, &out)
	case "NewConnectedLine", "NewCallerid":
		if c := m.chans[msg.Get("Uniqueid")]; c != nil {
			c.update(msg)
		}
	case "DialBegin":
		m.dialBegin(msg, &out)
	case "DialEnd":
		m.dialEnd(msg, &out)
	case "BridgeEnter", "BridgeLeave":
		if c := m.chans[msg.Get("Uniqueid")]; c != nil {
			c.update(msg)
			c.bridge = ""
			if msg.Event() == "BridgeEnter" {
				c.bridge = msg.Get("BridgeUniqueid")
				m.callerServed(c.uid)
			}
		}
	case "Hold", "Unhold":
		m.hold(msg, msg.Event() == "Hold", &out)
	case "BlindTransfer":
		if msg.Get("Result") == "Success" {
			m.transferredBy(msg.Get("TransfererUniqueid"), msg.Get("Extension"))
		}
	case "AttendedTransfer":
		// A three-way "transfer" keeps the transferer in the call.
		if msg.Get("Result") == "Success" && msg.Get("DestType") != "Threeway" {
			m.attendedTransfer(msg, &out)
		}
	case "SoftHangupRequest":
		m.softHangupRequest(msg)
	case "Hangup":
		m.hangup(msg, &out)
	case "OriginateResponse":
		m.originateResponse(msg, &out)
	case "DeviceStateChange":
		m.deviceState(msg, &out)
	case "QueueCallerJoin":
		m.callerJoin(msg, &out)
	case "AgentCalled":
		m.agentCalled(msg, &out)
	case "QueueCallerLeave":
		m.callerLeave(msg)
	case "QueueMemberAdded", "QueueMemberRemoved", "QueueMemberStatus", "QueueMemberPause":
		m.memberEvent(msg) // queue_members.go
		m.tellMembers(&out, msg.Get("Queue"))
	case "ParkedCall", "UnParkedCall", "ParkedCallTimeOut", "ParkedCallGiveUp":
		m.parkEvent(msg, &out) // park.go
	}
	m.ringGroupSeen(msg, &out)
	return out.list
}

// batch collects what one AMI event causes, stamped with one time.
type batch struct {
	now  time.Time
	list []pbx.Event
}

// emit tells Deskline about c's connection and records what it was told.
func (e *batch) emit(m *mapper, c *channel, kind pbx.EventKind, state pbx.ConnState, set func(*pbx.Event)) {
	ev := pbx.Event{Kind: kind, Time: e.now, Call: c.call(), Device: c.device, State: state,
		Direction: c.direction(), Other: c.other(m.chans[c.dialer]), Queue: c.queue}
	if set != nil {
		set(&ev)
	}
	if c.conn != state {
		c.since = e.now
	}
	c.conn, c.heard = state, ev.Other
	e.list = append(e.list, ev)
}

func (m *mapper) deviceOf(channelName string) string {
	return m.byEndpoint[strings.ToLower(endpointOf(channelName))]
}

func (m *mapper) newChannel(msg Message, out *batch) {
	c := &channel{uid: msg.Get("Uniqueid"), linked: msg.Get("Linkedid"), name: msg.Get("Channel")}
	if c.uid == "" || m.chans[c.uid] != nil { // Asterisk repeats events now and then
		return
	}
	if c.linked == "" {
		c.linked = c.uid
	}
	c.device = m.deviceOf(c.name)
	c.update(msg)
	m.chans[c.uid] = c
	if c.device == "" {
		return
	}
	if o := m.originates[c.uid]; o != nil {
		o.seen = true
		c.kind, c.to = legOriginate, pbx.Party{Number: o.to}
		out.emit(m, c, pbx.EvInitiated, pbx.StateInitiated, nil)
		return
	}
	if atoi(msg.Get("ChannelState")) == chanRing {
		// The phone went off-hook and dialled: Exten is what it dialled.
		c.kind, c.to = legOut, pbx.Party{Number: msg.Get("Exten")}
		out.emit(m, c, pbx.EvOriginated, pbx.StateConnected, nil)
	}
}

func (m *mapper) newState(msg Message, out *batch) {
	c := m.chans[msg.Get("Uniqueid")]
	if c == nil {
		return
	}
	c.update(msg)
	if atoi(msg.Get("ChannelState")) == chanUp {
		m.reached(c.uid, true, out) // a deflected caller answered by the target's dialplan
	}
	if c.device == "" {
		return
	}
	switch atoi(msg.Get("ChannelState")) {
	case chanRinging:
		if c.kind == legUnknown && c.dialer == "" && c.connected.Number != "" && c.connected == c.cid && m.alone(c) {
			// Nobody dials it and it is connected to itself: an Originate
			// placed by someone else, whose DialBegin comes later.
			c.kind = legOriginate
			out.emit(m, c, pbx.EvInitiated, pbx.StateInitiated, nil)
			return
		}
		if c.kind == legUnknown {
			c.kind = legIn
		}
		if c.kind == legIn && c.conn == "" {
			c.queue = m.queueOf(c)
			out.emit(m, c, pbx.EvDelivered, pbx.StateAlerting, nil)
		}
	case chanRing:
		if c.kind == legUnknown && c.dialer == "" {
			// Created down, then off-hook and dialling (not how PJSIP
			// phones start, but how other channel drivers may).
			c.kind, c.to = legOut, pbx.Party{Number: msg.Get("Exten")}
			out.emit(m, c, pbx.EvOriginated, pbx.StateConnected, nil)
		}
	case chanUp:
		m.up(c, out)
	}
}

// up handles a device's channel being answered.
func (m *mapper) up(c *channel, out *batch) {
	switch c.kind {
	case legUnknown, legIn:
		if c.answered {
			return
		}
		c.kind, c.answered = legIn, true
		out.emit(m, c, pbx.EvEstablished, pbx.StateConnected, func(e *pbx.Event) { e.AnsweredBy = c.device })
	case legOriginate:
		if c.conn == pbx.StateInitiated {
			// The user took their own phone off the hook; Asterisk now
			// dials the destination.
			out.emit(m, c, pbx.EvOriginated, pbx.StateConnected, nil)
		}
	case legOut:
		// Normally the far end's answer arrives as DialEnd ANSWER. A
		// call answered by the dialplan itself (voicemail, an IVR) has
		// no Dial: its Up is the answer.
		if !c.dialing && !c.answered {
			c.answered = true
			out.emit(m, c, pbx.EvEstablished, pbx.StateConnected, func(e *pbx.Event) { e.AnsweredBy = c.to.Number })
		}
	}
}

func (m *mapper) dialBegin(msg Message, out *batch) {
	m.reached(msg.Get("Uniqueid"), false, out) // a redirected channel dials its target
	src := m.chans[msg.Get("Uniqueid")]
	dest := m.chans[msg.Get("DestUniqueid")]
	if src != nil {
		src.update(msg)
		if src.device != "" && src.answered && (src.conn == pbx.StateConnected || src.conn == pbx.StateHeld) {
			m.moved(src, msg.Get("Exten"), out)
		}
		src.dialing = true
		if src.to.Number == "" {
			src.to = pbx.Party{Number: msg.Get("Exten")}
		}
	}
	if dest == nil {
		return
	}
	if src != nil {
		dest.dialer, src.dialee = src.uid, dest.uid
	}
	if src == nil && msg.Get("Uniqueid") == "" && dest.device != "" && dest.kind == legUnknown {
		// A Dial without a calling channel is an Originate's first leg
		// placed by someone else (another CTI, a call file).
		dest.kind = legOriginate
		out.emit(m, dest, pbx.EvInitiated, pbx.StateInitiated, nil)
	}
}

func (m *mapper) dialEnd(msg Message, out *batch) {
	src := m.chans[msg.Get("Uniqueid")]
	if src == nil || src.device == "" || (src.kind != legOut && src.kind != legOriginate && !src.moved) {
		return
	}
	src.update(msg)
	status := msg.Get("DialStatus")
	if status != "ANSWER" {
		if cause := dialStatusCause(status); cause != pbx.CauseNone && src.failCause == pbx.CauseNone {
			src.failCause = cause
		}
		return
	}
	if src.answered { // Asterisk repeats DialEnd now and then
		return
	}
	src.answered = true
	by := src.to.Number
	if dest := m.chans[msg.Get("DestUniqueid")]; dest != nil && dest.device != "" {
		by = dest.device
	}
	out.emit(m, src, pbx.EvEstablished, pbx.StateConnected, func(e *pbx.Event) { e.AnsweredBy = by })
}

// hold: Hold/Unhold arrive on the channel of the phone that pressed the
// button; every device bridged with it hears music and is told too.
func (m *mapper) hold(msg Message, on bool, out *batch) {
	c := m.chans[msg.Get("Uniqueid")]
	if c == nil || c.held == on {
		return
	}
	c.held = on
	kind, own := pbx.EvRetrieved, pbx.StateConnected
	if on {
		kind, own = pbx.EvHeld, pbx.StateHeld
	}
	by := func(e *pbx.Event) { e.By = c.device }
	if c.device != "" && c.conn != "" {
		out.emit(m, c, kind, own, by)
	}
	if c.bridge == "" {
		return
	}
	for _, p := range m.chans {
		if p != c && p.bridge == c.bridge && p.device != "" && p.conn != "" {
			// The other side keeps its own state: it may hold the call too.
			state := pbx.StateConnected
			if p.held {
				state = pbx.StateHeld
			}
			out.emit(m, p, kind, state, by)
		}
	}
}

func (m *mapper) transferredBy(uid, to string) {
	m.handOver(uid, intent{kind: intentTransfer, to: to})
}

// handOver marks a transferer's channel: its Hangup, which follows, is
// reported as the transfer in.
func (m *mapper) handOver(uid string, in intent) {
	if c := m.chans[uid]; c != nil && c.device != "" {
		in.by = c.device
		c.intent = in
	}
}

func (m *mapper) originateResponse(msg Message, out *batch) {
	o := m.byAction[msg.ActionID()]
	if o == nil {
		return
	}
	m.forget(o)
	if msg.Get("Response") == "Success" || o.seen {
		return // its channel's own events tell the rest
	}
	// Asterisk could not even ring the user's phone (not registered,
	// unknown endpoint): no channel ever existed to hang up.
	c := &channel{uid: o.uid, linked: o.uid, device: o.device, kind: legOriginate, to: pbx.Party{Number: o.to}}
	cause := func(e *pbx.Event) { e.Cause = originateCause(msg.Get("Reason")) }
	out.emit(m, c, pbx.EvFailed, pbx.StateFailed, cause)
	out.emit(m, c, pbx.EvCleared, pbx.StateCleared, cause)
}

func (m *mapper) forget(o *originate) {
	delete(m.originates, o.uid)
	delete(m.byAction, o.actionID)
}

func (m *mapper) deviceState(msg Message, out *batch) {
	id := m.byEndpoint[strings.ToLower(msg.Get("Device"))]
	d := m.devices[id]
	if d == nil {
		return
	}
	reg, known := registered(msg.Get("State"))
	if !known || d.Registered == reg {
		return
	}
	d.Registered = reg
	info := *d
	out.list = append(out.list, pbx.Event{Kind: pbx.EvDeviceState, Time: out.now, Device: id, DeviceState: &info})
}

// alone reports whether c is the only channel of its call: an Originate's
// first leg is, a phone rung by its own call (201 calling 201) is not.
func (m *mapper) alone(c *channel) bool {
	for _, p := range m.chans {
		if p != c && p.linked == c.linked {
			return false
		}
	}
	return true
}

// moved handles a device whose answered call starts dialling again: the
// party it talked to transferred it (a Redirect, or a transfer on that
// party's phone). It is told, and then hears the new party's answer as
// if it had placed the call.
func (m *mapper) moved(c *channel, to string, out *batch) {
	by := m.movedBy[c.linked]
	for _, p := range m.chans {
		if p.linked == c.linked && p.intent.kind == intentTransfer {
			by = p.intent.by
		}
	}
	c.moved, c.answered, c.dialing, c.failCause = true, false, false, pbx.CauseNone
	c.to, c.connected = pbx.Party{Number: to}, pbx.Party{}
	out.emit(m, c, pbx.EvTransferred, c.conn, func(e *pbx.Event) {
		e.By, e.To, e.NewCall = by, to, c.call()
	})
}
