package ami

import (
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/deskline/deskline/internal/testlog"
	"github.com/deskline/deskline/pbx"
)

// emptyList answers a list action with no items, as Asterisk 22 does
// (EventList: start, then the Complete event with ListItems: 0).
func (pc *peerConn) emptyList(a Message, complete string, items ...string) {
	pc.respond(a, "Success", "EventList", "start", "Message", "will follow")
	for _, it := range items {
		pc.write(it + "ActionID: " + a.ActionID() + "\r\n\r\n")
	}
	pc.write("Event: " + complete + "\r\nActionID: " + a.ActionID() + "\r\nEventList: Complete\r\nListItems: 0\r\n\r\n")
}

// Unexpected replies at connect: an Asterisk that never answers
// QueueStatus, and a ParkedCalls list with an item that names no parked
// channel. Each is logged with what and where; the link comes up all the
// same, within the action timeout, and nothing is listed.
func TestStateActionsUnexpectedReplies(t *testing.T) {
	p := startPeer(t, loginAndServe(func(pc *peerConn, a Message) bool {
		switch a.Get(KeyAction) {
		case "CoreShowChannels":
			pc.emptyList(a, "CoreShowChannelsComplete")
		case "DeviceStateList":
			pc.emptyList(a, "DeviceStateListComplete")
		case "QueueStatus":
			// no answer at all
		case "ParkedCalls":
			pc.emptyList(a, "ParkedCallsComplete", "Event: ParkedCall\r\nParkingSpace: 701\r\nParkingDuration: 3\r\n")
		default:
			return false
		}
		return true
	}))
	var log testlog.Buffer
	x, err := New(Config{Addr: p.addr(), Username: "cti", Secret: "ctisecret", ParkSlots: []string{"701"},
		ActionTimeout: 200 * time.Millisecond, Log: slog.New(slog.NewTextHandler(&log, nil))})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { x.Close() })
	for linked := false; !linked; {
		select {
		case ev := <-x.Events():
			linked = ev.Kind == pbx.EvExchangeState && ev.Available
		case <-time.After(10 * time.Second):
			t.Fatal("never linked")
		}
	}
	out := log.String()
	for _, want := range []string{"action=QueueStatus", "no answer within", "skipped a parked call without its channel", "slot=701"} {
		if !strings.Contains(out, want) {
			t.Errorf("log lacks %q:\n%s", want, out)
		}
	}
	if parked, _ := x.Parked(t.Context()); len(parked) != 0 {
		t.Errorf("Parked = %+v", parked)
	}
	if qs := x.Queues(); len(qs) != 0 {
		t.Errorf("Queues = %+v", qs)
	}
}
