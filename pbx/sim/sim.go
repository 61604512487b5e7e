// Package sim is a simulated telephone exchange. It implements
// pbx.Exchange with the behaviour of a real PBX (ringing, answer, hold,
// transfer, deflect, do-not-disturb, forwarding, ring groups, no-answer
// timeouts) and adds a control API through which demos, tests and load
// tools play the people and far ends: Ring, Call, HangupRemote,
// SetBehaviour, SetRegistered, SetExternal.
//
// One mutex owns all state. Events are queued under it and handed to the
// Events channel by a single goroutine, so the exchange never blocks on a
// slow consumer and the order of events is exactly the order of things
// that happened. Timers run on a Clock; with a ManualClock everything is
// deterministic.
package sim

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/deskline/deskline/pbx"
)

var _ pbx.Exchange = (*Exchange)(nil)

// Exchange is a simulated PBX. Create it with New; it is safe for
// concurrent use.
type Exchange struct {
	clock    Clock
	noAnswer time.Duration
	seqIDs   bool // Config.SequentialIDs
	parkTime time.Duration
	events   *pbx.EventQueue

	mu          sync.Mutex // owns every field below and all calls and legs
	closed      bool
	down        string // why the exchange is unreachable (Outage); "" when up
	devices     map[string]*device
	order       []*device // configuration order, for Devices
	groups      map[string]*group
	externalB   Behaviour
	externals   map[string]Behaviour
	maxInternal int // length of the longest extension or group number
	calls       map[pbx.CallID]*call
	seq         uint64                   // the last call number handed out
	pending     []pbx.Event              // emitted under mu, queued by unlock
	consults    map[string]*consultation // by the consulting device
	slots       []string                 // park slots, in configuration order
	parked      map[string]*call         // by slot
}

// device is one extension.
type device struct {
	info pbx.DeviceInfo
	beh  Behaviour
}

func (d *device) party() pbx.Party { return pbx.Party{Number: d.info.ID, Name: d.info.Name} }

// group is a ring group.
type group struct {
	number, name string
	members      []*device
}

// New validates cfg, fills in its defaults and starts an exchange. Errors
// start with "sim: " and name every problem found.
func New(cfg Config) (*Exchange, error) {
	cfg = cfg.withDefaults()
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	x := &Exchange{
		clock:     cfg.Clock,
		noAnswer:  cfg.NoAnswerTimeout,
		seqIDs:    cfg.SequentialIDs,
		devices:   make(map[string]*device, len(cfg.Devices)),
		groups:    make(map[string]*group, len(cfg.Groups)),
		externalB: cfg.External,
		externals: make(map[string]Behaviour, len(cfg.Externals)),
		calls:     make(map[pbx.CallID]*call),
		parkTime:  cfg.ParkTime,
		consults:  make(map[string]*consultation),
		slots:     slices.Clone(cfg.ParkSlots),
		parked:    make(map[string]*call),
	}
	for _, dc := range cfg.Devices {
		d := &device{info: pbx.DeviceInfo{ID: dc.ID, Name: dc.Name, Registered: true,
			Services: slices.Clone(dc.Services)}, beh: dc.Behaviour}
		x.devices[dc.ID] = d
		x.order = append(x.order, d)
		x.maxInternal = max(x.maxInternal, len(dc.ID))
	}
	for _, gc := range cfg.Groups {
		g := &group{number: gc.Number, name: gc.Name}
		for _, m := range gc.Members {
			g.members = append(g.members, x.devices[m])
		}
		x.groups[gc.Number] = g
		x.maxInternal = max(x.maxInternal, len(gc.Number))
	}
	for num, b := range cfg.Externals {
		x.externals[num] = b
	}
	x.events = pbx.NewEventQueue()
	return x, nil
}

// lock takes the state lock unless the exchange is closed or ctx is done.
func (x *Exchange) lock(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	x.mu.Lock()
	if x.closed {
		x.mu.Unlock()
		return pbx.ErrUnavailable
	}
	if x.down != "" {
		reason := x.down
		x.mu.Unlock()
		return fmt.Errorf("%s: %w", reason, pbx.ErrUnavailable)
	}
	return nil
}

