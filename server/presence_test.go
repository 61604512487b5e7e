package server

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/deskline/deskline/ctiproto"
	"github.com/deskline/deskline/internal/testlog"
	"github.com/deskline/deskline/pbx"
	"github.com/deskline/deskline/server/config"
)

// The watch groups of the presence tests: ann (the reception) watches
// every device and sees parties; bob watches ann's desk phone and carl's
// phone, states only; carl watches nothing.
var (
	receptionGroup = config.WatchGroup{Name: "reception", Users: []string{"ann"}, Devices: []string{config.AllDevices}, ShowParties: true, Reception: true}
	teamGroup      = config.WatchGroup{Name: "team", Users: []string{"bob"}, Devices: []string{"201", "204"}}
)

// The caller of the presence tests: a number and a name that a watcher
// who sees states only must never get.
const (
	secretNumber = "+4930777111"
	secretName   = "Jane Secret"
)

// expectPresence reads the next message, which must be a presence event
// of device with status; it returns the presence.
func (c *client) expectPresence(device, status string) *ctiproto.Presence {
	c.t.Helper()
	m := c.next()
	ev, ok := m.(*ctiproto.Event)
	if !ok || ev.Type != ctiproto.EventPresence || ev.Presence.Device != device || ev.Presence.Status != status {
		c.t.Fatalf("want presence %s of %s, got %s", status, device, dump(m))
	}
	if ev.Presence.Since.After(ev.Time) {
		c.t.Errorf("presence since %v after the event's time %v", ev.Presence.Since, ev.Time)
	}
	return ev.Presence
}

// expectQuiet fails if a message arrives within d.
func (c *client) expectQuiet(d time.Duration) {
	c.t.Helper()
	if len(c.pending) > 0 {
		c.t.Fatalf("unexpected %s", dump(c.pending[0]))
	}
	if m, err := c.read(d); err == nil {
		c.t.Fatalf("unexpected %s", dump(m))
	}
}

func watchResult(c *client, id string, devices ...string) *ctiproto.Result {
	c.t.Helper()
	r, evs := c.do(&ctiproto.Watch{ID: id, Devices: devices})
	if len(evs) > 0 {
		c.t.Fatalf("events before the watch result: %s", dump(evs[0]))
	}
	if r.Seq == nil || r.Epoch != c.welcome.Epoch {
		c.t.Fatalf("watch result without its epoch and seq: %s", dump(r))
	}
	return r
}

