package server

import (
	"slices"
	"sync"
	"time"

	"github.com/deskline/deskline/ctiproto"
)

// subscriber receives a user's encoded event frames. deliver must never
// block: it is called while the user's log is locked. A session's deliver
// queues the frame or, when its queue is full, drops the session (a slow
// client is cut off and resumes; it never stalls others).
type subscriber interface {
	// at is the exchange event's time (unix ns) for the write latency,
	// 0 for a frame that tells none.
	deliver(frame []byte, at int64)
	// protocol is the subprotocol the subscriber speaks
	// (ctiproto.SubprotocolV1 or V2): it gets the frames of its version.
	protocol() string
}

// logEntry is one event in a user's log, kept encoded: it is encoded once
// per protocol version and written as is to every session and every
// replay. v1 is the same slice as frame unless the event carries members
// deskline.v1 lacks (ctiproto.V2Members), so most events are encoded once.
// A presence event has no v1 form: v1 is nil, and a v1 session gets a
// restatement in its place (v1Filler).
type logEntry struct {
	seq   uint64
	frame []byte // as deskline.v2 speaks it
	v1    []byte // as deskline.v1 speaks it; nil: a v2 event only
}

// frameFor is the entry's frame for a subscriber speaking protocol; nil
// only when a v1 restatement could not be encoded (the session then sees a
// gap and takes a snapshot). Called with u.mu held.
func (u *userLog) frameFor(e logEntry, protocol string) []byte {
	switch {
	case protocol != ctiproto.SubprotocolV1:
		return e.frame
	case e.v1 == nil:
		return u.v1Filler(e.seq)
	}
	return e.v1
}

// v1Filler is what a v1 session gets in the place of a presence event,
// which v1 lacks: a device-state restating the user's first device as it
// is now, or for a user without devices an exchange-state restating the
// exchange's status. It changes nothing for the client, and the user's
// seq stays contiguous on every connection (PROTOCOL.md section 13).
func (u *userLog) v1Filler(seq uint64) []byte {
	ev := ctiproto.Event{Type: ctiproto.EventExchangeState, Seq: seq,
		Time: time.Now().Truncate(ctiproto.TimePrecision), Available: &u.exchange.Available, Reason: u.exchange.Reason}
	if d, ok := u.state.Device(u.first); ok {
		ev = ctiproto.Event{Type: ctiproto.EventDeviceState, Seq: seq, Time: ev.Time, Device: d.Device,
			DND: &d.DND, ForwardTo: &d.ForwardTo, Registered: &d.Registered, Capabilities: d.Capabilities}
	}
	b, err := ctiproto.EncodeFor(ctiproto.SubprotocolV1, &ev)
	if err != nil {
		return nil
	}
	return b
}

// userLog owns everything about one user that sessions share: the event
// log with its sequence numbers, the user's view of calls and devices
// (derived from the same events, so a snapshot and a seq always agree),
// and the sessions that receive the events. One mutex guards it all.
type userLog struct {
	name  string
	epoch string

	mu    sync.Mutex
	seq   uint64
	limit int        // how many events the log keeps
	ring  []logEntry // grows to limit, then circular
	next  int        // once full: index of the oldest entry, the next overwritten
	state *ctiproto.CallState
	subs  []subscriber // attached sessions; a user has few
	first string       // the user's first device, restated to v1 sessions (v1Filler)
	// exchange is the exchange's status as the user was last told it.
	exchange ctiproto.ExchangeStatus

	// The company directory, fixed at start (enrich.go): the books the
	// user may see (nil: none), their memo key, the shared enricher (nil
	// without books) and the user's own device numbers, never looked up.
	m *metrics // the server's (hub.addUser); noMetrics until then

	books    []string
	booksKey string
	enrich   *enricher
	own      map[string]bool
}

