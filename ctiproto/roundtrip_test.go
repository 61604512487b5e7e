package ctiproto

import (
	"bytes"
	"encoding/json"
	"reflect"
	"slices"
	"testing"
	"time"
)

func mustEncode(t testing.TB, m Message) []byte {
	t.Helper()
	b, err := Encode(m)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func ptr[T any](v T) *T { return &v }

var (
	t0     = time.Date(2026, 3, 2, 9, 15, 4, 123000000, time.UTC)
	t1     = time.Date(2026, 4, 1, 9, 15, 4, 0, time.UTC)
	jane   = &Party{Number: "+49 30 1234567", Name: "Jane Doe <jane@example.com> & Co"}
	aCall  = Call{Call: "c-1", Device: "201", State: StateAlerting, Direction: DirectionIncoming, Other: *jane, Since: t0}
	aPhone = Device{Device: "201", Name: "Reception", DND: true, ForwardTo: "202", Registered: true}
	// aColleague is a watched device in a call, with every member set.
	aColleague = Presence{Device: "202", Name: "Ben", Status: StatusInCall, Since: t0, DND: true,
		ForwardTo: "203", Direction: DirectionIncoming, Other: jane}
)

// roundTrips holds a message of every type, with every member set that the
// type allows.
var roundTrips = []Message{
	&Hello{ID: "1", User: "anna", Password: "pw \"quoted\"\n", Client: "tray 0.1", Resume: &Resume{Epoch: "e1", Seq: 41}, Presence: true},
	&Hello{ID: "1", Token: "iScxOZvq0uFWKYW4_8-1uV1WcBSNmnN5aHyfJzQ5xXQ"},
	&MakeCall{ID: "2", Device: "201", To: "+49 89 7654321"},
	&CallCommand{Type: TypeAnswer, ID: "3", Call: "c-1", Device: "201"},
	&CallCommand{Type: TypeClear, ID: "3", Call: "c-1", Device: "201"},
	&CallCommand{Type: TypeHold, ID: "3", Call: "c-1", Device: "201"},
	&CallCommand{Type: TypeRetrieve, ID: "3", Call: "c-1", Device: "201"},
	&Redirect{Type: TypeTransfer, ID: "4", Call: "c-1", Device: "201", To: "205"},
	&Redirect{Type: TypeDeflect, ID: "4", Call: "c-1", Device: "201", To: "205"},
	&SetDND{ID: "5", Device: "201", On: true},
	&SetDND{ID: "5", Device: "201"},
	&SetForwarding{ID: "6", Device: "201", To: "+49 170 5550100"},
	&SetForwarding{ID: "6", Device: "201"},
	&Simple{Type: TypeSnapshot, ID: "7"},
	&Simple{Type: TypePing, ID: "7"},
	&Simple{Type: TypeRefreshToken, ID: "7"},
	&RevokeToken{ID: "8"},
	&RevokeToken{ID: "8", All: true},
	&Watch{ID: "10"},
	&Watch{ID: "10", Devices: []string{"202", "203"}},
	&Simple{Type: TypeUnwatch, ID: "11"},
	&SetNote{ID: "12", Call: "c-1", Device: "201", Note: "wants the March invoice"},
	&SetNote{ID: "12", Call: "c-1", Device: "201"},
	&Welcome{ID: "1", User: "anna", DisplayName: "Anna Berg", Session: "s1", Token: "tok", TokenExpires: &t1,
		Epoch: "e1", Seq: 40, Resync: ResyncGapTooOld, Devices: []Device{aPhone, {Device: "202"}},
		Calls: []Call{aCall}, Capabilities: []string{TypeMakeCall, TypeSetDND},
		Exchange: ExchangeStatus{Reason: "down"}, Limits: Limits{65536, 20, 30}, Server: "deskline 0.1"},
	&Welcome{ID: "1", User: "anna", Session: "s1", Epoch: "e1", Seq: 40, Resumed: true,
		Devices: []Device{}, Calls: []Call{}, Capabilities: []string{}, Exchange: ExchangeStatus{Available: true}},
	&Result{ID: "9"},
	&Result{ID: "9", Call: "c-2"},
	&Result{ID: "9", Token: "tok", Expires: &t1},
	&Result{ID: "9", Epoch: "e1", Seq: ptr(uint64(0)), Devices: []Device{aPhone}, Calls: []Call{aCall}},
	&Result{ID: "10", Epoch: "e1", Seq: ptr(uint64(3)), Presence: []Presence{aColleague, {Device: "204", Status: StatusOffline, Since: t1}}},
	&Result{ID: "11", Epoch: "e1", Seq: ptr(uint64(3)), Presence: []Presence{aColleague}, PresenceParts: 2},
	&PresenceList{Seq: 3, Part: 1, Presence: []Presence{{Device: "204", Status: StatusOffline, Since: t1}}},
	&Error{ID: "9", Code: CodeRateLimited, Message: "slow down", Field: "to", RetryAfterMS: 250},
	&Error{Code: CodeBadFrame, Message: "not JSON"},
	&Event{Type: EventInitiated, Seq: 1, Time: t0, Call: "c-1", Device: "201", State: StateInitiated, Direction: DirectionOutgoing, Other: jane},
	&Event{Type: EventDelivered, Seq: 2, Time: t0, Call: "c-1", Device: "201", State: StateAlerting, Direction: DirectionIncoming, Other: jane},
	&Event{Type: EventOriginated, Seq: 3, Time: t0, Call: "c-1", Device: "201", State: StateConnected, Other: jane},
	&Event{Type: EventEstablished, Seq: 4, Time: t0, Call: "c-1", Device: "201", State: StateConnected, AnsweredBy: "201"},
	&Event{Type: EventHeld, Seq: 5, Time: t0, Call: "c-1", Device: "201", State: StateHeld, By: "201"},
	&Event{Type: EventRetrieved, Seq: 6, Time: t0, Call: "c-1", Device: "201", State: StateConnected, By: "201"},
	&Event{Type: EventTransferred, Seq: 7, Time: t0, Call: "c-1", Device: "201", State: StateCleared, By: "201", NewCall: "c-9", To: "205"},
	&Event{Type: EventDiverted, Seq: 8, Time: t0, Call: "c-1", Device: "201", State: StateCleared, Cause: CauseForwarded, To: "202"},
	&Event{Type: EventCleared, Seq: 9, Time: t0, Call: "c-1", Device: "201", State: StateCleared, Cause: CausePickedUpElsewhere},
	&Event{Type: EventFailed, Seq: 10, Time: t0, Call: "c-1", Device: "201", State: StateFailed, Cause: CauseBusy},
	&Event{Type: EventDeviceState, Seq: 11, Time: t0, Device: "201", DND: ptr(false), ForwardTo: ptr(""), Registered: ptr(true)},
	&Event{Type: EventExchangeState, Seq: 12, Time: t0, Available: ptr(false), Reason: "AMI connection lost"},
	&Event{Type: EventPresence, Seq: 13, Time: t0, Presence: &aColleague},
	&Event{Type: EventNote, Seq: 15, Time: t0, Call: "c-1", Device: "201", Note: "wants the March invoice"},
	&Event{Type: EventNote, Seq: 16, Time: t0, Call: "c-1", Device: "201"},
	&Event{Type: EventDelivered, Seq: 17, Time: t0, Call: "c-1", Device: "202", State: StateAlerting, Direction: DirectionIncoming, Other: jane, Note: "wants the March invoice"},
	&Event{Type: EventPresence, Seq: 14, Time: t0, Presence: &Presence{Device: "203", Status: StatusForwarded, Since: t1, ForwardTo: "+49 170 5550100"}},

	// The switchboard (v2).
	&Pickup{ID: "p", Device: "201", From: "203", Call: "c-1"},
	&Pickup{ID: "p", Device: "201", From: "203"},
	&Redirect{Type: TypeConsult, ID: "k", Call: "c-1", Device: "201", To: "203"},
	&CallCommand{Type: TypeConsultComplete, ID: "k", Call: "c-1", Device: "201"},
	&CallCommand{Type: TypeConsultCancel, ID: "k", Call: "c-1", Device: "201"},
	&CallCommand{Type: TypeConsultSwap, ID: "k", Call: "c-1", Device: "201"},
	&Park{ID: "pk", Call: "c-1", Device: "201", Slot: "701"},
	&Park{ID: "pk", Call: "c-1", Device: "201"},
	&Unpark{ID: "u", Slot: "701", Device: "203"},
	&Result{ID: "pk", Slot: "701"},
	&Result{ID: "9", Epoch: "e1", Seq: ptr(uint64(3)), Devices: []Device{aPhone}, Calls: []Call{aCall},
		Parked: []Parked{{Slot: "701", Call: "c-1", Other: *jane, ParkedBy: "201", Since: t0}}},
	&Event{Type: EventParked, Seq: 13, Time: t0, Call: "c-1", Device: "201", Slot: "701", Other: jane},
	&Event{Type: EventUnparked, Seq: 14, Time: t0, Call: "c-1", Device: "201", Slot: "701", Other: jane, By: "203", Cause: CauseNoAnswer},
	&Event{Type: EventQueueChanged, Seq: 15, Time: t0, Change: QueueAnswered, Call: "c-1", AnsweredBy: "202",
		QueueState: &QueueState{Number: "600", Name: "Sales", Members: []QueueMember{{Device: "202", LoggedIn: true}},
			Waiting: []QueueCaller{{Call: "c-2", Position: 1, Joined: t0, Caller: jane}}}},
	&Result{ID: "w", Epoch: "e1", Seq: ptr(uint64(3)), Queues: []QueueState{{Number: "600", Members: []QueueMember{}, Waiting: []QueueCaller{}}}},

	// The directory (v2).
	&Search{ID: "s", Query: "clara", Limit: 10},
	&Search{ID: "s", Query: ""},
	&Lookup{ID: "l", Number: "+49 30 1234567"},
	&GetPhoto{ID: "g", Photo: "Staff/p-1"},
	&Result{ID: "s", Contacts: []Contact{aContact}},
	&Result{ID: "g", Image: &Image{MediaType: "image/png", Data: "iVBORw0KGgo="}},
	&Event{Type: EventDelivered, Seq: 18, Time: t0, Call: "c-1", Device: "201", State: StateAlerting, Direction: DirectionIncoming,
		Other: &Party{Number: "+49 30 1234567", Name: "Jane", Contact: &Contact{ID: "Customers/jane", Book: "Customers", Name: "Jane Doe"}}},
	&Welcome{ID: "1", User: "anna", Session: "s1", Epoch: "e1", Seq: 40, Devices: []Device{}, Calls: []Call{},
		Capabilities: []string{}, Directory: []string{"Staff", "Customers"}},
}

// aContact is a directory contact with every member set.
var aContact = Contact{ID: "Customers/urn:uuid:4f1c-jane", Book: "Customers", Name: "Jane Doe", Company: "Example GmbH",
	Department: "Purchasing", Title: "Buyer", Photo: "Customers/urn:uuid:4f1c-jane",
	Numbers: []ContactNumber{{Number: "+49301234567", Display: "+49 30 1234567", Types: []string{"work", "voice"}},
		{Number: "+491705550100", Display: "+49 170 5550100", Types: []string{"cell"}}}}

func TestRoundTrip(t *testing.T) {
	seen := map[string]bool{}
	for _, m := range roundTrips {
		seen[m.MessageType()] = true
		b := mustEncode(t, m)
		if !bytes.HasPrefix(b, []byte(`{"type":"`+m.MessageType()+`",`)) {
			t.Errorf("%s: Encode does not start with its type: %s", m.MessageType(), b)
		}
		got, err := Decode(b)
		if err != nil {
			t.Errorf("%s: Decode(%s): %v", m.MessageType(), b, err)
			continue
		}
		if !reflect.DeepEqual(got, m) {
			t.Errorf("%s: round trip changed the message\n got: %+v\nwant: %+v", m.MessageType(), got, m)
		}
		if _, err := DecodeRequest(b, 0); (err == nil) != IsRequest(m.MessageType()) {
			t.Errorf("%s: DecodeRequest: %v", m.MessageType(), err)
		}
	}
	for _, s := range specList {
		if !seen[s.typ] {
			t.Errorf("no round trip of %q", s.typ)
		}
	}
}

// TestEncodeMatchesMarshal checks the splice of the type member into the
// struct's JSON against plain json.Marshal.
func TestEncodeMatchesMarshal(t *testing.T) {
	for _, m := range roundTrips {
		b := mustEncode(t, m)
		if !json.Valid(b) || bytes.ContainsAny(b, "\n") {
			t.Errorf("%s: Encode gave invalid or non-compact JSON: %q", m.MessageType(), b)
		}
		plain, err := json.Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		var want, got map[string]any
		if err := json.Unmarshal(plain, &want); err != nil {
			t.Fatal(err)
		}
		want["type"] = m.MessageType()
		if err := json.Unmarshal(b, &got); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: Encode %s\n json.Marshal+type %v", m.MessageType(), b, want)
		}
	}
}

