package ctiproto

import (
	"strings"
	"testing"
	"time"
)

// A member the event type does not define is refused, as a strict client
// following schema.json refuses it (issue 12 item 13: a transferred event
// with a cause).
func TestEventMembersPerType(t *testing.T) {
	const transferred = `{"type":"transferred","seq":1,"time":"2026-03-02T09:17:40.9Z","call":"c-1","device":"201","state":"cleared","by":"201","new_call":"c-1","to":"205"`
	if _, err := Decode([]byte(transferred + `}`)); err != nil {
		t.Fatalf("transferred as specified: %v", err)
	}
	_, err := Decode([]byte(transferred + `,"cause":"transferred"}`))
	if de, ok := err.(*DecodeError); !ok || de.Code != CodeInvalidField || de.Field != "cause" {
		t.Fatalf("transferred with a cause: err %v, want invalid-field cause", err)
	}
	ev := &Event{Type: EventTransferred, Seq: 1, Time: time.Now(), Call: "c-1", Device: "201",
		State: StateCleared, Cause: CauseTransferred, NewCall: "c-1", To: "205", AnsweredBy: "201"}
	ev.Trim()
	b, err := Encode(ev)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Decode(b); err != nil || strings.Contains(string(b), "cause") {
		t.Fatalf("trimmed %s: %v", b, err)
	}
}
