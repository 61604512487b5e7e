package sim

import (
	"crypto/rand"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/deskline/deskline/pbx"
)

// call is one call in progress. It has a calling side a and a called side
// b: one leg, or one per member while a ring group alerts. A transfer
// keeps the id: the remaining party becomes a and the transfer target b.
type call struct {
	id       pbx.CallID
	seq      uint64
	a        *leg
	b        []*leg
	target   pbx.Party // click-to-dial: what a dials once picked up
	answered bool      // the current called side has answered
	// epoch changes whenever the pending timers stop applying (answer,
	// new ring phase, end); a timer that fires late sees a new epoch and
	// does nothing.
	epoch  uint64
	timers []Timer
	store  [2]leg // backing for a and the first b: one allocation per call
	used   int    // how many of store are handed out
	// cons is the consultation c belongs to (as the held call or the
	// consultation itself); nil for most calls.
	cons *consultation
	// park is set while c waits in a park slot.
	park *pbx.ParkedCall
}

// leg is one party's connection in a call.
type leg struct {
	party pbx.Party
	dev   *device   // nil for an external party
	beh   Behaviour // externals: their behaviour, fixed when dialled
	state pbx.ConnState
	dir   pbx.Direction
	other pbx.Party // the other party as seen from here
	since time.Time
	queue *pbx.Queue // the ring group that rang this leg; nil if rung directly (shared, never changed)
}

// behaviour is how the person behind l reacts to calls.
func (l *leg) behaviour() Behaviour {
	if l.dev != nil {
		return l.dev.beh
	}
	return l.beh
}

// newCall registers a call with the next id: random unless the
// configuration asks for sequential ones.
func (x *Exchange) newCall() *call {
	x.seq++
	id := callID(x.seq)
	if !x.seqIDs {
		for id = callIDRandom(); x.calls[id] != nil; id = callIDRandom() {
		}
	}
	c := &call{id: id, seq: x.seq}
	x.calls[c.id] = c
	return c
}

// callIDRandom makes a call id of 128 random bits ("c-" and 26 base32
// characters): it cannot be guessed, and two ids say nothing about the
// calls in between.
func callIDRandom() pbx.CallID {
	return pbx.CallID("c-" + strings.ToLower(rand.Text()))
}

// callID formats "c-000001" without fmt (it is on the hot path).
func callID(n uint64) pbx.CallID {
	s := strconv.FormatUint(n, 10)
	const zeros = "000000"
	if len(s) < len(zeros) {
		s = zeros[len(s):] + s
	}
	return pbx.CallID("c-" + s)
}

// legs returns a's leg followed by the called legs.
func (c *call) legs() []*leg {
	out := make([]*leg, 0, 1+len(c.b))
	if c.a != nil {
		out = append(out, c.a)
	}
	return append(out, c.b...)
}

// find returns the leg of number, nil if it is not in the call.
func (c *call) find(number string) *leg {
	if c.a != nil && c.a.party.Number == number {
		return c.a
	}
	for _, l := range c.b {
		if l.party.Number == number {
			return l
		}
	}
	return nil
}

// has reports whether d is in the call.
func (c *call) has(d *device) bool {
	if c.a != nil && c.a.dev == d {
		return true
	}
	for _, l := range c.b {
		if l.dev == d {
			return true
		}
	}
	return false
}

// hasDevice reports whether an extension is still in the call; a call
// between external parties only is none of the exchange's business.
func (c *call) hasDevice() bool {
	if c.a != nil && c.a.dev != nil {
		return true
	}
	for _, l := range c.b {
		if l.dev != nil {
			return true
		}
	}
	return false
}

// peer is the other party of l in an answered call.
func (c *call) peer(l *leg) *leg {
	if l == c.a {
		return c.b[0]
	}
	return c.a
}

// newLeg returns a fresh leg, from the call's built-in storage while it
// lasts.
func (c *call) newLeg() *leg {
	if c.used < len(c.store) {
		c.used++
		return &c.store[c.used-1]
	}
	return new(leg)
}

// stopTimers cancels the pending timers and makes late ones harmless.
func (c *call) stopTimers() {
	for _, t := range c.timers {
		t.Stop()
	}
	clear(c.timers)
	c.timers = c.timers[:0]
	c.epoch++
}

// end removes c from the exchange. A consultation that ends retrieves
// the call it held (consultEnded); a parked call that ends leaves its
// slot, silently when it is lost in an outage (a restarted PBX tells
// nobody: the server finds out when it reconciles).
func (x *Exchange) end(c *call) {
	c.stopTimers()
	delete(x.calls, c.id)
	if c.cons != nil {
		x.consultEnded(c)
	}
	switch {
	case c.park != nil && x.down != "":
		delete(x.parked, c.park.Slot)
		c.park = nil
	case c.park != nil:
		x.unparkEvent(c, "", pbx.CauseNormal)
	}
}

// findLeg looks up device's connection in call id. An unknown device is
// ErrNoSuchDevice (an external number counts as known when it is a party
// of the call); an unknown call, or a device not in it, ErrNoSuchCall.
func (x *Exchange) findLeg(id pbx.CallID, device string) (*call, *leg, error) {
	c := x.calls[id]
	if c != nil && device != "" {
		if l := c.find(device); l != nil {
			return c, l, nil
		}
		if num, err := normalize(device); err == nil && x.devices[device] == nil {
			if l := c.find(num); l != nil && l.dev == nil {
				return c, l, nil
			}
		}
	}
	if x.devices[device] == nil {
		return nil, nil, fmt.Errorf("no device %q: %w", device, pbx.ErrNoSuchDevice)
	}
	if c == nil {
		return nil, nil, fmt.Errorf("no call %s: %w", id, pbx.ErrNoSuchCall)
	}
	return nil, nil, fmt.Errorf("%s is not in call %s: %w", device, id, pbx.ErrNoSuchCall)
}

// partyFor is how the exchange presents the (normalized) number num.
func (x *Exchange) partyFor(num string) pbx.Party {
	if d := x.devices[num]; d != nil {
		return d.party()
	}
	if g := x.groups[num]; g != nil {
		return pbx.Party{Number: num, Name: g.name}
	}
	return pbx.Party{Number: num}
}
