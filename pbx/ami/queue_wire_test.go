package ami_test

import (
	"fmt"
	"log/slog"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/deskline/deskline/internal/testlog"
	"github.com/deskline/deskline/pbx"
	"github.com/deskline/deskline/pbx/ami"
	"github.com/deskline/deskline/pbx/ami/amitest"
)

// No capture has a QueueStatus: the fake answers it as Asterisk 22's
// app_queue does (manager_queues_status: QueueParams, QueueMember with
// Name, Location and StateInterface, QueueEntry; then
// QueueStatusComplete), see amitest/queues.go. The lab's queues.conf
// (captures/config) has the queue sales with 201 and 202.
func labQueues() amitest.Queue {
	return amitest.Queue{Name: "sales", Members: []amitest.QueueMember{
		{Name: "Alice Meyer", Location: "PJSIP/201", Status: 1},
		{Name: "Bob Schulz", Location: "Local/202@from-queue/n", StateInterface: "hint:202@ext-local", Status: 1, Paused: true},
		{Name: "Temp", Location: "PJSIP/999", Status: 5},
	}}
}

// eventually polls cond until it holds or the test's wait is over.
func (o *office) eventually(what string, cond func() bool) {
	o.t.Helper()
	for end := time.Now().Add(waitFor); !cond(); time.Sleep(5 * time.Millisecond) {
		if time.Now().After(end) {
			o.t.Fatalf("not within %s: %s", waitFor, what)
		}
	}
}

// memberLogins renders QueueLogins: "sales=[201+ 202-paused]".
func memberLogins(x *ami.Exchange) string {
	var parts []string
	all := x.QueueLogins()
	for _, q := range []string{"new", "sales", "support"} {
		ls, ok := all[q]
		if !ok {
			continue
		}
		var ms []string
		for _, l := range ls {
			mark := map[bool]string{true: "+", false: "-"}[l.LoggedIn]
			if l.Paused {
				mark += "paused"
			}
			ms = append(ms, l.Device+mark)
		}
		parts = append(parts, fmt.Sprintf("%s=[%s]", q, strings.Join(ms, " ")))
	}
	return strings.Join(parts, " ")
}

// At connect the server lists the queues with their Deskline members (a
// paused member is one; the member on no Deskline phone is not), and the
// configured ring groups, before any call.
func TestQueueStatusAtConnect(t *testing.T) {
	o := startOffice(t, amitest.Options{}, func(ast *amitest.Server) { ast.SetQueues(labQueues()) }, func(c *ami.Config) {
		c.QueueNames = map[string]string{"sales": "Sales"}
		c.RingGroups = map[string]string{"600": "Front desk"}
	})
	qs := o.x.Queues() // waits for the first link, as the server's one read at start does
	want := []pbx.QueueInfo{{Number: "sales", Name: "Sales", Members: []string{"201", "202"}, Away: []string{"202"}},
		{Number: "600", Name: "Front desk"}}
	if !reflect.DeepEqual(qs, want) {
		t.Fatalf("Queues = %+v, want %+v", qs, want)
	}
	if got := memberLogins(o.x); got != "sales=[201+ 202-paused]" {
		t.Errorf("logins = %s", got)
	}
	var asked bool
	for _, a := range o.ast.Actions() {
		asked = asked || a.Get("Action") == "QueueStatus"
	}
	if !asked {
		t.Error("no QueueStatus at connect")
	}
}

