package ami

import (
	"sync"
	"testing"
	"time"

	"github.com/deskline/deskline/pbx"
)

// A redirected caller that neither dials on nor hangs up (the target is
// an announcement, or voicemail already answered) does not keep the
// transfer unreported: after redirectSettle the transferer hears it was
// transferred. Capture e3 up to 201's hang-up, before the caller dials 202.
func TestRedirectReportedWhenTargetGivesNoSign(t *testing.T) {
	m := newMapper(labDevices, fixedClock)
	registeredLab(m)
	m.settleAfter = 10 * time.Millisecond // the bound itself is not what is tested
	var mu sync.Mutex
	var pushed []string
	got := make(chan struct{}, 1)
	m.push = func(evs []pbx.Event) {
		mu.Lock()
		defer mu.Unlock()
		for _, e := range evs {
			pushed = append(pushed, line(e))
		}
		select {
		case got <- struct{}{}:
		default:
		}
	}
	for _, msg := range readCapture(t, "e3-transfer-by-ami-redirect.txt") {
		if msg.ActionID() == "redir-0001" && msg.Response() != "" {
			leg, far, err := m.farParty("1795687073.23", "201")
			if err != nil {
				t.Fatal(err)
			}
			m.intend(leg.uid, intent{kind: intentTransfer, to: "202", by: "201", moved: far})
		}
		if msg.Event() == "DialBegin" && msg.Get("DestChannel") == "PJSIP/202-00000019" {
			break // the caller never dials on
		}
		m.handle(msg)
	}
	mu.Lock()
	if len(pushed) != 2 { // delivered and established of 201; nothing of the transfer yet
		t.Fatalf("before the caller gave a sign: %v", pushed)
	}
	pushed = nil
	select {
	case <-got: // the token of those two
	default:
	}
	mu.Unlock()
	select {
	case <-got:
	case <-time.After(10 * time.Second):
		t.Fatal("the held transfer was never reported")
	}
	mu.Lock()
	defer mu.Unlock()
	same(t, pushed, []string{
		"transferred 201 cleared in other=+49301234567(Jane Doe) call=1795687073.23 cause=transferred by=201 to=202",
		"cleared 201 cleared in other=+49301234567(Jane Doe) call=1795687073.23 cause=transferred",
	})
	if len(m.redirects) != 0 {
		t.Errorf("redirects left: %v", m.redirects)
	}
}

// A deflect that works: the ringing device hears diverted only when the
// caller dials the new target, not at its own hang-up. Capture d7 up to
// 201's hang-up, then the caller's DialBegin to 202 as Asterisk sends it
// for a Dial (capture e3's second DialBegin, on d7's channels).
func TestDeflectDivertedOnceTheCallerDialsOn(t *testing.T) {
	m := newMapper(labDevices, fixedClock)
	registeredLab(m)
	var got []string
	for _, msg := range readCapture(t, "d7-deflect-to-nonexistent-ext.txt") {
		if msg.Event() == "Hangup" && msg.Get("Uniqueid") == "1796518491.24" {
			break // the caller's hang-up: this deflect works instead
		}
		for _, e := range m.handle(msg) {
			got = append(got, line(e))
		}
		if msg.Event() == "DialState" {
			leg, caller, err := m.callerOf("1796518491.24", "201")
			if err != nil {
				t.Fatal(err)
			}
			m.intend(leg.uid, intent{kind: intentDeflect, to: "202", by: "201", moved: caller})
		}
	}
	same(t, got, []string{"delivered 201 alerting in other=+49301234567(Jane Doe) call=1796518491.24"})
	dial := Message{Fields: []Field{{"Event", "DialBegin"}, {"Channel", "PJSIP/carrier-00000016"},
		{"ChannelState", "4"}, {"Uniqueid", "1796518491.24"}, {"Linkedid", "1796518491.24"},
		{"DestChannel", "PJSIP/202-00000018"}, {"DestUniqueid", "1796518493.26"}, {"Exten", "202"}}}
	got = nil
	for _, e := range m.handle(dial) {
		got = append(got, line(e))
	}
	same(t, got, []string{"diverted 201 cleared in other=+49301234567(Jane Doe) call=1796518491.24 cause=deflected to=202"})
}

// A moved caller that hangs up on a target that exists (an announcement
// they do not wait for) is not reported as a failed transfer: capture e6
// with the caller's hang-up late (past invalidWithin) or further along the
// target's dialplan (priority 3) ends as transferred.
func TestLateHangUpOfAMovedCallerIsATransfer(t *testing.T) {
	for _, tc := range []struct {
		name     string
		late     time.Duration
		priority string
	}{{"late", 2 * invalidWithin, "1"}, {"further on", 0, "3"}} {
		t.Run(tc.name, func(t *testing.T) {
			now := fixedClock()
			m := newMapper(labDevices, func() time.Time { return now })
			registeredLab(m)
			var got []string
			bridged := 0
			for _, msg := range readCapture(t, "e6-transfer-by-deskline-to-nonexistent-ext.txt") {
				if msg.Event() == "Hangup" && msg.Get("Channel") == "PJSIP/carrier-00000011" {
					now = now.Add(tc.late)
					msg = edgeMsg("Event", "Hangup", "Channel", msg.Get("Channel"), "Uniqueid", msg.Get("Uniqueid"),
						"Linkedid", msg.Get("Linkedid"), "Context", "office", "Exten", "777", "Priority", tc.priority, "Cause", "16")
				}
				for _, e := range m.handle(msg) {
					got = append(got, line(e))
				}
				if msg.Event() == "BridgeEnter" {
					if bridged++; bridged == 2 {
						leg, far, err := m.farParty("1796518263.17", "201")
						if err != nil {
							t.Fatal(err)
						}
						m.intend(leg.uid, intent{kind: intentTransfer, to: "777", by: "201", moved: far})
					}
				}
			}
			want := []string{
				"delivered 201 alerting in other=+49301234567(Jane Doe) call=1796518263.17",
				"established 201 connected in other=+49301234567(Jane Doe) call=1796518263.17 answeredBy=201",
				"transferred 201 cleared in other=+49301234567(Jane Doe) call=1796518263.17 cause=transferred by=201 to=777",
				"cleared 201 cleared in other=+49301234567(Jane Doe) call=1796518263.17 cause=transferred",
			}
			same(t, got, want)
			if len(m.redirects) != 0 {
				t.Errorf("%d redirects still pending", len(m.redirects))
			}
		})
	}
}
