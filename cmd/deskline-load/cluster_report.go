package main

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"
)

// ClusterFigures are a cluster run's own figures.
type ClusterFigures struct {
	NATSServers     int              `json:"nats_servers"`
	Nodes           []NodeFigures    `json:"nodes"`
	Holder          string           `json:"holder_at_start"`
	Polls           int              `json:"health_polls"` // rounds of /healthz of every node, every 50 ms
	MaxHolders      int              `json:"max_holders_at_once"`
	TwoHolders      int              `json:"rounds_with_two_holders"`
	TwoHoldersFirst string           `json:"two_holders_first,omitempty"`
	HolderChanges   []HolderChange   `json:"holder_changes"`
	Reconciled      int64            `json:"calls_reconciled"`          // cleared at desks with cause exchange-restarted
	UnknownCalls    int              `json:"unknown_calls"`             // calls desks saw that no ring of the load answered
	MissingByNode   map[string]int64 `json:"missing_by_node,omitempty"` // expected events not delivered, by the desk's node at the end
	Fault           *FaultFigures    `json:"fault,omitempty"`

	watch    *holderWatch
	longIDs  map[string]bool // the long calls' ids (cluster_long.go)
	inFlight []inFlight      // calls met on their way (cluster_inflight.go)
}

// NodeFigures is one deskline-server node.
type NodeFigures struct {
	Name string `json:"name"`
	Addr string `json:"addr"`
	Exit string `json:"exit"` // how its last instance exited
}

// FaultFigures are a cluster mode's fault and the recovery from it.
type FaultFigures struct {
	Mode         string  `json:"mode"`
	AtSeconds    float64 `json:"at_s"`   // into the load
	Target       string  `json:"target"` // the node or NATS server hit
	TargetExit   string  `json:"target_exit,omitempty"`
	HolderBefore string  `json:"holder_before"`
	HolderAfter  string  `json:"holder_after"`
	// TakeoverSeconds: from the fault until another node said holder
	// (kill-nats: until the holders changed at all); -1 never.
	TakeoverSeconds float64 `json:"takeover_s"`
	// OldStoppedSeconds (partition): from the cut until the cut holder
	// stopped saying holder; -1 never.
	OldStoppedSeconds float64       `json:"old_holder_stopped_s,omitempty"`
	HealSeconds       float64       `json:"heal_s,omitempty"` // partition: from the heal until the nodes agreed again
	Desks             int           `json:"desks_on_target"`
	Back              BackTimes     `json:"back"`                 // those desks welcomed again, from the fault
	BackWithin        float64       `json:"back_within_5s_share"` // of those desks, within 5 s
	Restarts          []NodeRestart `json:"restarts,omitempty"`   // rolling
	TrackedCalls      int64         `json:"tracked_calls"`        // calls followed one by one
	LongCalls         LongCalls     `json:"long_calls"`           // up through the fault (cluster_long.go)
	// InFlightCalls (kill-holder, partition): followed calls whose events
	// had not all reached their desks when the holder went; no longer
	// followed. InFlightMissing: their events that never arrived, gone
	// with the holder before they reached the log (cluster_inflight.go).
	InFlightCalls   int    `json:"in_flight_calls,omitempty"`
	InFlightMissing int    `json:"in_flight_events_missing,omitempty"`
	Error           string `json:"error,omitempty"`
}

// NodeRestart is one node's restart in a rolling restart.
type NodeRestart struct {
	Node        string    `json:"node"`
	Exit        string    `json:"exit"`
	StopSeconds float64   `json:"stop_s"` // SIGTERM to exit
	DownSeconds float64   `json:"down_s"` // SIGTERM to healthy and agreeing on a holder
	Desks       int       `json:"desks"`
	Back        BackTimes `json:"back"` // its desks, on the next node, from SIGTERM
	Error       string    `json:"error,omitempty"`
}

// OneNodeReport is the same clients and load on one node (steady, -nodes
// > 1): the cluster's cost.
type OneNodeReport struct {
	Complete bool     `json:"complete"`
	Calls    Calls    `json:"calls"`
	Events   Events   `json:"events"`
	Latency  Latency  `json:"latency_ms"`
	Server   Server   `json:"server"`
	Problems []string `json:"problems,omitempty"`
	Ratios   Ratios   `json:"ratios"` // cluster / one node: p50, p99, CPU, RSS
}

