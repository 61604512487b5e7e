package ami

import (
	"testing"
	"time"
)

// Whether the consulted party answered, as the no-answer timer asks it:
// capture e5 up to 202 ringing (no), and up to 202 in the bridge (yes).
// The held caller stays throughout.
func TestConsultAnsweredFromCapture(t *testing.T) {
	for _, tc := range []struct {
		event    string
		nth      int
		answered bool
	}{{"DialState", 2, false}, {"BridgeEnter", 6, true}} {
		m := newMapper(labDevices, fixedClock)
		registeredLab(m)
		n := 0
		for _, msg := range readCapture(t, "e5-attended-transfer-by-ami-atxfer.txt") {
			m.handle(msg)
			if msg.Event() == tc.event {
				if n++; n == tc.nth {
					break
				}
			}
		}
		if got := m.consultAnswered("1796517899.39", "201"); got != tc.answered {
			t.Errorf("up to %s #%d: answered %v, want %v", tc.event, tc.nth, got, tc.answered)
		}
		if !m.heldPartyStays("1796517899.39", "201") {
			t.Errorf("up to %s #%d: the held caller is gone", tc.event, tc.nth)
		}
	}
}

// Each consultation of a call (on Asterisk they share the held call's
// id) has its own generation and timer: a new one stops the last one's
// no-answer timer, and a timer armed for one that has ended is stopped.
func TestConsultsGenerations(t *testing.T) {
	var k consults
	first := k.start("201", "c1")
	t1 := time.NewTimer(time.Hour)
	k.arm("201", first, t1)
	second := k.start("201", "c1")
	if first == second {
		t.Fatal("two consultations share a generation")
	}
	if t1.Stop() {
		t.Error("the first consultation's timer still runs after the second started")
	}
	if call, gen, ok := k.get("201"); !ok || call != "c1" || gen != second {
		t.Errorf("get = %s %d %v, want the second", call, gen, ok)
	}
	late := time.NewTimer(time.Hour)
	k.arm("201", first, late) // armed for a consultation that has ended
	if late.Stop() {
		t.Error("a timer armed for an ended consultation runs")
	}
	t2 := time.NewTimer(time.Hour)
	k.arm("201", second, t2)
	k.end("201")
	if t2.Stop() {
		t.Error("the timer runs after the consultation ended")
	}
	if _, _, ok := k.get("201"); ok {
		t.Error("an ended consultation is still recorded")
	}
}
