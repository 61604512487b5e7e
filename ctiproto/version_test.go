package ctiproto

import (
	"bytes"
	"encoding/json"
	"os"
	"slices"
	"sort"
	"strings"
	"testing"
)

// v1Schema is schema.json as deskline.v1 was frozen (testdata/schema-v1.json,
// the file as released): what a strict v1 decoder accepts.
func v1Schema(t *testing.T) schemaDoc {
	t.Helper()
	b, err := os.ReadFile("testdata/schema-v1.json")
	if err != nil {
		t.Fatal(err)
	}
	var doc schemaDoc
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	return doc
}

// v1 is frozen: v2 keeps every v1 member, and what it adds is exactly
// V2Members (so EncodeFor knows every member to leave out for v1).
func TestV2AddsOnlyV2Members(t *testing.T) {
	v1 := v1Schema(t)
	var v2 schemaDoc
	b, err := Schema()
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &v2); err != nil {
		t.Fatal(err)
	}
	added := map[string]bool{}
	var newTypes, newObjects []string
	diff := func(where string, old, cur map[string]schemaMember) {
		for name := range old {
			if _, ok := cur[name]; !ok {
				t.Errorf("%s: v1 member %q is gone", where, name)
			}
		}
		for name := range cur {
			if _, ok := old[name]; !ok {
				added[name] = true
			}
		}
	}
	// A type or object v2 added is new with all its members: it is listed
	// in V2Types or v2Objects instead, and marked since v2.
	for typ, m := range v2.Messages {
		if _, ok := v1.Messages[typ]; !ok {
			newTypes = append(newTypes, typ)
			if m.Since != SubprotocolV2 {
				t.Errorf("message %s is new in v2 but not marked since %s", typ, SubprotocolV2)
			}
			continue
		}
		diff("message "+typ, v1.Messages[typ].Members, m.Members)
	}
	for name, o := range v2.Objects {
		if _, ok := v1.Objects[name]; !ok {
			newObjects = append(newObjects, name)
			if o.Since != SubprotocolV2 {
				t.Errorf("object %s is new in v2 but not marked since %s", name, SubprotocolV2)
			}
			continue
		}
		diff("object "+name, v1.Objects[name].Members, o.Members)
	}
	if slices.Sort(newTypes); !slices.Equal(newTypes, slices.Sorted(slices.Values(V2Types))) {
		t.Errorf("types v2 added: %v; V2Types says %v", newTypes, V2Types)
	}
	if slices.Sort(newObjects); !slices.Equal(newObjects, slices.Sorted(slices.Values(v2Objects))) {
		t.Errorf("objects v2 added: %v; v2Objects says %v", newObjects, v2Objects)
	}
	var got []string
	for name := range added {
		got = append(got, name)
	}
	sort.Strings(got)
	want := slices.Sorted(slices.Values(V2Members))
	if !slices.Equal(got, want) {
		t.Errorf("members v2 added: %v; V2Members says %v", got, want)
	}
}

// Every example of PROTOCOL.md, encoded for a v1 connection, is a message
// a strict v1 decoder accepts: no member outside v1's schema, at any depth.
// Encoded for v2, it is unchanged.
func TestEncodeForV1LeavesOutV2Members(t *testing.T) {
	v1 := v1Schema(t)
	withV2 := 0
	for _, ex := range protocolExamples(t) {
		m, err := Decode([]byte(ex.text))
		if err != nil {
			continue // TestProtocolExamples reports it
		}
		if IsV2Type(m.MessageType()) {
			if b, err := EncodeFor(SubprotocolV1, m); err == nil {
				t.Errorf("PROTOCOL.md:%d: %s is not v1, yet EncodeFor v1 gives %s", ex.line, m.MessageType(), b)
			}
			continue
		}
		old, err := EncodeFor(SubprotocolV1, m)
		if err != nil {
			t.Fatal(err)
		}
		var v map[string]any
		if err := json.Unmarshal(old, &v); err != nil {
			t.Fatal(err)
		}
		checkV1Members(t, ex.line, v1, v1.Messages[m.MessageType()].Members, v)
		cur, err := EncodeFor(SubprotocolV2, m)
		if err != nil {
			t.Fatal(err)
		}
		if plain, _ := Encode(m); string(cur) != string(plain) {
			t.Errorf("PROTOCOL.md:%d: EncodeFor v2 differs from Encode", ex.line)
		}
		if HasV2Members(m) {
			withV2++
			if string(old) == string(cur) {
				t.Errorf("PROTOCOL.md:%d: has v2 members, yet its v1 form is the same", ex.line)
			}
		}
	}
	if withV2 == 0 {
		t.Fatal("no example of PROTOCOL.md shows a v2 member: the test proves nothing")
	}
}