// figures starts a run's cluster figures.
func (ns *nodeSet) figures() *ClusterFigures {
	return &ClusterFigures{NATSServers: natsServers, Holder: nodeName(0), Nodes: ns.nodeFigures()}
}

func (ns *nodeSet) nodeFigures() []NodeFigures {
	var n []NodeFigures
	for i, s := range ns.nodes {
		n = append(n, NodeFigures{Name: nodeName(i), Addr: s.addr, Exit: ns.exits[i]})
	}
	return n
}

// countUnknownCalls counts the calls desks saw that no ring answered
// (a command run twice would show here), and the events missing by the
// desks' nodes (a node that stopped serving its desks shows here). The
// readers must have ended.
func (r *Report) countUnknownCalls(f *fleet) {
	if r.Cluster == nil {
		return
	}
	r.countMissingByNode(f)
	if r.rung == nil || !f.trackCalls {
		return
	}
	if ft := r.Cluster.Fault; ft != nil {
		ft.InFlightMissing = inFlightOutcome(r.Cluster.inFlight)
	}
	for _, c := range f.clients {
		c.mu.Lock()
		for id := range c.perCall {
			if _, ok := r.rung.Load(id); !ok && !r.Cluster.longIDs[id] {
				r.Cluster.UnknownCalls++
			}
		}
		c.mu.Unlock()
	}
}

// countMissingByNode sums the events each desk expected and did not get,
// by the node it was on at the end.
func (r *Report) countMissingByNode(f *fleet) {
	for _, c := range f.clients {
		missing := max(c.expected.Load()-c.delivered.Load(), 0)
		if f.trackCalls {
			missing = c.trackedStats().Missing
		}
		if missing > 0 {
			if r.Cluster.MissingByNode == nil {
				r.Cluster.MissingByNode = map[string]int64{}
			}
			r.Cluster.MissingByNode[nodeName(int(c.node.Load()))] += missing
		}
	}
}

// finishCluster records the watch and checks the cluster's requirements:
// never two holders, no desk noticing more than a reconnect, and the
// mode's own.
func (r *Report) finishCluster(s fleetStats) {
	c := r.Cluster
	if c == nil {
		return
	}
	c.watch.stop()
	c.watch.record(c)
	c.Reconciled = s.Reconciled
	if c.MaxHolders > 1 {
		r.problem("cluster: %d rounds of /healthz with two holders at once (first: %s)", c.TwoHolders, c.TwoHoldersFirst)
	}
	if n := len(c.HolderChanges); n == 0 || c.HolderChanges[n-1].Holders == "" || strings.Contains(c.HolderChanges[n-1].Holders, "+") {
		r.problem("cluster: no single holder at the end (changes: %v)", c.HolderChanges)
	}
	if r.Mode == modeSteady {
		return
	}
	if len(s.Logins.Resync) > 0 || s.Logins.Fallback > 0 || s.Logins.Password > 0 {
		r.problem("cluster: desks noticed more than a reconnect: resync %v, %d password fallbacks, %d password logins",
			s.Logins.Resync, s.Logins.Fallback, s.Logins.Password)
	}
	if !r.clusterFault() {
		return
	}
	ft := c.Fault
	if ft == nil {
		r.problem("%s: no fault happened (the run ended first)", r.Mode)
		return
	}
	ft.TrackedCalls = s.Tracked.Calls
	if ft.Error != "" {
		r.problem("%s: %s", r.Mode, ft.Error)
	}
	if ft.TrackedCalls == 0 {
		r.problem("%s: no call was followed; lengthen -duration", r.Mode)
	}
	if l := ft.LongCalls; l.Errors > 0 || l.Unseen > 0 || int64(l.Gone) > r.Cluster.Reconciled {
		r.problem("%s: long calls: %d gone from the exchange, %d reconciled at desks, %d never at their desks, %d sim API errors",
			r.Mode, l.Gone, r.Cluster.Reconciled, l.Unseen, l.Errors)
	}
	r.judgeFault(ft)
}

func (r *Report) clusterFault() bool { return slices.Contains(clusterModes, r.Mode) }

