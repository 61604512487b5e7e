package journal

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

var journalT0 = time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)

// journalCall is a missed incoming call starting i minutes after journalT0.
func journalCall(id string, i int) Entry {
	start := journalT0.Add(time.Duration(i) * time.Minute)
	return Entry{ID: id, Start: start, End: start.Add(20 * time.Second), Device: "201",
		Direction: "incoming", Number: "030 1234567", Name: "Jörg Müller", Outcome: OutcomeMissed, Cause: "no-answer"}
}

func openForTest(t *testing.T, path string, limit int) *Journal {
	t.Helper()
	j, warnings, err := Open(path, limit)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	if len(warnings) > 0 {
		t.Fatalf("Open warnings: %q", warnings)
	}
	t.Cleanup(func() { j.Close() })
	return j
}

func journalIDs(entries []Entry) string {
	ids := make([]string, len(entries))
	for i, e := range entries {
		ids[i] = e.ID
	}
	return strings.Join(ids, ",")
}

func TestJournalMissingFileIsEmpty(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sub", "journal.json")
	j := openForTest(t, path, 0)
	if n := len(j.Entries()); n != 0 {
		t.Fatalf("%d entries in a new journal", n)
	}
	if j.limit != DefaultLimit {
		t.Fatalf("limit %d, want default %d", j.limit, DefaultLimit)
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Fatalf("opening created the file: %v", err)
	}
}

func TestJournalOrderNewestFirst(t *testing.T) {
	j := openForTest(t, filepath.Join(t.TempDir(), "journal.json"), 10)
	for _, c := range []struct {
		id string
		at int
	}{{"b", 2}, {"a", 1}, {"d", 4}, {"c", 3}} {
		if err := j.Add(journalCall(c.id, c.at)); err != nil {
			t.Fatal(err)
		}
	}
	if got := journalIDs(j.Entries()); got != "d,c,b,a" {
		t.Fatalf("order %s, want d,c,b,a", got)
	}
	if got := journalIDs(j.Recent(2)); got != "d,c" {
		t.Fatalf("Recent(2) = %s", got)
	}
	if got := journalIDs(j.Recent(99)); got != "d,c,b,a" {
		t.Fatalf("Recent(99) = %s", got)
	}
	if got := j.Recent(0); len(got) != 0 {
		t.Fatalf("Recent(0) = %v", got)
	}
}

func TestJournalEntriesAreCopies(t *testing.T) {
	j := openForTest(t, filepath.Join(t.TempDir(), "journal.json"), 10)
	j.Add(journalCall("a", 1))
	got := j.Entries()
	got[0].Name = "changed"
	if j.Entries()[0].Name == "changed" {
		t.Fatal("Entries returned the journal's own slice")
	}
}

func TestJournalReplaceSameID(t *testing.T) {
	j := openForTest(t, filepath.Join(t.TempDir(), "journal.json"), 10)
	j.Add(journalCall("a", 1))
	j.Add(journalCall("b", 2))
	j.MarkSeen("a")
	// A resumed session records call a again, now known to be answered
	// elsewhere and with a later start: one entry, moved, still seen.
	e := journalCall("a", 3)
	e.Outcome = OutcomeAnsweredElsewhere
	if err := j.Add(e); err != nil {
		t.Fatal(err)
	}
	got := j.Entries()
	if journalIDs(got) != "a,b" {
		t.Fatalf("entries %s, want a,b", journalIDs(got))
	}
	if got[0].Outcome != OutcomeAnsweredElsewhere || !got[0].Seen {
		t.Fatalf("replaced entry %+v: want answered-elsewhere and still seen", got[0])
	}
}

func TestJournalIdenticalReplayDoesNotNotify(t *testing.T) {
	j := openForTest(t, filepath.Join(t.TempDir(), "journal.json"), 10)
	e := journalCall("a", 1)
	j.Add(e)
	calls := 0
	defer j.Subscribe(func() { calls++ })()
	e.Start = e.Start.In(time.FixedZone("CET", 3600)) // same instant, other zone
	if err := j.Add(e); err != nil {
		t.Fatal(err)
	}
	if calls != 0 || len(j.Entries()) != 1 {
		t.Fatalf("replay: %d notifications, %d entries; want 0 and 1", calls, len(j.Entries()))
	}
}

