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
	"github.com/deskline/deskline/app/journal"
	"github.com/deskline/deskline/ctiproto"
	"github.com/deskline/deskline/internal/testoffice"
	"github.com/deskline/deskline/internal/testoffice/testdesk"
)

// recentJournal is a made-up few days: today an unseen missed call from
// a contact, a withheld missed call already seen, a busy outgoing call,
// one a colleague took and one declined; yesterday an answered call and
// one transferred to a colleague; on Monday one forwarded while it rang.
// Times are fixed relative to testNow (Thursday 26 Nov, 10:00), so the
// master does not move.
func recentJournal() []journal.Entry {
	at := func(d time.Duration) time.Time { return testNow.Add(-d) }
	return []journal.Entry{
		{ID: "c1/201", Start: at(10 * time.Minute), End: at(9 * time.Minute), Device: "201", Direction: ctiproto.DirectionIncoming,
			Number: "+49 30 901820", Name: "Lena Hoffmann", Outcome: journal.OutcomeMissed, Cause: ctiproto.CauseNoAnswer},
		{ID: "c2/201", Start: at(40 * time.Minute), End: at(39 * time.Minute), Device: "201", Direction: ctiproto.DirectionIncoming,
			Outcome: journal.OutcomeMissed, Seen: true},
		{ID: "c3/201", Start: at(70 * time.Minute), End: at(68 * time.Minute), Device: "201", Direction: ctiproto.DirectionOutgoing,
			Number: "030 1234567", Outcome: journal.OutcomeOutgoingFailed, Cause: ctiproto.CauseBusy},
		{ID: "c4/201", Start: at(90 * time.Minute), End: at(89 * time.Minute), Device: "201", Direction: ctiproto.DirectionIncoming,
			Number: "204", Name: "Carl", Outcome: journal.OutcomeAnsweredElsewhere, Cause: ctiproto.CausePickedUpElsewhere},
		{ID: "c5/201", Start: at(100 * time.Minute), End: at(100 * time.Minute), Device: "201", Direction: ctiproto.DirectionIncoming,
			Number: "+49 40 3344556", Outcome: journal.OutcomeRejected, Cause: ctiproto.CauseRejected},
		{ID: "c6/201", Start: at(26 * time.Hour), Answered: at(26*time.Hour - 5*time.Second), End: at(26*time.Hour - 192*time.Second),
			Device: "201", Direction: ctiproto.DirectionIncoming, Number: "+49 171 5550123", Name: "Lena Hoffmann", Outcome: journal.OutcomeAnswered},
		{ID: "c7/201", Start: at(28 * time.Hour), Answered: at(28*time.Hour - 4*time.Second), End: at(28*time.Hour - 64*time.Second),
			Device: "201", Direction: ctiproto.DirectionIncoming, Number: "030 7654321", Outcome: journal.OutcomeAnswered,
			Cause: ctiproto.CauseTransferred, To: "204"},
		{ID: "c8/201", Start: at(74 * time.Hour), End: at(74*time.Hour - 9*time.Second), Device: "201",
			Direction: ctiproto.DirectionIncoming, Number: "+49 89 7654321", Outcome: journal.OutcomeRejected,
			Cause: ctiproto.CauseDeflected, To: "+49 40 3344556"},
	}
}

func recentFill(t *testing.T, d *app.Desk, entries []journal.Entry) {
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
		if r, ok := o.(*recentRow); ok && r.Visible() && r.item.entry.ID != "" {
			rows = append(rows, r)
		}
	})
	slices.SortFunc(rows, func(a, b *recentRow) int { return b.item.entry.Start.Compare(a.item.entry.Start) })
	return rows
}

