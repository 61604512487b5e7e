package server

import (
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/deskline/deskline/ctiproto"
	"github.com/deskline/deskline/pbx"
	"github.com/deskline/deskline/pbx/ami"
	"github.com/deskline/deskline/pbx/ami/amitest"
	"github.com/deskline/deskline/server/auth"
	"github.com/deskline/deskline/server/config"
)

// Queue members on Asterisk: a real server on the Asterisk connector,
// linked to the fake Asterisk (pbx/ami/amitest), whose queue sales has
// ann's desk phone (201) and bob's (203), as Asterisk 22's QueueStatus
// lists them; member events in Asterisk 22's documented shape
// (AMI_Events/QueueMemberPause, QueueMemberAdded, QueueMemberRemoved).

// salesQueue is the fake Asterisk's queue sales with members on the
// given devices, each reachable and not paused.
func salesQueue(devices ...string) amitest.Queue {
	q := amitest.Queue{Name: "sales"}
	for _, d := range devices {
		q.Members = append(q.Members, amitest.QueueMember{Location: "PJSIP/" + d, Status: 1})
	}
	return q
}

// newAMIEnv starts the fake Asterisk with queue, every test device's
// phone registered, and a server on the Asterisk connector linked to it.
func newAMIEnv(t *testing.T, queue amitest.Queue, watch ...config.WatchGroup) (*testEnv, *amitest.Server) {
	t.Helper()
	ast, err := amitest.Start(amitest.Options{Logf: t.Logf})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ast.Close() })
	ast.SetQueues(queue)
	cfg := ami.Config{Addr: ast.Addr(), Username: "cti", Secret: "ctisecret", Context: "office",
		ReconnectMin: 20 * time.Millisecond, ReconnectMax: 200 * time.Millisecond}
	for _, d := range testSimConfig().Devices {
		cfg.Devices = append(cfg.Devices, ami.Device{ID: d.ID, Name: d.Name, Endpoint: "PJSIP/" + d.ID})
		ast.Send(amiEvent("DeviceStateChange", "Device", "PJSIP/"+d.ID, "State", "NOT_INUSE"))
	}
	x, err := ami.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { x.Close() }) // after the server has stopped
	users := make([]auth.User, len(testUsers))
	for i, u := range testUsers {
		u.PasswordHash = testHash
		users[i] = u
	}
	a, err := auth.New(users, auth.Options{})
	if err != nil {
		t.Fatal(err)
	}
	e := &testEnv{t: t, ex: x, auth: a, watch: watch}
	e.start(users, config.Default().Limits)
	return e, ast
}

// amiEvent is an AMI event from key, value pairs.
func amiEvent(event string, kv ...string) ami.Message {
	m := ami.Message{Fields: []ami.Field{{Key: "Event", Value: event}}}
	for i := 0; i+1 < len(kv); i += 2 {
		m.Add(kv[i], kv[i+1])
	}
	return m
}

// salesMember is a QueueMember* event of queue sales about device's
// phone.
func salesMember(event, device string, paused bool) ami.Message {
	p := map[bool]string{true: "1", false: "0"}[paused]
	return amiEvent(event, "Privilege", "agent,all", "Queue", "sales", "MemberName", device,
		"Interface", "PJSIP/"+device, "StateInterface", "PJSIP/"+device, "Membership", "dynamic",
		"Penalty", "0", "CallsTaken", "0", "LastCall", "0", "LastPause", "0", "LoginTime", "0", "InCall", "0",
		"Status", "1", "Paused", p, "PausedReason", "", "Ringinuse", "1", "Wrapuptime", "0")
}

// expectMembers reads the next queue-changed event, which must be sales'
// members change, and checks its members: "201+" logged in, "203-" not.
func (c *client) expectMembers(want ...string) {
	c.t.Helper()
	ev := c.nextQueue()
	if ev.Change != ctiproto.QueueMembers || ev.QueueState == nil || ev.QueueState.Number != "sales" {
		c.t.Fatalf("want sales' members, got %s", dump(ev))
	}
	checkMembers(c.t, ev.QueueState, want...)
}

// checkMembers checks st's members, rendered "201+" (logged in) or "203-".
func checkMembers(t *testing.T, st *ctiproto.QueueState, want ...string) {
	t.Helper()
	var got []string
	for _, m := range st.Members {
		got = append(got, m.Device+map[bool]string{true: "+", false: "-"}[m.LoggedIn])
	}
	if len(got) != len(want) {
		t.Fatalf("%s members %v, want %v", st.Number, got, want)
	}
	for i := range got {
		if got[i] != want[i] {
			t.Fatalf("%s members %v, want %v", st.Number, got, want)
		}
	}
}

