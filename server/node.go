package server

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/deskline/deskline/ctiproto"
	"github.com/deskline/deskline/pbx"
	"github.com/deskline/deskline/server/cluster"
	"github.com/deskline/deskline/server/config"
	"github.com/prometheus/client_golang/prometheus"
)

// Cluster makes the server one node of a cluster (package cluster,
// docs/operations.md). Its hub is a replica: it applies the cluster's
// log in order, as every node's does, so every node has the same users,
// epoch and seqs, and a desk resumes on any node. What a desk does that
// changes user logs (watch, unwatch, set-note) goes through the log too.
type Cluster struct {
	Node  *cluster.Node
	Log   *cluster.Log
	Lease *cluster.Lease // who holds the exchange, for /healthz and the metrics
	// Exchange is the holder's exchange as this node sees it; it is also
	// Options.Exchange.
	Exchange *cluster.Exchange
	// From is the log entry to start from: a seed (0: the last seed).
	From uint64
	// NewEpoch is called, once and on a goroutine of its own, when the
	// log rolls over to a new epoch at the seed seq: the caller starts a
	// new Server from there (From = seq) and shuts this one down, whose
	// desks then resume on the new one with a snapshot. Until then this
	// server applies nothing more. Nil: the server logs it and goes on
	// with its own epoch, hearing nothing more.
	NewEpoch func(seq uint64)
}

// deskWait bounds how long a desk's watch, unwatch or note waits for its
// own node to read it back from the log: a round trip to NATS, or a new
// stream leader being elected.
const deskWait = 10 * time.Second

// isolationCheck is how often a node asks the cluster's log for its
// state (a small JetStream request), and how long it waits for it.
const isolationCheck = time.Second

// replica is the node's side of the cluster's log.
type replica struct {
	c       *Cluster
	applied atomic.Uint64 // the stream seq of the last entry applied
	built   bool          // the seed was applied; owned by the replay goroutine
	pending sync.Map      // request id → chan deskResult, for desks of this node
	cancel  context.CancelFunc
	over    bool // the log rolled over: this server's epoch has ended (replay goroutine)
	// isolated: the NATS link has been down for a lease's TTL, so this
	// node hears of no event and its desks are better served elsewhere.
	isolated atomic.Bool
	// failed: the log could no longer be read (an entry that does not
	// decode), or the server of a new epoch would not start (Withdraw):
	// the node serves no desk.
	failed atomic.Bool
}

// refusing reports why the node takes no desks now, "" when it does.
func (r *replica) refusing() string {
	switch {
	case r.failed.Load():
		return "this node cannot serve now (see its log)"
	case r.isolated.Load():
		return "this node is cut off from the cluster"
	}
	return ""
}

// deskResult is what applying a desk's input gave.
type deskResult struct {
	seq      uint64
	presence []ctiproto.Presence
	queues   []ctiproto.QueueState
	ok       bool
	err      error
}

// startReplica replays the cluster's log until the node has caught up
// with it (the seed applied, and everything in the log when it started),
// then goes on replaying in the background: the routing goroutine of a
// node.
func (s *Server) startReplica(ctx context.Context) error {
	r := s.replica
	last, err := r.c.Log.Last(ctx)
	if err != nil {
		return fmt.Errorf("server: %w", err)
	}
	rctx, cancel := context.WithCancel(context.Background())
	r.cancel = cancel
	ready := make(chan error, 1)
	go func() {
		defer close(s.routed)
		told := false
		tell := func(err error) {
			if !told {
				told = true
				ready <- err
			}
		}
		err := r.c.Log.Replay(rctx, r.c.From, func(e cluster.Entry) {
			if r.over || e.Stale {
				r.applied.Store(e.Seq)
				if r.built && e.Seq >= last {
					tell(nil)
				}
				return
			}
			if err := s.apply(e); err != nil {
				tell(err)
				cancel()
				return
			}
			if r.built && e.Seq >= last {
				tell(nil)
			}
		})
		if told && rctx.Err() == nil { // serving, and the log broke
			s.Withdraw(fmt.Sprintf("the cluster's log can no longer be read: %v", err))
		}
		tell(fmt.Errorf("server: %w", err))
	}()
	go func() {
		select {
		case <-s.stop:
		case <-rctx.Done():
		}
		cancel()
	}()
	select {
	case err := <-ready:
		if err != nil {
			cancel()
			return err
		}
		go s.watchIsolation(rctx)
		return nil
	case <-ctx.Done():
		cancel()
		return fmt.Errorf("server: waiting for the cluster's log (%s, %d entries): %w", r.c.Log.Name(), last, ctx.Err())
	}
}

