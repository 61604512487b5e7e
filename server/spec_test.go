package server

import (
	"encoding/json"
	"os"
	"regexp"
	"slices"
	"testing"
	"time"

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

// wireTime matches a time member's value in a raw frame.
var wireTime = regexp.MustCompile(`"(time|since|token_expires|expires)":"([^"]*)"`)

// Times on the wire are RFC 3339 with at most millisecond precision
// (item 20): nine fractional digits break some clients' parsers.
func TestTimesAtMostMilliseconds(t *testing.T) {
	e := newEnv(t)
	c := e.dial()
	c.send(&ctiproto.Hello{ID: "h", User: "ann", Password: "secret"})
	e.ring("201", "+4930777", "Max")
	c.send(&ctiproto.Simple{Type: ctiproto.TypeSnapshot, ID: "s"})
	c.send(&ctiproto.Simple{Type: ctiproto.TypeRefreshToken, ID: "r"})
	times := 0
	for times < 4 { // token_expires; since (welcome) or time (delivered); since (snapshot); expires
		c.conn.SetReadDeadline(time.Now().Add(5 * time.Second))
		_, data, err := c.conn.ReadMessage()
		if err != nil {
			t.Fatalf("read: %v (saw %d times)", err, times)
		}
		for _, m := range wireTime.FindAllSubmatch(data, -1) {
			times++
			v := string(m[2])
			if _, err := time.Parse(time.RFC3339, v); err != nil || !msTime.MatchString(v) {
				t.Errorf("%s %q: want RFC 3339 with at most 3 fractional digits", m[1], v)
			}
		}
	}
}

var msTime = regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,3})?(Z|[+-]\d\d:\d\d)$`)
