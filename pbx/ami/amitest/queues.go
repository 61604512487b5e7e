package amitest

import (
	"strconv"
	"strings"

	"github.com/deskline/deskline/pbx/ami"
)

// Queues and parked calls as the state actions list them. No capture has
// QueueStatus or ParkedCalls; the fake answers them as Asterisk 22 does:
// app_queue's manager_queues_status (QueueParams, QueueMember with Name
// and Location, QueueEntry with Uniqueid, then QueueStatusComplete; AMI
// actions QueueStatus, no write class) and res_parking's
// manager_parking_status (ParkedCall items with the fields of the
// ParkedCall event, then ParkedCallsComplete with Total; write class
// call).

// Queue is one app_queue queue as QueueStatus reports it.
type Queue struct {
	Name     string // queues.conf section, e.g. "sales"
	Strategy string // default "ringall"
	Members  []QueueMember
	Entries  []QueueEntry // the callers waiting, in position order
}

// QueueMember is one member of a queue.
type QueueMember struct {
	Name           string // MemberName, e.g. "Alice Meyer"
	Location       string // the interface rung: "PJSIP/201", "Local/201@from-queue/n"
	StateInterface string // default Location
	Status         int    // AST_DEVICE_*: 1 not in use, 2 in use, 5 unavailable, 6 ringing…
	Paused         bool
	Dynamic        bool // Membership dynamic (added by QueueAdd) rather than static
}

// QueueEntry is one caller waiting in a queue.
type QueueEntry struct {
	Channel, Uniqueid         string
	CallerIDNum, CallerIDName string
	Wait                      int // seconds
}

// SetQueues sets the queues QueueStatus lists from now on (none by
// default: an Asterisk whose app_queue has no queue).
func (s *Server) SetQueues(qs ...Queue) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.queues = append([]Queue(nil), qs...)
}

// SetParked sets the calls ParkedCalls lists, as ParkedCall events (the
// fake also follows the ParkedCall, UnParkedCall, ParkedCallTimeOut and
// ParkedCallGiveUp events a test sends).
func (s *Server) SetParked(items ...ami.Message) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.parked = nil
	for _, it := range items {
		s.trackPark(it)
	}
}

// trackPark follows a parking event. Caller holds s.mu.
func (s *Server) trackPark(m ami.Message) {
	slot := m.Get("ParkingSpace")
	kept := s.parked[:0]
	for _, p := range s.parked {
		if p.Get("ParkingSpace") != slot {
			kept = append(kept, p)
		}
	}
	s.parked = kept
	if m.Event() == "ParkedCall" {
		s.parked = append(s.parked, m)
	}
}

// queueStatus answers QueueStatus.
func (s *session) queueStatus(m ami.Message) {
	s.srv.mu.Lock()
	qs := append([]Queue(nil), s.srv.queues...)
	s.srv.mu.Unlock()
	var items []ami.Message
	for _, q := range qs {
		items = append(items, withID(m, queueParams(q)))
		for _, mem := range q.Members {
			items = append(items, withID(m, queueMember(q.Name, mem)))
		}
		for i, e := range q.Entries {
			items = append(items, withID(m, queueEntry(q.Name, i+1, e)))
		}
	}
	s.replyList(m, "Queue status will follow", items, "QueueStatusComplete")
}

// parkedCalls answers ParkedCalls.
func (s *session) parkedCalls(m ami.Message) {
	s.srv.mu.Lock()
	var items []ami.Message
	for _, p := range s.srv.parked {
		it := ami.Message{Fields: []ami.Field{{Key: "Event", Value: "ParkedCall"}}}
		for _, f := range p.Fields {
			if !strings.EqualFold(f.Key, "Event") && !strings.EqualFold(f.Key, "Privilege") {
				it.Add(f.Key, f.Value)
			}
		}
		items = append(items, withID(m, it))
	}
	s.srv.mu.Unlock()
	s.replyList(m, "Parked calls will follow", items, "ParkedCallsComplete")
}

func withID(action, m ami.Message) ami.Message {
	if id := action.ActionID(); id != "" {
		m.Add(ami.KeyActionID, id)
	}
	return m
}

func queueParams(q Queue) ami.Message {
	strategy := q.Strategy
	if strategy == "" {
		strategy = "ringall"
	}
	return fields("QueueParams", "Queue", q.Name, "Max", "0", "Strategy", strategy,
		"Calls", strconv.Itoa(len(q.Entries)), "Holdtime", "0", "TalkTime", "0", "Completed", "0",
		"Abandoned", "0", "ServiceLevel", "0", "ServicelevelPerf", "0.0", "ServicelevelPerf2", "0.0", "Weight", "0")
}

func queueMember(queue string, mem QueueMember) ami.Message {
	state, membership, paused := mem.StateInterface, "static", "0"
	if state == "" {
		state = mem.Location
	}
	if mem.Dynamic {
		membership = "dynamic"
	}
	if mem.Paused {
		paused = "1"
	}
	return fields("QueueMember", "Queue", queue, "Name", mem.Name, "Location", mem.Location,
		"StateInterface", state, "Membership", membership, "Penalty", "0", "CallsTaken", "0",
		"LastCall", "0", "LastPause", "0", "LoginTime", "0", "InCall", "0",
		"Status", strconv.Itoa(mem.Status), "Paused", paused, "PausedReason", "", "Wrapuptime", "0")
}

func queueEntry(queue string, pos int, e QueueEntry) ami.Message {
	return fields("QueueEntry", "Queue", queue, "Position", strconv.Itoa(pos), "Channel", e.Channel,
		"Uniqueid", e.Uniqueid, "CallerIDNum", e.CallerIDNum, "CallerIDName", e.CallerIDName,
		"ConnectedLineNum", "<unknown>", "ConnectedLineName", "<unknown>", "Wait", strconv.Itoa(e.Wait), "Priority", "0")
}

// fields builds an event from key, value pairs.
func fields(event string, kv ...string) ami.Message {
	m := ami.Message{Fields: []ami.Field{{Key: "Event", Value: event}}}
	for i := 0; i+1 < len(kv); i += 2 {
		m.Add(kv[i], kv[i+1])
	}
	return m
}