func TestJournalLimitDropsOldest(t *testing.T) {
	path := filepath.Join(t.TempDir(), "journal.json")
	j := openForTest(t, path, 3)
	for i := 1; i <= 5; i++ {
		j.Add(journalCall(fmt.Sprint(i), i))
	}
	if got := journalIDs(j.Entries()); got != "5,4,3" {
		t.Fatalf("entries %s, want 5,4,3", got)
	}
	// An entry older than everything kept falls off at once.
	j.Add(journalCall("0", 0))
	if got := journalIDs(j.Entries()); got != "5,4,3" {
		t.Fatalf("after an old entry: %s, want 5,4,3", got)
	}
	// A smaller limit on reopening trims, keeping the newest.
	j.Close()
	j2 := openForTest(t, path, 2)
	if got := journalIDs(j2.Entries()); got != "5,4" {
		t.Fatalf("reopened with limit 2: %s, want 5,4", got)
	}
}

func TestJournalPersistAndReopen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "journal.json")
	j := openForTest(t, path, 10)
	answered := journalCall("in-1", 1)
	answered.Outcome, answered.Cause = OutcomeAnswered, "normal"
	answered.Answered = answered.Start.Add(5 * time.Second)
	answered.End = answered.Start.Add(95 * time.Second)
	out := journalCall("out-1", 2)
	out.Direction, out.Outcome, out.Number, out.Name = "outgoing", OutcomeOutgoingFailed, "+49 30 555", ""
	withheld := journalCall("in-2", 3)
	withheld.Number, withheld.Name = "", ""
	for _, e := range []Entry{answered, out, withheld} {
		if err := j.Add(e); err != nil {
			t.Fatal(err)
		}
	}
	j.MarkSeen("in-2")
	want := j.Entries()
	if err := j.Close(); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Fatalf("journal mode %v, want 0600", fi.Mode().Perm())
	}
	got := openForTest(t, path, 10).Entries()
	if len(got) != len(want) {
		t.Fatalf("reopened %d entries, want %d", len(got), len(want))
	}
	for i := range want {
		if !got[i].same(want[i]) {
			t.Errorf("entry %d:\n got %+v\nwant %+v", i, got[i], want[i])
		}
	}
	if d := got[2].Duration(); d != 90*time.Second {
		t.Errorf("duration after reopen %v, want 1m30s", d)
	}
	if got[0].CanCallBack() || !got[1].CanCallBack() {
		t.Errorf("CanCallBack: withheld %v, outgoing %v", got[0].CanCallBack(), got[1].CanCallBack())
	}
	leftovers, _ := filepath.Glob(filepath.Join(filepath.Dir(path), ".*tmp*"))
	if len(leftovers) > 0 {
		t.Errorf("temporary files left: %v", leftovers)
	}
}

func TestJournalDuration(t *testing.T) {
	e := journalCall("a", 0)
	if e.Duration() != 0 {
		t.Fatalf("unanswered call has duration %v", e.Duration())
	}
	e.Answered = e.Start.Add(time.Second)
	e.End = e.Answered.Add(time.Minute)
	if e.Duration() != time.Minute {
		t.Fatalf("duration %v, want 1m", e.Duration())
	}
	e.End = time.Time{}
	if e.Duration() != 0 {
		t.Fatalf("call without end has duration %v", e.Duration())
	}
}

func TestJournalAddRejectsBadEntries(t *testing.T) {
	j := openForTest(t, filepath.Join(t.TempDir(), "journal.json"), 10)
	for name, mutate := range map[string]func(*Entry){
		"no id":          func(e *Entry) { e.ID = "" },
		"no start time":  func(e *Entry) { e.Start = time.Time{} },
		`direction "up"`: func(e *Entry) { e.Direction = "up" },
		`outcome "lost"`: func(e *Entry) { e.Outcome = "lost" },
	} {
		e := journalCall("x", 1)
		mutate(&e)
		err := j.Add(e)
		if err == nil || !strings.HasPrefix(err.Error(), "journal: entry") || !strings.Contains(err.Error(), name) {
			t.Errorf("%s: error %v", name, err)
		}
	}
	if n := len(j.Entries()); n != 0 {
		t.Fatalf("%d bad entries recorded", n)
	}
}
