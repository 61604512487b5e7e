package ui

import (
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/deskline/deskline/app"
	"github.com/deskline/deskline/ctiproto"
	"github.com/deskline/deskline/internal/testoffice"
	"github.com/deskline/deskline/internal/testoffice/testdesk"
)

// recentJournal is a made-up day: an unseen missed call from a contact,
// a withheld missed call already seen, an answered call yesterday, a busy
// outgoing call, one a colleague took and one declined. Times are fixed
// relative to testNow, so the master does not move.
func recentJournal() []app.JournalEntry {
	at := func(d time.Duration) time.Time { return testNow.Add(-d) }
	return []app.JournalEntry{
		{ID: "c1/201", Start: at(10 * time.Minute), End: at(9 * time.Minute), Device: "201", Direction: ctiproto.DirectionIncoming,
			Number: "+49 30 901820", Name: "Lena Hoffmann", Outcome: app.OutcomeMissed, Cause: ctiproto.CauseNoAnswer},
		{ID: "c2/201", Start: at(40 * time.Minute), End: at(39 * time.Minute), Device: "201", Direction: ctiproto.DirectionIncoming,
			Outcome: app.OutcomeMissed, Seen: true},
		{ID: "c3/201", Start: at(70 * time.Minute), End: at(68 * time.Minute), Device: "201", Direction: ctiproto.DirectionOutgoing,
			Number: "030 1234567", Outcome: app.OutcomeOutgoingFailed, Cause: ctiproto.CauseBusy},
		{ID: "c4/201", Start: at(90 * time.Minute), End: at(89 * time.Minute), Device: "201", Direction: ctiproto.DirectionIncoming,
			Number: "204", Name: "Carl", Outcome: app.OutcomeAnsweredElsewhere, Cause: ctiproto.CausePickedUpElsewhere},
		{ID: "c5/201", Start: at(100 * time.Minute), End: at(100 * time.Minute), Device: "201", Direction: ctiproto.DirectionIncoming,
			Number: "+49 40 3344556", Outcome: app.OutcomeRejected, Cause: ctiproto.CauseRejected},
		{ID: "c6/201", Start: at(26 * time.Hour), Answered: at(26*time.Hour - 5*time.Second), End: at(26*time.Hour - 192*time.Second),
			Device: "201", Direction: ctiproto.DirectionIncoming, Number: "+49 171 5550123", Name: "Lena Hoffmann", Outcome: app.OutcomeAnswered},
	}
}

func recentFill(t *testing.T, d *app.Desk, entries []app.JournalEntry) {
	t.Helper()
	for _, e := range entries {
		if err := d.Journal.Add(e); err != nil {
			t.Fatal(err)
		}
	}
}

// recentRows lists the rows the list draws, in order.
func recentRows(v *recentView) []*recentRow {
	var rows []*recentRow
	dialWalk(v.list, func(o fyne.CanvasObject) {
		if r, ok := o.(*recentRow); ok && r.Visible() && r.entry.ID != "" {
			rows = append(rows, r)
		}
	})
	slices.SortFunc(rows, func(a, b *recentRow) int { return b.entry.Start.Compare(a.entry.Start) })
	return rows
}

func recentRowText(r *recentRow) string {
	var texts []string
	for _, seg := range r.who.Segments {
		texts = append(texts, seg.(*widget.TextSegment).Text)
	}
	return strings.Join(append(texts, r.when.Text), " | ")
}

func recentRowFor(t *testing.T, v *recentView, id string) *recentRow {
	t.Helper()
	for _, r := range recentRows(v) {
		if r.entry.ID == id {
			return r
		}
	}
	t.Fatalf("no row for %s", id)
	return nil
}