// watchIsolation sends this node's desks to other nodes when it has not
// reached the cluster's log for a lease's TTL: its NATS link is down, or
// up to a NATS server that has lost the others (it hears of no event;
// the holder, if it was this node, has stopped). It refuses new desks
// (register) until the log answers again.
func (s *Server) watchIsolation(ctx context.Context) {
	r := s.replica
	tick := time.NewTicker(isolationCheck)
	defer tick.Stop()
	reached := time.Now()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		if s.reachesLog(ctx) {
			reached = time.Now()
			if r.isolated.Swap(false) {
				s.log.Info("cluster: the log answers again; this node takes desks again")
			}
			continue
		}
		if time.Since(reached) >= r.c.Lease.TTL() && !r.isolated.Swap(true) {
			s.log.Warn("cluster: cut off from the cluster's log; sending this node's desks to the others",
				"since", time.Since(reached).Round(time.Millisecond))
			s.kickAll(ctiproto.CloseGoingAway, "this node is cut off from the cluster: reconnect to another")
		}
	}
}

// reachesLog reports whether the cluster's log answers now.
func (s *Server) reachesLog(ctx context.Context) bool {
	r := s.replica
	if !r.c.Node.NC.IsConnected() {
		return false
	}
	ctx, cancel := context.WithTimeout(ctx, isolationCheck)
	defer cancel()
	_, err := r.c.Log.Last(ctx)
	return err == nil
}

// Withdraw stops the node serving desks: they are sent to the other
// nodes and new ones are refused, with why on /healthz (failed). The
// command calls it when the server of a new epoch will not start.
func (s *Server) Withdraw(why string) {
	if s.replica == nil || s.replica.failed.Swap(true) {
		return
	}
	s.log.Error("cluster: this node withdraws its desks", "why", why)
	s.kickAll(ctiproto.CloseGoingAway, "this node cannot serve now: reconnect to another")
}

// kickAll closes every session with code.
func (s *Server) kickAll(code int, text string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for sess := range s.sessions {
		sess.kick(code, text)
	}
}

// apply applies one entry of the log; an error stops the node (a log it
// cannot build its users from).
func (s *Server) apply(e cluster.Entry) error {
	r, in := s.replica, e.Input
	defer r.applied.Store(e.Seq)
	switch in.Kind {
	case cluster.KindSeed:
		if r.built {
			r.over = true
			s.log.Info("cluster: the log rolled over to a new epoch", "epoch", in.Epoch, "entry", e.Seq)
			if r.c.NewEpoch != nil {
				go r.c.NewEpoch(e.Seq)
			}
			return nil
		}
		if in.Snap == nil {
			return fmt.Errorf("server: cluster log entry %d: a seed without the exchange's state", e.Seq)
		}
		s.epoch = in.Epoch + "-" + s.replicaDigest()
		r.c.Exchange.SetCapabilities(in.Snap.Capabilities())
		s.caps = capabilities(in.Snap.Capabilities())
		if err := s.buildUsers(*in.Snap); err != nil {
			return err
		}
		r.built = true
	case cluster.KindEvents:
		for _, ev := range in.Events {
			s.hub.route(ev)
		}
	case cluster.KindReconcile:
		if in.Snap != nil && in.Event != nil {
			r.c.Exchange.SetCapabilities(in.Snap.Capabilities())
			s.hub.restored(*in.Event, *in.Snap)
		}
	case cluster.KindDesk:
		if in.Desk != nil {
			s.applyDesk(in.Desk)
		}
	default:
		s.log.Warn("cluster: a log entry of an unknown kind is skipped", "entry", e.Seq, "kind", in.Kind)
	}
	return nil
}