func checkV1Members(t *testing.T, line int, v1 schemaDoc, members map[string]schemaMember, v map[string]any) {
	t.Helper()
	for name, val := range v {
		m, ok := members[name]
		if !ok {
			t.Errorf("PROTOCOL.md:%d: the v1 form has member %q, which v1 does not define", line, name)
			continue
		}
		if len(m.Values) > 0 {
			checkV1Values(t, line, name, m.Values, val)
		}
		obj := m.Type
		if m.Type == "array" {
			obj = m.Items
		}
		o, nested := v1.Objects[obj]
		if !nested {
			continue
		}
		switch val := val.(type) {
		case map[string]any:
			checkV1Members(t, line, v1, o.Members, val)
		case []any:
			for _, it := range val {
				if it, ok := it.(map[string]any); ok {
					checkV1Members(t, line, v1, o.Members, it)
				}
			}
		}
	}
}

// checkV1Values insists that a member with a closed set of values in v1
// has only v1's values in the v1 form (no watch in capabilities).
func checkV1Values(t *testing.T, line int, name string, values []string, val any) {
	t.Helper()
	vals := []any{val}
	if list, ok := val.([]any); ok {
		vals = list
	}
	for _, v := range vals {
		if s, ok := v.(string); ok && !slices.Contains(values, s) {
			t.Errorf("PROTOCOL.md:%d: the v1 form has %q in %q, which v1 does not define", line, s, name)
		}
	}
}

// The v1 form of a welcome and a result of a user who watches leaves out
// the presence list and the watch capability; a presence event has no v1
// form at all.
func TestV1FormLeavesOutPresence(t *testing.T) {
	w := &Welcome{ID: "1", User: "anna", Session: "s", Epoch: "e", Seq: 3,
		Capabilities: []string{TypeMakeCall, TypeWatch}, Presence: []Presence{aColleague}}
	b, err := EncodeFor(SubprotocolV1, w)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(b, []byte("presence")) || bytes.Contains(b, []byte(`"watch"`)) {
		t.Errorf("v1 welcome: %s", b)
	}
	if len(w.Capabilities) != 2 || w.Presence == nil {
		t.Errorf("EncodeFor changed the welcome: %+v", w)
	}
	r := &Result{ID: "2", Epoch: "e", Seq: ptr(uint64(3)), Presence: []Presence{aColleague}}
	if b, err := EncodeFor(SubprotocolV1, r); err != nil || bytes.Contains(b, []byte("presence")) {
		t.Errorf("v1 result: %s %v", b, err)
	}
	ev := &Event{Type: EventPresence, Seq: 4, Time: t0, Presence: &aColleague}
	if b, err := EncodeFor(SubprotocolV1, ev); err == nil {
		t.Errorf("v1 presence event: %s", b)
	}
	for _, m := range []Message{&Watch{ID: "5"}, &Simple{Type: TypeUnwatch, ID: "6"}} {
		if b, err := EncodeFor(SubprotocolV1, m); err == nil {
			t.Errorf("v1 %s: %s", m.MessageType(), b)
		}
	}
}

// A template gives every user the frame Encode gives with their seq.
func TestEventTemplate(t *testing.T) {
	ev := &Event{Type: EventPresence, Time: t0, Presence: &aColleague}
	tpl, err := NewEventTemplate(ev)
	if err != nil {
		t.Fatal(err)
	}
	for _, seq := range []uint64{1, 9, 10, 12345678901234567890} {
		c := *ev
		c.Seq = seq
		if got, want := tpl.Frame(seq), mustEncode(t, &c); !bytes.Equal(got, want) {
			t.Errorf("seq %d:\n got %s\nwant %s", seq, got, want)
		}
	}
}

// A watch names at least one device and at most MaxWatchDevices.
func TestWatchList(t *testing.T) {
	for _, c := range []struct{ frame, field string }{
		{`{"type":"watch","id":"1","devices":[]}`, "devices"},
		{`{"type":"watch","id":"1","devices":[""]}`, "devices[0]"},
		{`{"type":"watch","id":"1","devices":["201",7]}`, "devices[1]"},
		{`{"type":"watch","id":"1","devices":"201"}`, "devices"},
		{`{"type":"watch","id":"1","all":true}`, "all"},
		{`{"type":"unwatch","id":"1","devices":["201"]}`, "devices"},
	} {
		_, err := DecodeRequest([]byte(c.frame), 0)
		de, ok := err.(*DecodeError)
		if !ok || de.Code != CodeInvalidField || de.Field != c.field {
			t.Errorf("%s: %v, want invalid-field %s", c.frame, err, c.field)
		}
	}
	long := `{"type":"watch","id":"1","devices":["201"` + strings.Repeat(`,"201"`, MaxWatchDevices) + `]}`
	if _, err := DecodeRequest([]byte(long), 0); err == nil || !strings.Contains(err.Error(), "too many") {
		t.Errorf("%d devices: %v", MaxWatchDevices+1, err)
	}
}

// A resumed welcome carries no snapshot, so no presence either.
func TestResumedWelcomeHasNoPresence(t *testing.T) {
	w := &Welcome{ID: "1", User: "anna", Session: "s", Epoch: "e", Seq: 3, Resumed: true,
		Presence: []Presence{aColleague}}
	_, err := Decode(mustEncode(t, w))
	if de, ok := err.(*DecodeError); !ok || de.Code != CodeInvalidField || de.Field != "presence" {
		t.Fatalf("resumed welcome with presence: %v", err)
	}
}
