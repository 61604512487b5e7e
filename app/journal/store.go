package journal

import (
	"errors"
	"fmt"
	"sync"

	"github.com/deskline/deskline/app/internal/configfile"
)

// DefaultLimit bounds the journal when Open gets limit <= 0.
// A busy receptionist takes 100–200 calls a day, so 1000 entries keep a
// week of that and weeks for everyone else — as far back as people
// scroll a call list. At roughly 300 bytes an entry the file stays near
// 300 KB: cheap to rewrite on every call, quick to show without paging.
const DefaultLimit = 1000

// ErrClosed is returned by changes made after Close.
var ErrClosed = errors.New("journal: closed")

// Journal is the persisted list of calls, newest first. It is safe for
// concurrent use.
//
// Every change is written to disk before the method returns (atomically,
// see configfile.Write). That costs one small file write and fsync per
// call, at human call rates — no batching needed, and nothing to lose on
// a crash. If a write fails the change stays in memory, the method
// returns the error, and the next change (or Close) writes everything.
type Journal struct {
	path  string
	limit int

	mu      sync.Mutex
	entries []Entry // newest first
	dirty   bool    // memory is ahead of the file (a write failed)
	closed  bool
	subs    map[uint64]func()
	nextSub uint64
}

// Entries returns copies of all entries, newest first.
func (j *Journal) Entries() []Entry { return j.Recent(-1) }

// Recent returns copies of the n newest entries (all of them if n < 0).
func (j *Journal) Recent(n int) []Entry {
	j.mu.Lock()
	defer j.mu.Unlock()
	if n < 0 || n > len(j.entries) {
		n = len(j.entries)
	}
	return append([]Entry(nil), j.entries[:n]...)
}

// UnseenMissed counts missed calls the user has not marked seen: the
// number on the tray badge.
func (j *Journal) UnseenMissed() int {
	j.mu.Lock()
	defer j.mu.Unlock()
	n := 0
	for _, e := range j.entries {
		if e.Outcome == OutcomeMissed && !e.Seen {
			n++
		}
	}
	return n
}

// Subscribe registers f to be called after every change. f runs on the
// goroutine that made the change, after the journal's lock is released
// (so f may read the journal); it should return quickly — a UI hands the
// refresh to its own thread. cancel unregisters f and may be called more
// than once.
func (j *Journal) Subscribe(f func()) (cancel func()) {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.subs == nil {
		j.subs = make(map[uint64]func())
	}
	id := j.nextSub
	j.nextSub++
	j.subs[id] = f
	return func() {
		j.mu.Lock()
		defer j.mu.Unlock()
		delete(j.subs, id)
	}
}

// Close writes any change a failed write left in memory. Later changes
// return ErrClosed; reading still works.
func (j *Journal) Close() error {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.closed {
		return nil
	}
	j.closed = true
	if j.dirty {
		return j.persistLocked()
	}
	return nil
}

// change runs mutate under the lock; if it reports a change, the journal
// is written and the subscribers told (even if the write failed: memory,
// which they show, did change).
func (j *Journal) change(mutate func() bool) error {
	j.mu.Lock()
	if j.closed {
		j.mu.Unlock()
		return ErrClosed
	}
	if !mutate() {
		j.mu.Unlock()
		return nil
	}
	err := j.persistLocked()
	subs := make([]func(), 0, len(j.subs))
	for _, f := range j.subs {
		subs = append(subs, f)
	}
	j.mu.Unlock()
	for _, f := range subs {
		f()
	}
	return err
}

func (j *Journal) persistLocked() error {
	data, err := encode(j.entries)
	if err == nil {
		if err = configfile.Write(j.path, data); err != nil {
			err = fmt.Errorf("journal: %w", err)
		}
	}
	j.dirty = err != nil
	return err
}
