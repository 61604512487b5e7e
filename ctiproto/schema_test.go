package ctiproto

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"testing"
)

var updateSchema = flag.Bool("update-schema", false, "rewrite schema.json from the Go types")

// schema.json, which PROTOCOL.md points third-party implementers to, is
// what the decoder enforces (issue 12 item 13). Regenerate it with
// go test ./ctiproto -run TestSchemaFile -update-schema.
func TestSchemaFile(t *testing.T) {
	want, err := Schema()
	if err != nil {
		t.Fatal(err)
	}
	want = append(want, '\n')
	if *updateSchema {
		if err := os.WriteFile("schema.json", want, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile("schema.json")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatal("schema.json differs from the Go types: run go test ./ctiproto -run TestSchemaFile -update-schema")
	}
	for _, s := range specList {
		if !bytes.Contains(want, []byte(`"`+s.typ+`": {`)) {
			t.Errorf("schema.json has no entry for %q", s.typ)
		}
	}
}

// Every example in PROTOCOL.md uses only members schema.json lists for its
// type, and every required one.
func TestProtocolExamplesFollowSchema(t *testing.T) {
	for _, ex := range protocolExamples(t) {
		m, err := Decode([]byte(ex.text))
		if err != nil {
			continue // TestProtocolExamples reports it
		}
		s := specs[m.MessageType()]
		var v map[string]any
		if err := json.Unmarshal([]byte(ex.text), &v); err != nil {
			t.Fatal(err)
		}
		for name := range v {
			i, ok := s.info.index[name]
			if name != "type" && (!ok || s.allowed&(1<<i) == 0) {
				t.Errorf("PROTOCOL.md:%d: %s has member %q, which schema.json does not list", ex.line, s.typ, name)
			}
		}
	}
}
