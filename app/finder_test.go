package app

import (
	"strings"
	"testing"
	"time"

	"github.com/deskline/deskline/ctiproto"
)

// recv is the next answer, failing (never hanging) when none comes.
func recv(t *testing.T, ch <-chan Answer) Answer {
	t.Helper()
	select {
	case a := <-ch:
		return a
	case <-time.After(10 * time.Second):
		t.Fatal("no answer in 10 s")
		return Answer{}
	}
}

// wait waits for ch to close, at most 10 s: a server's handler never
// hangs the test.
func wait(ch chan struct{}) {
	select {
	case <-ch:
	case <-time.After(10 * time.Second):
	}
}

// none fails when an answer comes within d.
func none(t *testing.T, ch <-chan Answer, d time.Duration, what string) {
	t.Helper()
	select {
	case a := <-ch:
		t.Fatalf("%s: answer for %q handed on", what, a.Text)
	case <-time.After(d):
	}
}

// Enter before the directory answered: Flush asks at once, without
// waiting out the debounce, and hands on the merged rows.
func TestFinderFlushAsksAtOnce(t *testing.T) {
	ds := newDirServer(t, []string{"Staff"}, searchAnswer)
	d := dirDesk(t, ds.url)
	answers, flushed := make(chan Answer, 10), make(chan Answer, 10)
	f := NewFinder(Find{Books: d.opts.Directory, Numbers: d.opts.Numbers}, d.Client, func(a Answer) { answers <- a })
	f.Debounce = time.Hour // never by itself in this test
	f.Type(d.State(), "jane")
	if !f.Flush(func(a Answer) { flushed <- a }) {
		t.Fatal("nothing pending after typing jane")
	}
	a := recv(t, flushed)
	if a.Text != "jane" || !f.Current(a) || a.Unreachable || !strings.Contains(rowsText(a.Rows), "Clara jane") || !strings.HasPrefix(rowsText(a.Rows), "Jane Doe") {
		t.Fatalf("flushed %q current %v: %s", a.Text, f.Current(a), rowsText(a.Rows))
	}
	recv(t, answers) // the list gets it too
	// Once answered, Enter gets the same rows again, with no new request.
	if !f.Flush(func(a Answer) { flushed <- a }) {
		t.Fatal("answered search not kept")
	}
	if a := recv(t, flushed); !strings.Contains(rowsText(a.Rows), "Clara jane") {
		t.Fatalf("second flush %s", rowsText(a.Rows))
	}
	if n := len(ds.requests(ctiproto.TypeSearch)); n != 1 {
		t.Fatalf("%d searches", n)
	}
	// Too short to ask: nothing pending, the rows shown are final.
	f.Type(d.State(), "j")
	if f.Flush(func(Answer) { t.Error("flushed a text that asks nothing") }) {
		t.Fatal("pending for one letter")
	}
}

// A search that fails gives the local rows; one for text typed over
// (or a stopped finder) gives nothing.
func TestFinderFlushFailsToLocalRows(t *testing.T) {
	release, release2 := make(chan struct{}), make(chan struct{})
	ds := newDirServer(t, []string{"Staff"}, func(m ctiproto.Message) ctiproto.Message {
		s, ok := m.(*ctiproto.Search)
		switch {
		case !ok:
			return nil
		case s.Query == "held":
			wait(release)
			return searchAnswer(m)
		case s.Query == "still":
			wait(release2)
			return searchAnswer(m)
		}
		return &ctiproto.Error{ID: s.ID, Code: "rate-limited", Message: "slow down"}
	})
	d := dirDesk(t, ds.url)
	flushed := make(chan Answer, 10)
	f := NewFinder(Find{Books: d.opts.Directory, Numbers: d.opts.Numbers}, d.Client, func(Answer) {})
	f.Debounce = time.Hour
	f.Type(d.State(), "max")
	f.Flush(func(a Answer) { flushed <- a })
	if a := recv(t, flushed); rowsText(a.Rows) != "Max Mustermann +49 89 123456" || !a.Unreachable {
		t.Fatalf("after a failed search: %s (unreachable %v)", rowsText(a.Rows), a.Unreachable)
	}
	f.Type(d.State(), "held")
	f.Flush(func(a Answer) { flushed <- a })
	waitRequests(t, ds, 2)
	f.Type(d.State(), "helde")
	close(release)
	none(t, flushed, 300*time.Millisecond, "text typed over")
	f.Type(d.State(), "still")
	f.Flush(func(a Answer) { flushed <- a })
	waitRequests(t, ds, 3)
	f.Stop()
	close(release2)
	none(t, flushed, 300*time.Millisecond, "stopped finder")
}

// Offline nothing is pending: Enter acts on the user's books at once.
func TestFinderFlushOffline(t *testing.T) {
	ds := newDirServer(t, []string{"Staff"}, searchAnswer)
	d := dirDesk(t, ds.url)
	d.stop()
	f := NewFinder(Find{Books: d.opts.Directory, Numbers: d.opts.Numbers}, d.Client, func(Answer) {})
	f.Type(d.State(), "max")
	if f.Flush(func(Answer) { t.Error("flushed offline") }) {
		t.Fatal("pending offline")
	}
}
