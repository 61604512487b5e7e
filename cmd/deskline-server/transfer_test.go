package main

import (
	"io"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/deskline/deskline/ctiproto"
	"github.com/deskline/deskline/pbx/ami"
	"github.com/deskline/deskline/pbx/ami/amitest"
	"github.com/deskline/deskline/server/config"
	"github.com/gorilla/websocket"
)

// An attended transfer on the real exchange (the live captures: by AMI's
// Atxfer and by the phone's *2): Bob, who answered the consultation and
// stays, is told at the transfer that he now talks to the caller, and
// his snapshot agrees; Ann's desk hears that she handed over the caller,
// not Bob. Before, Bob's desk showed Alice until the hang-up.
func TestAttendedTransferTellsWhoStays(t *testing.T) {
	for _, capture := range []string{"e5-attended-transfer-by-ami-atxfer", "e7-attended-transfer-by-phone-dtmf"} {
		t.Run(capture, func(t *testing.T) {
			fake, err := amitest.Start(amitest.Options{Logf: t.Logf})
			if err != nil {
				t.Fatal(err)
			}
			defer fake.Close()
			path := amiConfig(t, fake.Addr())
			addUser(t, path, "bob", "202")
			cfg, err := config.Load(path)
			if err != nil {
				t.Fatal(err)
			}
			addr, _ := startServerLog(t, cfg, io.Discard)
			waitHealth(t, addr, "ok")
			ann, bob := desk(t, addr, "ann"), desk(t, addr, "bob")
			// The capture's own client sent the transfer (Atxfer, or none
			// for *2): Asterisk's events are sent as they came.
			evs := captureEvents(t, capture)
			at := slices.IndexFunc(evs, func(m ami.Message) bool { return m.Event() == "AttendedTransfer" })
			fake.Send(evs[:at+1]...)

			moved := bob.until(t, ctiproto.EventTransferred)
			if moved.State != ctiproto.StateConnected || moved.Other == nil || moved.Other.Name != "Jane Doe" ||
				moved.Other.Number != "+49301234567" || moved.By != "201" || moved.To != "+49301234567" {
				t.Errorf("bob's transferred: %+v other %+v; want connected with Jane Doe, by 201", moved, moved.Other)
			}
			if other := bob.snapshotOther(t); other.Name != "Jane Doe" {
				t.Errorf("bob's snapshot after the transfer: talks to %+v, want Jane Doe", other)
			}
			fake.Send(evs[at+1:]...)
			handed := ann.until(t, ctiproto.EventTransferred)
			if handed.State != ctiproto.StateCleared || handed.Other == nil || handed.Other.Name != "Jane Doe" || handed.To != "202" {
				t.Errorf("ann's transferred: %+v other %+v; want cleared, Jane Doe handed to 202", handed, handed.Other)
			}
			bob.until(t, ctiproto.EventCleared)
		})
	}
}

// captureEvents are the events of a capture, without the answers to its
// client's actions.
func captureEvents(t *testing.T, name string) []ami.Message {
	t.Helper()
	sc, err := amitest.LoadCapture(name)
	if err != nil {
		t.Fatal(err)
	}
	var evs []ami.Message
	for _, st := range sc.Steps() {
		for _, m := range st.Messages {
			if m.Event() != "" && m.ActionID() == "" {
				evs = append(evs, m)
			}
		}
	}
	return evs
}

// addUser appends a user with the password "demo" on one device.
func addUser(t *testing.T, path, name, device string) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteString("[[users]]\nname = \"" + name + "\"\npassword_hash = \"$2a$10$VixZU7gQWG4KjuJ0lf1scuGIu2wAKrXy51358l6ECRK02hDC0u5Jq\"\ndevices = [\"" + device + "\"]\n"); err != nil {
		t.Fatal(err)
	}
}

// testDesk is a logged-in WebSocket client that reads events in order.
type testDesk struct {
	user string
	conn *websocket.Conn
}

// desk logs user in (password "demo") and returns once welcomed.
func desk(t *testing.T, addr, user string) *testDesk {
	t.Helper()
	d := websocket.Dialer{Subprotocols: []string{ctiproto.Subprotocol}}
	conn, _, err := d.Dial("ws://"+addr+ctiproto.Path, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	hello, _ := ctiproto.Encode(&ctiproto.Hello{ID: "1", User: user, Password: "demo", Client: "transfer test"})
	if err := conn.WriteMessage(websocket.TextMessage, hello); err != nil {
		t.Fatal(err)
	}
	k := &testDesk{user: user, conn: conn}
	if _, ok := k.next(t).(*ctiproto.Welcome); !ok {
		t.Fatalf("%s: no welcome", user)
	}
	return k
}

func (k *testDesk) next(t *testing.T) ctiproto.Message {
	t.Helper()
	k.conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	_, data, err := k.conn.ReadMessage()
	if err != nil {
		t.Fatalf("%s: %v", k.user, err)
	}
	m, err := ctiproto.Decode(data)
	if err != nil {
		t.Fatalf("%s: %v: %s", k.user, err, data)
	}
	return m
}

// snapshotOther asks for a snapshot and returns the other party of the
// one call in it.
func (k *testDesk) snapshotOther(t *testing.T) ctiproto.Party {
	t.Helper()
	req, _ := ctiproto.Encode(&ctiproto.Simple{Type: ctiproto.TypeSnapshot, ID: "snap"})
	if err := k.conn.WriteMessage(websocket.TextMessage, req); err != nil {
		t.Fatal(err)
	}
	for range 50 {
		if r, ok := k.next(t).(*ctiproto.Result); ok && r.ID == "snap" {
			if len(r.Calls) != 1 {
				t.Fatalf("%s: snapshot has %d calls, want 1", k.user, len(r.Calls))
			}
			return r.Calls[0].Other
		}
	}
	t.Fatalf("%s: no answer to the snapshot", k.user)
	return ctiproto.Party{}
}

// until reads up to the first event of the type and returns it.
func (k *testDesk) until(t *testing.T, typ string) *ctiproto.Event {
	t.Helper()
	var seen []string
	for range 50 {
		if ev, ok := k.next(t).(*ctiproto.Event); ok {
			if ev.Type == typ {
				return ev
			}
			seen = append(seen, ev.Type)
		}
	}
	t.Fatalf("%s: no %s among %s", k.user, typ, strings.Join(seen, ", "))
	return nil
}
