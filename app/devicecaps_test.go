package app

import "testing"

// A phone's own capabilities narrow the exchange's; without a list the
// exchange's apply; the dial prompt does not ask to pick up a phone that
// answers by itself.
func TestCanOnAndAutoAnswer(t *testing.T) {
	s := State{Capabilities: map[string]bool{"answer": true, "hold": true, "clear": true},
		Devices: []Device{{ID: "201"}, {ID: "202", Capabilities: []string{"clear", "retrieve"}, AutoAnswer: true}}}
	for _, c := range []struct {
		dev, svc string
		want     bool
	}{
		{"201", "answer", true}, {"201", "retrieve", false}, {"202", "answer", false},
		{"202", "clear", true}, {"202", "retrieve", false}, {"203", "hold", true},
	} {
		if got := s.CanOn(c.dev, c.svc); got != c.want {
			t.Errorf("CanOn(%s, %s) = %v, want %v", c.dev, c.svc, got, c.want)
		}
	}
	if s.AutoAnswers("201") || !s.AutoAnswers("202") {
		t.Error("AutoAnswers wrong")
	}
	p := DialTarget{Display: "+49 30 999", Device: "202", AutoAnswer: true}.Prompt()
	if p != "Your phone 202 answers by itself, then calls +49 30 999" {
		t.Errorf("prompt %q", p)
	}
}
