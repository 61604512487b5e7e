package amitest

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/deskline/deskline/pbx/ami"
)

func testEvent(name, privilege string, kv ...string) ami.Message {
	m := ami.Message{Fields: []ami.Field{{Key: "Event", Value: name}, {Key: "Privilege", Value: privilege}}}
	for i := 0; i+1 < len(kv); i += 2 {
		m.Add(kv[i], kv[i+1])
	}
	return m
}

// TestPlayOriginateWithChannelId plays c1 against a client whose
// Originate names its channel and uses its own ActionID.
func TestPlayOriginateWithChannelId(t *testing.T) {
	srv := startServer(t, Options{})
	sc := loadScript(t, "c1-click-to-dial-internal")
	c := dial(t, srv)
	c.login()
	srv.Play(sc)
	c.send("Originate", "ActionID", "mine-7", "Channel", "PJSIP/201", "Context", "office", "Exten", "202",
		"Priority", "1", "Async", "true", "ChannelId", "deskline-c1")
	got := c.until(func(m ami.Message) bool { return m.Event() == "Hangup" && m.Get("Uniqueid") == "deskline-c1" })
	waitPlayed(t, srv)
	got = append(got, c.sync()...)

	var resp ami.Message
	for _, m := range got {
		if m.Response() != "" && m.Event() == "" {
			resp = m
			break
		}
	}
	if resp.Response() != "Success" || resp.ActionID() != "mine-7" || resp.Get("Message") != "Originate successfully queued" {
		t.Errorf("response: %v", resp)
	}
	or := events(got, "OriginateResponse")
	if len(or) != 1 || or[0].ActionID() != "mine-7" || or[0].Get("Uniqueid") != "deskline-c1" || or[0].Get("Response") != "Success" {
		t.Errorf("OriginateResponse: %v", or)
	}
	nc := events(got, "Newchannel")
	if len(nc) != 2 || nc[0].Get("Uniqueid") != "deskline-c1" || nc[1].Get("Linkedid") != "deskline-c1" {
		t.Errorf("Newchannel: %v", nc)
	}
	for _, m := range got {
		for _, f := range m.Fields {
			if f.Value == "c2d-0001" && f.Key == "ActionID" || f.Value == "1795686966.4" {
				t.Errorf("capture value left: %v", m)
			}
		}
	}
	if n := len(srv.Channels()); n != 0 {
		t.Errorf("%d channels left after the call", n)
	}
	if want := sc.Messages(); len(got) < want {
		t.Errorf("got %d messages, script has %d", len(got), want)
	}
}

// TestPlayBeforeLogin: a script queued before anyone is logged in plays
// on the first session that logs in, and an action sent right after the
// login reaches it.
func TestPlayBeforeLogin(t *testing.T) {
	srv := startServer(t, Options{})
	srv.Play(loadScript(t, "f2-unknown-and-misc-actions"))
	c := dial(t, srv)
	c.login()
	c.next() // SuccessfulAuth
	c.send("FooBarBaz", "ActionID", "a-1")
	if r := c.next(); r.ActionID() != "a-1" || r.Response() != "Error" {
		t.Errorf("%v", r)
	}
	// A different action than the one waited for is answered natively.
	c.send("CoreSettings", "ActionID", "native")
	got := c.until(func(m ami.Message) bool { return m.ActionID() == "native" })
	if r := got[len(got)-1]; r.Get("AsteriskVersion") != "22.10.1" {
		t.Errorf("%v", r)
	}
	// Without an ActionID, the scripted answer has none either.
	c.send("Ping")
	got = c.until(func(m ami.Message) bool { return m.Get("Ping") == "Pong" })
	if _, ok := got[len(got)-1].Lookup("ActionID"); ok {
		t.Errorf("ActionID invented: %v", got[len(got)-1])
	}
}

// TestEventMask: a session that reads only class call sees no VarSet or
// Newexten (class dialplan), but still the answers to its actions.
func TestEventMask(t *testing.T) {
	srv := startServer(t, Options{})
	sc := loadScript(t, "b-incoming-missed")
	all := dial(t, srv)
	all.login()
	c := dial(t, srv)
	c.login("Events", "call")
	srv.Play(sc)
	waitPlayed(t, srv)
	got := c.sync()
	if len(events(got, "VarSet"))+len(events(got, "Newexten"))+len(events(got, "SuccessfulAuth")) != 0 {
		t.Errorf("masked events sent")
	}
	if len(events(got, "Newchannel")) == 0 || len(events(got, "Hangup")) == 0 {
		t.Errorf("call events missing: %d messages", len(got))
	}
	everything := all.sync()
	if len(everything) <= len(got) || len(events(everything, "VarSet")) == 0 {
		t.Errorf("unmasked session got %d messages", len(everything))
	}

	// The Events action changes the mask.
	c.send("Events", "ActionID", "ev-1", "EventMask", "off")
	if r := c.next(); r.Response() != "Success" || r.Get("Events") != "Off" || r.ActionID() != "ev-1" {
		t.Errorf("%v", r)
	}
	srv.Send(testEvent("Newchannel", "call,all", "Uniqueid", "9.1"))
	if got := c.sync(); len(got) != 0 {
		t.Errorf("events while off: %v", got)
	}
	c.send("Events", "ActionID", "ev-2", "EventMask", "system,call")
	if r := c.next(); r.Get("Events") != "On" {
		t.Errorf("%v", r)
	}
	srv.Send(testEvent("Hangup", "call,all", "Uniqueid", "9.1"), testEvent("Reload", "system,all"), testEvent("VarSet", "dialplan,all"))
	if got := c.sync(); len(got) != 2 || got[0].Event() != "Hangup" || got[1].Event() != "Reload" {
		t.Errorf("with system,call: %v", got)
	}
}

