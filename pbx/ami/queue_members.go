package ami

import (
	"cmp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/deskline/deskline/pbx"
)

// Queue members (app_queue): who may be rung for a queue's calls. The
// roster is read from QueueStatus at every (re)connect (queue_sync.go)
// and then followed through QueueMemberAdded, QueueMemberRemoved,
// QueueMemberStatus and QueueMemberPause (Asterisk 22's manager
// documentation, AMI_Events; the captures have QueueMemberStatus, which
// needs the manager account's read class agent).
//
// QueueStatus names a member's interface Location (and its name Name);
// the member events name them Interface and MemberName. Both are read.

// Asterisk's device states (the numeric Status of a queue member,
// AST_DEVICE_*) that mean the member's phone cannot be rung at all.
const (
	devInvalid     = 4 // no such endpoint
	devUnavailable = 5 // no contact registered
)

// queueMember is one member of one queue.
type queueMember struct {
	device string // the Deskline device behind it; "" for someone else
	paused bool
	status int // AST_DEVICE_*
}

// loggedIn reports whether the member can be rung for the queue's calls
// now. A paused member is logged in to Asterisk but app_queue rings it
// for no call, so for the desk it is not logged in for answering.
func (qm *queueMember) loggedIn() bool {
	return !qm.paused && qm.status != devInvalid && qm.status != devUnavailable
}

// roster is every queue's members, by queue name and then by the
// member's interface in lower case (a queue may have two members on the
// same device: PJSIP/201 and Local/201@from-queue/n).
type roster struct {
	queues map[string]map[string]*queueMember
	read   bool // a QueueStatus has answered since New
	// told is each queue as the CTI server was last told it
	// (queue_told.go), by queue name.
	told map[string]pbx.QueueInfo
}

// memberFields are what one queue member message says; ok is false, and
// problem names the missing or malformed field, when it cannot be used.
type memberFields struct {
	queue, iface, state string
	status              int
	paused              bool
}

// readMember reads the fields of QueueMember items and QueueMember*
// events. A member event without Paused or Status (or with them empty)
// keeps what was known: hasPaused/hasStatus say.
func readMember(msg Message) (f memberFields, hasStatus, hasPaused bool, problem string) {
	f.queue = msg.Get("Queue")
	f.iface = cmp.Or(msg.Get("Interface"), msg.Get("Location"))
	f.state = msg.Get("StateInterface")
	switch {
	case f.queue == "":
		return f, false, false, "no Queue"
	case f.iface == "":
		return f, false, false, "no Interface or Location"
	}
	if s := msg.Get("Status"); s != "" {
		if f.status = atoi(s); f.status < 0 {
			return f, false, false, "Status " + strconv.Quote(s) + " is not a device state"
		}
		hasStatus = true
	}
	if p := msg.Get("Paused"); p != "" {
		switch p {
		case "0", "1":
			f.paused, hasPaused = p == "1", true
		default:
			return f, false, false, "Paused " + strconv.Quote(p) + " is neither 0 nor 1"
		}
	}
	return f, hasStatus, hasPaused, ""
}

// memberDevice maps a member's interface to the Deskline device the
// connector already knows for that endpoint (PJSIP/201, SIP/201: the
// same table as channels). FreePBX queues ring Local/201@from-queue/n and
// watch hint:201@ext-local: those name the device's extension.
func (m *mapper) memberDevice(f memberFields) string {
	for _, iface := range []string{f.state, f.iface} {
		if iface == "" {
			continue
		}
		if d := m.deviceOf(iface); d != "" {
			return d
		}
		lower := strings.ToLower(iface)
		for _, prefix := range []string{"local/", "hint:"} {
			if rest, ok := strings.CutPrefix(lower, prefix); ok {
				if exten, _, found := strings.Cut(rest, "@"); found && m.byExten[exten] != "" {
					return m.byExten[exten]
				}
			}
		}
	}
	return ""
}