func TestRecentListsTheJournal(t *testing.T) {
	o := testoffice.Start(t, nil)
	d := testdesk.Open(t, o, "ann", dialBook)
	u, _ := newTestUI(t, d)
	recentFill(t, d, recentJournal())
	waitRender(t, u, "one unseen missed call", func(s app.State) bool { return s.MissedUnseen == 1 })
	u.recent.show()
	v := u.recent
	if v.w.Title() != "Deskline: recent calls" {
		t.Fatalf("title %q", v.w.Title())
	}
	yesterday := when(testNow.Add(-26*time.Hour), testNow.Local())
	want := []string{
		"Lena Hoffmann | +49 30 901820 · Missed | " + when(testNow.Add(-10*time.Minute), testNow.Local()),
		"Number withheld | Missed | " + when(testNow.Add(-40*time.Minute), testNow.Local()),
		"+49 30 1234567 | Not reached (busy) | " + when(testNow.Add(-70*time.Minute), testNow.Local()),
		"Carl | 204 · Answered by a colleague | " + when(testNow.Add(-90*time.Minute), testNow.Local()),
		"Lennart Krüger | +49 40 3344556 · Declined | " + when(testNow.Add(-100*time.Minute), testNow.Local()),
		"Lena Hoffmann | +49 171 5550123 · Answered · 3:07 | " + yesterday,
	}
	var got []string
	for _, r := range recentRows(v) {
		got = append(got, recentRowText(r))
	}
	if !slices.Equal(got, want) {
		t.Fatalf("rows:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if !strings.Contains(yesterday, " ") || strings.Contains(got[0], "Nov") {
		t.Errorf("today should show the time only, earlier days the date: %q, %q", got[0], yesterday)
	}

	missed := recentRowFor(t, v, "c1/201")
	if seg := missed.who.Segments[0].(*widget.TextSegment); seg.Style.ColorName != theme.ColorNameError || !seg.Style.TextStyle.Bold {
		t.Errorf("unseen missed call not highlighted: %+v", seg.Style)
	}
	if seg := recentRowFor(t, v, "c2/201").who.Segments[0].(*widget.TextSegment); seg.Style.ColorName == theme.ColorNameError {
		t.Error("a missed call already seen is still red")
	}
	if !recentRowFor(t, v, "c2/201").call.Disabled() || missed.call.Disabled() {
		t.Error("Call back should be off for the withheld caller only")
	}
	if v.summary.Text != "1 missed call you have not seen" || v.markSeen.Disabled() {
		t.Errorf("summary %q, Mark all seen enabled %v", v.summary.Text, !v.markSeen.Disabled())
	}

	u.Render(app.State{Status: app.StatusDisconnected, Reason: "server unreachable"})
	if !missed.call.Disabled() {
		t.Error("Call back stays on while disconnected")
	}
}

func TestRecentCallBackDials(t *testing.T) {
	o := testoffice.Start(t, nil)
	d := testdesk.Open(t, o, "ann", dialBook)
	u, _ := newTestUI(t, d)
	recentFill(t, d, recentJournal())
	waitRender(t, u, "one unseen missed call", func(s app.State) bool { return s.MissedUnseen == 1 })
	u.recent.show()
	test.Tap(recentRowFor(t, u.recent, "c1/201").call)
	waitRender(t, u, "a call back to Lena", dialCallTo(d, "+4930901820"))
	if n := d.Journal.UnseenMissed(); n != 0 {
		t.Errorf("calling back left %d missed calls unseen", n)
	}
	if u.recent.problem.Visible() {
		t.Errorf("error shown: %q", u.recent.problem.Text)
	}
}

func TestRecentMarkAllSeen(t *testing.T) {
	o := testoffice.Start(t, nil)
	d := testdesk.Open(t, o, "ann", dialBook)
	u, _ := newTestUI(t, d)
	entries := recentJournal()
	second := entries[0]
	second.ID, second.Start, second.Number = "c7/201", testNow.Add(-5*time.Minute), "+49 40 3344556"
	recentFill(t, d, append(entries, second))
	waitRender(t, u, "two unseen missed calls", func(s app.State) bool { return s.MissedUnseen == 2 })
	u.recent.show()
	if u.recent.summary.Text != "2 missed calls you have not seen" {
		t.Fatalf("summary %q", u.recent.summary.Text)
	}
	test.Tap(u.recent.markSeen)
	waitRender(t, u, "no unseen missed call", func(s app.State) bool { return s.MissedUnseen == 0 })
	if d.Journal.UnseenMissed() != 0 || !u.recent.markSeen.Disabled() || u.recent.summary.Text != "" {
		t.Errorf("after Mark all seen: unseen %d, button enabled %v, summary %q",
			d.Journal.UnseenMissed(), !u.recent.markSeen.Disabled(), u.recent.summary.Text)
	}
	if seg := recentRowFor(t, u.recent, "c1/201").who.Segments[0].(*widget.TextSegment); seg.Style.ColorName == theme.ColorNameError {
		t.Error("the missed call is still red")
	}
}

func TestRecentEmpty(t *testing.T) {
	o := testoffice.Start(t, nil)
	d := testdesk.Open(t, o, "ann")
	u, _ := newTestUI(t, d)
	u.recent.show()
	if !u.recent.empty.Visible() || u.recent.empty.Text != "No calls yet" {
		t.Fatalf("empty journal: placeholder visible %v, %q", u.recent.empty.Visible(), u.recent.empty.Text)
	}
	recentFill(t, d, recentJournal()[:1])
	waitRender(t, u, "the new entry", func(s app.State) bool { return s.MissedUnseen == 1 })
	if u.recent.empty.Visible() || len(recentRows(u.recent)) != 1 {
		t.Fatalf("after a call: placeholder visible %v, %d rows", u.recent.empty.Visible(), len(recentRows(u.recent)))
	}
}

func TestRecentWithoutDesk(t *testing.T) {
	u, _ := newTestUI(t, nil) // nothing to list, nothing to crash on
	u.recent.show()
	if !u.recent.empty.Visible() || !u.recent.markSeen.Disabled() {
		t.Error("no desk: the placeholder is not shown")
	}
}

// TestRecentMaster pins the look of a made-up journal with a missed call.
func TestRecentMaster(t *testing.T) {
	o := testoffice.Start(t, nil)
	d := testdesk.Open(t, o, "ann", dialBook)
	u, _ := newTestUI(t, d)
	recentFill(t, d, recentJournal())
	u.Render(app.State{Status: app.StatusConnected, User: "ann", DisplayName: "Ann Archer", MissedUnseen: 1,
		Exchange: app.ExchangeStatus{Available: true}, Capabilities: map[string]bool{ctiproto.TypeMakeCall: true}})
	u.recent.show()
	test.AssertRendersToMarkup(t, "recent_list.xml", u.recent.w.Canvas())
	snapshot(t, "recent_list.xml", u.recent.w.Canvas())
}

// A call back that fails says so in the same words from the tray and from
// the window: in the recent calls window while it is open, else as a
// notification. The missed call stays unseen.
func TestCallBackFailureOneWay(t *testing.T) {
	d := popOfflineDesk(t) // set up, never connected
	u, _ := newTestUI(t, d)
	recentFill(t, d, recentJournal()[:1])
	e := d.Journal.Recent(1)[0]
	test.AssertNotificationSent(t, &fyne.Notification{Title: "Cannot call back", Content: "Not connected to the server"}, func() {
		u.callBack(e) // the tray's Recent calls menu, no window open
	})
	u.recent.show()
	if !recentRowFor(t, u.recent, "c1/201").call.Disabled() {
		t.Error("Call back is on without a connection")
	}
	test.AssertNotificationSent(t, nil, func() {
		u.callBack(e) // the row's button, or the tray while the window is open
	})
	if p := u.recent.problem; !p.Visible() || p.Text != "Cannot call back: Not connected to the server" {
		t.Errorf("window problem %q (visible %v)", p.Text, p.Visible())
	}
	if n := d.Journal.UnseenMissed(); n != 1 {
		t.Errorf("a failed call back marked the call seen (%d unseen)", n)
	}
	test.Tap(u.recent.markSeen) // works without the server: the journal is local
	if n := d.Journal.UnseenMissed(); n != 0 || u.recent.problem.Visible() && strings.HasPrefix(u.recent.problem.Text, "Cannot mark") {
		t.Errorf("Mark all seen: %d unseen, problem %q", n, u.recent.problem.Text)
	}
}
