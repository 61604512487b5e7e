package ami

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/deskline/deskline/pbx"
)

// Real Asterisk repeats events now and then (the README notes duplicate
// DialEnds): every capture replayed with each message twice gives exactly
// the events of the capture once.
func TestReplayDuplicatedEvents(t *testing.T) {
	for _, g := range LoadGoldens(t) {
		t.Run(g.Name, func(t *testing.T) {
			same(t, replayGolden(t, g, 2), g.Events())
		})
	}
}

// Calls of different people interleave on one manager link: two captures
// merged message by message give each call the events it has alone.
func TestReplayInterleavedCalls(t *testing.T) {
	a := readCapture(t, "a-incoming-answered.txt")        // outside caller → 201
	i := readCapture(t, "i-internal-call-201-to-202.txt") // 201 → 202
	var merged []Message
	for n := 0; n < max(len(a), len(i)); n++ {
		if n < len(i) {
			merged = append(merged, i[n])
		}
		if n < len(a) {
			merged = append(merged, a[n])
		}
	}
	m := newMapper(labDevices, fixedClock)
	registeredLab(m)
	got := replay(m, merged)
	for _, g := range LoadGoldens(t) {
		if g.Name != "a-incoming-answered" && g.Name != "i-internal-call-201-to-202" {
			continue
		}
		want := g.Events()
		call := want[0][strings.Index(want[0], "call="):]
		var mine []string
		for _, l := range got {
			if strings.Contains(l, call) {
				mine = append(mine, l)
			}
		}
		same(t, mine, want)
	}
	if len(m.calls()) != 0 {
		t.Errorf("calls left after both ended: %v", m.calls())
	}
}

// After a reconnect the state comes from CoreShowChannels: the capture's
// answer mid-call (an outside caller talking to 201) rebuilds 201's call.
func TestRebuildFromCoreShowChannels(t *testing.T) {
	var items []Message
	for _, msg := range readCapture(t, "k-state-sync-actions-during-call.txt") {
		if msg.Event() == "CoreShowChannel" {
			items = append(items, msg)
		}
	}
	if len(items) == 0 {
		t.Fatal("no CoreShowChannel in the capture")
	}
	now := fixedClock()
	m := newMapper(labDevices, func() time.Time { return now })
	m.rebuild(items)
	calls := m.calls()
	want := pbx.Call{Call: "1795687187.44", Device: "201", State: pbx.StateConnected, Direction: pbx.Incoming,
		Other: pbx.Party{Number: "+49301234567", Name: "Jane Doe"}, Answered: true}
	if len(calls) != 1 {
		t.Fatalf("calls = %+v, want one", calls)
	}
	got := calls[0]
	if got.Since.After(now) || now.Sub(got.Since) > time.Minute {
		t.Errorf("since = %v, want shortly before %v (from Duration)", got.Since, now)
	}
	got.Since = time.Time{}
	if got != want {
		t.Errorf("call = %+v\nwant %+v", got, want)
	}
	// The rest of the capture (the hang-up) then clears it.
	var evs []string
	seen := false
	for _, msg := range readCapture(t, "k-state-sync-actions-during-call.txt") {
		if msg.Event() == "CoreShowChannelsComplete" {
			seen = true
			continue
		}
		if seen {
			for _, e := range m.handle(msg) {
				evs = append(evs, line(e))
			}
		}
	}
	if wantEv := "cleared 201 cleared in other=+49301234567(Jane Doe) call=1795687187.44 cause=normal"; !slices.Contains(evs, wantEv) {
		t.Errorf("after rebuild: %v, want %q", evs, wantEv)
	}
	if len(m.calls()) != 0 {
		t.Errorf("calls left: %+v", m.calls())
	}
}

// The transfer capture with the caller inside the office: 203 (instead of
// the carrier) calls 201, 201 transfers 203 to 202. The one who stays is
// told where it went and who answered there (EVENTS.md, single-step
// transfer between extensions).
func TestTransferOfAnInternalCaller(t *testing.T) {
	m := newMapper(labDevices, fixedClock)
	registeredLab(m)
	var got []string
	for _, msg := range readCapture(t, "e3-transfer-by-ami-redirect.txt") {
		for i, f := range msg.Fields {
			msg.Fields[i].Value = strings.ReplaceAll(f.Value, "PJSIP/carrier-", "PJSIP/203-")
		}
		if msg.ActionID() == "redir-0001" && msg.Response() != "" {
			leg, far, err := m.farParty("1795687073.23", "201")
			if err != nil || far != "PJSIP/203-00000017" {
				t.Fatalf("far party of 201: %q, %v", far, err)
			}
			m.intend(leg.uid, intent{kind: intentTransfer, to: "202", by: "201"})
		}
		for _, e := range m.handle(msg) {
			got = append(got, line(e))
		}
	}
	same(t, got, []string{
		"originated 203 connected out other=4930555000201() call=1795687073.23",
		"delivered 201 alerting in other=+49301234567(Jane Doe) call=1795687073.23",
		"established 201 connected in other=+49301234567(Jane Doe) call=1795687073.23 answeredBy=201",
		"established 203 connected out other=201(Alice Meyer) call=1795687073.23 answeredBy=201",
		"transferred 201 cleared in other=+49301234567(Jane Doe) call=1795687073.23 cause=transferred by=201 to=202",
		"cleared 201 cleared in other=+49301234567(Jane Doe) call=1795687073.23 cause=transferred",
		"transferred 203 connected out other=202() call=1795687073.23 by=201 to=202",
		"delivered 202 alerting in other=+49301234567(Jane Doe) call=1795687073.23",
		"established 202 connected in other=+49301234567(Jane Doe) call=1795687073.23 answeredBy=202",
		"established 203 connected out other=202(Bob Schulz) call=1795687073.23 answeredBy=202",
		"cleared 202 cleared in other=+49301234567(Jane Doe) call=1795687073.23 cause=normal",
		"cleared 203 cleared out other=202(Bob Schulz) call=1795687073.23 cause=normal",
	})
}
