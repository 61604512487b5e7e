package main

import (
	"context"
	"fmt"
	"time"
)

// The cluster's faults (issue 18), each while the load runs, each with
// the tool's lost/duplicated/stuck check:
const (
	modeKillHolder = "kill-holder" // kill -9 the node holding the exchange lease
	modeKillNode   = "kill-node"   // kill -9 a member node with its share of the desks
	modeKillNATS   = "kill-nats"   // kill -9 one NATS server
	modePartition  = "partition"   // cut the holder off from NATS, then heal
	modeRolling    = "rolling"     // restart every node in turn (SIGTERM, start, healthy, next)
)

var clusterModes = []string{modeKillHolder, modeKillNode, modeKillNATS, modePartition, modeRolling}

// Limits and requirements of the faults.
const (
	// takeoverLimit bounds the wait for a new holder, or for the nodes to
	// agree on one again: far above the lease TTL, so a slow takeover is
	// measured rather than cut short.
	takeoverLimit = 30 * time.Second
	// takeoverWithin is the issue's: another node holds the exchange
	// link within 5 s of the holder's death.
	takeoverWithin = 5 * time.Second
	// resumeWithin and resumeShare are the issue's: 99% of a killed
	// node's desks resume on the others within 5 s.
	resumeWithin = 5 * time.Second
	resumeShare  = 0.99
	// partitionHold is how long the cut stays after the takeover: the
	// cut node must stay quiet while the new holder acts.
	partitionHold = time.Second
)

// clusterFault hits the cluster as the mode says and waits until it has
// recovered. Calls are not followed meanwhile, and calls in flight at
// the start are not either: they may be reconciled (load.go). allBack
// is cleared before faults counts up, and call reads them in the other
// order, so no call that starts before the fault escapes both.
func clusterFault(ctx context.Context, env *runEnv) {
	f, fig := env.f, env.rep.Cluster
	ft := &FaultFigures{Mode: env.o.Mode, AtSeconds: time.Since(env.start).Seconds(), HolderBefore: fig.watch.holder(),
		TakeoverSeconds: -1}
	fig.Fault = ft
	long := ringLong(ctx, env, ft)
	f.allBack.Store(false)
	f.faults.Add(1)
	if env.o.Mode == modeKillHolder || env.o.Mode == modePartition { // the holder goes abruptly
		fig.inFlight = f.withdrawInFlight()
		ft.InFlightCalls = len(fig.inFlight)
	}
	switch env.o.Mode {
	case modeKillHolder:
		killHolder(ctx, env, ft)
	case modeKillNode:
		killNode(ctx, env, ft)
	case modeKillNATS:
		killNATS(ctx, env, ft)
	case modePartition:
		partition(ctx, env, ft)
	case modeRolling:
		rolling(ctx, env, ft)
	}
	ft.HolderAfter = fig.watch.holder()
	hangupLong(ctx, env, ft, long)
	f.allBack.Store(true)
	fmt.Fprintf(env.progress, "%s: %s hit; holder %s → %s (takeover after %.2fs, -1: none); %d of %d desks back, 99%% in %.2fs%s\n",
		ft.Mode, ft.Target, ft.HolderBefore, ft.HolderAfter, ft.TakeoverSeconds, ft.Back.Back, ft.Back.Clients, ft.Back.P99,
		errText(ft.Error))
}

func errText(e string) string {
	if e == "" {
		return ""
	}
	return "; " + e
}

// holderIndex is the node saying holder now, or -1 (noted in ft).
func holderIndex(env *runEnv, ft *FaultFigures) int {
	h := env.rep.Cluster.watch.holder()
	for i := range env.nodes.nodes {
		if nodeName(i) == h {
			return i
		}
	}
	ft.Error = fmt.Sprintf("no single holder to hit (holders: %q)", h)
	return -1
}

