package ami

import (
	"slices"
	"strings"
	"time"

	"github.com/deskline/deskline/pbx"
)

// Telling the CTI server that a queue's members changed (pbx.
// EvQueueMembers): after each QueueMember* event and each QueueStatus
// read, the queues concerned are rendered as pbx.QueueInfo and compared
// with what was told last; only a difference goes out. Most member
// events change nothing a desk sees (QueueMemberStatus follows every
// ring and hang-up of a member's phone), so most go no further.
//
// Nothing is told before the first QueueStatus has answered: until then
// the roster knows only the queues whose members happened to change, and
// the server reads Queues once that answer is in (queue_sync.go).

// queueInfo is the queue name as the CTI server sees it: its Deskline
// members, sorted, and those app_queue will not ring now (Away). Named
// as the calls' Event.Queue names it (queue.go), so that a queue is the
// same whether its first mention is a call or its members. Called with
// m.mu held.
func (m *mapper) queueInfo(name string) pbx.QueueInfo {
	qi := pbx.QueueInfo{Number: name, Name: m.queues.queue(name, time.Time{}).Name, Members: []string{}}
	for _, l := range m.loginsOf(m.roster.queues[name]) {
		qi.Members = append(qi.Members, l.Device)
		if !l.LoggedIn {
			qi.Away = append(qi.Away, l.Device)
		}
	}
	return qi
}

// tellMembers adds to out an EvQueueMembers for each named queue whose
// members or away members differ from what was told last; a queue gone
// from the roster is told without members. Called with m.mu held.
func (m *mapper) tellMembers(out *batch, names ...string) {
	if !m.roster.read {
		return
	}
	if m.roster.told == nil {
		m.roster.told = make(map[string]pbx.QueueInfo)
	}
	for _, name := range names {
		qi := m.queueInfo(name)
		if _, listed := m.roster.queues[name]; !listed {
			qi.Members = nil
		}
		was, told := m.roster.told[name]
		if told && slices.Equal(was.Members, qi.Members) && slices.Equal(was.Away, qi.Away) {
			continue
		}
		if !told && qi.Members == nil {
			continue // never told, and gone: nothing to take back
		}
		if qi.Members == nil {
			delete(m.roster.told, name)
		} else {
			m.roster.told[name] = qi
		}
		out.list = append(out.list, pbx.Event{Kind: pbx.EvQueueMembers, Time: out.now, Members: &qi})
	}
}

// rosterNames lists every queue in the roster or told before, sorted:
// what a QueueStatus read may have changed. Called with m.mu held.
func (m *mapper) rosterNames() []string {
	var names []string
	for name := range m.roster.queues {
		names = append(names, name)
	}
	for name := range m.roster.told {
		if _, listed := m.roster.queues[name]; !listed {
			names = append(names, name)
		}
	}
	slices.SortFunc(names, strings.Compare)
	return names
}