// newUserLog makes an empty log that keeps the last limit events. The
// ring grows as events come: allocating every user's full log up front
// would hold gigabytes for a large site, and the garbage collector would
// count all of it as live.
func newUserLog(name, epoch string, limit int, devices []ctiproto.Device) *userLog {
	u := &userLog{
		name:     name,
		epoch:    epoch,
		limit:    max(limit, 1),
		state:    ctiproto.NewCallState(devices, nil),
		exchange: ctiproto.ExchangeStatus{Available: true},
		m:        noMetrics,
	}
	if len(devices) > 0 {
		u.first = devices[0].Device
	}
	return u
}

// publish numbers ev, applies it to the user's state, logs it and hands it
// to every attached session. An event that changes nothing the user has
// been told (see CallState.Changes) is dropped: a client never gets the
// same ringing call twice, nor a clear for a call it no longer has.
//
// at is the time (unix ns) of the exchange event it tells, 0 for none:
// the writer of each session observes the latency from it.
func (u *userLog) publish(ev ctiproto.Event, at int64) error {
	u.mu.Lock()
	defer u.mu.Unlock()
	if !u.state.Changes(&ev) {
		return nil
	}
	u.fillParty(&ev)
	ev.Other = u.enrichParty(ev.Other)
	ev.Seq = u.seq + 1
	e, err := encodeEntry(&ev)
	if err != nil {
		return err
	}
	u.seq = ev.Seq
	u.append(e)
	u.state.Apply(&ev)
	if ev.Type == ctiproto.EventExchangeState {
		u.exchange = ctiproto.ExchangeStatus{Available: *ev.Available, Reason: ev.Reason}
	}
	u.m.userEvents.Inc()
	u.deliverLocked(e, at)
	return nil
}

// publishTemplate numbers and logs an event encoded once for many users
// (a presence event) and hands it to every attached session.
func (u *userLog) publishTemplate(t *ctiproto.EventTemplate) {
	u.mu.Lock()
	defer u.mu.Unlock()
	u.seq++
	e := logEntry{seq: u.seq, frame: t.Frame(u.seq)}
	u.append(e)
	u.m.userEvents.Inc()
	u.deliverLocked(e, 0)
}

// deliverLocked hands e to every attached session in its version.
// A v1 restatement is made once for all the v1 sessions (frameFor makes
// a new one each call).
func (u *userLog) deliverLocked(e logEntry, at int64) {
	var v1 []byte
	for _, s := range u.subs {
		f := e.frame
		if s.protocol() == ctiproto.SubprotocolV1 {
			if v1 == nil {
				v1 = u.frameFor(e, ctiproto.SubprotocolV1)
			}
			f = v1
		}
		if f != nil {
			s.deliver(f, at)
		}
	}
}

// inCall reports whether device has a connection in call, as the user
// was last told.
func (u *userLog) inCall(call, device string) bool {
	u.mu.Lock()
	defer u.mu.Unlock()
	c, ok := u.state.Call(call, device)
	return ok && c.State != ctiproto.StateCleared
}

// currentSeq is the seq of the user's last event.
func (u *userLog) currentSeq() uint64 {
	u.mu.Lock()
	defer u.mu.Unlock()
	return u.seq
}

// encodeEntry encodes ev for each protocol version (once when they agree).
func encodeEntry(ev *ctiproto.Event) (logEntry, error) {
	frame, err := ctiproto.Encode(ev)
	if err != nil {
		return logEntry{}, err
	}
	e := logEntry{seq: ev.Seq, frame: frame, v1: frame}
	switch {
	case ctiproto.IsV2Type(ev.Type): // a note: v1 gets a restatement (frameFor)
		e.v1 = nil
	case ctiproto.HasV2Members(ev):
		if e.v1, err = ctiproto.EncodeFor(ctiproto.SubprotocolV1, ev); err != nil {
			return logEntry{}, err
		}
	}
	return e, nil
}

