package ctiproto

import (
	"testing"
	"time"
)

// The reducer both sides use: a ring, its answer, a transfer away and the
// reports that carry no news.
func TestCallStateFolding(t *testing.T) {
	t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	cs := NewCallState([]Device{{Device: "201", Registered: true}}, nil)
	jane := &Party{Number: "+4930123", Name: "Jane"}
	steps := []struct {
		ev    Event
		news  bool
		calls int
		state string
	}{
		{Event{Type: EventDelivered, Call: "c1", Device: "201", State: StateAlerting, Other: jane, Time: t0}, true, 1, StateAlerting},
		{Event{Type: EventDelivered, Call: "c1", Device: "201", State: StateAlerting, Other: jane, Time: t0}, false, 1, StateAlerting},
		{Event{Type: EventEstablished, Call: "c1", Device: "201", State: StateConnected, AnsweredBy: "201", Time: t0.Add(time.Second)}, true, 1, StateConnected},
		{Event{Type: EventEstablished, Call: "c1", Device: "201", State: StateConnected, AnsweredBy: "201", Time: t0.Add(time.Second)}, false, 1, StateConnected},
		{Event{Type: EventTransferred, Call: "c1", Device: "201", State: StateCleared, NewCall: "c1", To: "202", Time: t0.Add(2 * time.Second)}, true, 0, StateCleared},
		{Event{Type: EventCleared, Call: "c1", Device: "201", State: StateCleared, Cause: CauseTransferred, Time: t0.Add(2 * time.Second)}, true, 0, ""},
		{Event{Type: EventCleared, Call: "c1", Device: "201", State: StateCleared, Cause: CauseNormal, Time: t0.Add(3 * time.Second)}, false, 0, ""},
	}
	for i, s := range steps {
		if got := cs.Changes(&s.ev); got != s.news {
			t.Fatalf("step %d (%s): Changes = %v", i, s.ev.Type, got)
		}
		if s.news {
			cs.Apply(&s.ev)
		}
		_, calls := cs.Snapshot()
		c, _ := cs.Call("c1", "201")
		if len(calls) != s.calls || c.State != s.state {
			t.Fatalf("step %d (%s): %d calls in snapshot, connection state %q", i, s.ev.Type, len(calls), c.State)
		}
	}
	dnd := true
	cs.Apply(&Event{Type: EventDeviceState, Device: "201", DND: &dnd})
	if d, _ := cs.Device("201"); !d.DND || !d.Registered {
		t.Fatalf("device %+v", d)
	}
}

func TestRequestIDs(t *testing.T) {
	for _, m := range []Message{&Hello{}, &MakeCall{}, &CallCommand{Type: TypeAnswer}, &Redirect{Type: TypeDeflect},
		&SetDND{}, &SetForwarding{}, &Simple{Type: TypePing}, &RevokeToken{}} {
		SetRequestID(m, "x7")
		if RequestID(m) != "x7" {
			t.Errorf("%T: id not set", m)
		}
	}
	ev := &Event{Type: EventCleared}
	SetRequestID(ev, "x")
	if RequestID(ev) != "" {
		t.Error("an event got a request id")
	}
}

// A call the device placed stays connected while the far end rings; its
// talk time starts when the far end answers.
func TestCallStateSinceAnswered(t *testing.T) {
	t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	cs := NewCallState([]Device{{Device: "201"}}, nil)
	lena := &Party{Number: "+4930901820"}
	cs.Apply(&Event{Type: EventOriginated, Call: "c1", Device: "201", State: StateConnected, Direction: DirectionOutgoing, Other: lena, Time: t0})
	ev := Event{Type: EventEstablished, Call: "c1", Device: "201", State: StateConnected, AnsweredBy: "+4930901820", Time: t0.Add(5 * time.Second)}
	if !cs.Changes(&ev) {
		t.Fatal("the far end's answer is no news")
	}
	cs.Apply(&ev)
	if c, _ := cs.Call("c1", "201"); !c.Answered || !c.Since.Equal(t0.Add(5*time.Second)) {
		t.Fatalf("after the answer: answered %v since %v, want true and the answer's time", c.Answered, c.Since)
	}
}