// applyDesk applies a desk's input and, when the desk is on this node,
// hands the outcome to its session.
func (s *Server) applyDesk(d *cluster.DeskInput) {
	var res deskResult
	u := s.hub.users[d.User]
	switch {
	case u == nil:
		res.err = fmt.Errorf("server: cluster log: no user %q", d.User)
	case d.Op == cluster.OpWatch:
		res.seq, res.presence, res.queues, res.err = s.hub.presence.watch(u, d.Devices)
	case d.Op == cluster.OpUnwatch:
		res.err = s.hub.presence.unwatch(u)
	case d.Op == cluster.OpNote:
		res.ok = u.inCall(d.Call, d.Device) && s.hub.notes.set(s.hub, pbx.CallID(d.Call), d.Device, d.Note, d.Time)
	}
	if d.Node != s.replica.c.Node.Name {
		return
	}
	if ch, ok := s.replica.pending.LoadAndDelete(d.ID); ok {
		ch.(chan deskResult) <- res
	}
}

// catchUpWait bounds how long a desk's resume waits for this node to
// reach the seq the desk already has: replicas apply the log each at its
// own pace, and a desk moving from a node a little ahead would otherwise
// get a snapshot (seq ahead) instead of its resume.
const catchUpWait = 2 * time.Second

// catchUp waits, on a node of a cluster, until u's log has reached the
// seq the desk resumes from (or catchUpWait passes: attach then says the
// desk is ahead).
func (s *Server) catchUp(u *userLog, r *ctiproto.Resume) {
	if s.replica == nil || r == nil || r.Epoch != u.epoch || u.currentSeq() >= r.Seq {
		return
	}
	deadline := time.Now().Add(catchUpWait)
	for u.currentSeq() < r.Seq && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
}

// viaLog appends a desk's input to the log and waits until this node
// has applied it.
func (s *Server) viaLog(d cluster.DeskInput) deskResult {
	r := s.replica
	d.Node, d.ID = r.c.Node.Name, newID(8)
	ch := make(chan deskResult, 1)
	r.pending.Store(d.ID, ch)
	defer r.pending.Delete(d.ID)
	ctx, cancel := context.WithTimeout(context.Background(), deskWait)
	defer cancel()
	if _, err := r.c.Log.AppendDesk(ctx, cluster.Input{Kind: cluster.KindDesk, Desk: &d}); err != nil {
		return deskResult{err: fmt.Errorf("%w: %w", err, pbx.ErrUnavailable)}
	}
	select {
	case res := <-ch:
		return res
	case <-ctx.Done():
		return deskResult{err: fmt.Errorf("server: %s not read back from the cluster's log within %v: %w", d.Op, deskWait, pbx.ErrUnavailable)}
	}
}

// watch subscribes u to the presence of devices, through the log in a
// cluster.
func (s *Server) watch(u *userLog, devices []string) (uint64, []ctiproto.Presence, []ctiproto.QueueState, error) {
	if s.replica == nil {
		return s.hub.presence.watch(u, devices)
	}
	res := s.viaLog(cluster.DeskInput{User: u.name, Op: cluster.OpWatch, Devices: devices})
	return res.seq, res.presence, res.queues, res.err
}

// unwatch ends u's subscription, through the log in a cluster.
func (s *Server) unwatch(u *userLog) error {
	if s.replica == nil {
		return s.hub.presence.unwatch(u)
	}
	return s.viaLog(cluster.DeskInput{User: u.name, Op: cluster.OpUnwatch}).err
}

