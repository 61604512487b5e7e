package app

import (
	"cmp"
	"slices"
	"time"

	"github.com/deskline/deskline/ctiproto"
)

// The switchboard's state (PROTOCOL.md sections 15 to 18): colleagues'
// devices, the queues they answer, the parked calls and the user's
// consultation. A desk that shows presence (ShowPresence) watches every
// device the server lets the user watch; the lists arrive with the
// welcome or the watch result and change by events in the user's
// resumable sequence, so they are never stale after a reconnect.

// Colleague is a watched device as the switchboard shows it.
type Colleague struct {
	Device string
	Name   string // the exchange's name of the device ("Sales – Ben Kramer"), else ""
	// Status is one of ctiproto's presence statuses (idle, ringing,
	// in-call, on-hold, dnd, forwarded, offline).
	Status    string
	Since     time.Time // when Status began
	DND       bool
	ForwardTo string // where calls go while forwarding is on
	// Direction, Number and PartyName are the call Status is about, where
	// the server lets the user see parties; Who names that party (the
	// address book first), "" when not shown.
	Direction string
	Number    string
	PartyName string
	Who       string
}

// Label is what the switchboard calls the colleague: the device's name,
// else its extension.
func (c Colleague) Label() string { return cmp.Or(c.Name, c.Device) }

// Free reports whether a call put through now would ring the colleague:
// idle, registered, not diverted.
func (c Colleague) Free() bool { return c.Status == ctiproto.StatusIdle }

// WaitingQueue is a queue or ring group the user watches.
type WaitingQueue struct {
	Number  string
	Name    string
	Members []QueueMember
	Waiting []WaitingCaller // by position
}

// Label names the queue: its name, else its number.
func (q WaitingQueue) Label() string { return cmp.Or(q.Name, q.Number) }

// QueueMember is a device that answers a queue's calls.
type QueueMember struct {
	Device   string
	LoggedIn bool
}

// WaitingCaller is a call waiting in a queue; Who is "" for a user who
// sees states only.
type WaitingCaller struct {
	Call     string
	Position int
	Joined   time.Time
	Number   string
	Who      string
}

// ParkedCall is a call waiting in a park slot.
type ParkedCall struct {
	Slot     string
	Call     string
	Number   string
	Who      string // the caller, named as a pop names them
	ParkedBy string // the device that parked it, rung back on recall
	Since    time.Time
	// Mine: one of the user's devices parked it (a recall rings here).
	Mine bool
}

// Consultation is the user's announced transfer in progress: Held waits
// on hold while the user talks to the colleague in Consulted (the same
// call where the exchange consults on one connection, as Asterisk does).
type Consultation struct {
	Device    string
	Held      string
	Consulted string
	To        string // whom the user consults, as the user sees the number

	started time.Time // when the result came
	seen    bool      // the consulted call's events have come
}

// Switchboard is the part of State a switchboard renders. Empty unless
// the desk shows presence and the server lets the user watch.
type Switchboard struct {
	// Watching: the server sends this desk colleagues' presence.
	Watching   bool
	Colleagues []Colleague    // by device
	Queues     []WaitingQueue // by number
	Parked     []ParkedCall   // by slot
	Consult    *Consultation
	// Recalls maps a call ringing back at the user's phone after it waited
	// too long in a park slot to that slot.
	Recalls map[string]string
}

// clone copies b deeply enough that the copy shares nothing mutable.
func (b Switchboard) clone() Switchboard {
	c := b
	c.Colleagues = slices.Clone(b.Colleagues)
	c.Queues = make([]WaitingQueue, len(b.Queues))
	for i, q := range b.Queues {
		q.Members, q.Waiting = slices.Clone(q.Members), slices.Clone(q.Waiting)
		c.Queues[i] = q
	}
	c.Parked = slices.Clone(b.Parked)
	if b.Consult != nil {
		cc := *b.Consult
		c.Consult = &cc
	}
	if b.Recalls != nil {
		c.Recalls = make(map[string]string, len(b.Recalls))
		for k, v := range b.Recalls {
			c.Recalls[k] = v
		}
	}
	return c
}

// Colleague finds a watched device.
func (b Switchboard) Colleague(device string) (Colleague, bool) {
	i, ok := slices.BinarySearchFunc(b.Colleagues, device, func(c Colleague, d string) int { return cmp.Compare(c.Device, d) })
	if !ok {
		return Colleague{}, false
	}
	return b.Colleagues[i], true
}