func TestEncodeExact(t *testing.T) {
	for _, c := range []struct {
		m    Message
		want string
	}{
		{&Result{ID: "1"}, `{"type":"result","id":"1"}`},
		{&Simple{Type: TypePing, ID: "1"}, `{"type":"ping","id":"1"}`},
		{&SetDND{ID: "1", Device: "201"}, `{"type":"set-dnd","id":"1","device":"201","on":false}`},
		{&Error{Code: CodeInternal, Message: "a<b"}, `{"type":"error","code":"internal","message":"a<b"}`},
		{&Event{Type: EventExchangeState, Seq: 1, Time: t0, Available: ptr(true)},
			`{"type":"exchange-state","seq":1,"time":"2026-03-02T09:15:04.123Z","available":true}`},
	} {
		if got := string(mustEncode(t, c.m)); got != c.want {
			t.Errorf("Encode(%+v) = %s, want %s", c.m, got, c.want)
		}
	}
}

// TestEncodeWelcomeNilLists: nil lists must not be sent as null, which
// Decode rightly rejects.
func TestEncodeWelcomeNilLists(t *testing.T) {
	w := &Welcome{ID: "1", User: "anna", Session: "s1", Epoch: "e1", Resumed: true}
	b := mustEncode(t, w)
	if _, err := Decode(b); err != nil {
		t.Errorf("Decode(%s): %v", b, err)
	}
	if w.Devices != nil || w.Calls != nil || w.Capabilities != nil {
		t.Error("Encode changed the caller's welcome")
	}
}

