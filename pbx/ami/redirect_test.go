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
