package ami

import (
	"testing"
	"time"

	"github.com/deskline/deskline/pbx"
)

// No capture holds queue events: the events below are written as Asterisk
// 22's manager documentation gives them (docs.asterisk.org, API
// Documentation, AMI Events: QueueCallerJoin "Raised when a caller joins a
// Queue" with Uniqueid and Queue; AgentCalled "Raised when an queue member
// is notified of a caller in the queue" with the caller's Uniqueid and the
// member's DestChannel/DestUniqueid and Interface; QueueCallerLeave with
// the caller's Uniqueid and Queue; the syntax is unchanged since 12.0.0),
// and the Local channel pair FreePBX members are rung through is that of
// TestDeflectThroughLocalChannels.

// queueRing feeds a caller entering queue 600 at t, and the queue ringing
// 201 through Local/201@from-queue at t+42s (the member's Local;1 is
// AgentCalled's DestChannel). It returns the events.
func queueRing(m *mapper, agent bool) []pbx.Event {
	msgs := []Message{
		edgeMsg("Event", "Newchannel", "Channel", "PJSIP/carrier-00000001", "ChannelState", "4", "CallerIDNum", "+49301234567", "CallerIDName", "Jane Doe", "Exten", "600", "Uniqueid", "500.1", "Linkedid", "500.1"),
		edgeMsg("Event", "QueueCallerJoin", "Channel", "PJSIP/carrier-00000001", "Uniqueid", "500.1", "Linkedid", "500.1", "Queue", "600", "Position", "1", "Count", "1"),
		edgeMsg("Event", "Newchannel", "Channel", "Local/201@from-queue-00000001;1", "ChannelState", "0", "Uniqueid", "500.2", "Linkedid", "500.1"),
		edgeMsg("Event", "Newchannel", "Channel", "Local/201@from-queue-00000001;2", "ChannelState", "0", "Uniqueid", "500.3", "Linkedid", "500.1"),
		edgeMsg("Event", "DialBegin", "Channel", "PJSIP/carrier-00000001", "Uniqueid", "500.1", "Exten", "600", "DestChannel", "Local/201@from-queue-00000001;1", "DestUniqueid", "500.2"),
	}
	if agent {
		msgs = append(msgs, edgeMsg("Event", "AgentCalled", "Channel", "PJSIP/carrier-00000001", "Uniqueid", "500.1", "Linkedid", "500.1",
			"DestChannel", "Local/201@from-queue-00000001;1", "DestUniqueid", "500.2", "Queue", "600", "MemberName", "Alice Meyer", "Interface", "Local/201@from-queue/n"))
	}
	msgs = append(msgs,
		edgeMsg("Event", "Newchannel", "Channel", "PJSIP/201-00000004", "ChannelState", "0", "CallerIDNum", "201", "Uniqueid", "500.4", "Linkedid", "500.1"),
		edgeMsg("Event", "DialBegin", "Channel", "Local/201@from-queue-00000001;2", "Uniqueid", "500.3", "Exten", "201", "DestChannel", "PJSIP/201-00000004", "DestUniqueid", "500.4"),
		edgeMsg("Event", "Newstate", "Channel", "PJSIP/201-00000004", "ChannelState", "5", "ConnectedLineNum", "+49301234567", "ConnectedLineName", "Jane Doe", "Uniqueid", "500.4"),
	)
	var out []pbx.Event
	for _, msg := range msgs {
		out = append(out, m.handle(msg)...)
	}
	return out
}

// The pop of a phone a queue rings through Local channels names the queue
// (its display name from the configuration) and when the caller joined
// it; so does the connection in Calls, after the caller left the queue
// for the member who answered. Without AgentCalled (eventwhencalled off
// in queues.conf) the caller's Dial through the Local pair finds it too.
func TestQueueThroughLocalChannels(t *testing.T) {
	for _, agent := range []bool{true, false} {
		now := fixedClock()
		joined := now
		m := newMapper(labDevices, func() time.Time { return now })
		m.queues = newQueueBook(map[string]string{"600": "Sales"}, nil)
		evs := queueRing(m, agent)
		want := pbx.Queue{Name: "Sales", Number: "600", Joined: joined}
		if len(evs) != 1 || evs[0].Kind != pbx.EvDelivered || evs[0].Queue == nil || *evs[0].Queue != want {
			t.Fatalf("agent %v: events %+v, want one delivered with queue %+v", agent, evs, want)
		}
		now = now.Add(42 * time.Second)
		edgeFeed(m,
			edgeMsg("Event", "Newstate", "Channel", "PJSIP/201-00000004", "ChannelState", "6", "Uniqueid", "500.4"),
			edgeMsg("Event", "QueueCallerLeave", "Channel", "PJSIP/carrier-00000001", "Uniqueid", "500.1", "Queue", "600", "Position", "1", "Count", "0"),
		)
		calls := m.calls()
		if len(calls) != 1 || calls[0].Queue == nil || *calls[0].Queue != want {
			t.Fatalf("agent %v: calls %+v, want 201's answered connection with queue %+v", agent, calls, want)
		}
		for _, uid := range []string{"500.4", "500.3", "500.2", "500.1"} {
			m.handle(edgeMsg("Event", "Hangup", "Uniqueid", uid, "Cause", "16"))
		}
		if len(m.queues.joined)+len(m.queues.called) != 0 {
			t.Errorf("agent %v: after the call the book holds %v %v", agent, m.queues.joined, m.queues.called)
		}
	}
}

