package cluster

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"sync"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// leaseKey is the lease's key in the bucket <name>_lease.
const leaseKey = "exchange"

// A holder counts its lease valid for validShare of the TTL after it sent
// its last successful renewal. The entry on the NATS servers lives a
// whole TTL after they stored that renewal, so a holder that can no
// longer renew (cut off, or frozen) stops at least a quarter of the TTL
// before another node can take the lease.
const validShare = 3 // quarters of the TTL

// LeaseInfo is who holds the lease, as a node last saw it.
type LeaseInfo struct {
	Node  string    `json:"node"`  // "" when nobody holds it, as far as this node knows
	Fence uint64    `json:"fence"` // the holder's fencing number: the revision it took the lease at
	Since time.Time `json:"since"`
}

// Lease is this node's side of the exchange lease: it campaigns for it,
// renews it while it holds it and tells who holds it.
type Lease struct {
	n   *Node
	kv  jetstream.KeyValue
	ttl time.Duration

	mu         sync.Mutex
	held       bool
	fence      uint64
	validUntil time.Time
	seen       LeaseInfo // the last value read from the bucket
	seenAt     time.Time
	takeovers  int // times this node took the lease
}

// OpenLease opens the bucket <name>_lease, whose entries expire ttl after
// their last write. A bucket that exists keeps its TTL, and this node
// uses that one, saying so when it differs from ttl: every node must
// count its lease by the TTL NATS applies, or one node's entry could
// expire while it still thinks itself the holder.
func OpenLease(ctx context.Context, n *Node, ttl time.Duration) (*Lease, error) {
	ctx, cancel := context.WithTimeout(ctx, requestTimeout)
	defer cancel()
	name := n.BucketName("lease")
	kv, err := n.JS.CreateKeyValue(ctx, jetstream.KeyValueConfig{
		Bucket:      name,
		Description: "Deskline: who holds the exchange link",
		TTL:         ttl,
		History:     1,
		Storage:     jetstream.FileStorage,
		Replicas:    n.Replicas(),
	})
	if errors.Is(err, jetstream.ErrBucketExists) {
		kv, err = n.JS.KeyValue(ctx, name)
	}
	if err != nil {
		return nil, &Error{Op: "open bucket", Target: name, Err: err}
	}
	st, err := kv.Status(ctx)
	if err != nil {
		return nil, &Error{Op: "read bucket", Target: name, Err: err}
	}
	if st.TTL() != ttl {
		n.log.Warn("cluster: the lease bucket keeps its TTL; this node's lease_ttl differs and is not used",
			"bucket", name, "ttl", st.TTL(), "lease_ttl", ttl)
	}
	return &Lease{n: n, kv: kv, ttl: st.TTL()}, nil
}

// TTL is the lease's time to live.
func (l *Lease) TTL() time.Duration { return l.ttl }

// Valid reports whether this node holds the lease and may act on it now.
// Check it right before each act on the exchange.
func (l *Lease) Valid() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.held && time.Now().Before(l.validUntil)
}

// Holder is who holds the lease as this node last saw it; a holder not
// heard of for a TTL is reported as nobody.
func (l *Lease) Holder() LeaseInfo {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.held {
		return LeaseInfo{Node: l.n.Name, Fence: l.fence, Since: l.seen.Since}
	}
	if time.Since(l.seenAt) > l.ttl {
		return LeaseInfo{}
	}
	return l.seen
}

// Takeovers is how many times this node has taken the lease.
func (l *Lease) Takeovers() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.takeovers
}

// Run campaigns for the lease until ctx ends. Each time this node takes
// it, hold runs with a context that ends when the lease is lost (a
// renewal refused, or none succeeding for validShare/4 of the TTL); hold
// must stop acting when its context ends and return. A hold that returns
// by itself (its exchange would not connect) gives the lease up, so
// another node may try. Run returns after hold has.
func (l *Lease) Run(ctx context.Context, hold func(ctx context.Context, fence uint64)) {
	go l.watch(ctx)
	for ctx.Err() == nil {
		val, _ := json.Marshal(LeaseInfo{Node: l.n.Name, Since: time.Now()})
		sent := time.Now()
		cctx, cancel := context.WithTimeout(ctx, l.ttl/4)
		rev, err := l.kv.Create(cctx, leaseKey, val)
		cancel()
		if err != nil {
			sleep(ctx, l.ttl/4)
			continue
		}
		l.hold(ctx, rev, val, sent, hold)
	}
}