// A member's pause and resume, and members added and removed after the
// server started, reach the watchers as members changes: the reception
// sees each; bob's team (201 and 203) watches sales only while those are
// its only members, losing it when carl's phone (204) is added and
// gaining it back, whole, when 204 is removed (told each time: unwatched,
// then the whole state); bob, resuming after a
// drop, gets the pause he missed; ann's v1 desk gets none of it.
func TestQueueMembersFromAsterisk(t *testing.T) {
	e, ast := newAMIEnv(t, salesQueue("201", "203"), receptionGroup, queueLeadGroup)
	ann, bob := e.login("ann"), e.login("bob")
	old := e.dialVersion(ctiproto.SubprotocolV1)
	w := old.hello(&ctiproto.Hello{ID: "h", User: "ann", Password: "secret"})
	for _, c := range []*client{ann, bob} {
		r := watchResult(c, "w")
		if len(r.Queues) != 1 || r.Queues[0].Number != "sales" {
			t.Fatalf("%s watches sales: %s", c.welcome.User, dump(r))
		}
		checkMembers(t, &r.Queues[0], "201+", "203+")
	}
	bobToken, bobResume := bob.welcome.Token, ctiproto.Resume{Epoch: bob.welcome.Epoch, Seq: bob.seq}
	bob.conn.Close()

	ast.Send(salesMember("QueueMemberPause", "203", true))
	ann.expectMembers("201+", "203-")
	bob = e.resume(bobToken, &bobResume)
	if !bob.welcome.Resumed {
		t.Fatalf("bob's resume: %s", dump(bob.welcome))
	}
	bob.seq = bobResume.Seq
	bob.expectMembers("201+", "203-")

	ast.Send(salesMember("QueueMemberAdded", "204", false))
	ann.expectMembers("201+", "203-", "204+")
	if ev := bob.nextQueue(); ev.Change != ctiproto.QueueUnwatched || ev.QueueState.Number != "sales" ||
		len(ev.QueueState.Members) != 0 || len(ev.QueueState.Waiting) != 0 {
		t.Fatalf("bob loses sales: want one unwatched without members, got %s", dump(ev))
	}
	if rs, _ := bob.do(&ctiproto.Simple{ID: "s", Type: ctiproto.TypeSnapshot}); len(rs.Queues) != 0 {
		t.Fatalf("bob does not watch 204, so not sales: %s", dump(rs))
	}
	ast.Send(salesMember("QueueMemberRemoved", "204", false), salesMember("QueueMemberPause", "203", false))
	ann.expectMembers("201+", "203-")
	ann.expectMembers("201+", "203+")
	bob.expectMembers("201+", "203-") // sales is his again: whole, then its next change
	bob.expectMembers("201+", "203+")
	old.expectNoQueues(w.Seq, ann.seq)
}

// Members added while the link to Asterisk was down are known once it
// is back (QueueStatus at reconnect, and the server's own read at
// reconcile), told once: the next change told is the one after.
func TestQueueMembersAfterOutage(t *testing.T) {
	e, ast := newAMIEnv(t, salesQueue("201"), receptionGroup)
	ann := e.login("ann")
	watchResult(ann, "w")
	ast.SetQueues(salesQueue("201", "203"))
	ast.Drop()
	ann.expectMembers("201+", "203+")
	// A pause right after the reconnect may be read by the reconcile
	// before its event is routed: then it comes as a refresh, and its
	// event changes nothing. Either way it is told once.
	ast.Send(salesMember("QueueMemberPause", "201", true))
	if ev := ann.nextQueue(); ev.Change != ctiproto.QueueMembers && ev.Change != ctiproto.QueueRefresh {
		t.Fatalf("201 paused: %s", dump(ev))
	} else {
		checkMembers(t, ev.QueueState, "201-", "203+")
	}
	ast.Send(salesMember("QueueMemberPause", "203", true))
	ann.expectMembers("201-", "203-")
	rs, _ := ann.do(&ctiproto.Simple{ID: "s", Type: ctiproto.TypeSnapshot})
	if len(rs.Queues) != 1 {
		t.Fatalf("snapshot: %s", dump(rs))
	}
	checkMembers(t, &rs.Queues[0], "201-", "203-")
}

// After an outage the server reads the queues again: a member added
// meanwhile makes a refresh for the reception, and bob's team (201, 203)
// loses the queue (unwatched) without a word of the new member; once it is removed
// again bob gains it back with a refresh. A queue the exchange no
// longer lists loses its members.
func TestQueueMembersReset(t *testing.T) {
	devs := []pbx.DeviceInfo{{ID: "201", Registered: true}, {ID: "203", Registered: true}, {ID: "204", Registered: true}}
	ann, bob := newUserLog("ann", "e", 64, nil), newUserLog("bob", "e", 64, nil)
	p, err := newPresence(slog.New(slog.NewTextHandler(io.Discard, nil)), []config.WatchGroup{receptionGroup, queueLeadGroup},
		map[string]*userLog{"ann": ann, "bob": bob}, devs, nil, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	p.initQueues([]pbx.QueueInfo{{Number: "600", Members: []string{"201", "203"}}}, nil, time.Now())
	for _, u := range []*userLog{ann, bob} {
		if _, _, qs, err := p.watch(u, nil); err != nil || len(qs) != 1 {
			t.Fatalf("%s watch: %v %+v", u.name, err, qs)
		}
	}
	p.reset(nil, devs, []pbx.QueueInfo{{Number: "600", Members: []string{"204", "203", "201"}, Away: []string{"201"}}}, time.Now())
	if got := queueChanges(t, ann); strings.Join(got, ",") != "refresh" {
		t.Errorf("ann: %v, want a refresh", got)
	}
	if got := queueChanges(t, bob); strings.Join(got, ",") != "unwatched" {
		t.Errorf("bob does not watch 204: %v, want only unwatched (nothing of 204)", got)
	}
	p.mu.Lock()
	st := p.queueState(p.queues["600"], true)
	p.mu.Unlock()
	checkMembers(t, &st, "201-", "203+", "204+")

	p.reset(nil, devs, []pbx.QueueInfo{{Number: "600", Members: []string{"201", "203"}}}, time.Now())
	if got := queueChanges(t, bob); strings.Join(got, ",") != "unwatched,refresh" {
		t.Errorf("bob watches 600 again: %v, want the unwatched, then a refresh", got)
	}
	p.reset(nil, devs, []pbx.QueueInfo{}, time.Now())
	if got := queueChanges(t, ann); strings.Join(got, ",") != "refresh,refresh,refresh" {
		t.Errorf("ann: %v, want three refreshes", got)
	}
	if _, _, qs, _ := p.watch(bob, nil); len(qs) != 0 {
		t.Errorf("600 without members is for those who watch every device: bob got %+v", qs)
	}
}
