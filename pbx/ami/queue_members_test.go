package ami

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/deskline/deskline/internal/testlog"
)

// memberMsg is a queue member event in Asterisk 22's shape (AMI_Events/
// QueueMemberStatus, QueueMemberAdded, QueueMemberRemoved,
// QueueMemberPause: Queue, MemberName, Interface, StateInterface,
// Membership, Penalty, CallsTaken, LastCall, LastPause, LoginTime,
// InCall, Status, Paused, PausedReason, Ringinuse, Wrapuptime).
func memberMsg(event, queue, iface, state, status, paused string) Message {
	return edgeMsg("Event", event, "Privilege", "agent,all", "Queue", queue, "MemberName", "x",
		"Interface", iface, "StateInterface", state, "Membership", "dynamic", "Penalty", "0",
		"CallsTaken", "0", "LastCall", "0", "LastPause", "0", "LoginTime", "0", "InCall", "0",
		"Status", status, "Paused", paused, "PausedReason", "", "Ringinuse", "1", "Wrapuptime", "0")
}

// rosterMapper is a mapper over the lab's phones, 204 a chan_sip phone
// whose extension differs from its endpoint, that logs to log.
func rosterMapper(log *testlog.Buffer) *mapper {
	devs := append(slices.Clone(labDevices), Device{ID: "204", Name: "Dan", Endpoint: "SIP/phone4", Exten: "204"})
	m := newMapper(devs, fixedClock)
	if log != nil {
		m.warn = log.Logger().Warn
	}
	return m
}

// A member's interface maps to the device the connector uses for that
// endpoint; FreePBX's Local/…@from-queue and hint:… name its extension.
func TestMemberDevice(t *testing.T) {
	m := rosterMapper(nil)
	for _, tc := range []struct{ iface, state, want string }{
		{"PJSIP/201", "PJSIP/201", "201"},
		{"pjsip/202", "", "202"},
		{"SIP/phone4", "SIP/phone4", "204"},
		{"Local/203@from-queue/n", "hint:203@ext-local", "203"},
		{"Local/204@from-queue/n", "Custom:QUEUE204", "204"}, // the interface when the state one says nothing
		{"Local/201@from-queue/n", "PJSIP/202", "202"},       // StateInterface is the phone that rings
		{"PJSIP/999", "PJSIP/999", ""},
		{"Local/@from-queue/n", "", ""},
		{"Agent/1001", "", ""},
	} {
		if got := m.memberDevice(memberFields{iface: tc.iface, state: tc.state}); got != tc.want {
			t.Errorf("member %s (state %s) = %q, want %q", tc.iface, tc.state, got, tc.want)
		}
	}
}

// Members are added, paused, change state and are removed; a paused
// member, or one whose phone is unavailable, is not logged in.
func TestMemberEvents(t *testing.T) {
	m := rosterMapper(nil)
	feed := func(msgs ...Message) {
		for _, msg := range msgs {
			if evs := m.handle(msg); len(evs) != 0 {
				t.Fatalf("%s produced call events %v", msg.Event(), evs)
			}
		}
	}
	feed(memberMsg("QueueMemberAdded", "sales", "PJSIP/201", "PJSIP/201", "1", "0"),
		memberMsg("QueueMemberAdded", "sales", "Local/202@from-queue/n", "hint:202@ext-local", "1", "0"),
		memberMsg("QueueMemberAdded", "support", "PJSIP/999", "PJSIP/999", "1", "0"))
	want(t, m, "sales=[201+ 202+] support=[]")
	feed(memberMsg("QueueMemberPause", "sales", "PJSIP/201", "PJSIP/201", "1", "1"))
	want(t, m, "sales=[201-paused 202+] support=[]")
	feed(memberMsg("QueueMemberStatus", "sales", "Local/202@from-queue/n", "hint:202@ext-local", "5", "0"))
	want(t, m, "sales=[201-paused 202-] support=[]")
	feed(memberMsg("QueueMemberPause", "sales", "PJSIP/201", "PJSIP/201", "2", "0"),
		memberMsg("QueueMemberRemoved", "sales", "Local/202@from-queue/n", "hint:202@ext-local", "", ""))
	want(t, m, "sales=[201+] support=[]")
	// A member event for a queue QueueStatus did not list (added since).
	feed(memberMsg("QueueMemberStatus", "new", "PJSIP/203", "PJSIP/203", "6", "0"))
	want(t, m, "new=[203+] sales=[201+] support=[]")
}

