package ami

import (
	"strings"
	"time"

	"github.com/deskline/deskline/pbx"
)

// queueBook remembers through which queue or ring group callers are
// being put, so that the pop of the phone they ring can say "Sales ·
// waited 0:42".
//
// Asterisk's app_queue reports a caller entering a queue (QueueCallerJoin:
// Queue, the caller's Uniqueid) and each member it rings (AgentCalled:
// the caller's Uniqueid, the member's DestUniqueid, which on FreePBX is a
// Local channel whose other half dials the phone). FreePBX ring groups
// send no such events: the caller's channel Dials the members (through
// Local channels) from the ring group's extension, which DialBegin
// carries as Exten; the extensions configured as ring groups are
// recognised by it.
type queueBook struct {
	names  map[string]string // queue name (queues.conf) → display name; Config.QueueNames
	groups map[string]string // ring group extension → display name; Config.RingGroups
	// joined is the queue each waiting caller is in, by the caller's
	// uid; called is the queue a member channel was rung for, by that
	// channel's uid. Both go with their channel's hang-up.
	joined map[string]*pbx.Queue
	called map[string]*pbx.Queue
	// served are the callers a member answered (their channel entered a
	// bridge): their wait is over, and a later transfer to a colleague
	// must not pop as "Support · waited 5:30" counting the conversation,
	// even though their events still show them at the group's extension.
	served map[string]bool
}

func newQueueBook(names, groups map[string]string) queueBook {
	return queueBook{names: names, groups: groups, joined: map[string]*pbx.Queue{}, called: map[string]*pbx.Queue{},
		served: map[string]bool{}}
}

// queue is the queue named name, joined at the given time, as the desk
// shows it.
func (b *queueBook) queue(name string, joined time.Time) *pbx.Queue {
	display := b.names[name]
	if display == "" {
		display = name // FreePBX names queues by their number; others by a word
	}
	return &pbx.Queue{Name: display, Number: name, Joined: joined}
}

// callerJoin: a caller entered a queue (QueueCallerJoin).
func (m *mapper) callerJoin(msg Message, out *batch) {
	uid, name := msg.Get("Uniqueid"), msg.Get("Queue")
	if uid == "" || name == "" || m.chans[uid] == nil {
		return
	}
	if q := m.queues.joined[uid]; q != nil && q.Number == name {
		return // Asterisk repeats events now and then: the wait began at the first
	}
	m.queues.joined[uid] = m.queues.queue(name, out.now)
}

// agentCalled: a queue rings a member for a caller (AgentCalled). The
// member's channel remembers the caller's queue, however many Local
// channels lie between it and the phone.
func (m *mapper) agentCalled(msg Message, out *batch) {
	dest, name := msg.Get("DestUniqueid"), msg.Get("Queue")
	if dest == "" || name == "" || m.chans[dest] == nil {
		return
	}
	q := m.queues.joined[msg.Get("Uniqueid")]
	if q == nil || q.Number != name { // joined before Deskline was linked: the wait counts from here
		q = m.queues.queue(name, out.now)
	}
	m.queues.called[dest] = q
}

// callerLeave: the caller left the queue (answered by a member, gave up,
// timed out). The members' channels keep what they were rung for.
func (m *mapper) callerLeave(msg Message) {
	delete(m.queues.joined, msg.Get("Uniqueid"))
}

// callerServed: a channel entered a bridge (BridgeEnter). If it waited in
// a queue or ring group, a member has answered it: its wait is over.
func (m *mapper) callerServed(uid string) {
	if m.queues.joined[uid] != nil {
		delete(m.queues.joined, uid)
		m.queues.served[uid] = true
	}
}

// ringGroupSeen notes a channel Asterisk reports at a configured ring
// group extension (the Exten of any of its events: the DialBegin of a
// Dial run in the extension itself, or the Newchannel of a phone that
// dialled it): it has joined the group, at the first such event. A ring
// group that Dials from a subroutine (FreePBX's, at extension "s") is
// seen only if an earlier event showed the caller at its extension.
func (m *mapper) ringGroupSeen(msg Message, out *batch) {
	if len(m.queues.groups) == 0 {
		return
	}
	uid, exten := msg.Get("Uniqueid"), msg.Get("Exten")
	name, ok := m.queues.groups[exten]
	if !ok || uid == "" || m.chans[uid] == nil || m.queues.joined[uid] != nil || m.queues.served[uid] {
		return
	}
	if name == "" {
		name = exten
	}
	m.queues.joined[uid] = &pbx.Queue{Name: name, Number: exten, Joined: out.now}
}

// queueOf finds the queue or ring group through which device channel c
// is rung: the member channel rung for it, or the caller dialling it,
// following Local channel pairs (…;2 dials, …;1 is dialled) up to
// maxLocalHops deep. nil when it was rung directly.
func (m *mapper) queueOf(c *channel) *pbx.Queue {
	for hop := 0; c != nil && hop <= maxLocalHops; hop++ {
		if q := m.queues.called[c.uid]; q != nil {
			return q
		}
		d := m.chans[c.dialer]
		if d == nil {
			return nil
		}
		if q := m.queues.joined[d.uid]; q != nil {
			return q
		}
		if !strings.HasPrefix(d.name, "Local/") || !strings.HasSuffix(d.name, ";2") {
			return nil
		}
		c = m.byName(strings.TrimSuffix(d.name, ";2") + ";1")
	}
	return nil
}

// forgetQueue drops what the book holds about a channel that hung up.
func (m *mapper) forgetQueue(uid string) {
	delete(m.queues.joined, uid)
	delete(m.queues.called, uid)
	delete(m.queues.served, uid)
}

// pruneQueues drops what the book holds about channels that are gone
// (after a reconnect: their hang-ups were missed).
func (m *mapper) pruneQueues() {
	for _, set := range []map[string]*pbx.Queue{m.queues.joined, m.queues.called} {
		for uid := range set {
			if m.chans[uid] == nil {
				delete(set, uid)
			}
		}
	}
	for uid := range m.queues.served {
		if m.chans[uid] == nil {
			delete(m.queues.served, uid)
		}
	}
}