// A queue without a configured name shows its own; a direct call to a
// device carries no queue; a FreePBX ring group (no queue events: the
// caller Dials the members through Local channels from the group's
// extension) is recognised by its configured extension.
func TestQueueDefaultNameDirectAndRingGroup(t *testing.T) {
	m := newMapper(labDevices, fixedClock)
	m.queues = newQueueBook(nil, map[string]string{"700": "Support"})
	if evs := queueRing(m, true); len(evs) != 1 || evs[0].Queue == nil || evs[0].Queue.Name != "600" {
		t.Fatalf("unnamed queue: %+v, want the queue's own name 600", evs)
	}

	m = newMapper(labDevices, fixedClock)
	m.queues = newQueueBook(nil, map[string]string{"700": "Support"})
	var evs []pbx.Event
	for _, msg := range []Message{
		edgeMsg("Event", "Newchannel", "Channel", "PJSIP/carrier-00000001", "ChannelState", "4", "CallerIDNum", "+49301234567", "Uniqueid", "600.1", "Linkedid", "600.1"),
		edgeMsg("Event", "Newchannel", "Channel", "Local/201@from-internal-00000002;1", "ChannelState", "0", "Uniqueid", "600.2", "Linkedid", "600.1"),
		edgeMsg("Event", "Newchannel", "Channel", "Local/201@from-internal-00000002;2", "ChannelState", "0", "Uniqueid", "600.3", "Linkedid", "600.1"),
		edgeMsg("Event", "DialBegin", "Channel", "PJSIP/carrier-00000001", "Uniqueid", "600.1", "Context", "ext-group", "Exten", "700", "DestChannel", "Local/201@from-internal-00000002;1", "DestUniqueid", "600.2"),
		edgeMsg("Event", "Newchannel", "Channel", "PJSIP/201-00000004", "ChannelState", "0", "CallerIDNum", "201", "Uniqueid", "600.4", "Linkedid", "600.1"),
		edgeMsg("Event", "DialBegin", "Channel", "Local/201@from-internal-00000002;2", "Uniqueid", "600.3", "Exten", "201", "DestChannel", "PJSIP/201-00000004", "DestUniqueid", "600.4"),
		edgeMsg("Event", "Newstate", "Channel", "PJSIP/201-00000004", "ChannelState", "5", "Uniqueid", "600.4"),
		// and a direct call to 202 meanwhile
		edgeMsg("Event", "Newchannel", "Channel", "PJSIP/carrier-00000005", "ChannelState", "4", "CallerIDNum", "+4940555", "Uniqueid", "700.1", "Linkedid", "700.1"),
		edgeMsg("Event", "Newchannel", "Channel", "PJSIP/202-00000006", "ChannelState", "0", "CallerIDNum", "202", "Uniqueid", "700.2", "Linkedid", "700.1"),
		edgeMsg("Event", "DialBegin", "Channel", "PJSIP/carrier-00000005", "Uniqueid", "700.1", "Exten", "202", "DestChannel", "PJSIP/202-00000006", "DestUniqueid", "700.2"),
		edgeMsg("Event", "Newstate", "Channel", "PJSIP/202-00000006", "ChannelState", "5", "Uniqueid", "700.2"),
	} {
		evs = append(evs, m.handle(msg)...)
	}
	if len(evs) != 2 || evs[0].Device != "201" || evs[0].Queue == nil || *evs[0].Queue != (pbx.Queue{Name: "Support", Number: "700", Joined: fixedClock()}) {
		t.Fatalf("ring group: %+v, want 201's delivered with the Support ring group", evs)
	}
	if evs[1].Device != "202" || evs[1].Queue != nil {
		t.Fatalf("direct call: %+v, want 202's delivered without a queue", evs[1])
	}
}