// Members are followed: QueueMemberStatus from a real capture (the lab's
// static members ring for an outside call to the queue), then
// QueueMemberPause, QueueMemberAdded and QueueMemberRemoved in Asterisk
// 22's documented shape (AMI_Events/QueueMemberPause etc.: Queue,
// MemberName, Interface, StateInterface, Membership, …, Status, Paused).
func TestQueueMembersFollowed(t *testing.T) {
	o := newOffice(t, amitest.Options{}, nil)
	o.available(true)
	o.play("a-incoming-answered") // QueueStatus listed nothing: the events alone bring sales' members
	// Only 201 rings in it: 202's state never changes, so it is not heard of.
	o.eventually("201 a member of sales", func() bool { return memberLogins(o.x) == "sales=[201+]" })
	member := func(event, iface, status, paused string) ami.Message {
		return memberOf("sales", event, iface, status, paused) // queue_told_test.go
	}
	o.ast.Send(member("QueueMemberPause", "PJSIP/201", "1", "1"))
	o.eventually("201 paused", func() bool { return memberLogins(o.x) == "sales=[201-paused]" })
	o.ast.Send(member("QueueMemberAdded", "PJSIP/203", "5", "0"))
	o.eventually("203 added, its phone unavailable", func() bool { return memberLogins(o.x) == "sales=[201-paused 203-]" })
	o.ast.Send(member("QueueMemberRemoved", "PJSIP/201", "1", "0"), member("QueueMemberStatus", "PJSIP/203", "1", "0"))
	o.eventually("201 removed, 203 reachable", func() bool { return memberLogins(o.x) == "sales=[203+]" })
}

// After a reconnect QueueStatus is read again: what changed while the
// link was down replaces what was known.
func TestQueueStatusAfterReconnect(t *testing.T) {
	o := startOffice(t, amitest.Options{}, func(ast *amitest.Server) { ast.SetQueues(labQueues()) }, nil)
	o.available(true)
	if got := memberLogins(o.x); got != "sales=[201+ 202-paused]" {
		t.Fatalf("logins = %s", got)
	}
	o.ast.SetQueues(amitest.Queue{Name: "support", Members: []amitest.QueueMember{{Location: "PJSIP/203", Status: 2}}})
	o.ast.Drop()
	o.available(false)
	o.available(true)
	if got := memberLogins(o.x); got != "support=[203+]" {
		t.Errorf("logins after reconnect = %s", got)
	}
	// Without queue_names a queue is named as its calls name it: by itself.
	want := []pbx.QueueInfo{{Number: "support", Name: "support", Members: []string{"203"}}}
	if qs := o.x.Queues(); !reflect.DeepEqual(qs, want) {
		t.Errorf("Queues = %+v, want %+v", qs, want)
	}
}

// A manager account that may not send ParkedCalls (write class call), or
// an Asterisk without app_queue, is logged once, however often the link
// comes back, and the link stays up.
func TestQueueAndParkRefusalsLoggedOnce(t *testing.T) {
	var log testlog.Buffer
	o := newOffice(t, amitest.Options{Denied: []string{"QueueStatus", "ParkedCalls"}}, func(c *ami.Config) {
		c.ParkSlots = []string{"701"}
		c.Log = slog.New(slog.NewTextHandler(&log, nil))
	})
	o.available(true)
	for range 2 {
		o.ast.Drop()
		o.available(false)
		o.available(true)
	}
	out := log.String()
	for _, action := range []string{"QueueStatus", "ParkedCalls"} {
		if n := strings.Count(out, "action="+action); n != 1 {
			t.Errorf("%s refused: logged %d times, want once:\n%s", action, n, out)
		}
	}
	if !strings.Contains(out, "Permission denied") {
		t.Errorf("the log does not say why:\n%s", out)
	}
	if qs := o.x.Queues(); len(qs) != 0 {
		t.Errorf("Queues = %+v, want none", qs)
	}
}

// parkedItem is a ParkedCall event in Asterisk 22's shape (res_parking's
// manager_build_parked_call_string: the Parkee channel snapshot,
// ParkerDialString, Parkinglot, ParkingSpace, ParkingTimeout,
// ParkingDuration); ParkedCalls lists the same.
func parkedItem(slot, uid, num, name, parker, duration string) ami.Message {
	return ami.Message{Fields: []ami.Field{{"Event", "ParkedCall"}, {"Privilege", "call,all"},
		{"ParkeeChannel", "PJSIP/carrier-0000002" + slot[2:]}, {"ParkeeChannelState", "6"}, {"ParkeeChannelStateDesc", "Up"},
		{"ParkeeCallerIDNum", num}, {"ParkeeCallerIDName", name}, {"ParkeeConnectedLineNum", "<unknown>"},
		{"ParkeeConnectedLineName", "<unknown>"}, {"ParkeeLanguage", "en"}, {"ParkeeAccountCode", ""},
		{"ParkeeContext", "parkedcalls"}, {"ParkeeExten", slot}, {"ParkeePriority", "1"},
		{"ParkeeUniqueid", uid}, {"ParkeeLinkedid", uid}, {"ParkerDialString", parker},
		{"Parkinglot", "default"}, {"ParkingSpace", slot}, {"ParkingTimeout", "15"}, {"ParkingDuration", duration}}}
}

