package ctiproto

import "testing"

// Run with: go test -run '^$' -bench . -benchmem ./ctiproto

// BenchmarkEncodeEvent is the server's hot path: one event encoded once,
// then sent to every connection of the user.
func BenchmarkEncodeEvent(b *testing.B) {
	ev := &Event{Type: EventDelivered, Seq: 42, Time: t0, Call: "c-000107", Device: "201",
		State: StateAlerting, Direction: DirectionIncoming,
		Other: &Party{Number: "+49 30 1234567", Name: "Jane Doe"}}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Encode(ev); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDecodeCommand is the server's cost per command received.
func BenchmarkDecodeCommand(b *testing.B) {
	frame := []byte(`{"type":"make-call","id":"20","device":"201","to":"+49 89 7654321"}`)
	b.ReportAllocs()
	b.SetBytes(int64(len(frame)))
	for b.Loop() {
		if _, err := DecodeRequest(frame, 0); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDecodeEvent is the client's cost per event received.
func BenchmarkDecodeEvent(b *testing.B) {
	frame := []byte(`{"type":"delivered","seq":42,"time":"2026-03-02T09:15:04.123Z","call":"c-000107","device":"201","state":"alerting","direction":"incoming","other":{"number":"+49 30 1234567","name":"Jane Doe"}}`)
	b.ReportAllocs()
	b.SetBytes(int64(len(frame)))
	for b.Loop() {
		if _, err := Decode(frame); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkEncodeEventWithQueue is BenchmarkEncodeEvent for a call that
// came through a queue (issue 13 item 8): what the queue member costs.
func BenchmarkEncodeEventWithQueue(b *testing.B) {
	ev := &Event{Type: EventDelivered, Seq: 42, Time: t0, Call: "c-000107", Device: "201",
		State: StateAlerting, Direction: DirectionIncoming,
		Other: &Party{Number: "+49 30 1234567", Name: "Jane Doe"},
		Queue: &Queue{Name: "Sales", Number: "600", Joined: t0}}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Encode(ev); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDecodeEventWithQueue is BenchmarkDecodeEvent with a queue.
func BenchmarkDecodeEventWithQueue(b *testing.B) {
	frame := []byte(`{"type":"delivered","seq":42,"time":"2026-03-02T09:15:04.123Z","call":"c-000107","device":"201","state":"alerting","direction":"incoming","other":{"number":"+49 30 1234567","name":"Jane Doe"},"queue":{"name":"Sales","number":"600","joined":"2026-03-02T09:14:22.5Z"}}`)
	b.ReportAllocs()
	b.SetBytes(int64(len(frame)))
	for b.Loop() {
		if _, err := Decode(frame); err != nil {
			b.Fatal(err)
		}
	}
}