// A device that stays in a transferred call (it took an announced
// transfer) keeps its connection, its state and its talk time; its other
// party becomes the one handed over, under the call's new id.
func TestCallStateStayerOfATransfer(t *testing.T) {
	t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	cs := NewCallState([]Device{{Device: "202"}}, nil)
	alice, jane := &Party{Number: "201", Name: "Alice"}, &Party{Number: "+4930123", Name: "Jane"}
	cs.Apply(&Event{Type: EventDelivered, Call: "c1", Device: "202", State: StateAlerting, Direction: DirectionIncoming, Other: alice, Time: t0})
	cs.Apply(&Event{Type: EventEstablished, Call: "c1", Device: "202", State: StateConnected, AnsweredBy: "202", Time: t0.Add(time.Second)})
	ev := Event{Type: EventTransferred, Call: "c1", Device: "202", State: StateConnected, By: "201", NewCall: "c2", To: jane.Number, Other: jane, Time: t0.Add(9 * time.Second)}
	if !cs.Changes(&ev) {
		t.Fatal("the transfer is no news to who stays")
	}
	cs.Apply(&ev)
	if _, old := cs.Call("c1", "202"); old {
		t.Error("the connection is still under the old call id")
	}
	c, ok := cs.Call("c2", "202")
	if !ok || c.State != StateConnected || c.Other != *jane || !c.Answered || !c.Since.Equal(t0.Add(time.Second)) {
		t.Fatalf("after the transfer: %+v (found %v); want connected to Jane since the answer", c, ok)
	}
}

// A connection keeps the queue it came through (issue 13 item 8): the
// delivered event names it, the answer does not, and the snapshot a
// resuming desk gets still says "Sales" and since when the caller waited;
// Encode writes its time to the millisecond.
func TestCallStateKeepsQueue(t *testing.T) {
	t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	joined := t0.Add(-42*time.Second + 123456789)
	cs := NewCallState([]Device{{Device: "201", Registered: true}}, nil)
	sales := &Queue{Name: "Sales", Number: "600", Joined: joined}
	cs.Apply(&Event{Type: EventDelivered, Call: "c1", Device: "201", State: StateAlerting, Queue: sales, Time: t0})
	sales.Name = "changed by the sender" // the state holds its own copy
	cs.Apply(&Event{Type: EventEstablished, Call: "c1", Device: "201", State: StateConnected, AnsweredBy: "201", Time: t0.Add(time.Second)})
	_, calls := cs.Snapshot()
	if len(calls) != 1 || calls[0].Queue == nil || calls[0].Queue.Name != "Sales" || !calls[0].Queue.Joined.Equal(joined) {
		t.Fatalf("snapshot calls %+v, want the Sales queue joined at %v", calls, joined)
	}
	b, err := Encode(&Result{ID: "1", Epoch: "e", Seq: new(uint64), Calls: calls})
	if err != nil {
		t.Fatal(err)
	}
	m, err := Decode(b)
	if err != nil {
		t.Fatalf("Decode(%s): %v", b, err)
	}
	if q := m.(*Result).Calls[0].Queue; q == nil || !q.Joined.Equal(joined.Truncate(TimePrecision)) {
		t.Fatalf("round trip of %s: queue %+v", b, q)
	}
	if _, err := Decode([]byte(`{"type":"device-state","seq":1,"time":"2026-03-02T09:00:00Z","device":"201","dnd":false,"forward_to":"","registered":true,"queue":{"number":"600","joined":"2026-03-02T09:00:00Z"}}`)); err == nil {
		t.Errorf("a device-state with a queue decoded; only call events carry one")
	}
}

// Calls that ring within one millisecond (the wire's precision) keep the
// order they arrived in: their ids are random and must not reorder them.
func TestCallStateOrderWithinAMillisecond(t *testing.T) {
	t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	cs := NewCallState([]Device{{Device: "201"}}, nil)
	ids := []string{"c-f0", "c-0a", "c-77", "c-01"}
	for _, id := range ids {
		cs.Apply(&Event{Type: EventDelivered, Call: id, Device: "201", State: StateAlerting, Time: t0})
	}
	_, calls := cs.Snapshot()
	for i, c := range calls {
		if c.Call != ids[i] {
			t.Fatalf("call %d is %s; want the arrival order %v", i, c.Call, ids)
		}
	}
}