// parkee is the Newchannel of a parked caller's channel (a shape from
// a-incoming-answered); slot "701" names it PJSIP/carrier-00000021.
func parkee(slot, uid string) ami.Message {
	return ami.Message{Fields: []ami.Field{{"Event", "Newchannel"}, {"Privilege", "call,all"},
		{"Channel", "PJSIP/carrier-0000002" + slot[2:]}, {"ChannelState", "6"}, {"ChannelStateDesc", "Up"},
		{"CallerIDNum", "+49301234567"}, {"CallerIDName", "Jane Doe"}, {"Context", "parkedcalls"},
		{"Exten", slot}, {"Priority", "1"}, {"Uniqueid", uid}, {"Linkedid", uid}}}
}

// Calls parked before Deskline linked are listed by ParkedCalls (write
// class call; res_parking's manager_parking_status, no capture): those in
// park_slots are what Parked returns, and after a reconnect the list is
// what Asterisk says then.
func TestParkedCallsAtConnect(t *testing.T) {
	o := startOffice(t, amitest.Options{}, func(ast *amitest.Server) {
		ast.Send(parkee("701", "1795690000.1")) // its channel lives on in the parking lot
		ast.SetParked(parkedItem("701", "1795690000.1", "+49301234567", "Jane Doe", "PJSIP/201", "30"),
			parkedItem("799", "1795690000.5", "+49307654321", "", "PJSIP/202", "5")) // not Deskline's slot
	}, func(c *ami.Config) { c.ParkSlots = []string{"701", "702"} })
	o.available(true)
	before := time.Now()
	parked, err := o.x.Parked(t.Context())
	if err != nil || len(parked) != 1 {
		t.Fatalf("Parked = %+v, %v", parked, err)
	}
	p := parked[0]
	if p.Slot != "701" || p.Call != "1795690000.1" || p.ParkedBy != "201" || p.Caller.Name != "Jane Doe" ||
		p.Since.After(before.Add(-29*time.Second)) {
		t.Errorf("parked = %+v, want Jane Doe in 701 by 201 for 30 s", p)
	}
	if _, err := o.x.Park(t.Context(), "x", "201", "701"); err == nil || !strings.Contains(err.Error(), "taken") {
		t.Errorf("park into 701 = %v, want slot taken", err)
	}
	// While the link is down another call is parked; Jane still waits.
	o.ast.SetParked(parkedItem("701", "1795690000.1", "+49301234567", "Jane Doe", "PJSIP/201", "47"),
		parkedItem("702", "1795690000.9", "+49405550199", "", "PJSIP/202", "2"))
	o.ast.Drop()
	o.available(false)
	o.available(true)
	again, _ := o.x.Parked(t.Context())
	if len(again) != 2 || again[0] != p || again[1].Slot != "702" || again[1].ParkedBy != "202" {
		t.Errorf("Parked after reconnect = %+v, want Jane as before (same since) and 702 by 202", again)
	}
	// Then Jane hangs up (her ParkedCallGiveUp is lost with the link).
	o.ast.Send(ami.Message{Fields: []ami.Field{{"Event", "Hangup"}, {"Channel", "PJSIP/carrier-00000021"},
		{"Uniqueid", "1795690000.1"}, {"Linkedid", "1795690000.1"}, {"Cause", "16"}}})
	o.ast.SetParked(parkedItem("702", "1795690000.9", "+49405550199", "", "PJSIP/202", "9"))
	o.ast.Drop()
	o.available(false)
	o.available(true)
	if again, _ = o.x.Parked(t.Context()); len(again) != 1 || again[0].Slot != "702" {
		t.Errorf("Parked after the second reconnect = %+v, want only 702", again)
	}
}