// judgeFault checks the mode's own requirement.
func (r *Report) judgeFault(ft *FaultFigures) {
	switch r.Mode {
	case modeKillHolder:
		if ft.TakeoverSeconds < 0 || ft.TakeoverSeconds > takeoverWithin.Seconds() {
			r.problem("kill-holder: another node said holder after %.2fs; want within %s", ft.TakeoverSeconds, takeoverWithin)
		}
		if ft.Back.Back < ft.Desks {
			r.problem("kill-holder: %d of the holder's %d desks came back", ft.Back.Back, ft.Desks)
		}
	case modeKillNode:
		if ft.BackWithin < resumeShare {
			r.problem("kill-node: %.1f%% of the node's %d desks resumed within %s; want %.0f%%",
				100*ft.BackWithin, ft.Desks, resumeWithin, 100*resumeShare)
		}
	case modeKillNATS:
		if ft.HolderAfter == "" {
			r.problem("kill-nats: no single holder after the NATS server died")
		}
	case modePartition:
		switch {
		case ft.TakeoverSeconds < 0:
			r.problem("partition: no other node took over from the cut holder")
		case ft.OldStoppedSeconds < 0 || ft.OldStoppedSeconds > ft.TakeoverSeconds:
			r.problem("partition: the cut holder stopped after %.2fs, another started after %.2fs: want it stopped first",
				ft.OldStoppedSeconds, ft.TakeoverSeconds)
		}
		if failed := int(r.Calls.RingErrors + r.Calls.Cut); r.Cluster.UnknownCalls > failed {
			r.problem("partition: desks saw %d calls no ring answered, more than the %d failed or cut: a command ran twice",
				r.Cluster.UnknownCalls, failed)
		}
	case modeRolling:
		if len(ft.Restarts) != len(r.Cluster.Nodes) {
			r.problem("rolling: %d of %d nodes restarted", len(ft.Restarts), len(r.Cluster.Nodes))
		}
		if ft.Back.Back < ft.Desks {
			r.problem("rolling: %d of the restarted nodes' %d desks came back", ft.Back.Back, ft.Desks)
		}
	}
}

// setOneNode records the one-node run and the cluster/one-node ratios.
func (r *Report) setOneNode(b *Report) {
	o := &OneNodeReport{Complete: b.Complete && b.Error == "", Calls: b.Calls, Events: b.Events, Latency: b.Latency,
		Server: b.Server, Problems: b.Problems}
	if b.Error != "" {
		o.Problems = append(o.Problems, b.Error)
	}
	o.Ratios = Ratios{
		P50:        ratio(r.Latency.P50, b.Latency.P50),
		P99:        ratio(r.Latency.P99, b.Latency.P99),
		CPU:        ratio(r.Server.CPUSeconds, b.Server.CPUSeconds),
		RSSPerConn: ratio(r.Server.RSSPerConnKB, b.Server.RSSPerConnKB),
		RSSIdle:    ratio(float64(r.Server.RSSIdleKB), float64(b.Server.RSSIdleKB)),
	}
	r.OneNode = o
	if !o.Complete {
		r.problem("one node: not every event arrived exactly once")
		r.Complete = false
	}
}

// sortedDurations sorts d in place and returns it.
func sortedDurations(d []time.Duration) []time.Duration {
	slices.Sort(d)
	return d
}

// writeCluster prints the cluster's figures.
func (r *Report) writeCluster(b *strings.Builder) {
	c := r.Cluster
	if c == nil {
		return
	}
	var nodes []string
	for _, n := range c.Nodes {
		nodes = append(nodes, fmt.Sprintf("%s %s (%s)", n.Name, n.Addr, n.Exit))
	}
	fmt.Fprintf(b, "cluster:            %d nodes on %d NATS servers: %s\n", len(c.Nodes), c.NATSServers, strings.Join(nodes, ", "))
	fmt.Fprintf(b, "holders:            at most %d at once in %d rounds of /healthz (every %s); %d rounds with two\n",
		c.MaxHolders, c.Polls, watchPoll, c.TwoHolders)
	var ch []string
	for _, h := range c.HolderChanges {
		ch = append(ch, fmt.Sprintf("%.2fs %s", h.AtSeconds, cmp.Or(h.Holders, "none")))
	}
	fmt.Fprintf(b, "                    changes (s from the nodes up): %s\n", strings.Join(ch, ", "))
	fmt.Fprintf(b, "calls reconciled:   %d; calls desks saw that no ring answered: %d\n", c.Reconciled, c.UnknownCalls)
	for _, n := range slices.Sorted(maps.Keys(c.MissingByNode)) {
		fmt.Fprintf(b, "missing at %s:      %d events expected by its desks never arrived\n", n, c.MissingByNode[n])
	}
	if ft := c.Fault; ft != nil {
		writeFault(b, ft)
	}
}