// A colleague's phone dialling the ring group: its own channel is
// reported at the group's extension when it starts (Newchannel, Exten
// 600), so a Dial from a subroutine (extension "s", as FreePBX's ring
// groups do) still names the group at the member it rings.
func TestRingGroupFromAPhoneThroughASubroutine(t *testing.T) {
	m := newMapper(labDevices, fixedClock)
	m.queues = newQueueBook(nil, map[string]string{"600": "Front desk"})
	var evs []pbx.Event
	for _, msg := range []Message{
		edgeMsg("Event", "Newchannel", "Channel", "PJSIP/202-00000001", "ChannelState", "4", "CallerIDNum", "202", "Exten", "600", "Uniqueid", "800.1", "Linkedid", "800.1"),
		edgeMsg("Event", "Newchannel", "Channel", "PJSIP/201-00000002", "ChannelState", "0", "CallerIDNum", "201", "Exten", "s", "Uniqueid", "800.2", "Linkedid", "800.1"),
		edgeMsg("Event", "DialBegin", "Channel", "PJSIP/202-00000001", "Uniqueid", "800.1", "Context", "macro-dial", "Exten", "s", "DestChannel", "PJSIP/201-00000002", "DestUniqueid", "800.2"),
		edgeMsg("Event", "Newstate", "Channel", "PJSIP/201-00000002", "ChannelState", "5", "Uniqueid", "800.2"),
	} {
		evs = append(evs, m.handle(msg)...)
	}
	var delivered *pbx.Event
	for i := range evs {
		if evs[i].Kind == pbx.EvDelivered {
			delivered = &evs[i]
		}
		if evs[i].Device == "202" && evs[i].Queue != nil {
			t.Errorf("the caller's own connection %s carries the group", line(evs[i]))
		}
	}
	if delivered == nil || delivered.Device != "201" || delivered.Queue == nil || delivered.Queue.Name != "Front desk" {
		t.Fatalf("events %+v, want 201's delivered naming Front desk", evs)
	}
}

// A ring-group caller answered by a member and later transferred to a
// colleague: the colleague's pop does not say "Support · waited …" (the
// wait ended at the answer), even though the caller's events still show
// it at the group's extension.
func TestRingGroupWaitEndsAtTheAnswer(t *testing.T) {
	m := newMapper(labDevices, fixedClock)
	m.queues = newQueueBook(nil, map[string]string{"700": "Support"})
	var evs []pbx.Event
	for _, msg := range []Message{
		edgeMsg("Event", "Newchannel", "Channel", "PJSIP/carrier-00000001", "ChannelState", "4", "CallerIDNum", "+49301234567", "Exten", "700", "Uniqueid", "600.1", "Linkedid", "600.1"),
		edgeMsg("Event", "Newchannel", "Channel", "PJSIP/201-00000002", "ChannelState", "0", "CallerIDNum", "201", "Uniqueid", "600.2", "Linkedid", "600.1"),
		edgeMsg("Event", "DialBegin", "Channel", "PJSIP/carrier-00000001", "Uniqueid", "600.1", "Exten", "700", "DestChannel", "PJSIP/201-00000002", "DestUniqueid", "600.2"),
		edgeMsg("Event", "Newstate", "Channel", "PJSIP/201-00000002", "ChannelState", "5", "Uniqueid", "600.2"),
		edgeMsg("Event", "Newstate", "Channel", "PJSIP/201-00000002", "ChannelState", "6", "Uniqueid", "600.2"),
		edgeMsg("Event", "DialEnd", "Channel", "PJSIP/carrier-00000001", "Uniqueid", "600.1", "Exten", "700", "DestUniqueid", "600.2", "DialStatus", "ANSWER"),
		edgeMsg("Event", "BridgeEnter", "Channel", "PJSIP/carrier-00000001", "Uniqueid", "600.1", "Exten", "700", "BridgeUniqueid", "b1"),
		edgeMsg("Event", "BridgeEnter", "Channel", "PJSIP/201-00000002", "Uniqueid", "600.2", "BridgeUniqueid", "b1"),
		// 201 transfers the caller to 202 (a blind transfer on the phone).
		edgeMsg("Event", "Hangup", "Channel", "PJSIP/201-00000002", "Uniqueid", "600.2", "Cause", "16"),
		edgeMsg("Event", "BridgeLeave", "Channel", "PJSIP/carrier-00000001", "Uniqueid", "600.1", "Exten", "700", "BridgeUniqueid", "b1"),
		edgeMsg("Event", "Newchannel", "Channel", "PJSIP/202-00000003", "ChannelState", "0", "CallerIDNum", "202", "Uniqueid", "600.3", "Linkedid", "600.1"),
		edgeMsg("Event", "DialBegin", "Channel", "PJSIP/carrier-00000001", "Uniqueid", "600.1", "Exten", "202", "DestChannel", "PJSIP/202-00000003", "DestUniqueid", "600.3"),
		edgeMsg("Event", "Newstate", "Channel", "PJSIP/202-00000003", "ChannelState", "5", "Uniqueid", "600.3"),
	} {
		evs = append(evs, m.handle(msg)...)
	}
	var rang []pbx.Event
	for _, e := range evs {
		if e.Kind == pbx.EvDelivered {
			rang = append(rang, e)
		}
	}
	if len(rang) != 2 || rang[0].Device != "201" || rang[0].Queue == nil || rang[1].Device != "202" {
		t.Fatalf("delivered: %+v, want 201 through Support, then 202", rang)
	}
	if rang[1].Queue != nil {
		t.Errorf("202's pop after the transfer says %+v; the wait ended at 201's answer", *rang[1].Queue)
	}
}