// recentShown is what the list shows, top to bottom: a day's heading as
// its title, a call as recentRowText. It scrolls through the whole list,
// since a list draws only the rows in view.
func recentShown(t *testing.T, v *recentView) []string {
	t.Helper()
	var out []string
	for id := range v.items {
		v.list.ScrollTo(id)
		var row *recentRow
		dialWalk(v.list, func(o fyne.CanvasObject) {
			if r, ok := o.(*recentRow); ok && r.Visible() && r.item == v.items[id] {
				row = r
			}
		})
		switch {
		case row == nil:
			t.Fatalf("item %d (%+v) is not drawn", id, v.items[id])
		case row.day.Visible():
			out = append(out, row.day.Text)
		default:
			out = append(out, recentRowText(row))
		}
	}
	v.list.ScrollToTop()
	return out
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
		if r.item.entry.ID == id {
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
	if v.win.window().Title() != "Deskline: recent calls" {
		t.Fatalf("title %q", v.win.window().Title())
	}
	at := func(d time.Duration) string { return testNow.Add(-d).Local().Format("15:04") }
	want := []string{
		"Today",
		"Lena Hoffmann | +49 30 901820 · Missed | " + at(10*time.Minute),
		"Number withheld | Missed | " + at(40*time.Minute),
		"+49 30 1234567 | Not reached (busy) | " + at(70*time.Minute),
		"Carl | 204 · Answered by a colleague | " + at(90*time.Minute),
		"Lennart Krüger | +49 40 3344556 · Declined | " + at(100*time.Minute),
		"Yesterday",
		"Lena Hoffmann | +49 171 5550123 · Answered · 3:07 | " + at(26*time.Hour),
		// Found in the books by number: the caller and where the call went.
		"Lena Hoffmann | +49 30 7654321 · Answered · transferred to Carl Colleague · 1:00 | " + at(28*time.Hour),
		"Monday 23 Nov",
		"+49 89 7654321 | Forwarded to Lennart Krüger | " + at(74*time.Hour),
	}
	if got := recentShown(t, v); !slices.Equal(got, want) {
		t.Fatalf("rows:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
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
	test.AssertRendersToMarkup(t, "recent_list.xml", u.recent.win.window().Canvas())
	snapshot(t, "recent_list.xml", u.recent.win.window().Canvas())
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

// "Missed only" lists the missed calls, still by day, and says so when
// there are none; unticked, everything is back.
func TestRecentMissedOnly(t *testing.T) {
	o := testoffice.Start(t, nil)
	d := testdesk.Open(t, o, "ann", dialBook)
	u, _ := newTestUI(t, d)
	entries := recentJournal()
	older := entries[0]
	older.ID, older.Start, older.End, older.Seen = "c9/201", testNow.Add(-50*time.Hour), testNow.Add(-50*time.Hour+time.Minute), true
	recentFill(t, d, append(entries, older))
	waitRender(t, u, "one unseen missed call", func(s app.State) bool { return s.MissedUnseen == 1 })
	u.recent.show()
	v := u.recent
	test.Tap(v.missedOnly)
	at := func(d time.Duration) string { return testNow.Add(-d).Local().Format("15:04") }
	want := []string{
		"Today",
		"Lena Hoffmann | +49 30 901820 · Missed | " + at(10*time.Minute),
		"Number withheld | Missed | " + at(40*time.Minute),
		"Tuesday 24 Nov",
		"Lena Hoffmann | +49 30 901820 · Missed | " + at(50*time.Hour),
	}
	if got := recentShown(t, v); !slices.Equal(got, want) {
		t.Fatalf("missed only:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if v.empty.Visible() || v.summary.Text != "1 missed call you have not seen" {
		t.Errorf("placeholder shown %v, summary %q", v.empty.Visible(), v.summary.Text)
	}
	test.Tap(v.missedOnly)
	if n := len(recentShown(t, v)); n != 13 { // 9 calls under 4 days
		t.Errorf("unticked: %d rows, want all 13", n)
	}

	if err := d.Journal.Clear(); err != nil {
		t.Fatal(err)
	}
	recentFill(t, d, entries[5:6]) // an answered call only
	test.Tap(v.missedOnly)
	if !v.empty.Visible() || v.empty.Text != "No missed calls" || len(v.items) != 0 {
		t.Errorf("no missed call: placeholder %q visible %v, %d rows", v.empty.Text, v.empty.Visible(), len(v.items))
	}
}

func TestDayTitle(t *testing.T) {
	now := time.Date(2026, 11, 26, 0, 30, 0, 0, time.UTC) // just after midnight
	for _, c := range []struct {
		at   time.Time
		want string
	}{
		{now, "Today"},
		{time.Date(2026, 11, 26, 23, 59, 0, 0, time.UTC), "Today"},
		{time.Date(2026, 11, 25, 23, 59, 0, 0, time.UTC), "Yesterday"},
		{time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC), "Yesterday"},
		{time.Date(2026, 11, 24, 23, 59, 0, 0, time.UTC), "Tuesday 24 Nov"},
		{time.Date(2025, 11, 30, 9, 0, 0, 0, time.UTC), "Sunday 30 Nov 2025"},
		// A call at 23:30 UTC is after midnight in Berlin: today there.
		{time.Date(2026, 11, 25, 23, 30, 0, 0, time.UTC), "Today"},
	} {
		n := now
		if c.want == "Today" && c.at.Day() == 25 {
			berlin := time.FixedZone("CET", 3600)
			n = now.In(berlin)
		}
		if got := dayTitle(c.at, n); got != c.want {
			t.Errorf("dayTitle(%v, %v) = %q, want %q", c.at, n, got, c.want)
		}
	}
	// Across New Year: yesterday is 31 Dec of the year before.
	if got := dayTitle(time.Date(2026, 12, 31, 20, 0, 0, 0, time.UTC), time.Date(2027, 1, 1, 8, 0, 0, 0, time.UTC)); got != "Yesterday" {
		t.Errorf("New Year's Eve from New Year's Day: %q", got)
	}
}
