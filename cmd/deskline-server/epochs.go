package main

import (
	"context"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/deskline/deskline/server"
)

// live is the node's server of the moment. A single node has one for its
// whole run; a cluster node starts a new one each time the cluster's log
// rolls over to a new epoch (server.Cluster.NewEpoch), and the listeners
// serve whichever is current.
type live struct {
	mu      sync.Mutex
	srv     *server.Server
	handler http.Handler // srv.Handler()
	metrics http.Handler // srv.MetricsHandler()
	closed  bool
}

func newLive(srv *server.Server) *live {
	l := &live{}
	l.set(srv)
	return l
}

func (l *live) set(srv *server.Server) {
	l.srv, l.handler, l.metrics = srv, srv.Handler(), srv.MetricsHandler()
}

func (l *live) current() (*server.Server, http.Handler, http.Handler) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.srv, l.handler, l.metrics
}

// Handler serves the desks' listener from the current server.
func (l *live) Handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, h, _ := l.current()
		h.ServeHTTP(w, r)
	})
}

// MetricsHandler serves /metrics from the current server.
func (l *live) MetricsHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _, m := l.current()
		m.ServeHTTP(w, r)
	})
}

// replace makes next the current server and shuts the one before down
// (its desks reconnect, to next, and take a snapshot of the new epoch).
// After close it shuts next down instead.
func (l *live) replace(next *server.Server, log *slog.Logger) {
	l.mu.Lock()
	old := l.srv
	if l.closed {
		old = next
	} else {
		l.set(next)
	}
	l.mu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), shutdownWait)
	defer cancel()
	if err := old.Shutdown(ctx); err != nil {
		log.Warn("the last epoch's server did not stop in time", "err", err)
	}
}

// close shuts the current server down; replace then shuts down what it
// is given.
func (l *live) close(ctx context.Context) error {
	l.mu.Lock()
	l.closed = true
	srv := l.srv
	l.mu.Unlock()
	return srv.Shutdown(ctx)
}

// Starting the server of a new epoch: each attempt is bounded, and a
// failed one is tried again after a pause that doubles up to a limit.
const (
	epochStartWait  = time.Minute
	epochRetryFirst = time.Second
	epochRetryMax   = 30 * time.Second
)

// newEpochs is server.Cluster.NewEpoch for a node: a server started
// from the new seed replaces the current one. While it will not start
// (NATS electing a leader, a config that refuses the seed), the node
// withdraws its desks to the other nodes and tries again.
func newEpochs(ctx context.Context, opts server.Options, l *live, log *slog.Logger) func(seq uint64) {
	return func(seq uint64) {
		o, c := opts, *opts.Cluster
		c.From, o.Cluster = seq, &c
		wait := epochRetryFirst
		for {
			t0 := time.Now()
			actx, cancel := context.WithTimeout(ctx, epochStartWait)
			next, err := server.New(actx, o)
			cancel()
			if err == nil {
				log.Info("cluster: serving the new epoch", "epoch", next.Epoch(), "seed", seq, "took", time.Since(t0).Round(time.Millisecond))
				l.replace(next, log)
				return
			}
			if ctx.Err() != nil {
				return
			}
			log.Error("cluster: the new epoch's server did not start; trying again", "seed", seq, "in", wait, "err", err)
			cur, _, _ := l.current()
			cur.Withdraw("the server of the cluster's new epoch did not start: " + err.Error())
			select {
			case <-ctx.Done():
				return
			case <-time.After(wait):
			}
			wait = min(2*wait, epochRetryMax)
		}
	}
}
