package ami

import "testing"

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
