package ui

import (
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"github.com/deskline/deskline/internal/testoffice"
	"github.com/deskline/deskline/internal/testoffice/testdesk"
)

// A call through a ring group says which one and how long the caller has
// waited, ticking while it rings and standing still once answered (issue
// 13 item 8): a real server and the simulated exchange's group 600
// ("Front desk"), which rings ann's 201 and bob's 203.
func TestConsoleShowsQueueAndWait(t *testing.T) {
	o := testoffice.Start(t, nil)
	d := testdesk.Open(t, o, "ann", popBook)
	u, _ := newTestUI(t, d)
	id := o.Ring("600", popJaneNumber, "")
	s := waitRender(t, u, "ringing through 600", ringing(id))
	joined := s.Ringing()[0].QueueJoined
	if joined.IsZero() {
		t.Fatalf("ringing call %+v: no queue join time", s.Ringing()[0])
	}
	c := onlyCard(t, u)
	for _, tc := range []struct {
		after time.Duration
		want  string
	}{{42 * time.Second, "Front desk · waited 0:42"}, {43 * time.Second, "Front desk · waited 0:43"}} {
		u.now = func() time.Time { return joined.Add(tc.after) }
		u.console.tick()
		if !c.queue.Visible() || c.queue.Text != tc.want {
			t.Fatalf("+%v: queue line %q (shown %v), want %q", tc.after, c.queue.Text, c.queue.Visible(), tc.want)
		}
	}
	test.Tap(c.answer)
	s = waitRender(t, u, "answered on 201", popConnectedOn(id, "201"))
	call, _ := findCall(s, id)
	answeredAfter := call.Since.Sub(joined)
	u.now = func() time.Time { return joined.Add(answeredAfter + time.Hour) }
	u.console.tick()
	if want := "Front desk · waited " + since(answeredAfter); c.kind != cardLive || c.queue.Text != want {
		t.Fatalf("answered: kind %d, queue line %q, want %q (the wait stops at the answer)", c.kind, c.queue.Text, want)
	}

	direct := o.Ring("201", popJaneNumber, "")
	waitRender(t, u, "a direct call rings", ringing(direct))
	if dc := card(t, u, direct); dc.queue.Visible() {
		t.Fatalf("a direct call shows queue line %q", dc.queue.Text)
	}
}

// A card first seen on a live call (the tray started mid-call) does not
// know when the call was answered: it names the queue without a wait,
// rather than count talk time as waiting.
func TestQueueWaitUnknownOnACallFirstSeenLive(t *testing.T) {
	u, _ := newTestUI(t, popOfflineDesk(t))
	u.Render(popState(popJane("c0", 7))) // the console opens on a ringing call
	live := cwTalking("c1", 90)
	live.Queue, live.QueueJoined = "Sales", time.Now().Add(-10*time.Minute)
	u.Render(popState(popJane("c0", 7), live))
	if got := card(t, u, "c1").queue.Text; got != "Sales" {
		t.Errorf("queue line %q, want the name alone", got)
	}
}
