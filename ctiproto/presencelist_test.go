package ctiproto

import (
	"fmt"
	"reflect"
	"testing"
	"time"
)

// A presence list too big for a frame is split into parts that each fit,
// and the parts put together are the list, as of the head's seq.
func TestEncodeSplit(t *testing.T) {
	since := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	var list []Presence
	for i := range 3000 {
		list = append(list, Presence{Device: fmt.Sprint(10000 + i), Name: "Sales – someone", Status: StatusIdle, Since: since})
	}
	seq := uint64(61)
	for _, m := range []Message{
		&Result{ID: "42", Epoch: "e1", Seq: &seq, Presence: list},
		&Welcome{ID: "1", User: "reception", Session: "s1", Epoch: "e1", Seq: seq, Presence: list},
	} {
		for _, max := range []int{16 << 10, 100 << 10, MaxServerMessageBytes} {
			frames, err := EncodeSplit(SubprotocolV2, m, max)
			if err != nil {
				t.Fatal(err)
			}
			var got []Presence
			parts := 0
			for i, f := range frames {
				if len(f) > max {
					t.Errorf("%s max %d: frame %d is %d bytes", m.MessageType(), max, i, len(f))
				}
				d, err := Decode(f)
				if err != nil {
					t.Fatalf("frame %d: %v", i, err)
				}
				switch d := d.(type) {
				case *Result:
					got, parts = append(got, d.Presence...), d.PresenceParts
				case *Welcome:
					got, parts = append(got, d.Presence...), d.PresenceParts
				case *PresenceList:
					if i == 0 || d.Part != i || d.Seq != seq {
						t.Errorf("frame %d: part %d seq %d", i, d.Part, d.Seq)
					}
					got = append(got, d.Presence...)
				}
			}
			if parts != len(frames)-1 {
				t.Errorf("%s max %d: presence_parts %d, %d frames", m.MessageType(), max, parts, len(frames))
			}
			if max == MaxServerMessageBytes && len(frames) != 1 {
				t.Errorf("%s: a list that fits is split in %d", m.MessageType(), len(frames))
			}
			if max == 16<<10 && len(frames) < 10 {
				t.Errorf("%s: %d frames of 16 KiB for a %d-device list", m.MessageType(), len(frames), len(list))
			}
			if !reflect.DeepEqual(got, list) {
				t.Errorf("%s max %d: the parts put together are %d devices, not the list", m.MessageType(), max, len(got))
			}
		}
	}
	// v1 never has presence: one frame, without it.
	frames, err := EncodeSplit(SubprotocolV1, &Result{ID: "1", Epoch: "e1", Seq: &seq, Presence: list}, 16<<10)
	if err != nil || len(frames) != 1 {
		t.Fatalf("v1: %d frames, %v", len(frames), err)
	}
}
