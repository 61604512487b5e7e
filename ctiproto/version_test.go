package ctiproto

import (
	"encoding/json"
	"os"
	"slices"
	"sort"
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
	// A type or object v2 added is v2's whole (V2Types, v2Objects): it is
	// never sent on a v1 connection, so its members are not v1's business.
	for typ, m := range v2.Messages {
		old, ok := v1.Messages[typ]
		if ok == IsV2Type(typ) || (m.Since == SubprotocolV2) != IsV2Type(typ) {
			t.Errorf("message %s: in v1 %v, in V2Types %v, since %q", typ, ok, IsV2Type(typ), m.Since)
		}
		if ok {
			diff("message "+typ, old.Members, m.Members)
		}
	}
	for name, o := range v2.Objects {
		old, ok := v1.Objects[name]
		if ok == slices.Contains(v2Objects, name) || (o.Since == SubprotocolV2) != !ok {
			t.Errorf("object %s: in v1 %v, since %q", name, ok, o.Since)
		}
		if ok {
			diff("object "+name, old.Members, o.Members)
		}
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
			if _, err := EncodeFor(SubprotocolV1, m); err == nil {
				t.Errorf("PROTOCOL.md:%d: %s is v2 only, yet EncodeFor v1 encodes it", ex.line, m.MessageType())
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
