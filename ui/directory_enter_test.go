package ui

import (
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/deskline/deskline/internal/testoffice"
	"github.com/deskline/deskline/internal/testoffice/testdesk"
)

// Enter before the directory answered, as a fast typist presses it: the
// fields run as the app does (not Synchronous), their background work
// posted to a channel the test drains on its own goroutine, as Fyne's
// main loop would.

// posting makes u's background work post to the channel returned; the
// search fields then run asynchronously.
func posting(u *UI) chan func() {
	ch := make(chan func(), 256)
	u.run.post = func(f func()) { ch <- f }
	return ch
}

// drain runs what was posted until done, failing (never hanging) after
// 10 s.
func drain(t *testing.T, posted chan func(), what string, done func() bool) {
	t.Helper()
	timeout := time.After(10 * time.Second)
	for !done() {
		select {
		case f := <-posted:
			f()
		case <-timeout:
			t.Fatalf("waiting for %s", what)
		}
	}
}

// settle runs what is posted for d.
func settle(posted chan func(), d time.Duration) {
	timeout := time.After(d)
	for {
		select {
		case f := <-posted:
			f()
		case <-timeout:
			return
		}
	}
}

// The switchboard: Enter at once after "jensen" sends the caller to
// Clara Jensen once the directory answered, not "select a colleague".
func TestSwitchboardEnterBeforeTheAnswer(t *testing.T) {
	u, v, id := receptionWithDirectory(t)
	posted := posting(u)
	test.Type(v.filter, "jensen")
	v.filter.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if said := info(u); said == noneSelected {
		t.Fatalf("Enter 0 ms after typing jensen: %q", said)
	}
	drain(t, posted, "the transfer", func() bool { return info(u) != "" && info(u) != searchingDirectory })
	if said := info(u); said != "Transferred to Clara Jensen (+49 40 555019)." {
		t.Fatalf("after the answer: %q", said)
	}
	waitRender(t, u, "the call went to Clara Jensen", gone(id))
}

// The transfer field: Enter at once after "jensen" picks Clara Jensen
// once the directory answered; the next Enter sends the call there.
func TestTransferEnterBeforeTheAnswer(t *testing.T) {
	u, p, _, sent := transferWithDirectory(t)
	posted := posting(u)
	test.Type(p.entry, "jensen")
	p.entry.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if *sent != "" {
		t.Fatalf("sent %q before the directory answered", *sent)
	}
	want := "To Clara Jensen · +49 40 555019 · work"
	drain(t, posted, "the pick", func() bool { return p.pickedLabel.Text == want })
	p.entry.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if *sent != "+49 40 555019" {
		t.Fatalf("sent %q", *sent)
	}
}

// The dial window: Enter at once after "jensen" dials Clara Jensen once
// the directory answered; a window hidden meanwhile dials nothing.
func TestDialEnterBeforeTheAnswer(t *testing.T) {
	o := testoffice.Start(t, nil, testoffice.WithDirectory)
	d := testdesk.Open(t, o, "ann", dialBook)
	u, _ := newTestUI(t, d)
	waitRender(t, u, "the directory", directoryReady)
	u.dial.show("")
	v := u.dial
	posted := posting(u)
	test.Type(v.entry, "jensen")
	dialPress(v, fyne.KeyReturn)
	v.hide()
	settle(posted, time.Second)
	if s := d.Client.State(); len(s.Calls) != 0 {
		t.Fatalf("a hidden window dialled: %+v", s.Calls)
	}

	u.dial.show("")
	test.Type(v.entry, "jensen")
	dialPress(v, fyne.KeyReturn)
	drain(t, posted, "the dial", func() bool { return !v.win.shown() })
	waitRender(t, u, "a call to Clara Jensen", dialCallTo(d, "+4940555019"))
}