func TestEncodeRejects(t *testing.T) {
	for _, m := range []Message{
		nil,
		(*Hello)(nil),
		(*CallCommand)(nil),
		&CallCommand{Type: TypeTransfer, ID: "1"},
		&Redirect{Type: TypeAnswer, ID: "1"},
		&Simple{Type: TypeHello, ID: "1"},
		&Simple{ID: "1"},
		&Event{Type: "ringing", Seq: 1},
		&Event{Type: TypeWelcome, Seq: 1},
		&Event{Type: EventCleared, Time: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)},
	} {
		if b, err := Encode(m); err == nil {
			t.Errorf("Encode(%#v) = %s, want an error", m, b)
		}
	}
}

func TestTypeLists(t *testing.T) {
	req := []string{TypeHello, TypeMakeCall, TypeAnswer, TypeClear, TypeHold, TypeRetrieve,
		TypeTransfer, TypeDeflect, TypeSetDND, TypeSetForwarding, TypeSnapshot, TypePing,
		TypeRefreshToken, TypeRevokeToken, TypeWatch, TypeUnwatch, TypeSetNote,
		TypePickup, TypeConsult, TypeConsultComplete, TypeConsultCancel, TypeConsultSwap, TypePark, TypeUnpark,
		TypeSearch, TypeLookup, TypeGetPhoto}
	ev := []string{EventInitiated, EventDelivered, EventOriginated, EventEstablished, EventHeld,
		EventRetrieved, EventTransferred, EventDiverted, EventCleared, EventFailed,
		EventDeviceState, EventExchangeState, EventPresence, EventNote, EventParked, EventUnparked, EventQueueChanged}
	if got := RequestTypes(); !slices.Equal(got, req) {
		t.Errorf("RequestTypes() = %v", got)
	}
	if got := EventTypes(); !slices.Equal(got, ev) {
		t.Errorf("EventTypes() = %v", got)
	}
	for _, typ := range req {
		if !IsRequest(typ) || IsEvent(typ) {
			t.Errorf("%s: IsRequest %v IsEvent %v", typ, IsRequest(typ), IsEvent(typ))
		}
	}
	for _, typ := range ev {
		if IsRequest(typ) || !IsEvent(typ) {
			t.Errorf("%s: IsRequest %v IsEvent %v", typ, IsRequest(typ), IsEvent(typ))
		}
	}
	for _, typ := range []string{TypeWelcome, TypeResult, TypeError, "", "nope"} {
		if IsRequest(typ) || IsEvent(typ) {
			t.Errorf("%q counts as a request or event", typ)
		}
	}
}
