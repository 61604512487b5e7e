package main

import (
	"context"
	"slices"
	"strings"
	"sync"
	"time"
)

// holderWatch polls /healthz of every node, all at once, every
// watchPoll, for the whole cluster run: which nodes say they hold the
// exchange lease. Two at once in one round is what the lease must never
// allow; the changes of the holder are the takeover times.
type holderWatch struct {
	ns     *nodeSet
	start  time.Time
	stopCh chan struct{}
	done   chan struct{}

	mu      sync.Mutex
	polls   int
	max     int            // most nodes saying holder in one round
	two     int            // rounds with more than one
	twoAt   string         // the first such round
	holders string         // who say holder now, joined with "+"; "" none
	changes []HolderChange // every change of holders
}

// watchPoll is the 50 ms: a takeover is timed to it, and two
// holders for longer than it are seen.
const watchPoll = 50 * time.Millisecond

// HolderChange is a change of who says holder, at a time into the run.
type HolderChange struct {
	AtSeconds float64 `json:"at_s"`
	Holders   string  `json:"holders"` // "" none, "n1+n2" two at once
}

func watchHolders(ns *nodeSet) *holderWatch {
	w := &holderWatch{ns: ns, start: time.Now(), stopCh: make(chan struct{}), done: make(chan struct{})}
	go w.loop()
	return w
}

func (w *holderWatch) loop() {
	defer close(w.done)
	tick := time.NewTicker(watchPoll)
	defer tick.Stop()
	for {
		w.round()
		select {
		case <-w.stopCh:
			return
		case <-tick.C:
		}
	}
}

// round asks every node at once and records who says holder.
func (w *holderWatch) round() {
	n := len(w.ns.nodes)
	roles := make([]nodeHealth, n)
	var wg sync.WaitGroup
	ctx, cancel := context.WithTimeout(context.Background(), healthPollTimeout)
	defer cancel()
	for i := range n {
		wg.Go(func() { roles[i], _ = w.ns.nodeHealth(ctx, i) })
	}
	wg.Wait()
	var holders []string
	for i, h := range roles {
		if h.Role == roleHolder {
			holders = append(holders, nodeName(i))
		}
	}
	now := time.Now()
	w.mu.Lock()
	defer w.mu.Unlock()
	w.polls++
	w.max = max(w.max, len(holders))
	if len(holders) > 1 {
		w.two++
		if w.twoAt == "" {
			w.twoAt = strings.Join(holders, " and ") + " at " + now.Format("15:04:05.000")
		}
	}
	if s := strings.Join(holders, "+"); s != w.holders || len(w.changes) == 0 {
		w.holders = s
		w.changes = append(w.changes, HolderChange{AtSeconds: now.Sub(w.start).Seconds(), Holders: s})
	}
}

// holder is who says holder now ("" none or more than one).
func (w *holderWatch) holder() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	if strings.Contains(w.holders, "+") {
		return ""
	}
	return w.holders
}

// waitHolder waits until one node other than old says holder, or limit
// passes; it returns the node, and when it was first seen.
func (w *holderWatch) waitHolder(ctx context.Context, old string, limit time.Duration) (string, time.Time, bool) {
	deadline := time.Now().Add(limit)
	for ctx.Err() == nil && time.Now().Before(deadline) {
		if h := w.holder(); h != "" && h != old {
			at, _ := w.since(func(s string) bool { return s == h })
			return h, at, true
		}
		sleep(ctx, watchPoll)
	}
	return "", time.Time{}, false
}

// since is when the holders last changed to a value ok accepts, and
// whether they are such now.
func (w *holderWatch) since(ok func(holders string) bool) (time.Time, bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	for i := len(w.changes) - 1; i >= 0; i-- {
		if !ok(w.changes[i].Holders) {
			return time.Time{}, false
		}
		if i == 0 || !ok(w.changes[i-1].Holders) {
			return w.start.Add(time.Duration(w.changes[i].AtSeconds * float64(time.Second))), true
		}
	}
	return time.Time{}, false
}

// firstAfter is the first change after t0 to holders ok accepts.
func (w *holderWatch) firstAfter(t0 time.Time, ok func(holders string) bool) (time.Time, bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, c := range w.changes {
		at := w.start.Add(time.Duration(c.AtSeconds * float64(time.Second)))
		if at.After(t0) && ok(c.Holders) {
			return at, true
		}
	}
	return time.Time{}, false
}

// stop ends the polls and puts the figures into fig. Safe to call more
// than once.
func (w *holderWatch) stop() {
	select {
	case <-w.stopCh:
	default:
		close(w.stopCh)
	}
	<-w.done
}

// record puts the watch's figures into fig.
func (w *holderWatch) record(fig *ClusterFigures) {
	w.mu.Lock()
	defer w.mu.Unlock()
	fig.Polls, fig.MaxHolders, fig.TwoHolders, fig.TwoHoldersFirst = w.polls, w.max, w.two, w.twoAt
	fig.HolderChanges = slices.Clone(w.changes)
}

// notHolder is a test of holders for firstAfter: name is not among them.
func notHolder(name string) func(string) bool {
	return func(s string) bool { return !slices.Contains(strings.Split(s, "+"), name) }
}