// hold runs hold while renewing the lease taken at rev.
func (l *Lease) hold(ctx context.Context, rev uint64, val []byte, sent time.Time, hold func(context.Context, uint64)) {
	l.mu.Lock()
	l.held, l.fence, l.validUntil = true, rev, sent.Add(l.ttl*validShare/4)
	l.takeovers++
	l.mu.Unlock()
	l.n.log.Info("cluster: this node holds the exchange lease", "node", l.n.Name, "fence", rev)

	// Renewals carry the fence, so every node reads it from the value.
	var info LeaseInfo
	_ = json.Unmarshal(val, &info)
	info.Fence = rev
	val, _ = json.Marshal(info)
	hctx, lost := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { defer close(done); hold(hctx, rev) }()
	last, kept := l.renew(hctx, rev, val, done)
	lost()
	<-done
	l.mu.Lock()
	l.held = false
	l.mu.Unlock()
	if !kept {
		l.n.log.Warn("cluster: this node lost the exchange lease", "node", l.n.Name, "fence", rev)
		return
	}
	l.release(last)
	l.n.log.Info("cluster: this node gave the exchange lease up", "node", l.n.Name, "fence", rev)
	if ctx.Err() == nil {
		sleep(ctx, l.ttl) // let another node try first
	}
}

// renew renews the lease every TTL/4 until a renewal is refused or none
// has succeeded within the validity (kept false), or ctx ends or hold is
// done (kept true). last is the lease's last revision.
func (l *Lease) renew(ctx context.Context, rev uint64, val []byte, done <-chan struct{}) (last uint64, kept bool) {
	tick := time.NewTicker(l.ttl / 4)
	defer tick.Stop()
	for {
		l.mu.Lock()
		until := l.validUntil
		l.mu.Unlock()
		select {
		case <-ctx.Done():
			return rev, true
		case <-done:
			return rev, true
		case <-time.After(time.Until(until)):
			return rev, false // no renewal got through in time: stop before another may start
		case <-tick.C:
		}
		sent := time.Now()
		cctx, cancel := context.WithDeadline(ctx, until)
		next, err := l.kv.Update(cctx, leaseKey, val, rev)
		cancel()
		var apiErr *jetstream.APIError
		switch {
		case err == nil:
			rev = next
			l.mu.Lock()
			l.validUntil = sent.Add(l.ttl * validShare / 4)
			l.mu.Unlock()
		case errors.As(err, &apiErr) && (apiErr.ErrorCode == jetstream.JSErrCodeStreamWrongLastSequence ||
			apiErr.ErrorCode == jetstream.JSErrCodeStreamWrongLastSequenceConstant):
			// A renewal stored whose answer was lost leaves our own
			// value at a newer revision: still ours. Anything else is
			// another node's.
			if own, ok := l.stillOurs(ctx, val, until); ok {
				rev = own
				continue
			}
			return rev, false
		}
	}
}

// stillOurs reads the lease and reports its revision when it holds val,
// this node's value.
func (l *Lease) stillOurs(ctx context.Context, val []byte, until time.Time) (uint64, bool) {
	cctx, cancel := context.WithDeadline(ctx, until)
	defer cancel()
	e, err := l.kv.Get(cctx, leaseKey)
	if err != nil || !bytes.Equal(e.Value(), val) {
		return 0, false
	}
	return e.Revision(), true
}

// release deletes the lease on a clean stop (or a hold that gave up) so another node takes over
// at once instead of after the TTL.
func (l *Lease) release(rev uint64) {
	ctx, cancel := context.WithTimeout(context.Background(), l.ttl/2)
	defer cancel()
	_ = l.kv.Delete(ctx, leaseKey, jetstream.LastRevision(rev))
}

// watch follows the lease's key to tell who holds it.
func (l *Lease) watch(ctx context.Context) {
	for ctx.Err() == nil {
		w, err := l.kv.Watch(ctx, leaseKey)
		if err != nil {
			sleep(ctx, l.ttl/4)
			continue
		}
		for e := range w.Updates() {
			if e == nil {
				continue // the end of the initial values
			}
			var info LeaseInfo
			if e.Operation() == jetstream.KeyValuePut && json.Unmarshal(e.Value(), &info) == nil && info.Fence == 0 {
				info.Fence = e.Revision() // the taking write; renewals carry it
			}
			l.mu.Lock()
			l.seen, l.seenAt = info, time.Now()
			l.mu.Unlock()
		}
		w.Stop()
	}
}

func sleep(ctx context.Context, d time.Duration) {
	select {
	case <-ctx.Done():
	case <-time.After(d):
	}
}