// Malformed member events are logged with what is wrong and where, and
// change nothing.
func TestMemberEventsMalformed(t *testing.T) {
	var log testlog.Buffer
	m := rosterMapper(&log)
	m.handle(memberMsg("QueueMemberAdded", "sales", "PJSIP/201", "PJSIP/201", "1", "0"))
	for _, bad := range []Message{
		memberMsg("QueueMemberPause", "sales", "PJSIP/201", "PJSIP/201", "1", "yes"),
		memberMsg("QueueMemberStatus", "sales", "PJSIP/201", "PJSIP/201", "busy", "0"),
		memberMsg("QueueMemberAdded", "", "PJSIP/202", "PJSIP/202", "1", "0"),
		memberMsg("QueueMemberAdded", "sales", "", "", "1", "0"),
	} {
		m.handle(bad)
	}
	want(t, m, "sales=[201+]")
	out := log.String()
	for _, w := range []string{`problem="Paused \"yes\" is neither 0 nor 1"`, `problem="Status \"busy\" is not a device state"`,
		`problem="no Queue"`, `problem="no Interface or Location"`, "event=QueueMemberPause", "interface=PJSIP/201"} {
		if !strings.Contains(out, w) {
			t.Errorf("log lacks %s:\n%s", w, out)
		}
	}
}

// QueueStatus replaces the roster; its QueueEntry items date the wait of
// callers already known as channels, so the member rung later pops with
// the whole wait; an entry for no known channel is logged and skipped.
func TestRosterFromQueueStatus(t *testing.T) {
	var log testlog.Buffer
	m := rosterMapper(&log)
	m.handle(memberMsg("QueueMemberAdded", "old", "PJSIP/203", "PJSIP/203", "1", "0"))
	m.handle(edgeMsg("Event", "Newchannel", "Channel", "PJSIP/carrier-00000001", "ChannelState", "4",
		"Uniqueid", "1.1", "Linkedid", "1.1", "CallerIDNum", "+49301234567"))
	m.mu.Lock()
	m.rosterFrom([]Message{
		edgeMsg("Event", "QueueParams", "Queue", "sales", "Strategy", "ringall"),
		edgeMsg("Event", "QueueParams", "Queue", "empty"),
		edgeMsg("Event", "QueueMember", "Queue", "sales", "Name", "Alice", "Location", "PJSIP/201",
			"StateInterface", "PJSIP/201", "Status", "1", "Paused", "0"),
		edgeMsg("Event", "QueueEntry", "Queue", "sales", "Position", "1", "Channel", "PJSIP/carrier-00000001",
			"Uniqueid", "1.1", "Wait", "42"),
		edgeMsg("Event", "QueueEntry", "Queue", "sales", "Position", "2", "Channel", "PJSIP/carrier-00000009",
			"Uniqueid", "9.9", "Wait", "3"),
	}, fixedClock())
	joined := m.queues.joined["1.1"]
	m.mu.Unlock()
	want(t, m, "empty=[] sales=[201+]")
	if joined == nil || joined.Number != "sales" || !joined.Joined.Equal(fixedClock().Add(-42*time.Second)) {
		t.Errorf("caller 1.1 joined %+v, want sales 42 s ago", joined)
	}
	if !strings.Contains(log.String(), "channel=PJSIP/carrier-00000009") {
		t.Errorf("the entry of an unknown channel is not logged:\n%s", log.String())
	}
}

// want compares the roster, rendered "queue=[device+ device-paused …]".
func want(t *testing.T, m *mapper, s string) {
	t.Helper()
	logins := m.logins()
	var parts []string
	for _, q := range slices.Sorted(maps.Keys(logins)) {
		var ms []string
		for _, l := range logins[q] {
			mark := "-"
			if l.LoggedIn {
				mark = "+"
			}
			if l.Paused {
				mark += "paused"
			}
			ms = append(ms, l.Device+mark)
		}
		parts = append(parts, fmt.Sprintf("%s=[%s]", q, strings.Join(ms, " ")))
	}
	if got := strings.Join(parts, " "); got != s {
		t.Errorf("roster %s, want %s", got, s)
	}
}