// memberEvent follows one QueueMember* event. Called with m.mu held.
func (m *mapper) memberEvent(msg Message) {
	f, hasStatus, hasPaused, problem := readMember(msg)
	if problem != "" {
		m.warn("ami: skipped a malformed queue member event", "event", msg.Event(), "problem", problem,
			"queue", f.queue, "interface", f.iface)
		return
	}
	key := strings.ToLower(f.iface)
	if msg.Event() == "QueueMemberRemoved" {
		delete(m.roster.queues[f.queue], key)
		return
	}
	q := m.roster.queues[f.queue]
	if q == nil {
		q = make(map[string]*queueMember)
		m.roster.queues[f.queue] = q
	}
	qm := q[key]
	if qm == nil {
		qm = &queueMember{status: 1} // AST_DEVICE_NOT_INUSE until told otherwise
		q[key] = qm
	}
	qm.device = m.memberDevice(f)
	if hasStatus {
		qm.status = f.status
	}
	if hasPaused {
		qm.paused = f.paused
	}
}

// rosterFrom replaces the roster with QueueStatus's items and notes the
// callers waiting in each queue (QueueEntry) whose wait began before the
// link: the member rung for them later pops with the whole wait. Called
// with m.mu held.
func (m *mapper) rosterFrom(items []Message, now time.Time) {
	m.roster.queues = make(map[string]map[string]*queueMember)
	m.roster.read = true
	for _, it := range items {
		switch it.Event() {
		case "QueueParams":
			if name := it.Get("Queue"); name != "" && m.roster.queues[name] == nil {
				m.roster.queues[name] = make(map[string]*queueMember)
			}
		case "QueueMember":
			m.memberEvent(it)
		case "QueueEntry":
			m.entryFrom(it, now)
		}
	}
}

// entryFrom notes a caller waiting in a queue as QueueStatus lists it
// (Queue, Uniqueid, Channel, Wait in seconds). Called with m.mu held.
func (m *mapper) entryFrom(it Message, now time.Time) {
	name, wait := it.Get("Queue"), atoi(it.Get("Wait"))
	c := m.chans[it.Get("Uniqueid")]
	if c == nil {
		c = m.byName(it.Get("Channel")) // an empty channel when none
	}
	if name == "" || c.uid == "" || wait < 0 {
		m.warn("ami: skipped a queue entry", "problem", "no Queue, no known channel or no Wait in seconds",
			"queue", name, "channel", it.Get("Channel"), "wait", it.Get("Wait"))
		return
	}
	if q := m.queues.joined[c.uid]; q != nil && q.Number == name {
		return // followed since it joined: keep that time
	}
	m.queues.joined[c.uid] = m.queues.queue(name, now.Add(-time.Duration(wait)*time.Second))
}

// MemberLogin is one Deskline device's membership of a queue as
// Asterisk reports it.
type MemberLogin struct {
	Device string
	// LoggedIn: app_queue may ring it for the queue's calls now (not
	// paused, its phone reachable).
	LoggedIn bool
	Paused   bool
}

// logins lists each queue's Deskline members, by queue name, sorted by
// device (loginsOf).
func (m *mapper) logins() map[string][]MemberLogin {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make(map[string][]MemberLogin, len(m.roster.queues))
	for name, members := range m.roster.queues {
		out[name] = m.loginsOf(members)
	}
	return out
}

// loginsOf lists one queue's Deskline members sorted by device; a device
// that is a member twice is logged in if either membership is. Called
// with m.mu held.
func (m *mapper) loginsOf(members map[string]*queueMember) []MemberLogin {
	list := []MemberLogin{}
	for _, qm := range members {
		if qm.device == "" {
			continue
		}
		i := slices.IndexFunc(list, func(l MemberLogin) bool { return l.Device == qm.device })
		if i < 0 {
			list = append(list, MemberLogin{Device: qm.device, LoggedIn: qm.loggedIn(), Paused: qm.paused})
			continue
		}
		list[i].LoggedIn = list[i].LoggedIn || qm.loggedIn()
		list[i].Paused = list[i].Paused && qm.paused
	}
	slices.SortFunc(list, func(a, b MemberLogin) int { return strings.Compare(a.Device, b.Device) })
	return list
}
