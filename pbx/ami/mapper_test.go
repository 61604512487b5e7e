package ami

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/deskline/deskline/pbx"
)

// registeredLab marks 201 and 202 registered, as DeviceStateList reports
// them at login (203 has no phone).
func registeredLab(m *mapper) {
	m.registrations([]Message{
		{Fields: []Field{{"Event", "DeviceStateChange"}, {"Device", "PJSIP/201"}, {"State", "NOT_INUSE"}}},
		{Fields: []Field{{"Event", "DeviceStateChange"}, {"Device", "PJSIP/202"}, {"State", "NOT_INUSE"}}},
		{Fields: []Field{{"Event", "DeviceStateChange"}, {"Device", "PJSIP/203"}, {"State", "UNAVAILABLE"}}},
	})
}

// replayGolden replays a capture through the mapper as the connector
// would see it: the click-to-dials it placed are expected (as MakeCall
// does, Originate's ChannelId naming the first leg as in the capture),
// and what it asked of a channel is marked when the capture's own action
// was answered. times repeats every message (Asterisk repeats events).
func replayGolden(t *testing.T, g Golden, times int) []string {
	m := newMapper(labDevices, fixedClock)
	registeredLab(m)
	intents := map[string]func(){} // by ActionID, or by "EVENT:N" (after=)
	for i := range g.Lines {
		s, ok := g.Step(i)
		key := s.Args["action"]
		if a := s.Args["after"]; a != "" {
			key = a
		}
		switch {
		case !ok:
		case s.Verb == "originate":
			m.expect(&originate{uid: s.Args["uid"], actionID: s.Args["action"], device: s.Device, to: s.To})
		case s.Verb == "transfer":
			intents[key] = func() {
				leg, far, err := m.farParty(pbx.CallID(s.Args["call"]), s.Device)
				if err != nil {
					t.Fatal(err)
				}
				m.intend(leg.uid, intent{kind: intentTransfer, to: s.To, by: s.Device, moved: far})
			}
		case s.Verb == "deflect":
			intents[key] = func() {
				leg, caller, err := m.callerOf(pbx.CallID(s.Args["call"]), s.Device)
				if err != nil {
					t.Fatal(err)
				}
				m.intend(leg.uid, intent{kind: intentDeflect, to: s.To, by: s.Device, moved: caller})
			}
		}
	}
	var got []string
	seen := map[string]int{}
	for _, msg := range readCapture(t, g.Name+".txt") {
		if f := intents[msg.ActionID()]; f != nil && msg.Response() != "" {
			f()
		}
		for range times {
			for _, e := range m.handle(msg) {
				got = append(got, line(e))
			}
		}
		if ev := msg.Event(); ev != "" {
			seen[ev]++
			if f := intents[fmt.Sprintf("%s:%d", ev, seen[ev])]; f != nil {
				f()
			}
		}
	}
	if n := len(m.calls()); n != 0 {
		t.Errorf("%d connections still in progress at the end of the capture", n)
	}
	return got
}

// Every capture, decoded from its raw bytes, gives exactly the events of
// its golden file.
func TestReplayCaptures(t *testing.T) {
	for _, g := range LoadGoldens(t) {
		t.Run(g.Name, func(t *testing.T) {
			same(t, replayGolden(t, g, 1), g.Events())
		})
	}
}

func same(t *testing.T, got, want []string) {
	t.Helper()
	if !slices.Equal(got, want) {
		t.Errorf("events:\n  %s\nwant:\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
}