// fillParty gives a call event the server made itself (a clear for a call
// picked up elsewhere or lost in an exchange restart), which knows no
// party, the direction and other party the user was told before: a
// journal written from the last event of a call keeps the caller.
func (u *userLog) fillParty(ev *ctiproto.Event) {
	if ev.Other != nil || ev.Call == "" || ev.Type == ctiproto.EventNote { // a note names no party
		return
	}
	if c, ok := u.state.Call(ev.Call, ev.Device); ok {
		other := c.Other
		ev.Direction, ev.Other = c.Direction, &other
	}
}

func (u *userLog) append(e logEntry) {
	if len(u.ring) < u.limit {
		u.ring = append(u.ring, e)
		return
	}
	u.ring[u.next] = e
	u.next = (u.next + 1) % len(u.ring)
}

// oldest returns the seq of the oldest event still in the log (0 if empty).
// While the ring grows, next is 0 and the oldest is at index 0.
func (u *userLog) oldest() uint64 {
	if len(u.ring) == 0 {
		return 0
	}
	return u.ring[u.next].seq
}

// since returns the frames of the events after seq, in order. The caller
// has checked that they are all still in the log.
func (u *userLog) since(seq uint64, protocol string) [][]byte {
	n := int(u.seq - seq)
	out := make([][]byte, 0, n)
	l := len(u.ring)
	start := u.next + l - n // the newest n entries end just before next
	for i := range n {
		if f := u.frameFor(u.ring[(start+i)%l], protocol); f != nil {
			out = append(out, f)
		}
	}
	return out
}

// attachment is what a session gets when it joins a user's log: either a
// replay of the events it missed, or a fresh snapshot.
type attachment struct {
	epoch   string
	seq     uint64
	resumed bool
	resync  string // why a requested resume was refused
	replay  [][]byte
	devices []ctiproto.Device
	calls   []ctiproto.Call
	// presence of what the user watches, with a snapshot (presence.attach)
	presence []ctiproto.Presence
	queues   []ctiproto.QueueState // v2: the queues the user watches, with presence
	parked   []ctiproto.Parked     // v2: the parked calls the user may see
}

// attach registers s and decides, atomically with respect to publish,
// whether resume can be honoured: everything after the returned seq
// reaches s through deliver, everything up to it through the attachment.
func (u *userLog) attach(s subscriber, resume *ctiproto.Resume) attachment {
	u.mu.Lock()
	defer u.mu.Unlock()
	u.subs = append(u.subs, s)
	a := attachment{epoch: u.epoch, seq: u.seq}
	if resume != nil {
		switch {
		case resume.Epoch != u.epoch:
			a.resync = ctiproto.ResyncEpochChanged
		case resume.Seq > u.seq:
			a.resync = ctiproto.ResyncSeqAhead
		case resume.Seq < u.seq && resume.Seq+1 < u.oldest():
			a.resync = ctiproto.ResyncGapTooOld
		default:
			a.resumed = true
			a.replay = u.since(resume.Seq, s.protocol())
			return a
		}
	}
	a.devices, a.calls = u.state.Snapshot()
	a.parked = parkedList(u.state)
	u.enrichCalls(a.calls)
	u.enrichParked(a.parked)
	return a
}

func (u *userLog) detach(s subscriber) {
	u.mu.Lock()
	defer u.mu.Unlock()
	if i := slices.Index(u.subs, s); i >= 0 {
		u.subs = slices.Delete(u.subs, i, i+1)
	}
	if len(u.subs) == 0 {
		u.subs = nil // the last session has gone: so has the room for it
	}
}

// snapshot returns the user's devices, calls and parked calls with the
// seq they reflect.
func (u *userLog) snapshot() (uint64, []ctiproto.Device, []ctiproto.Call, []ctiproto.Parked) {
	u.mu.Lock()
	defer u.mu.Unlock()
	d, c := u.state.Snapshot()
	p := parkedList(u.state)
	u.enrichCalls(c)
	u.enrichParked(p)
	return u.seq, d, c, p
}