// unlock queues the events emitted under the lock, then releases it.
// Queueing before releasing keeps events in the order of the operations.
func (x *Exchange) unlock() {
	if len(x.pending) > 0 {
		x.events.Push(x.pending)
		clear(x.pending)
		x.pending = x.pending[:0]
	}
	x.mu.Unlock()
}

// Capabilities reports every service the simulation does: all of them,
// but park and unpark only when it has park slots (Config.ParkSlots).
func (x *Exchange) Capabilities() pbx.Capabilities {
	caps := make(pbx.Capabilities, len(pbx.AllServices))
	for _, s := range pbx.AllServices {
		caps[s] = true
	}
	if len(x.slots) == 0 {
		delete(caps, pbx.SvcPark)
		delete(caps, pbx.SvcUnpark)
	}
	return caps
}

// Events returns the event stream. It is closed by Close.
func (x *Exchange) Events() <-chan pbx.Event { return x.events.Out() }

// Devices lists the configured devices in configuration order.
func (x *Exchange) Devices(ctx context.Context) ([]pbx.DeviceInfo, error) {
	if err := x.lock(ctx); err != nil {
		return nil, fmt.Errorf("sim: devices: %w", err)
	}
	defer x.unlock()
	out := make([]pbx.DeviceInfo, len(x.order))
	for i, d := range x.order {
		out[i] = d.info
	}
	return out, nil
}

// Calls lists the connection of every extension in every call in
// progress, ordered by call (oldest first), then caller before called
// (after a transfer the remaining party counts as caller). External
// parties are not listed: the CTI server has no one to show them to.
// Answered says the current destination answered; a transfer resets it
// until the new destination answers.
func (x *Exchange) Calls(ctx context.Context) ([]pbx.Call, error) {
	if err := x.lock(ctx); err != nil {
		return nil, fmt.Errorf("sim: calls: %w", err)
	}
	defer x.unlock()
	cs := make([]*call, 0, len(x.calls))
	for _, c := range x.calls {
		cs = append(cs, c)
	}
	slices.SortFunc(cs, func(a, b *call) int { return cmp.Compare(a.seq, b.seq) })
	var out []pbx.Call
	for _, c := range cs {
		for _, l := range c.legs() {
			if l.dev != nil {
				out = append(out, pbx.Call{Call: c.id, Device: l.party.Number, State: l.state,
					Direction: l.dir, Other: l.other, Since: l.since, Answered: c.answered, Queue: l.queue})
			}
		}
	}
	return out, nil
}

// Close ends the simulation: it stops every timer and the event
// goroutine and closes the Events channel. Events a stuck consumer has
// not taken and that do not fit into the channel are dropped. Calls in
// progress vanish without events. Every method called afterwards returns
// pbx.ErrUnavailable; Close itself may be called again.
func (x *Exchange) Close() error {
	x.mu.Lock()
	if x.closed {
		x.mu.Unlock()
		return nil
	}
	x.closed = true
	for id, c := range x.calls {
		c.stopTimers()
		delete(x.calls, id)
	}
	x.unlock()
	x.events.Close()
	return nil
}

// Queues lists the ring groups with their members (pbx.QueueLister),
// sorted by number. The groups are fixed at New: no lock.
func (x *Exchange) Queues() []pbx.QueueInfo {
	out := make([]pbx.QueueInfo, 0, len(x.groups))
	for _, g := range x.groups {
		q := pbx.QueueInfo{Number: g.number, Name: g.name}
		for _, m := range g.members {
			q.Members = append(q.Members, m.info.ID)
		}
		out = append(out, q)
	}
	slices.SortFunc(out, func(a, b pbx.QueueInfo) int { return cmp.Compare(a.Number, b.Number) })
	return out
}

var _ pbx.QueueLister = (*Exchange)(nil)
