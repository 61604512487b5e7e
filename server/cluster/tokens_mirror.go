package cluster

import (
	"context"
	"errors"
	"time"

	"github.com/deskline/deskline/server/auth"
	"github.com/nats-io/nats.go/jetstream"
)

// Mirror calls apply for every stored token, returns once it has, and
// then goes on with every change until NewAuthShared's context ends. A
// corrupt entry is logged (naming bucket and key) and skipped.
//
// The watcher is an ordered consumer, which recovers by itself from a
// lost message or a dead NATS server only after missing its heartbeats
// (up to 20 s seen). The mirror does not wait for that: when this node's
// link comes back on another server, or when the bucket holds a revision
// the mirror has not seen maxLag after it noticed, it watches afresh from
// the revision after the last one applied.
func (s *AuthShared) Mirror(ctx context.Context, apply func(auth.TokenChange)) error {
	m := &mirror{s: s, apply: apply}
	w, err := m.watch()
	if err != nil {
		return err
	}
	for {
		select {
		case e, ok := <-w.Updates():
			if !ok {
				return &Error{Op: "watch", Target: s.tokens.Bucket(), Err: errors.New("watcher stopped")}
			}
			if e == nil { // the stored tokens are all applied
				go m.follow(w)
				return nil
			}
			m.deliver(e)
		case <-ctx.Done():
			_ = w.Stop()
			return &Error{Op: "watch", Target: s.tokens.Bucket(), Err: ctx.Err()}
		}
	}
}

// maxLag is how long the mirror may stay behind a revision the bucket
// holds before it watches afresh: a live watcher delivers within
// milliseconds, so a lag of seconds means its consumer died with a NATS
// server. Checking costs one stream info request per retryEvery.
const maxLag = 2 * time.Second

// mirror follows the tokens bucket for one Auth.
type mirror struct {
	s     *AuthShared
	apply func(auth.TokenChange)
	last  uint64 // revision of the last entry applied

	target uint64    // a revision the bucket held, not yet applied; 0: none
	since  time.Time // when target was seen
}

// watch starts a watcher after m.last (all of the bucket at first).
func (m *mirror) watch() (jetstream.KeyWatcher, error) {
	var opts []jetstream.WatchOpt
	if m.last > 0 {
		opts = append(opts, jetstream.ResumeFromRevision(m.last+1))
	}
	w, err := m.s.tokens.WatchAll(m.s.ctx, opts...)
	if err != nil {
		return nil, &Error{Op: "watch", Target: m.s.tokens.Bucket(), Err: err}
	}
	return w, nil
}

// follow applies changes until the context ends, watching afresh after
// this node reconnected to NATS.
func (m *mirror) follow(w jetstream.KeyWatcher) {
	tick := time.NewTicker(retryEvery)
	defer tick.Stop()
	reconnects := m.s.node.NC.Stats().Reconnects
	updates := w.Updates()
	for {
		select {
		case <-m.s.ctx.Done():
			_ = w.Stop()
			return
		case e, ok := <-updates:
			if !ok { // the connection was closed: nothing more comes
				updates = nil
			} else if e != nil {
				m.deliver(e)
			}
		case <-tick.C:
			now := m.s.node.NC.Stats().Reconnects
			if !m.s.node.NC.IsConnected() || (now == reconnects && !m.lagging()) {
				continue
			}
			nw, err := m.watch()
			if err != nil { // the stream may be electing a leader: next tick
				m.s.node.log.Warn("cluster: cannot watch tokens again after a reconnect", "err", err)
				continue
			}
			_ = w.Stop()
			w, updates, reconnects = nw, nw.Updates(), now
			m.target = 0
		}
	}
}

// lagging reports whether the mirror has stayed behind a revision the
// bucket held for maxLag.
func (m *mirror) lagging() bool {
	if m.target > 0 && m.last >= m.target {
		m.target = 0
	}
	if m.target > 0 {
		return time.Since(m.since) >= maxLag
	}
	ctx, cancel := context.WithTimeout(m.s.ctx, retryEvery)
	defer cancel()
	st, err := m.s.tokens.Status(ctx)
	if err != nil {
		return false // the stream is electing a leader: the next tick sees
	}
	if bs, ok := st.(*jetstream.KeyValueBucketStatus); ok && bs.StreamInfo().State.LastSeq > m.last {
		m.target, m.since = bs.StreamInfo().State.LastSeq, time.Now()
	}
	return false
}

// deliver applies one entry, once: a fresh watcher may repeat some.
func (m *mirror) deliver(e jetstream.KeyValueEntry) {
	if e.Revision() <= m.last {
		return
	}
	m.last = e.Revision()
	if op := e.Operation(); op == jetstream.KeyValueDelete || op == jetstream.KeyValuePurge {
		m.apply(auth.TokenChange{Record: auth.TokenRecord{Hash: e.Key()}, Deleted: true})
		return
	}
	rec, err := decodeToken(m.s.tokens, e)
	if err != nil {
		m.s.node.log.Error("cluster: shared token skipped", "err", err)
		return
	}
	m.apply(auth.TokenChange{Record: rec})
}
