package server

import (
	"encoding/json"
	"os"
	"regexp"
	"slices"
	"testing"

	"github.com/deskline/deskline/ctiproto"
)

// specJSON matches the one-line JSON examples of PROTOCOL.md.
var specJSON = regexp.MustCompile(`(?m)^\s*(\{"type":.*\})\s*$`)

// specErrorExample returns the members of PROTOCOL.md's example of an
// error with code, so a test can hold the server to its own spec.
func specErrorExample(t *testing.T, code string) []string {
	t.Helper()
	doc, err := os.ReadFile("../ctiproto/PROTOCOL.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range specJSON.FindAllSubmatch(doc, -1) {
		var v map[string]any
		if json.Unmarshal(m[1], &v) == nil && v["type"] == ctiproto.TypeError && v["code"] == code {
			return memberNames(v)
		}
	}
	t.Fatalf("PROTOCOL.md has no example of error %q", code)
	return nil
}

// wireMembers returns the member names m has on the wire.
func wireMembers(t *testing.T, m ctiproto.Message) []string {
	t.Helper()
	b, err := ctiproto.Encode(m)
	if err != nil {
		t.Fatal(err)
	}
	var v map[string]any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatal(err)
	}
	return memberNames(v)
}

func memberNames(v map[string]any) []string {
	var names []string
	for k := range v {
		names = append(names, k)
	}
	slices.Sort(names)
	return names
}

// The spec's invalid-state example has the members the server sends
// (item 17: the example named a field the server never set).
func TestInvalidStateAsSpecified(t *testing.T) {
	e := newEnv(t)
	ann := e.login("ann")
	call := e.ring("201", "+4930777", "Max")
	ann.expectEvent(ctiproto.EventDelivered, "201")
	ann.send(&ctiproto.CallCommand{Type: ctiproto.TypeRetrieve, ID: "r", Call: call, Device: "201"})
	got := wireMembers(t, ann.expectError(ctiproto.CodeInvalidState))
	if want := specErrorExample(t, ctiproto.CodeInvalidState); !slices.Equal(got, want) {
		t.Fatalf("server sends invalid-state with %v, PROTOCOL.md shows %v", got, want)
	}
}
