package server

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/deskline/deskline/ctiproto"
	"github.com/deskline/deskline/pbx/sim"
)

// bigOffice is the test office with n more devices, named the way a real
// directory names them, so that a presence list of all of them is bigger
// than a frame a client accepts.
func bigOffice(n int) envOption {
	return func(c *envConfig) {
		for i := range n {
			c.simCfg.Devices = append(c.simCfg.Devices,
				sim.DeviceConfig{ID: fmt.Sprint(10000 + i), Name: fmt.Sprintf("Sales – Colleague Number %05d", i)})
		}
	}
}

// presenceParts reads the presence-list parts that follow a welcome or
// result with seq and parts, checking each is what section 15 says, and
// returns the whole list: head's part, then theirs.
func (c *client) presenceParts(head []ctiproto.Presence, seq uint64, parts int) []ctiproto.Presence {
	c.t.Helper()
	list := slices.Clone(head)
	for i := 1; i <= parts; i++ {
		l := expectNext[*ctiproto.PresenceList](c)
		if l.Part != i || l.Seq != seq {
			c.t.Fatalf("presence-list part %d seq %d, want part %d seq %d", l.Part, l.Seq, i, seq)
		}
		list = append(list, l.Presence...)
	}
	return list
}

// checkWholeList fails unless list is the presence of every device of
// the office, once each, sorted by device.
func checkWholeList(t *testing.T, list []ctiproto.Presence, devices int) {
	t.Helper()
	if len(list) != devices {
		t.Fatalf("presence list of %d devices, want %d", len(list), devices)
	}
	if !slices.IsSortedFunc(list, func(a, b ctiproto.Presence) int { return strings.Compare(a.Device, b.Device) }) {
		t.Fatal("presence list not sorted by device")
	}
	for i := 1; i < len(list); i++ {
		if list[i].Device == list[i-1].Device {
			t.Fatalf("device %s listed twice", list[i].Device)
		}
	}
}

// A reception that watches more devices than one frame can list gets its
// watch result, snapshot and welcome in frames that each fit in what a
// client accepts (1 MiB), the parts right after their head, all as of its
// seq; the changes after it come as events (PROTOCOL.md section 15).
func TestPresenceListsInParts(t *testing.T) {
	const extra = 12000
	e := newEnv(t, withWatch(receptionGroup), bigOffice(extra))
	devices := 5 + extra
	ann := e.loginShowing("ann")
	ann.conn.SetReadLimit(ctiproto.MaxServerMessageBytes) // as a client must: a bigger frame fails the read
	if ann.welcome.Presence != nil || ann.welcome.PresenceParts != 0 {
		t.Fatal("a welcome before any watch carries presence")
	}

	ann.send(&ctiproto.Watch{ID: "w"})
	r := expectNext[*ctiproto.Result](ann)
	if r.PresenceParts < 1 || r.Seq == nil {
		t.Fatalf("watch result of %d devices in one frame: presence_parts %d", devices, r.PresenceParts)
	}
	list := ann.presenceParts(r.Presence, *r.Seq, r.PresenceParts)
	checkWholeList(t, list, devices)
	t.Logf("watch: %d devices in the result and %d parts", devices, r.PresenceParts)

	// A change after the watch is an event after the list; the snapshot
	// after it lists the change, in parts again.
	if err := e.sim.SetDND(context.Background(), "10042", true); err != nil {
		t.Fatal(err)
	}
	ann.expectPresence("10042", ctiproto.StatusDND)
	ann.send(&ctiproto.Simple{Type: ctiproto.TypeSnapshot, ID: "s"})
	r = expectNext[*ctiproto.Result](ann)
	if r.PresenceParts < 1 || *r.Seq != ann.seq {
		t.Fatalf("snapshot: presence_parts %d seq %v, want parts and seq %d", r.PresenceParts, *r.Seq, ann.seq)
	}
	list = ann.presenceParts(r.Presence, *r.Seq, r.PresenceParts)
	checkWholeList(t, list, devices)
	if i := slices.IndexFunc(list, func(p ctiproto.Presence) bool { return p.Device == "10042" }); list[i].Status != ctiproto.StatusDND {
		t.Errorf("snapshot after the change: 10042 is %s", list[i].Status)
	}

	// A second switchboard of the same user: its welcome comes in parts,
	// and the next change is an event right after them.
	desk := e.dial()
	desk.conn.SetReadLimit(ctiproto.MaxServerMessageBytes)
	desk.send(&ctiproto.Hello{ID: "h", User: "ann", Password: "secret", Presence: true})
	w := desk.expectWelcome()
	desk.seq = w.Seq
	if w.PresenceParts < 1 {
		t.Fatalf("welcome with %d devices' presence in one frame", devices)
	}
	checkWholeList(t, desk.presenceParts(w.Presence, w.Seq, w.PresenceParts), devices)
	if err := e.sim.SetDND(context.Background(), "10042", false); err != nil {
		t.Fatal(err)
	}
	desk.expectPresence("10042", ctiproto.StatusIdle)

	// A small list still comes in one frame, without presence_parts.
	ann.send(&ctiproto.Watch{ID: "w2", Devices: []string{"201", "10042"}})
	ann.expectPresence("10042", ctiproto.StatusIdle)
	r = expectNext[*ctiproto.Result](ann)
	if r.PresenceParts != 0 || len(r.Presence) != 2 {
		t.Errorf("watch of 2 devices: %d devices, presence_parts %d", len(r.Presence), r.PresenceParts)
	}
}
