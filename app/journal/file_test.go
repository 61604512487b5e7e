package journal

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

func TestJournalCorruptFileMovedAside(t *testing.T) {
	for name, content := range map[string]string{
		"bad json":      `{"version":1,"entries":[{"id":`,
		"truncated":     `{"version":1,"entries":[{"id":"a","start":"2026-11-26T09:00:00Z","direction":"incoming","outcome":"missed"}`,
		"wrong version": `{"version":2,"entries":[]}`,
		"no version":    `{"entries":[]}`,
		"not an object": `[1,2,3]`,
		"empty file":    ``,
	} {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "journal.json")
			if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
				t.Fatal(err)
			}
			j, warnings, err := Open(path, 10)
			if err != nil {
				t.Fatalf("Open: %v", err)
			}
			defer j.Close()
			aside, _ := filepath.Glob(path + ".corrupt-*")
			if len(aside) != 1 {
				t.Fatalf("corrupt copies: %v, want one", aside)
			}
			kept, _ := os.ReadFile(aside[0])
			if string(kept) != content {
				t.Fatalf("moved-aside file holds %q, want the original", kept)
			}
			if len(warnings) != 1 || !strings.Contains(warnings[0].Error(), path) ||
				!strings.Contains(warnings[0].Error(), aside[0]) || !strings.Contains(warnings[0].Error(), "corrupt") {
				t.Fatalf("warnings %q: want one naming %s and %s", warnings, path, aside[0])
			}
			if len(j.Entries()) != 0 {
				t.Fatal("a corrupt journal did not start empty")
			}
			// The fresh journal works and writes a new file.
			if err := j.Add(journalCall("a", 1)); err != nil {
				t.Fatal(err)
			}
			if _, err := os.Stat(path); err != nil {
				t.Fatal(err)
			}
		})
	}
}

func TestJournalSecondCorruptionKeepsFirstCopy(t *testing.T) {
	path := filepath.Join(t.TempDir(), "journal.json")
	for i := 0; i < 2; i++ {
		os.WriteFile(path, []byte("garbage"), 0o600)
		j, _, err := Open(path, 10)
		if err != nil {
			t.Fatal(err)
		}
		j.Close()
	}
	if aside, _ := filepath.Glob(path + ".corrupt-*"); len(aside) != 2 {
		t.Fatalf("corrupt copies %v, want two", aside)
	}
}

func TestJournalBadEntriesDropped(t *testing.T) {
	path := filepath.Join(t.TempDir(), "journal.json")
	content := `{"version":1,"entries":[
{"id":"good","start":"2026-11-26T09:00:00Z","direction":"incoming","number":"201","outcome":"missed"},
{"id":"bad-outcome","start":"2026-11-26T09:01:00Z","direction":"incoming","outcome":"vanished"},
{"id":"bad-time","start":"yesterday","direction":"incoming","outcome":"missed"},
{"id":"good","start":"2026-11-26T09:02:00Z","direction":"incoming","outcome":"missed"}
]}`
	os.WriteFile(path, []byte(content), 0o600)
	j, warnings, err := Open(path, 10)
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	if got := journalIDs(j.Entries()); got != "good" {
		t.Fatalf("entries %s, want good", got)
	}
	want := []string{"entry 2 dropped", `unknown outcome "vanished"`, "entry 3 dropped", "entry 4 dropped", `duplicate id "good"`}
	all := errors.Join(asErrors(warnings)...).Error()
	for _, w := range want {
		if !strings.Contains(all, w) {
			t.Errorf("warnings lack %q:\n%s", w, all)
		}
	}
	if aside, _ := filepath.Glob(path + ".corrupt-*"); len(aside) != 0 {
		t.Fatalf("a file with some bad entries was moved aside: %v", aside)
	}
}

