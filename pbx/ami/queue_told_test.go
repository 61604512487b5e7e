package ami_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/deskline/deskline/pbx"
	"github.com/deskline/deskline/pbx/ami"
	"github.com/deskline/deskline/pbx/ami/amitest"
)

// memberOf is a queue member event in Asterisk 22's documented shape
// (AMI_Events/QueueMemberPause etc.).
func memberOf(queue, event, iface, status, paused string) ami.Message {
	return ami.Message{Fields: []ami.Field{{"Event", event}, {"Privilege", "agent,all"}, {"Queue", queue},
		{"MemberName", "x"}, {"Interface", iface}, {"StateInterface", iface}, {"Membership", "dynamic"},
		{"Penalty", "0"}, {"CallsTaken", "0"}, {"LastCall", "0"}, {"LastPause", "0"}, {"LoginTime", "0"},
		{"InCall", "0"}, {"Status", status}, {"Paused", paused}, {"PausedReason", ""}, {"Ringinuse", "1"},
		{"Wrapuptime", "0"}}}
}

// membersLine renders an EvQueueMembers: "sales=[201 202] away=[202]".
func membersLine(ev pbx.Event) string {
	qi := ev.Members
	if qi == nil {
		return "queue-members without Members"
	}
	return fmt.Sprintf("%s=[%s] away=[%s]", qi.Number, strings.Join(qi.Members, " "), strings.Join(qi.Away, " "))
}

// nextMembers returns the next EvQueueMembers, skipping other events; a
// call event on the way fails the test.
func (o *office) nextMembers() string {
	o.t.Helper()
	for {
		ev := o.next()
		if ev.Kind == pbx.EvQueueMembers {
			return membersLine(ev)
		}
		if callEvent(ev) {
			o.t.Fatalf("unexpected %s", line(ev))
		}
	}
}

// membersUntilUp lists the EvQueueMembers before the link is reported up.
func (o *office) membersUntilUp() []string {
	o.t.Helper()
	var got []string
	for {
		ev := o.next()
		switch {
		case ev.Kind == pbx.EvQueueMembers:
			got = append(got, membersLine(ev))
		case ev.Kind == pbx.EvExchangeState && ev.Available:
			return got
		}
	}
}

// The server is told a queue's members and who of them is away: after
// the QueueStatus at connect, then for each member event that changes
// that (a pause, a member added or removed), and not for one that
// changes nothing a desk sees (a paused member's phone rings); after a
// reconnect, only what changed while the link was down.
func TestQueueMembersTold(t *testing.T) {
	o := startOffice(t, amitest.Options{}, func(ast *amitest.Server) { ast.SetQueues(labQueues()) }, nil)
	same(t, o.membersUntilUp(), []string{"sales=[201 202] away=[202]"})

	o.ast.Send(memberOf("sales", "QueueMemberPause", "PJSIP/201", "1", "1"))
	if got := o.nextMembers(); got != "sales=[201 202] away=[201 202]" {
		t.Errorf("201 paused: %s", got)
	}
	// Its phone rings (AST_DEVICE_RINGING): still away, nothing told;
	// the next event told is the member added after it.
	o.ast.Send(memberOf("sales", "QueueMemberStatus", "PJSIP/201", "6", "1"),
		memberOf("sales", "QueueMemberAdded", "PJSIP/203", "1", "0"))
	if got := o.nextMembers(); got != "sales=[201 202 203] away=[201 202]" {
		t.Errorf("203 added: %s", got)
	}
	o.ast.Send(memberOf("sales", "QueueMemberRemoved", "Local/202@from-queue/n", "", ""))
	if got := o.nextMembers(); got != "sales=[201 203] away=[201]" {
		t.Errorf("202 removed: %s", got)
	}

	// While the link is down a queue support is made; sales is as known.
	sales := amitest.Queue{Name: "sales", Members: []amitest.QueueMember{
		{Location: "PJSIP/201", Status: 1, Paused: true}, {Location: "PJSIP/203", Status: 1}}}
	o.ast.SetQueues(sales, amitest.Queue{Name: "support", Members: []amitest.QueueMember{{Location: "PJSIP/202", Status: 1}}})
	o.ast.Drop()
	o.available(false)
	same(t, o.membersUntilUp(), []string{"support=[202] away=[]"})

	// Then sales is deleted from queues.conf: it is told without members.
	o.ast.SetQueues(amitest.Queue{Name: "support", Members: []amitest.QueueMember{{Location: "PJSIP/202", Status: 1}}})
	o.ast.Drop()
	o.available(false)
	same(t, o.membersUntilUp(), []string{"sales=[] away=[]"})
}