// A presence event is about a colleague's device: it changes nothing of
// the user's own calls and devices.
func TestCallStateIgnoresPresence(t *testing.T) {
	cs := NewCallState([]Device{aPhone}, []Call{aCall})
	ev := &Event{Type: EventPresence, Seq: 9, Time: t0, Presence: &aColleague}
	if cs.Changes(ev) {
		t.Error("a presence event counts as a change of the user's state")
	}
	cs.Apply(ev)
	if d, c := cs.Snapshot(); len(d) != 1 || len(c) != 1 || c[0] != aCall {
		t.Errorf("after a presence event: %+v %+v", d, c)
	}
}

// A note stays with its connection: set, carried by later events (which
// cannot remove it), changed and removed only by note events, and news
// only when it differs and the connection is known.
func TestCallStateKeepsNote(t *testing.T) {
	t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	cs := NewCallState([]Device{{Device: "201"}}, nil)
	note := func(s string) *Event {
		return &Event{Type: EventNote, Call: "c1", Device: "201", Note: s, Time: t0}
	}
	if cs.Changes(note("early")) {
		t.Error("a note on an unknown connection is news")
	}
	steps := []struct {
		ev   *Event
		news bool
		want string
	}{
		{&Event{Type: EventDelivered, Call: "c1", Device: "201", State: StateAlerting, Time: t0, Note: "from the queue"}, true, "from the queue"},
		{note("wants the March invoice"), true, "wants the March invoice"},
		{note("wants the March invoice"), false, "wants the March invoice"},
		{&Event{Type: EventEstablished, Call: "c1", Device: "201", State: StateConnected, AnsweredBy: "201", Time: t0}, true, "wants the March invoice"},
		{note(""), true, ""},
	}
	for i, s := range steps {
		if got := cs.Changes(s.ev); got != s.news {
			t.Fatalf("step %d (%s): Changes = %v", i, s.ev.Type, got)
		}
		if s.news {
			cs.Apply(s.ev)
		}
		if c, _ := cs.Call("c1", "201"); c.Note != s.want {
			t.Fatalf("step %d (%s): note %q, want %q", i, s.ev.Type, c.Note, s.want)
		}
	}
}

// The directory's contact stays on the call: a later event of the same
// party without one (a book refreshing, a server restarted with its
// source down) keeps it; another party, or a new contact, replaces it.
func TestCallStateKeepsContact(t *testing.T) {
	t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	cs := NewCallState([]Device{{Device: "201", Registered: true}}, nil)
	jane := &Contact{ID: "Customers/x#jane", Book: "Customers", Name: "Jane Doe"}
	other := func(num string, c *Contact) *Party { return &Party{Number: num, Contact: c} }
	contact := func() *Contact {
		_, calls := cs.Snapshot()
		return calls[0].Other.Contact
	}
	cs.Apply(&Event{Type: EventDelivered, Call: "c1", Device: "201", State: StateAlerting, Other: other("+49301234567", jane), Time: t0})
	cs.Apply(&Event{Type: EventEstablished, Call: "c1", Device: "201", State: StateConnected, Other: other("+49301234567", nil), Time: t0.Add(time.Second)})
	if c := contact(); c == nil || c.Name != "Jane Doe" {
		t.Fatalf("after an event without the contact: %+v", c)
	}
	cs.Apply(&Event{Type: EventHeld, Call: "c1", Device: "201", State: StateHeld, Other: other("+4940555019", nil), Time: t0.Add(2 * time.Second)})
	if c := contact(); c != nil {
		t.Errorf("another party kept Jane's contact: %+v", c)
	}
	bob := &Contact{ID: "Staff/bob", Book: "Staff", Name: "Bob"}
	cs.Apply(&Event{Type: EventTransferred, Call: "c1", Device: "201", State: StateConnected, NewCall: "c2", Other: other("+4940555019", bob), Time: t0.Add(3 * time.Second)})
	cs.Apply(&Event{Type: EventTransferred, Call: "c2", Device: "201", State: StateConnected, NewCall: "c3", Other: other("+4940555019", nil), Time: t0.Add(4 * time.Second)})
	if c := contact(); c == nil || c.Name != "Bob" {
		t.Errorf("a transfer without the contact lost it: %+v", c)
	}
}