// killHolder: kill -9 the holder; another node must say holder, and the
// desks that were on it come back on the others.
func killHolder(ctx context.Context, env *runEnv, ft *FaultFigures) {
	ns, f, w := env.nodes, env.f, env.rep.Cluster.watch
	h := holderIndex(env, ft)
	if h < 0 {
		return
	}
	idx := f.onNode(h)
	ft.Target, ft.Desks = nodeName(h), len(idx)
	t0 := time.Now()
	ft.TargetExit = ns.kill(h)
	if _, at, ok := w.waitHolder(ctx, nodeName(h), takeoverLimit); ok {
		ft.TakeoverSeconds = at.Sub(t0).Seconds()
	}
	ft.Back = backTimes(waitBack(ctx, f, idx, t0), len(idx))
	ft.BackWithin = backShare(f, idx, t0, resumeWithin)
}

// killNode: kill -9 a member (the last node that does not hold the
// lease); its desks must resume on the others, 99% within 5 s.
func killNode(ctx context.Context, env *runEnv, ft *FaultFigures) {
	ns, f := env.nodes, env.f
	holder := env.rep.Cluster.watch.holder()
	m := -1
	for i := range ns.nodes {
		if nodeName(i) != holder {
			m = i
		}
	}
	if m < 0 {
		ft.Error = "no member node to kill"
		return
	}
	idx := f.onNode(m)
	ft.Target, ft.Desks = nodeName(m), len(idx)
	t0 := time.Now()
	ft.TargetExit = ns.kill(m)
	ft.Back = backTimes(waitBack(ctx, f, idx, t0), len(idx))
	ft.BackWithin = backShare(f, idx, t0, resumeWithin)
	waitAgreed(ctx, env, ft)
}

// killNATS: kill -9 the first NATS server; the nodes connected to it
// move to another, and the cluster keeps (or replaces) its holder.
func killNATS(ctx context.Context, env *runEnv, ft *FaultFigures) {
	nd := env.nodes.nats.Nodes[0]
	ft.Target = "nats " + nd.Name
	t0 := time.Now()
	nd.Kill()
	ft.TargetExit = "killed"
	waitSteady(ctx, env, ft)
	if at, ok := env.rep.Cluster.watch.firstAfter(t0, func(s string) bool { return s != ft.HolderBefore }); ok {
		ft.TakeoverSeconds = at.Sub(t0).Seconds() // the holder changed (or was none for a while)
	}
}

// natsSteady is how long the holder must stay the same after a NATS
// server died before kill-nats counts the cluster recovered: the
// holder's renewals may fail while JetStream re-elects the lease
// bucket's leader (seconds), and it then loses the lease; another node
// takes it a TTL later. Two TTLs of the default lease and some.
const natsSteady = 8 * time.Second

// waitSteady waits until the nodes agree on a holder that then stays the
// holder for natsSteady, at most takeoverLimit.
func waitSteady(ctx context.Context, env *runEnv, ft *FaultFigures) {
	w := env.rep.Cluster.watch
	deadline := time.Now().Add(takeoverLimit)
	for ctx.Err() == nil && time.Now().Before(deadline) {
		waitAgreed(ctx, env, ft)
		h := w.holder()
		since, ok := w.since(func(s string) bool { return s == h })
		if ok && h != "" && time.Since(since) >= natsSteady {
			return
		}
		sleep(ctx, watchPoll)
	}
	ft.Error = fmt.Sprintf("no holder stayed for %s within %s", natsSteady, takeoverLimit)
}