func TestJournalUnreadableIsError(t *testing.T) {
	dir := t.TempDir()
	// A folder where the file should be: unreadable for root too.
	path := filepath.Join(dir, "journal.json")
	os.Mkdir(path, 0o700)
	if _, _, err := Open(path, 10); err == nil || !strings.HasPrefix(err.Error(), "journal: ") {
		t.Fatalf("journal path is a folder: error %v", err)
	}
	if aside, _ := filepath.Glob(path + ".corrupt-*"); len(aside) != 0 {
		t.Fatalf("an unreadable journal was moved aside: %v", aside)
	}
	if os.Geteuid() == 0 {
		t.Log("running as root: permission case skipped")
		return
	}
	path = filepath.Join(dir, "locked.json")
	os.WriteFile(path, []byte(`{"version":1,"entries":[]}`), 0o000)
	if _, _, err := Open(path, 10); err == nil || !strings.Contains(err.Error(), "permission denied") {
		t.Fatalf("unreadable journal: error %v", err)
	}
}

func TestJournalMarkSeenAndUnseenMissed(t *testing.T) {
	path := filepath.Join(t.TempDir(), "journal.json")
	j := openForTest(t, path, 10)
	for i, id := range []string{"m1", "m2", "m3"} {
		j.Add(journalCall(id, i))
	}
	answered := journalCall("ans", 9)
	answered.Outcome = OutcomeAnswered
	rejected := journalCall("rej", 10)
	rejected.Outcome = OutcomeRejected
	j.Add(answered)
	j.Add(rejected)
	if n := j.UnseenMissed(); n != 3 {
		t.Fatalf("UnseenMissed %d, want 3 (answered and rejected are not missed)", n)
	}
	if err := j.MarkSeen("m1", "no-such-id"); err != nil {
		t.Fatal(err)
	}
	if n := j.UnseenMissed(); n != 2 {
		t.Fatalf("after MarkSeen(m1): %d, want 2", n)
	}
	// Survives a restart.
	j.Close()
	j = openForTest(t, path, 10)
	if n := j.UnseenMissed(); n != 2 {
		t.Fatalf("after reopening: %d, want 2", n)
	}
	if err := j.MarkSeen(); err != nil {
		t.Fatal(err)
	}
	if n := j.UnseenMissed(); n != 0 {
		t.Fatalf("after MarkSeen(): %d, want 0", n)
	}
	for _, e := range j.Entries() {
		if !e.Seen {
			t.Fatalf("MarkSeen() left %s unseen", e.ID)
		}
	}
}

func TestJournalClear(t *testing.T) {
	path := filepath.Join(t.TempDir(), "journal.json")
	j := openForTest(t, path, 10)
	j.Add(journalCall("a", 1))
	if err := j.Clear(); err != nil {
		t.Fatal(err)
	}
	j.Close()
	if n := len(openForTest(t, path, 10).Entries()); n != 0 {
		t.Fatalf("%d entries after Clear and reopen", n)
	}
}

func TestJournalSubscribe(t *testing.T) {
	j := openForTest(t, filepath.Join(t.TempDir(), "journal.json"), 10)
	var mu sync.Mutex
	var seen []int
	cancel := j.Subscribe(func() {
		n := len(j.Entries()) // reading from the callback must not deadlock
		mu.Lock()
		seen = append(seen, n)
		mu.Unlock()
	})
	j.Add(journalCall("a", 1))
	j.Add(journalCall("b", 2))
	j.MarkSeen("a")
	j.MarkSeen("a") // no change, no call
	j.Clear()
	j.Clear() // already empty
	cancel()
	cancel()
	j.Add(journalCall("c", 3))
	mu.Lock()
	defer mu.Unlock()
	if got, want := len(seen), 4; got != want {
		t.Fatalf("%d notifications (%v), want %d", got, seen, want)
	}
	if seen[0] != 1 || seen[1] != 2 || seen[3] != 0 {
		t.Fatalf("callbacks saw sizes %v, want [1 2 2 0]", seen)
	}
}

func TestJournalClosed(t *testing.T) {
	j := openForTest(t, filepath.Join(t.TempDir(), "journal.json"), 10)
	j.Add(journalCall("a", 1))
	if err := j.Close(); err != nil {
		t.Fatal(err)
	}
	if err := j.Add(journalCall("b", 2)); err != ErrClosed {
		t.Fatalf("Add after Close: %v", err)
	}
	if n := len(j.Entries()); n != 1 {
		t.Fatalf("reading after Close: %d entries", n)
	}
}