func writeFault(b *strings.Builder, ft *FaultFigures) {
	fmt.Fprintf(b, "fault:              %s: %s (%s) %.1fs into the load; holder %s before, %s after\n",
		ft.Mode, ft.Target, ft.TargetExit, ft.AtSeconds, cmp.Or(ft.HolderBefore, "none"), cmp.Or(ft.HolderAfter, "none"))
	switch ft.Mode {
	case modeKillHolder, modeKillNATS, modePartition:
		fmt.Fprintf(b, "takeover:           another node said holder %.2fs after the fault (-1: never)\n", ft.TakeoverSeconds)
	}
	if ft.Mode == modePartition {
		fmt.Fprintf(b, "                    the cut holder stopped saying holder after %.2fs; healed, the nodes agreed after %.2fs\n",
			ft.OldStoppedSeconds, ft.HealSeconds)
	}
	switch ft.Mode {
	case modeKillHolder, modeKillNode:
		fmt.Fprintf(b, "desks hit:          %d; %.1f%% back within %s\n", ft.Desks, 100*ft.BackWithin, resumeWithin)
		writeBack(b, ft.Back, "after the fault")
	case modeRolling:
		fmt.Fprintf(b, "desks hit:          %d reconnections (a desk moves at each restart of its node)\n", ft.Desks)
		writeBack(b, ft.Back, "after their node's SIGTERM")
	case modePartition:
		fmt.Fprintf(b, "desks hit:          %d on the cut node\n", ft.Desks)
	}
	for _, rs := range ft.Restarts {
		fmt.Fprintf(b, "restart %-3s         exit after %.2fs (%s), healthy and agreeing after %.2fs; %d of %d desks back, 99%% in %.2fs%s\n",
			rs.Node+":", rs.StopSeconds, rs.Exit, rs.DownSeconds, rs.Back.Back, rs.Desks, rs.Back.P99, errText(rs.Error))
	}
	if ft.InFlightCalls > 0 {
		fmt.Fprintf(b, "calls on their way: %d when the holder went (not followed); %d of their events never reached a desk\n",
			ft.InFlightCalls, ft.InFlightMissing)
	}
	l := ft.LongCalls
	fmt.Fprintf(b, "long calls:         %d up through the fault: %d survived (hung up after), %d gone (reconciled); %d never at their desks, %d sim API errors\n",
		l.Rung, l.Survived, l.Gone, l.Unseen, l.Errors)
	fmt.Fprintf(b, "calls followed:     %d, one by one (not those in flight at the fault or made during the recovery)\n", ft.TrackedCalls)
	if ft.Error != "" {
		fmt.Fprintf(b, "fault error:        %s\n", ft.Error)
	}
}

// writeOneNode prints the one-node run and the ratios.
func (r *Report) writeOneNode(b *strings.Builder) {
	o := r.OneNode
	if o == nil {
		return
	}
	l, q := o.Latency, o.Ratios
	fmt.Fprintf(b, "one node:           the same clients and load on one server (no cluster): complete %v\n", o.Complete)
	fmt.Fprintf(b, "  latency (ms):     p50 %.3f  p90 %.3f  p99 %.3f  p99.9 %.3f  max %.3f  (%d samples)\n",
		l.P50, l.P90, l.P99, l.P999, l.Max, l.Samples)
	fmt.Fprintf(b, "  CPU:              %.2fs = %.0f%% of one core; RSS idle %d KB\n", o.Server.CPUSeconds, o.Server.CPUPercent, o.Server.RSSIdleKB)
	fmt.Fprintf(b, "cluster/one node:   p50 ×%.2f  p99 ×%.2f  CPU ×%.2f  RSS idle ×%.2f\n", q.P50, q.P99, q.CPU, q.RSSIdle)
}