// TestByteWrites replays a capture one byte per Write.
func TestByteWrites(t *testing.T) {
	srv := startServer(t, Options{ByteWrites: true})
	sc := loadScript(t, "d4-outbound-busy")
	c := dial(t, srv)
	c.login()
	c.next() // SuccessfulAuth
	srv.Play(sc)
	waitPlayed(t, srv)
	if got := c.sync(); len(got) != sc.Messages() {
		t.Errorf("got %d messages, script has %d", len(got), sc.Messages())
	}
}

// TestCoreShowChannelsMidCall replays k up to the moment the capture
// client asked CoreShowChannels and compares the fake's native answer with
// the real one.
func TestCoreShowChannelsMidCall(t *testing.T) {
	srv := startServer(t, Options{})
	sc := loadScript(t, "k-state-sync-actions-during-call")
	head, _, ok := sc.Cut("BridgeEnter", 2)
	if !ok {
		t.Fatal("no BridgeEnter")
	}
	real := sc.Steps()[1].Messages // Response, 2 × CoreShowChannel, Complete
	c := dial(t, srv)
	c.login()
	srv.Play(head)
	waitPlayed(t, srv)
	c.sync()
	c.send("CoreShowChannels", "ActionID", "s-1")
	got := c.until(func(m ami.Message) bool { return m.Event() == "CoreShowChannelsComplete" })
	if len(got) != len(real) {
		t.Fatalf("got %d messages, want %d: %v", len(got), len(real), got)
	}
	for i := range real {
		if len(got[i].Fields) != len(real[i].Fields) {
			t.Errorf("message %d: %v\nwant %v", i, got[i], real[i])
			continue
		}
		for j, f := range real[i].Fields {
			if g := got[i].Fields[j]; g.Key != f.Key || g.Value != f.Value && f.Key != "Duration" {
				t.Errorf("message %d field %d: %s: %q, want %s: %q", i, j, g.Key, g.Value, f.Key, f.Value)
			}
		}
	}
	if n := len(srv.Channels()); n != 2 {
		t.Errorf("Channels: %d", n)
	}

	// After a dropped link the channels are still there.
	srv.Drop()
	c.expectEOF()
	if srv.Sessions() != 0 || len(srv.Channels()) != 2 {
		t.Errorf("after drop: %d sessions, %d channels", srv.Sessions(), len(srv.Channels()))
	}
	c2 := dial(t, srv)
	c2.login()
	c2.send("CoreShowChannels")
	got = c2.until(func(m ami.Message) bool { return m.Event() == "CoreShowChannelsComplete" })
	if n := len(events(got, "CoreShowChannel")); n != 2 || got[len(got)-1].Get("ListItems") != "2" {
		t.Errorf("after reconnect: %v", got)
	}
}

// TestDropMidScript: the script ends with ErrSessionClosed.
func TestDropMidScript(t *testing.T) {
	srv := startServer(t, Options{})
	c := dial(t, srv)
	c.login()
	srv.Play(loadScript(t, "c1-click-to-dial-internal")) // waits for Originate
	srv.Drop()
	c.expectEOF()
	if err := srv.WaitPlayed(t.Context()); err == nil {
		t.Error("no error after drop")
	}
}

// TestScriptedClose: f3-asterisk-restart sends Shutdown and closes.
func TestScriptedClose(t *testing.T) {
	srv := startServer(t, Options{Speed: 100})
	c := dial(t, srv)
	c.login()
	srv.Play(loadScript(t, "f3-asterisk-restart"))
	got := c.until(func(m ami.Message) bool { return m.Event() == "Shutdown" })
	if got[len(got)-1].Get("Restart") != "True" {
		t.Errorf("%v", got)
	}
	c.expectEOF()
	waitPlayed(t, srv)
}

// TestPlayEveryCapture plays every capture to a client that sends the
// captured actions with ActionIDs of its own: every scripted message
// arrives, with the live ActionIDs.
func TestPlayEveryCapture(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(fixtureDir(t), "*.annotated.txt"))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		sc, err := LoadScript(f)
		if err != nil {
			t.Fatal(err)
		}
		t.Run(sc.Name, func(t *testing.T) {
			t.Parallel()
			srv := startServer(t, Options{})
			c := dial(t, srv)
			c.login()
			c.next() // SuccessfulAuth
			srv.Play(sc)
			captured := map[string]bool{}
			steps := sc.Steps()
			for i, st := range steps[1:] {
				a := ami.Message{Fields: append([]ami.Field(nil), st.Action.Fields...)}
				captured[a.ActionID()] = true
				a.Set("ActionID", fmt.Sprintf("live-%d", i+1))
				if err := c.enc.Encode(a); err != nil {
					t.Fatal(err)
				}
			}
			var got []ami.Message
			if steps[len(steps)-1].Close {
				for {
					m, err := c.read()
					if err != nil {
						break
					}
					got = append(got, m)
				}
				waitPlayed(t, srv)
			} else {
				waitPlayed(t, srv)
				got = c.sync()
			}
			if len(got) != sc.Messages() {
				t.Errorf("got %d messages, script has %d", len(got), sc.Messages())
			}
			for _, m := range got {
				if id := m.ActionID(); id != "" && (captured[id] || !strings.HasPrefix(id, "live-")) {
					t.Errorf("capture ActionID left: %v", m)
				}
			}
		})
	}
}
