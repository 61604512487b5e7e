package main

import (
	"context"
	"log/slog"
	"sync"

	"github.com/deskline/deskline/pbx"
	"github.com/deskline/deskline/server"
	"github.com/deskline/deskline/server/cluster"
	"github.com/deskline/deskline/server/config"
)

// clusterNode is this process's membership of a cluster ([cluster]):
// the NATS link, the log, the lease and the holder's work, which runs in
// the background for as long as the node does.
type clusterNode struct {
	srv    *server.Cluster
	cancel context.CancelFunc
	done   sync.WaitGroup
}

// joinCluster connects to NATS, opens the log and the lease and starts
// campaigning for the exchange link.
func joinCluster(ctx context.Context, cfg *config.Config, log *slog.Logger) (*clusterNode, error) {
	n, err := cluster.Connect(ctx, cfg.Cluster, log)
	if err != nil {
		return nil, err
	}
	l, err := cluster.OpenLog(ctx, n)
	if err != nil {
		n.Close()
		return nil, err
	}
	lease, err := cluster.OpenLease(ctx, n, cfg.Cluster.LeaseTTL)
	if err != nil {
		n.Close()
		return nil, err
	}
	h := &cluster.Holder{Node: n, Lease: lease, Log: l, RollBytes: cfg.Cluster.LogRollBytes, Open: func(context.Context) (pbx.Exchange, error) {
		ex, _, err := newExchange(cfg, log)
		return ex, err
	}}
	hctx, cancel := context.WithCancel(context.Background())
	c := &clusterNode{srv: &server.Cluster{Node: n, Log: l, Lease: lease, Exchange: cluster.NewExchange(n)}, cancel: cancel}
	c.done.Add(1)
	go func() { defer c.done.Done(); h.Run(hctx) }()
	log.Info("cluster node", "node", n.Name, "nats", n.NC.ConnectedUrlRedacted(), "log", l.Name(), "lease_ttl", lease.TTL())
	return c, nil
}

// leave gives the lease up (another node takes the exchange at once) and
// closes the NATS link.
func (c *clusterNode) leave() {
	c.cancel()
	c.done.Wait()
	c.srv.Exchange.Close()
	c.srv.Node.Close()
}
