package main

import (
	"testing"
	"time"

	"github.com/deskline/deskline/ctiproto"
)

// fastPresence reads what the strict decoder reads from a presence event
// as the server encodes it, and counts seqs the same way.
func TestFastPresence(t *testing.T) {
	c := newClient(0, false)
	c.pres = newPresenceState(10)
	c.pres.delivered.Store(1) // not the one in fullDecodeEvery decoded in full
	at := time.Date(2026, 12, 6, 7, 0, 0, 123000000, time.UTC)
	frame := func(seq uint64, dev, status string) []byte {
		b, err := ctiproto.Encode(&ctiproto.Event{Type: ctiproto.EventPresence, Seq: seq, Time: at,
			Presence: &ctiproto.Presence{Device: dev, Name: `Load "status":"idle"`, Status: status, Since: at,
				Direction: ctiproto.DirectionIncoming, Other: &ctiproto.Party{Number: "+4930123"}}})
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	now := at.Add(3 * time.Millisecond)
	if !c.fastPresence(frame(1, "2004", ctiproto.StatusRinging), now) {
		t.Fatal("a presence event not taken")
	}
	if c.lastSeq != 1 || c.pres.lastStatus[3] != ctiproto.StatusRinging || c.pres.lat[0] != 3*time.Millisecond {
		t.Errorf("seq %d, status %q, latency %v", c.lastSeq, c.pres.lastStatus[3], c.pres.lat)
	}
	c.fastPresence(frame(3, "2004", ctiproto.StatusIdle), now)
	c.fastPresence(frame(3, "2004", ctiproto.StatusIdle), now)
	if c.lost != 1 || c.dup != 1 || c.pres.delivered.Load() != 3 || c.pres.repeated != 0 {
		t.Errorf("lost %d, dup %d, delivered %d, repeated %d", c.lost, c.dup, c.pres.delivered.Load(), c.pres.repeated)
	}
	if c.fastPresence([]byte(`{"type":"delivered","seq":4}`), now) {
		t.Error("a call event taken for presence")
	}
}