// partition: cut the holder (n1, the node behind the proxies) off from
// NATS. It must stop saying holder before another node starts; then the
// cut is healed and the node must rejoin. Its desks may stay on it (they
// get what they missed once it is back) or move on: either way they must
// be served, which the events' check sees.
func partition(ctx context.Context, env *runEnv, ft *FaultFigures) {
	ns, w := env.nodes, env.rep.Cluster.watch
	h := holderIndex(env, ft)
	if h < 0 {
		return
	}
	ft.Target = nodeName(h)
	if h != 0 || len(ns.proxies) == 0 {
		ft.Error = fmt.Sprintf("the holder is %s, not n1 (the node behind the proxies)", nodeName(h))
		return
	}
	ft.Desks = len(env.f.onNode(h))
	t0 := time.Now()
	for _, p := range ns.proxies {
		p.Cut()
	}
	ft.TargetExit = "cut from NATS"
	_, at, ok := w.waitHolder(ctx, ft.Target, takeoverLimit)
	if ok {
		ft.TakeoverSeconds = at.Sub(t0).Seconds()
	}
	if stopped, ok := w.firstAfter(t0, notHolder(ft.Target)); ok {
		ft.OldStoppedSeconds = stopped.Sub(t0).Seconds()
	} else {
		ft.OldStoppedSeconds = -1
	}
	sleep(ctx, partitionHold)
	t1 := time.Now()
	for _, p := range ns.proxies {
		p.Heal()
	}
	waitAgreed(ctx, env, ft)
	ft.HealSeconds = time.Since(t1).Seconds()
}

// rolling: restart every node in turn, holder included: SIGTERM, start
// again, healthy and agreeing on a holder, then the next.
func rolling(ctx context.Context, env *runEnv, ft *FaultFigures) {
	ns, f := env.nodes, env.f
	ft.Target = "every node"
	var all []time.Duration
	for i := range ns.nodes {
		idx := f.onNode(i)
		r := NodeRestart{Node: nodeName(i), Desks: len(idx)}
		t0 := time.Now()
		r.Exit = ns.terminate(i)
		r.StopSeconds = time.Since(t0).Seconds()
		if err := ns.nodes[i].start(ctx, env.progress); err != nil {
			r.Error = err.Error()
			ft.Restarts = append(ft.Restarts, r)
			ft.Error = fmt.Sprintf("%s did not start again", nodeName(i))
			return
		}
		waitAgreed(ctx, env, ft)
		r.DownSeconds = time.Since(t0).Seconds()
		back := waitBack(ctx, f, idx, t0)
		r.Back = backTimes(back, len(idx))
		all = append(all, back...)
		ft.Restarts = append(ft.Restarts, r)
		ft.Desks += len(idx)
	}
	ft.Back = backTimes(sortedDurations(all), ft.Desks)
}

// waitAgreed waits until every live node names one holder, which says
// it holds the lease; a failure is noted in ft.
func waitAgreed(ctx context.Context, env *runEnv, ft *FaultFigures) {
	ns, w := env.nodes, env.rep.Cluster.watch
	deadline := time.Now().Add(takeoverLimit)
	for {
		h := w.holder()
		if h != "" && ns.agree(ctx, h) {
			return
		}
		if ctx.Err() != nil || time.Now().After(deadline) {
			ft.Error = fmt.Sprintf("the nodes did not agree on a holder within %s", takeoverLimit)
			return
		}
		sleep(ctx, watchPoll)
	}
}

// agree says whether every live node names holder and has NATS.
func (ns *nodeSet) agree(ctx context.Context, holder string) bool {
	for i := range ns.nodes {
		if !ns.running(i) {
			continue
		}
		h, err := ns.nodeHealth(ctx, i)
		if err != nil || h.Cluster.Holder != holder || !h.Cluster.NATS {
			return false
		}
	}
	return true
}

// backShare is the share of the clients in idx welcomed again within d
// after t0.
func backShare(f *fleet, idx []int, t0 time.Time, d time.Duration) float64 {
	if len(idx) == 0 {
		return 0
	}
	n := 0
	for _, i := range idx {
		if at := f.clients[i].backAt.Load(); at > t0.UnixNano() && at <= t0.Add(d).UnixNano() {
			n++
		}
	}
	return float64(n) / float64(len(idx))
}