// setNote sets a call's note (notes.go), through the log in a cluster;
// false when device is not in the call.
func (s *Server) setNote(u *userLog, call, device, text string) (bool, error) {
	if s.replica == nil {
		return u.inCall(call, device) && s.hub.notes.set(s.hub, pbx.CallID(call), device, text, time.Now()), nil
	}
	res := s.viaLog(cluster.DeskInput{User: u.name, Op: cluster.OpNote, Call: call, Device: device, Note: text,
		Time: time.Now()})
	return res.ok, res.err
}

// clusterHealth is the node's part of /healthz: its role and the
// cluster's state as it sees it.
func (s *Server) clusterHealth(h map[string]any) {
	r := s.replica
	if r == nil {
		h["role"] = "standalone"
		return
	}
	holder := r.c.Lease.Holder()
	h["role"] = "member"
	if r.c.Lease.Valid() {
		h["role"] = "holder"
	}
	switch {
	case r.failed.Load():
		h["status"] = "failed" // served with 503, as isolated
	case r.isolated.Load():
		h["status"] = "isolated" // served with 503: a load balancer sends desks elsewhere
	}
	h["cluster"] = map[string]any{
		"node": r.c.Node.Name, "holder": holder.Node, "fence": holder.Fence,
		"nats": r.c.Node.NC.IsConnected(), "applied": r.applied.Load(), "log": r.c.Log.Name(),
	}
}

// replicaFormat names how this build's hub numbers the log's events.
// Raise it with any change to what a user's log gets for an entry, so
// nodes of two builds never claim the same epoch.
const replicaFormat = 1

// replicaDigest is a short digest of everything besides the log that
// decides how the hub numbers events: this build's replicaFormat, the
// users and their devices, and who may watch whom. It is part of the
// epoch desks see, so a desk moving between nodes whose configs differ
// (in the middle of a rolling change) takes a snapshot instead of
// resuming with events numbered otherwise.
func (s *Server) replicaDigest() string {
	type user struct {
		Name    string
		Devices []string
	}
	var users []user
	for _, u := range s.opts.Users {
		users = append(users, user{u.Name, u.Devices})
	}
	b, _ := json.Marshal(struct {
		Format int
		Users  []user
		Watch  []config.WatchGroup
	}{replicaFormat, users, s.opts.WatchGroups})
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:4])
}

// capabilities lists the services of caps in a stable order, with the
// server's own.
func capabilities(caps pbx.Capabilities) []string {
	var out []string
	for _, svc := range pbx.AllServices {
		if caps[svc] {
			out = append(out, string(svc))
		}
	}
	return append(out, ctiproto.TypeSetNote) // the server's own: call notes
}

// collectors are the node's cluster metrics, read at scrape time.
func (r *replica) collectors() []prometheus.Collector {
	b2f := func(b bool) float64 {
		if b {
			return 1
		}
		return 0
	}
	return []prometheus.Collector{
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "deskline_cluster_lease_held",
			Help: "1 while this node holds the exchange lease (and drives the exchange)."},
			func() float64 { return b2f(r.c.Lease.Valid()) }),
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "deskline_cluster_takeovers_total",
			Help: "Times this node took the exchange lease."},
			func() float64 { return float64(r.c.Lease.Takeovers()) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "deskline_cluster_lease_fence",
			Help: "The fencing number of the lease's holder, as this node last saw it (0: nobody)."},
			func() float64 { return float64(r.c.Lease.Holder().Fence) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "deskline_cluster_nats_connected",
			Help: "1 while this node's NATS link is up."},
			func() float64 { return b2f(r.c.Node.NC.IsConnected()) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "deskline_cluster_isolated",
			Help: "1 while this node, cut off from NATS for a lease's TTL, sends its desks to others."},
			func() float64 { return b2f(r.isolated.Load()) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "deskline_cluster_log_applied",
			Help: "The sequence number of the last entry of the cluster's log this node applied."},
			func() float64 { return float64(r.applied.Load()) }),
	}
}
