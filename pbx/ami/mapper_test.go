package ami

import (
	"slices"
	"strings"
	"testing"

	"github.com/deskline/deskline/pbx"
)

// replayCase replays one capture through the mapper as the connector
// would see it: the click-to-dials it placed are expected (as MakeCall
// does, with Originate's ChannelId naming the first leg as in the
// capture), and what it asked of a channel is marked when the capture's
// own action was answered.
type replayCase struct {
	file       string
	originates []originate
	intents    map[string]func(m *mapper) // by the ActionID of the capture's action
	want       []string
}

// registeredLab marks 201 and 202 registered, as DeviceStateList reports
// them at login (203 has no phone).
func registeredLab(m *mapper) {
	m.registrations([]Message{
		{Fields: []Field{{"Event", "DeviceStateChange"}, {"Device", "PJSIP/201"}, {"State", "NOT_INUSE"}}},
		{Fields: []Field{{"Event", "DeviceStateChange"}, {"Device", "PJSIP/202"}, {"State", "NOT_INUSE"}}},
		{Fields: []Field{{"Event", "DeviceStateChange"}, {"Device", "PJSIP/203"}, {"State", "UNAVAILABLE"}}},
	})
}

var replayCases = []replayCase{
	{file: "a-incoming-answered", want: []string{
		"delivered 201 alerting in other=+49301234567(Jane Doe) call=1795686940.0",
		"established 201 connected in other=+49301234567(Jane Doe) call=1795686940.0 answeredBy=201",
		"cleared 201 cleared in other=+49301234567(Jane Doe) call=1795686940.0 cause=normal",
	}},
	{file: "b-incoming-missed", want: []string{
		"delivered 201 alerting in other=+49301234567(Jane Doe) call=1795686953.2",
		"cleared 201 cleared in other=+49301234567(Jane Doe) call=1795686953.2 cause=normal",
	}},
	{file: "c1-click-to-dial-internal", originates: []originate{
		{uid: "1795686966.4", actionID: "c2d-0001", device: "201", to: "202"}}, want: []string{
		"initiated 201 initiated out other=202() call=1795686966.4",
		"originated 201 connected out other=202() call=1795686966.4",
		"delivered 202 alerting in other=201(Alice Meyer) call=1795686966.4",
		"established 202 connected in other=201(Alice Meyer) call=1795686966.4 answeredBy=202",
		"established 201 connected out other=202(Bob Schulz) call=1795686966.4 answeredBy=202",
		"cleared 201 cleared out other=202(Bob Schulz) call=1795686966.4 cause=normal",
		"cleared 202 cleared in other=201(Alice Meyer) call=1795686966.4 cause=normal",
	}},
	{file: "c2-click-to-dial-external", originates: []originate{
		{uid: "1795686979.6", actionID: "c2d-0002", device: "201", to: "0891234567"}}, want: []string{
		"initiated 201 initiated out other=0891234567() call=1795686979.6",
		"originated 201 connected out other=0891234567() call=1795686979.6",
		"established 201 connected out other=0891234567() call=1795686979.6 answeredBy=0891234567",
		"cleared 201 cleared out other=0891234567() call=1795686979.6 cause=normal",
	}},
	{file: "d1-incoming-busy-rejected", want: []string{
		"delivered 202 alerting in other=+49301234567(Jane Doe) call=1795686992.8",
		"cleared 202 cleared in other=+49301234567(Jane Doe) call=1795686992.8 cause=rejected",
	}},
	{file: "d3-originate-failures", originates: []originate{
		{uid: "deskline-test-1", actionID: "c2d-fail-1", device: "203", to: "202"},
		{uid: "1795687006.11", actionID: "c2d-fail-2", device: "201", to: "202"},
		{uid: "1795687009.12", actionID: "c2d-fail-3", device: "201", to: "202"},
		{uid: "1795687017.13", actionID: "c2d-fail-4", device: "201", to: "299"}}, want: []string{
		"failed 203 failed out other=202() call=deskline-test-1 cause=unreachable",
		"cleared 203 cleared out other=202() call=deskline-test-1 cause=unreachable",
		"initiated 201 initiated out other=202() call=1795687006.11",
		"cleared 201 cleared out other=202() call=1795687006.11 cause=rejected",
		"initiated 201 initiated out other=202() call=1795687009.12",
		"cleared 201 cleared out other=202() call=1795687009.12 cause=no-answer",
		"initiated 201 initiated out other=299() call=1795687017.13",
		"originated 201 connected out other=299() call=1795687017.13",
		"cleared 201 cleared out other=299() call=1795687017.13 cause=normal",
	}},
	{file: "d4-outbound-busy", want: []string{
		"originated 201 connected out other=0301111111() call=1795687028.14",
		"failed 201 failed out other=0301111111() call=1795687028.14 cause=busy",
		"cleared 201 cleared out other=0301111111() call=1795687028.14 cause=busy",
	}},
	{file: "e1-hold-unhold", want: []string{
		"delivered 201 alerting in other=+49301234567(Jane Doe) call=1795687039.18",
		"established 201 connected in other=+49301234567(Jane Doe) call=1795687039.18 answeredBy=201",
		"held 201 held in other=+49301234567(Jane Doe) call=1795687039.18 by=201",
		"retrieved 201 connected in other=+49301234567(Jane Doe) call=1795687039.18 by=201",
		"cleared 201 cleared in other=+49301234567(Jane Doe) call=1795687039.18 cause=normal",
	}},
	{file: "e3-transfer-by-ami-redirect", intents: map[string]func(*mapper){
		"redir-0001": func(m *mapper) {
			m.intend("1795687073.23", "201", intent{kind: intentTransfer, to: "202", by: "201"})
		}}, want: []string{
		"delivered 201 alerting in other=+49301234567(Jane Doe) call=1795687073.23",
		"established 201 connected in other=+49301234567(Jane Doe) call=1795687073.23 answeredBy=201",
		"transferred 201 cleared in other=+49301234567(Jane Doe) call=1795687073.23 cause=transferred by=201 to=202",
		"cleared 201 cleared in other=+49301234567(Jane Doe) call=1795687073.23 cause=transferred",
		"delivered 202 alerting in other=+49301234567(Jane Doe) call=1795687073.23",
		"established 202 connected in other=+49301234567(Jane Doe) call=1795687073.23 answeredBy=202",
		"cleared 202 cleared in other=+49301234567(Jane Doe) call=1795687073.23 cause=normal",
	}},
	{file: "f2-unknown-and-misc-actions"},
	{file: "f3-asterisk-restart"},
	{file: "i-internal-call-201-to-202", want: []string{
		"originated 201 connected out other=202() call=1795687167.40",
		"delivered 202 alerting in other=201(Alice Meyer) call=1795687167.40",
		"established 202 connected in other=201(Alice Meyer) call=1795687167.40 answeredBy=202",
		"established 201 connected out other=202(Bob Schulz) call=1795687167.40 answeredBy=202",
		"cleared 201 cleared out other=202(Bob Schulz) call=1795687167.40 cause=normal",
		"cleared 202 cleared in other=201(Alice Meyer) call=1795687167.40 cause=normal",
	}},
	{file: "j-outbound-call-from-phone", want: []string{
		"originated 201 connected out other=0891234567() call=1795687177.42",
		"established 201 connected out other=0891234567() call=1795687177.42 answeredBy=0891234567",
		"cleared 201 cleared out other=0891234567() call=1795687177.42 cause=normal",
	}},
	{file: "k-state-sync-actions-during-call", want: []string{
		"delivered 201 alerting in other=+49301234567(Jane Doe) call=1795687187.44",
		"established 201 connected in other=+49301234567(Jane Doe) call=1795687187.44 answeredBy=201",
		"cleared 201 cleared in other=+49301234567(Jane Doe) call=1795687187.44 cause=normal",
	}},
}

func TestReplayCaptures(t *testing.T) {
	for _, rc := range replayCases {
		t.Run(rc.file, func(t *testing.T) {
			m := newMapper(labDevices, fixedClock)
			registeredLab(m)
			for _, o := range rc.originates {
				m.expect(&o)
			}
			var got []string
			for _, msg := range readCapture(t, rc.file+".txt") {
				if f := rc.intents[msg.ActionID()]; f != nil && msg.Response() != "" {
					f(m)
				}
				for _, e := range m.handle(msg) {
					got = append(got, line(e))
				}
			}
			if !slices.Equal(got, rc.want) {
				t.Errorf("events:\n  %s\nwant:\n  %s", strings.Join(got, "\n  "), strings.Join(rc.want, "\n  "))
			}
		})
	}
}

var _ = pbx.CallID("")
