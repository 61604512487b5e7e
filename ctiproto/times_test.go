package ctiproto

import (
	"strings"
	"testing"
	"time"
)

// Encode writes times to the millisecond, whatever the sender stamped,
// and leaves the sender's message alone.
func TestEncodeTimesToMilliseconds(t *testing.T) {
	at := time.Date(2026, 3, 2, 9, 15, 4, 123456789, time.UTC)
	ev := &Event{Type: EventDelivered, Seq: 1, Time: at, Call: "c", Device: "201", State: StateAlerting}
	b, err := Encode(ev)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), `"time":"2026-03-02T09:15:04.123Z"`) {
		t.Errorf("Encode = %s, want time 2026-03-02T09:15:04.123Z", b)
	}
	if ev.Time != at {
		t.Errorf("Encode changed the event's time to %v", ev.Time)
	}
	calls := []Call{{Call: "c", Device: "201", State: StateAlerting, Since: at}}
	b, err = Encode(&Result{ID: "1", Epoch: "e", Seq: new(uint64), Calls: calls, Token: "t", Expires: &at})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Count(string(b), ".123Z") != 2 || strings.Contains(string(b), "456") {
		t.Errorf("Encode = %s, want since and expires to the millisecond", b)
	}
	if calls[0].Since != at {
		t.Errorf("Encode changed the caller's calls")
	}
}