// A failed write keeps the entry in memory and Close writes it.
func TestJournalWriteFailureKeptForClose(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "cfg")
	path := filepath.Join(dir, "journal.json")
	j := openForTest(t, path, 10)
	os.WriteFile(dir, []byte("a file where the folder should be"), 0o600)
	if err := j.Add(journalCall("a", 1)); err == nil || !strings.HasPrefix(err.Error(), "journal: ") {
		t.Fatalf("Add with an unwritable folder: error %v", err)
	}
	if n := len(j.Entries()); n != 1 {
		t.Fatalf("entry lost from memory: %d entries", n)
	}
	os.Remove(dir)
	if err := j.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if n := len(openForTest(t, path, 10).Entries()); n != 1 {
		t.Fatalf("Close did not write the pending entry: %d entries", n)
	}
}

func TestJournalConcurrentUse(t *testing.T) {
	path := filepath.Join(t.TempDir(), "journal.json")
	j := openForTest(t, path, 50)
	defer j.Subscribe(func() { j.UnseenMissed() })()
	var wg sync.WaitGroup
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 20; i++ {
				id := string(rune('a'+g)) + string(rune('0'+i%10))
				j.Add(journalCall(id, g*20+i))
				j.Recent(5)
				j.MarkSeen(id)
			}
		}()
	}
	wg.Wait()
	j.Close()
	if n := len(openForTest(t, path, 50).Entries()); n != 40 {
		t.Fatalf("%d entries after concurrent adds, want 40 distinct ids", n)
	}
}

// A journal written before entries said where a call went reads as
// before (To empty); one with a transfer target keeps it across a restart.
func TestJournalTransferTargetIsOptional(t *testing.T) {
	path := filepath.Join(t.TempDir(), "journal.json")
	old := `{"version":1,"entries":[{"id":"a","start":"2026-11-26T09:00:00Z","device":"201","direction":"incoming",` +
		`"number":"030 1234567","outcome":"answered","answered":"2026-11-26T09:00:05Z","end":"2026-11-26T09:03:00Z"}]}`
	if err := os.WriteFile(path, []byte(old), 0o600); err != nil {
		t.Fatal(err)
	}
	j := openForTest(t, path, 10)
	if e := j.Entries(); len(e) != 1 || e[0].To != "" || e[0].Outcome != OutcomeAnswered {
		t.Fatalf("old journal read as %+v", e)
	}
	moved := journalCall("b", 5)
	moved.Outcome, moved.Answered, moved.Cause, moved.To = OutcomeAnswered, moved.Start.Add(3e9), "transferred", "205"
	if err := j.Add(moved); err != nil {
		t.Fatal(err)
	}
	if err := j.Close(); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(path)
	if strings.Count(string(data), `"to":`) != 1 {
		t.Errorf("the file should name one target, for b only:\n%s", data)
	}
	again := openForTest(t, path, 10)
	if e := again.Entries(); len(e) != 2 || e[0].ID != "b" || e[0].To != "205" || e[1].To != "" {
		t.Fatalf("after a restart: %+v", e)
	}
}

// TestReadWarningsCarryFields: Read's warnings name the dropped entry or
// where the corrupt file went as fields.
func TestReadWarningsCarryFields(t *testing.T) {
	path := filepath.Join(t.TempDir(), "journal.json")
	os.WriteFile(path, []byte(`{"version":1,"entries":[{"id":""}]}`), 0o600)
	_, warnings, err := Open(path, 10)
	if err != nil || len(warnings) != 1 || warnings[0].Entry != 1 || warnings[0].Path != path || !strings.Contains(warnings[0].Reason, "no id") {
		t.Fatalf("bad entry: %+v, %v", warnings, err)
	}
	os.WriteFile(path, []byte(`[`), 0o600)
	_, warnings, err = Open(path, 10)
	if err != nil || len(warnings) != 1 || warnings[0].MovedTo == "" || warnings[0].Entry != 0 {
		t.Fatalf("corrupt file: %+v, %v", warnings, err)
	}
}

// asErrors lists warnings as errors, to join them for a search.
func asErrors(ws []*Warning) []error {
	errs := make([]error, len(ws))
	for i, w := range ws {
		errs[i] = w
	}
	return errs
}