// A watcher gets a snapshot, then every change of a watched device: each
// state of issue 15 item 2, with the party only where the groups allow it.
func TestPresenceStates(t *testing.T) {
	e := newEnv(t, withWatch(receptionGroup, teamGroup))
	ann, bob, carl := e.login("ann"), e.login("bob"), e.login("carl")
	for _, c := range []*client{ann, bob} {
		if !contains(c.welcome.Capabilities, ctiproto.TypeWatch) {
			t.Errorf("%s may watch, yet the welcome's capabilities %v lack watch", c.welcome.User, c.welcome.Capabilities)
		}
	}
	if contains(carl.welcome.Capabilities, ctiproto.TypeWatch) {
		t.Errorf("carl may not watch, yet has the watch capability")
	}
	if !ann.welcome.Reception || bob.welcome.Reception || carl.welcome.Reception {
		t.Errorf("reception: ann %v, bob %v, carl %v; want only ann (her group says reception)",
			ann.welcome.Reception, bob.welcome.Reception, carl.welcome.Reception)
	}

	r := watchResult(ann, "w")
	if len(r.Presence) != 5 {
		t.Fatalf("ann watches every device: got %s", dump(r))
	}
	for i, p := range r.Presence {
		if want := []string{"201", "202", "203", "204", "205"}[i]; p.Device != want || p.Status != ctiproto.StatusIdle || p.Since.IsZero() {
			t.Errorf("snapshot[%d] = %+v, want %s idle", i, p, want)
		}
	}
	if r.Presence[3].Name != "Carl" {
		t.Errorf("204's name: %q", r.Presence[3].Name)
	}
	rb := watchResult(bob, "w")
	if len(rb.Presence) != 2 || rb.Presence[0].Device != "201" || rb.Presence[1].Device != "204" {
		t.Fatalf("bob watches 201 and 204: got %s", dump(rb))
	}

	ctx := context.Background()
	call := pbx.CallID(e.ring("204", secretNumber, secretName))
	carl.expectEvent(ctiproto.EventDelivered, "204")
	p := ann.expectPresence("204", ctiproto.StatusRinging)
	if p.Other == nil || p.Other.Number != secretNumber || p.Other.Name != secretName || p.Direction != ctiproto.DirectionIncoming {
		t.Errorf("the reception sees parties: got %+v", p)
	}
	ringing := p.Since
	if p := bob.expectPresence("204", ctiproto.StatusRinging); p.Other != nil || p.Direction != "" {
		t.Errorf("bob sees states only: got %+v", p)
	}

	steps := []struct {
		status string
		do     func() error
	}{
		{ctiproto.StatusInCall, func() error { return e.sim.Answer(ctx, call, "204") }},
		{ctiproto.StatusOnHold, func() error { return e.sim.Hold(ctx, call, "204") }},
		{ctiproto.StatusInCall, func() error { return e.sim.Retrieve(ctx, call, "204") }},
		{ctiproto.StatusIdle, func() error { return e.sim.Clear(ctx, call, "204") }},
		{ctiproto.StatusDND, func() error { return e.sim.SetDND(ctx, "204", true) }},
		{ctiproto.StatusIdle, func() error { return e.sim.SetDND(ctx, "204", false) }},
		{ctiproto.StatusForwarded, func() error { return e.sim.SetForwarding(ctx, "204", "205") }},
		{ctiproto.StatusIdle, func() error { return e.sim.SetForwarding(ctx, "204", "") }},
		{ctiproto.StatusOffline, func() error { return e.sim.SetRegistered(ctx, "204", false) }},
		{ctiproto.StatusIdle, func() error { return e.sim.SetRegistered(ctx, "204", true) }},
	}
	for _, st := range steps {
		if err := st.do(); err != nil {
			t.Fatalf("%s: %v", st.status, err)
		}
		p := ann.expectPresence("204", st.status)
		inCall := st.status == ctiproto.StatusInCall || st.status == ctiproto.StatusOnHold
		if inCall != (p.Other != nil) || inCall && p.Other.Number != secretNumber {
			t.Errorf("%s: the reception's party: %+v", st.status, p.Other)
		}
		if st.status == ctiproto.StatusInCall && !p.Since.After(ringing) && !p.Since.Equal(ringing) {
			t.Errorf("in-call since %v, before the ring at %v", p.Since, ringing)
		}
		if st.status == ctiproto.StatusForwarded && p.ForwardTo != "205" {
			t.Errorf("forwarded: forward_to %q, want 205", p.ForwardTo)
		}
		if st.status == ctiproto.StatusDND && !p.DND {
			t.Errorf("dnd: %+v", p)
		}
		if p := bob.expectPresence("204", st.status); p.Other != nil || p.Direction != "" {
			t.Errorf("%s: bob sees states only: got %+v", st.status, p)
		}
	}
	// do-not-disturb wins over forwarding; a call wins over both.
	e.sim.SetForwarding(ctx, "204", "205")
	ann.expectPresence("204", ctiproto.StatusForwarded)
	bob.expectPresence("204", ctiproto.StatusForwarded)
	e.sim.SetDND(ctx, "204", true)
	if p := ann.expectPresence("204", ctiproto.StatusDND); p.ForwardTo != "205" || !p.DND {
		t.Errorf("dnd while forwarding: %+v", p)
	}
	bob.expectPresence("204", ctiproto.StatusDND)

	// A change of a device bob does not watch reaches ann only.
	e.sim.SetDND(ctx, "205", true)
	ann.expectPresence("205", ctiproto.StatusDND)
	bob.expectQuiet(300 * time.Millisecond)
	// carl got his own phone's events as usual, and no presence.
	n := 0
	for {
		m, err := carl.read(300 * time.Millisecond)
		if err != nil {
			break
		}
		if ev, ok := m.(*ctiproto.Event); !ok || ev.Type == ctiproto.EventPresence || ev.Device != "204" {
			t.Fatalf("carl got %s", dump(m))
		}
		n++
	}
	if n < len(steps) {
		t.Errorf("carl got %d events of his phone, want at least %d", n, len(steps))
	}
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// loginShowing logs in with a password on a connection that shows
// presence (its hello says so).
func (e *testEnv) loginShowing(user string) *client {
	e.t.Helper()
	c := e.dial()
	c.send(&ctiproto.Hello{ID: "h", User: user, Password: "secret", Presence: true})
	c.welcome = c.expectWelcome()
	c.seq = c.welcome.Seq
	return c
}

// A tray app of a user who watches from a switchboard gets the presence
// events (they are in the user's sequence) but no presence lists, until
// it shows presence itself by sending watch.
func TestPresenceTrayDeskGetsNoLists(t *testing.T) {
	e := newEnv(t, withWatch(receptionGroup))
	board := e.loginShowing("ann")
	watchResult(board, "w")
	tray := e.login("ann")
	if tray.welcome.Presence != nil {
		t.Fatalf("tray welcome: %s", dump(tray.welcome))
	}
	if again := e.loginShowing("ann"); len(again.welcome.Presence) != 5 {
		t.Fatalf("a desk that shows presence: %s", dump(again.welcome))
	}
	e.sim.SetDND(context.Background(), "204", true)
	board.expectPresence("204", ctiproto.StatusDND)
	tray.expectPresence("204", ctiproto.StatusDND)
	if r, _ := tray.do(&ctiproto.Simple{Type: ctiproto.TypeSnapshot, ID: "s"}); r.Presence != nil {
		t.Fatalf("tray snapshot: %s", dump(r))
	}
	if r, _ := board.do(&ctiproto.Simple{Type: ctiproto.TypeSnapshot, ID: "s"}); len(r.Presence) != 5 || r.Presence[3].Status != ctiproto.StatusDND {
		t.Fatalf("switchboard snapshot: %s", dump(r))
	}
	watchResult(tray, "w2", "204")
	if r, _ := tray.do(&ctiproto.Simple{Type: ctiproto.TypeSnapshot, ID: "s2"}); len(r.Presence) != 1 {
		t.Fatalf("snapshot after the tray's own watch: %s", dump(r))
	}
}

// A desk that loses its connection and resumes gets exactly the presence
// events it missed; one whose resume is refused gets the presence of what
// it watches in the welcome's snapshot, as a snapshot command does.
func TestPresenceResume(t *testing.T) {
	e := newEnv(t, withWatch(receptionGroup))
	ann := e.login("ann")
	watchResult(ann, "w", "203", "204")
	ann.conn.Close()
	seen := ann.seq

	ctx := context.Background()
	call := pbx.CallID(e.ring("204", secretNumber, secretName))
	e.sim.Answer(ctx, call, "204")
	e.sim.SetDND(ctx, "203", true)
	e.sim.SetDND(ctx, "205", true) // not watched
	// the changes have reached ann's log when a snapshot of another
	// connection of hers shows them
	other := e.loginShowing("ann")
	waitFor(t, 5*time.Second, "ann's log has the changes", func() bool {
		r, _ := other.do(&ctiproto.Simple{Type: ctiproto.TypeSnapshot, ID: "s"})
		return len(r.Presence) == 2 && r.Presence[0].Status == ctiproto.StatusDND && r.Presence[1].Status == ctiproto.StatusInCall
	})

	back := e.resume(ann.welcome.Token, &ctiproto.Resume{Epoch: ann.welcome.Epoch, Seq: seen})
	if !back.welcome.Resumed || back.welcome.Presence != nil {
		t.Fatalf("resume: %s", dump(back.welcome))
	}
	back.seq = seen
	var got []string
	for back.seq < back.welcome.Seq {
		ev := back.expectEventAny()
		if ev.Type != ctiproto.EventPresence {
			t.Fatalf("ann's replay has %s", dump(ev))
		}
		got = append(got, ev.Presence.Device+" "+ev.Presence.Status)
	}
	want := []string{"204 ringing", "204 in-call", "203 dnd"}
	if strings.Join(got, ", ") != strings.Join(want, ", ") {
		t.Fatalf("replayed %v, want %v", got, want)
	}
	// Live again: the next change follows the replay.
	e.sim.Clear(ctx, call, "204")
	back.expectPresence("204", ctiproto.StatusIdle)

	// A refused resume: the welcome's snapshot has the presence, for a
	// connection that shows it; a tray app of ann's gets none.
	tray := e.resume(ann.welcome.Token, &ctiproto.Resume{Epoch: "e-old", Seq: 3})
	if tray.welcome.Resumed || tray.welcome.Presence != nil {
		t.Fatalf("a desk that shows no presence got %s", dump(tray.welcome))
	}
	fresh := e.dial()
	fresh.send(&ctiproto.Hello{ID: "h", Token: ann.welcome.Token, Resume: &ctiproto.Resume{Epoch: "e-old", Seq: 3}, Presence: true})
	fresh.welcome = fresh.expectWelcome()
	fresh.seq = fresh.welcome.Seq
	w := fresh.welcome
	if w.Resumed || w.Resync != ctiproto.ResyncEpochChanged || len(w.Presence) != 2 {
		t.Fatalf("refused resume: %s", dump(w))
	}
	if w.Presence[0].Device != "203" || w.Presence[0].Status != ctiproto.StatusDND ||
		w.Presence[1].Device != "204" || w.Presence[1].Status != ctiproto.StatusIdle {
		t.Errorf("welcome presence %+v", w.Presence)
	}
	// After unwatch, no more presence, and no presence in a snapshot.
	fresh.do(&ctiproto.Simple{Type: ctiproto.TypeUnwatch, ID: "u"})
	if r, _ := fresh.do(&ctiproto.Simple{Type: ctiproto.TypeSnapshot, ID: "s"}); r.Presence != nil {
		t.Errorf("snapshot after unwatch: %s", dump(r))
	}
	e.sim.SetDND(ctx, "203", false)
	fresh.expectQuiet(300 * time.Millisecond)
}

// Without show_parties the other party is nowhere: not in presence events,
// snapshots, welcomes, errors, nor the server's log at info level.
func TestPresencePrivacy(t *testing.T) {
	e := newEnv(t, withWatch(config.WatchGroup{Name: "all", Users: []string{"bob"}, Devices: []string{config.AllDevices}}))
	var logged testlog.Buffer
	e.srv.log, e.srv.hub.log, e.srv.hub.presence.log = logged.Logger(), logged.Logger(), logged.Logger()
	bob := e.dialVersion(ctiproto.SubprotocolV2)
	w := bob.hello(&ctiproto.Hello{ID: "h", User: "bob", Password: "secret"})
	var frames []string
	send := func(m ctiproto.Message) {
		b, _ := ctiproto.Encode(m)
		bob.conn.WriteMessage(1, b)
	}
	read := func() ctiproto.Message {
		t.Helper()
		bob.conn.SetReadDeadline(time.Now().Add(5 * time.Second))
		_, data, err := bob.conn.ReadMessage()
		if err != nil {
			t.Fatal(err)
		}
		frames = append(frames, string(data))
		m, err := ctiproto.Decode(data)
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	send(&ctiproto.Watch{ID: "w"})
	if r, ok := read().(*ctiproto.Result); !ok || len(r.Presence) != 5 {
		t.Fatalf("watch: %s", dump(r))
	}
	ctx := context.Background()
	call := pbx.CallID(e.ring("201", secretNumber, secretName))
	e.sim.Answer(ctx, call, "201")
	for _, want := range []string{ctiproto.StatusRinging, ctiproto.StatusInCall} {
		ev, ok := read().(*ctiproto.Event)
		if !ok || ev.Type != ctiproto.EventPresence || ev.Presence.Status != want {
			t.Fatalf("want presence %s, got %s", want, dump(ev))
		}
	}
	send(&ctiproto.Simple{Type: ctiproto.TypeSnapshot, ID: "s"})
	if r, ok := read().(*ctiproto.Result); !ok || r.Presence[0].Status != ctiproto.StatusInCall {
		t.Fatalf("snapshot: %s", dump(r))
	}
	send(&ctiproto.Watch{ID: "x", Devices: []string{"201", "999"}})
	if er, ok := read().(*ctiproto.Error); !ok || er.Code != ctiproto.CodeNotFound || er.Field != "devices[1]" {
		t.Fatalf("unknown device: %s", dump(er))
	}
	again := e.dialVersion(ctiproto.SubprotocolV2)
	w2 := again.hello(&ctiproto.Hello{ID: "h", Token: w.Token, Resume: &ctiproto.Resume{Epoch: "e-old", Seq: 1}, Presence: true})
	if len(w2.Presence) != 5 || w2.Presence[0].Status != ctiproto.StatusInCall {
		t.Fatalf("welcome: %s", dump(w2))
	}
	b, _ := ctiproto.Encode(w2)
	frames = append(frames, string(b))
	for _, f := range frames {
		for _, secret := range []string{secretNumber, "4930777111", secretName, `"other"`, `"direction"`} {
			if strings.Contains(f, secret) {
				t.Errorf("bob, who sees states only, got %s in %s", secret, f)
			}
		}
	}
	for _, line := range strings.Split(logged.String(), "\n") {
		if strings.Contains(line, "4930777111") || strings.Contains(line, "Secret") {
			t.Errorf("the party is in the log: %s", line)
		}
	}
}

// Bad input gets a clear error naming the field, and changes nothing.
func TestPresenceBadInput(t *testing.T) {
	e := newEnv(t, withWatch(teamGroup))
	bob, carl := e.login("bob"), e.login("carl")
	watchResult(bob, "w", "204")

	bob.send(&ctiproto.Watch{ID: "x", Devices: []string{"201", "999"}})
	if er := bob.expectError(ctiproto.CodeNotFound); er.Field != "devices[1]" || !strings.Contains(er.Message, `"999"`) {
		t.Errorf("unknown device: %s", dump(er))
	}
	bob.send(&ctiproto.Watch{ID: "x", Devices: []string{"203"}})
	if er := bob.expectError(ctiproto.CodeForbidden); er.Field != "devices[0]" || !strings.Contains(er.Message, `"203"`) {
		t.Errorf("device outside the groups: %s", dump(er))
	}
	for raw, field := range map[string]string{
		`{"type":"watch","id":"m1","devices":[]}`:        "devices",
		`{"type":"watch","id":"m2","devices":"204"}`:     "devices",
		`{"type":"watch","id":"m3","devices":["204",1]}`: "devices[1]",
		`{"type":"watch","id":"m4","device":"204"}`:      "device",
		`{"type":"unwatch","id":"m5","devices":["204"]}`: "devices",
	} {
		bob.sendRaw([]byte(raw))
		if er := bob.expectError(ctiproto.CodeInvalidField); er.Field != field || er.ID == "" {
			t.Errorf("%s: %s, want field %s", raw, dump(er), field)
		}
	}
	// The refused watches left bob's subscription as it was: 204 only.
	e.sim.SetDND(context.Background(), "201", true)
	e.sim.SetDND(context.Background(), "204", true)
	bob.expectPresence("204", ctiproto.StatusDND)

	carl.send(&ctiproto.Watch{ID: "c1"})
	if er := carl.expectError(ctiproto.CodeForbidden); er.Field != "" {
		t.Errorf("carl may watch nothing: %s", dump(er))
	}
	carl.send(&ctiproto.Watch{ID: "c2", Devices: []string{"204"}})
	carl.expectError(ctiproto.CodeForbidden)
	carl.send(&ctiproto.Simple{Type: ctiproto.TypeUnwatch, ID: "c3"})
	carl.expectError(ctiproto.CodeForbidden)
	carl.expectEvent(ctiproto.EventDeviceState, "204")
	carl.expectQuiet(200 * time.Millisecond)
}

// A desk that speaks deskline.v1 sees nothing new: no watch capability, no
// presence in its welcome or snapshot, never a presence event (the user's
// other desk watches; the v1 desk gets a restatement of its device in its
// place, so its seq has no gap), and watch is an unknown type to it.
func TestPresenceV1DeskSeesNothingNew(t *testing.T) {
	e := newEnv(t, withWatch(receptionGroup))
	cur := e.login("ann")
	watchResult(cur, "w")
	old := e.dialVersion(ctiproto.SubprotocolV1)
	w := old.hello(&ctiproto.Hello{ID: "h", User: "ann", Password: "secret"})
	if contains(w.Capabilities, ctiproto.TypeWatch) || w.Presence != nil || w.Reception {
		t.Fatalf("v1 welcome: %s", dump(w))
	}
	seq := w.Seq
	readV1 := func() ctiproto.Message {
		t.Helper()
		old.conn.SetReadDeadline(time.Now().Add(5 * time.Second))
		_, data, err := old.conn.ReadMessage()
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(data), "presence") || strings.Contains(string(data), `"watch"`) {
			t.Fatalf("the v1 desk got %s", data)
		}
		m, err := ctiproto.Decode(data)
		if err != nil {
			t.Fatal(err)
		}
		if ev, ok := m.(*ctiproto.Event); ok {
			if ev.Seq != seq+1 {
				t.Fatalf("v1 seq %d after %d", ev.Seq, seq)
			}
			seq = ev.Seq
		}
		return m
	}
	e.sim.SetDND(context.Background(), "204", true)
	cur.expectPresence("204", ctiproto.StatusDND)
	if ev, ok := readV1().(*ctiproto.Event); !ok || ev.Type != ctiproto.EventDeviceState || ev.Device != "201" || *ev.DND {
		t.Fatalf("v1 restatement: %s", dump(ev))
	}
	b, _ := ctiproto.Encode(&ctiproto.Watch{ID: "x"})
	old.conn.WriteMessage(1, b)
	if er, ok := readV1().(*ctiproto.Error); !ok || er.Code != ctiproto.CodeUnknownType {
		t.Fatalf("v1 watch: %s", dump(er))
	}
	b, _ = ctiproto.Encode(&ctiproto.Simple{Type: ctiproto.TypeSnapshot, ID: "s"})
	old.conn.WriteMessage(1, b)
	if r, ok := readV1().(*ctiproto.Result); !ok || r.Presence != nil || *r.Seq != seq {
		t.Fatalf("v1 snapshot: %s", dump(r))
	}
	// Its own events still come as before.
	e.sim.SetDND(context.Background(), "201", true)
	cur.expectEvent(ctiproto.EventDeviceState, "201")
	cur.expectPresence("201", ctiproto.StatusDND)
	if ev, ok := readV1().(*ctiproto.Event); !ok || ev.Type != ctiproto.EventDeviceState || !*ev.DND {
		t.Fatalf("v1 device-state: %s", dump(ev))
	}
	readV1() // the restatement of the presence event
	// A v1 resume replays the restatements too.
	back := e.dialVersion(ctiproto.SubprotocolV1)
	rw := back.hello(&ctiproto.Hello{ID: "h", Token: w.Token, Resume: &ctiproto.Resume{Epoch: w.Epoch, Seq: w.Seq}})
	if !rw.Resumed || rw.Seq != seq {
		t.Fatalf("v1 resume: %s", dump(rw))
	}
	for range seq - w.Seq {
		if ev, ok := back.next().(*ctiproto.Event); !ok || ev.Type != ctiproto.EventDeviceState {
			t.Fatalf("v1 replay: %s", dump(ev))
		}
	}
}

// awaitPresence reads events until the latest presence of each device in
// want has the wanted status; other events on the way are skipped.
func (c *client) awaitPresence(want map[string]string) {
	c.t.Helper()
	got := map[string]string{}
	done := func() bool {
		for d, s := range want {
			if got[d] != s {
				return false
			}
		}
		return true
	}
	for !done() {
		m := c.next()
		if ev, ok := m.(*ctiproto.Event); ok && ev.Type == ctiproto.EventPresence {
			got[ev.Presence.Device] = ev.Presence.Status
		}
	}
}

// A call to a ring group rings at both members; once one answers, the
// other is free again (the server's own picked-up-elsewhere clear counts
// too). When the exchange comes back from an outage that lost the call,
// the watchers see the device free: presence follows the reconciliation.
func TestPresenceRingGroupAndOutage(t *testing.T) {
	e := newEnv(t, withWatch(receptionGroup))
	ann := e.login("ann")
	watchResult(ann, "w")
	call := pbx.CallID(e.ring("600", secretNumber, secretName))
	ann.awaitPresence(map[string]string{"201": ctiproto.StatusRinging, "203": ctiproto.StatusRinging})
	if err := e.sim.Answer(context.Background(), call, "203"); err != nil {
		t.Fatal(err)
	}
	ann.awaitPresence(map[string]string{"201": ctiproto.StatusIdle, "203": ctiproto.StatusInCall})

	e.sim.Outage("PBX restarting", true)
	e.sim.Restore()
	ann.awaitPresence(map[string]string{"203": ctiproto.StatusIdle})
	r, _ := ann.do(&ctiproto.Simple{Type: ctiproto.TypeSnapshot, ID: "s"})
	for _, p := range r.Presence {
		if p.Status != ctiproto.StatusIdle || p.Other != nil {
			t.Errorf("after the outage: %+v", p)
		}
	}
}
