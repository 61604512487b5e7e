package main

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"slices"

	"github.com/deskline/deskline/ctiproto"
)

// A cluster run (-nodes N > 1, or a cluster mode): the tool starts a NATS
// JetStream cluster of natsServers nats-server processes
// (internal/natstest, built from the pinned module), then N
// deskline-server processes with [cluster] configs listing the NATS URLs,
// the same users and devices on each and each its own listen address,
// admin listener and state_dir (cluster_nodes.go). Clients spread over
// the nodes and move on to the next when their node goes
// (cluster_clients.go); the sim driver uses any live node
// (cluster_sim.go); /healthz of every node is polled all along, so that
// two holders at once are seen (cluster_watch.go); the cluster modes
// hit the cluster while the load runs (cluster_modes.go).

const (
	// natsServers is the size of the NATS JetStream cluster: three
	// servers keep a replicated stream through the loss of one.
	natsServers = 3
	// defaultClusterNodes is -nodes in a cluster mode when not given:
	// the three nodes.
	defaultClusterNodes = 3
	// maxNodes bounds -nodes: every node is a process with every user.
	maxNodes = 9
)

// nodes is the number of deskline-server nodes the run starts.
func (o options) nodes() int {
	switch {
	case o.Nodes > 0:
		return o.Nodes
	case o.clusterFault():
		return defaultClusterNodes
	}
	return 1
}

// clustered says whether the run starts a cluster (NATS and nodes).
func (o options) clustered() bool { return o.nodes() > 1 || o.clusterFault() }

// clusterFault says whether the mode is one of the cluster's faults.
func (o options) clusterFault() bool { return slices.Contains(clusterModes, o.Mode) }

// tracksCalls says whether calls are followed one by one (restart, and
// the cluster's faults, where calls in flight may end reconciled).
func (o options) tracksCalls() bool { return o.Mode == modeRestart || o.clusterFault() }

func (o options) checkCluster() error {
	n := o.nodes()
	switch {
	case o.Nodes < 0 || o.Nodes > maxNodes:
		return fmt.Errorf("-nodes %d: want 0 (1, or %d in the cluster modes) to %d", o.Nodes, defaultClusterNodes, maxNodes)
	case o.clusterFault() && n < 2:
		return fmt.Errorf("-mode %s: needs -nodes 2 or more", o.Mode)
	case n > 1 && (o.Mode == modeRestart || o.Mode == modeSlow || o.Watchers > 0 || o.Searchers > 0):
		return fmt.Errorf("-nodes %d: not with -mode restart (rolling is the cluster's), slow, -watchers or -searchers", n)
	}
	return nil
}

// runCluster measures a cluster and, in steady mode with the baseline
// on, the same clients and load on one node (not clustered) after it, for
// the ratio.
func runCluster(ctx context.Context, o options, dir string, rep *Report, progress io.Writer) error {
	if err := measureCluster(ctx, o, dir, rep, progress); err != nil {
		return err
	}
	if !o.baselineOn() {
		return nil
	}
	one := o
	one.Nodes = 1
	oneDir := filepath.Join(dir, "one-node")
	fmt.Fprintln(progress, "one node: the same clients and load on one server, no cluster…")
	r := newReport(one)
	err := mkdir(oneDir)
	if err == nil {
		err = measureDeskline(ctx, one, oneDir, r, progress)
	}
	r.setError(err)
	rep.setOneNode(r)
	if err != nil {
		return fmt.Errorf("one node: %w", err)
	}
	return nil
}

// measureCluster starts the cluster and measures it, in the mode o says.
func measureCluster(ctx context.Context, o options, dir string, rep *Report, progress io.Writer) error {
	ns, err := startNodes(ctx, o, dir, progress)
	if err != nil {
		return err
	}
	rep.Cluster = ns.figures()
	w := watchHolders(ns)
	rep.Cluster.watch = w
	defer func() {
		w.stop()
		rep.setServerLog(ns.stop())
		rep.Cluster.Nodes = ns.nodeFigures()
	}()
	return measureNodes(ctx, ns, o, rep, progress)
}

// measureNodes is measure for a cluster's nodes (no watchers, no
// searchers): the clients spread over them, figures summed.
func measureNodes(ctx context.Context, ns *nodeSet, o options, rep *Report, progress io.Writer) error {
	rep.Server.RSSStartKB = ns.settledRSS(ctx, o.Settle)
	f, err := connectPhase(ctx, ns, o, rep, progress)
	if err != nil {
		return err
	}
	var calls []ctiproto.Call
	defer func() {
		s := f.close()
		rep.countUnknownCalls(f)
		rep.finish(s)
		rep.finishCluster(s)
		rep.checkCalls(f, calls)
		rep.judge()
	}()
	rep.Server.RSSIdleKB = ns.settledRSS(ctx, o.Settle)
	rep.Server.RSSPerConnKB = float64(rep.Server.RSSIdleKB-rep.Server.RSSStartKB) / float64(o.Clients)
	if err := loadPhase(ctx, ns, f, o, rep, progress); err != nil {
		return err
	}
	if calls, err = ns.exchangeCalls(ctx); err != nil {
		return err
	}
	rep.Server.RSSAfterKB = ns.settledRSS(ctx, o.Settle)
	return nil
}
