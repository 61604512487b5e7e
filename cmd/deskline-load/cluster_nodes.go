package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/deskline/deskline/ctiproto"
	"github.com/deskline/deskline/internal/natstest"
)

// nodeSet is a cluster run's processes: the NATS servers, the
// deskline-server nodes (n1, n2, …) and, in partition mode, the proxies
// between n1 and NATS. It is the run's target: figures are summed over
// the nodes. Its invariant: stop ends every process it started, killed,
// restarted or not.
type nodeSet struct {
	o       options
	nats    *natstest.Cluster
	proxies []*natstest.Proxy // partition mode: n1's way to each NATS server
	nodes   []*serverProc     // index i is node nodeName(i)
	exits   []string          // how each node's last instance exited, once it did
	http    *http.Client      // /healthz polls
	sim     *failoverState    // the node the sim API goes to
}

// Limits of a cluster's start and of its health polls.
const (
	// holderWait bounds the wait for the first node to take the lease
	// and for the others to see it: JetStream creates the stream and
	// buckets on three servers first.
	holderWait = 30 * time.Second
	// healthPollTimeout bounds one /healthz request of the watcher: a
	// node that does not answer within it counts as saying nothing.
	healthPollTimeout = time.Second
)

// nodeName names node i: n1, n2, …
func nodeName(i int) string { return fmt.Sprintf("n%d", i+1) }

// startNodes starts NATS and the nodes: n1 first, until it holds the
// lease (so partition mode knows whom to cut: the node behind proxies),
// then the others, until every node names n1 as the holder.
func startNodes(ctx context.Context, o options, dir string, progress io.Writer) (ns *nodeSet, err error) {
	ns = &nodeSet{o: o, http: &http.Client{Timeout: healthPollTimeout}, sim: &failoverState{}}
	defer func() {
		if err != nil {
			ns.stop()
		}
	}()
	if err := ns.startNATS(ctx, dir, progress); err != nil {
		return ns, err
	}
	bin := o.ServerBin
	if bin == "" {
		fmt.Fprintln(progress, "building deskline-server…")
		if bin, err = buildServer(ctx, dir); err != nil {
			return ns, err
		}
	}
	for i := range o.nodes() {
		s, err := ns.configure(ctx, bin, dir, i)
		if err != nil {
			return ns, err
		}
		ns.nodes = append(ns.nodes, s)
		ns.exits = append(ns.exits, "")
		if err := s.start(ctx, progress); err != nil {
			return ns, err
		}
		if i == 0 {
			if err := ns.waitHolder(ctx, nodeName(0), []int{0}); err != nil {
				return ns, err
			}
		}
	}
	all := make([]int, len(ns.nodes))
	for i := range all {
		all[i] = i
	}
	return ns, ns.waitHolder(ctx, nodeName(0), all)
}

// startNATS starts the NATS cluster and, in partition mode, n1's proxies.
func (ns *nodeSet) startNATS(ctx context.Context, dir string, progress io.Writer) error {
	natsDir := filepath.Join(dir, "nats")
	if err := mkdir(natsDir); err != nil {
		return err
	}
	bin := ns.o.NATSBin
	if bin == "" {
		fmt.Fprintln(progress, "building nats-server…")
		var err error
		if bin, err = natstest.Build(natsDir); err != nil {
			return fmt.Errorf("%w (run inside the deskline module, or pass -nats-bin)", err)
		}
	}
	c, err := natstest.Launch(ctx, bin, natsDir, natsServers)
	if err != nil {
		return err
	}
	ns.nats = c
	fmt.Fprintf(progress, "NATS JetStream cluster of %d on %s\n", natsServers, strings.Join(c.URLs(), ", "))
	if ns.o.Mode != modePartition {
		return nil
	}
	for _, u := range c.URLs() {
		p, err := natstest.StartProxy(u)
		if err != nil {
			return err
		}
		ns.proxies = append(ns.proxies, p)
	}
	return nil
}

// natsURLs are the NATS URLs node i connects to: the proxies' for n1 in
// partition mode, else the servers'.
func (ns *nodeSet) natsURLs(i int) []string {
	if i > 0 || len(ns.proxies) == 0 {
		return ns.nats.URLs()
	}
	var u []string
	for _, p := range ns.proxies {
		u = append(u, p.URL)
	}
	return u
}

// configure writes node i's config (dir/nI/server.toml: the run's users
// and devices, its own listen address, admin listener and state_dir, and
// the [cluster] section) and checks it.
func (ns *nodeSet) configure(ctx context.Context, bin, dir string, i int) (*serverProc, error) {
	name := nodeName(i)
	nodeDir := filepath.Join(dir, name)
	if err := mkdir(nodeDir); err != nil {
		return nil, err
	}
	addr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	cfg, err := writeConfig(nodeDir, addr, ns.o)
	if err != nil {
		return nil, err
	}
	if err := appendCluster(cfg, name, ns.natsURLs(i)); err != nil {
		return nil, err
	}
	if err := checkConfig(ctx, bin, cfg); err != nil {
		return nil, err
	}
	s := &serverProc{name: "deskline-server " + name, bin: bin, args: []string{"serve", "-config", cfg},
		addr: addr, logPath: filepath.Join(nodeDir, "server.log")}
	if ns.o.GCTrace {
		s.env = append(os.Environ(), "GODEBUG=gctrace=1")
	}
	return s, nil
}

// appendCluster adds the [cluster] section to the config at path: the
// NATS URLs and the node's name; the lease TTL and replicas are the
// server's defaults (3 s, three copies).
func appendCluster(path, name string, nats []string) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		return err
	}
	q := make([]string, len(nats))
	for i, u := range nats {
		q[i] = fmt.Sprintf("%q", u)
	}
	_, err = fmt.Fprintf(f, "[cluster]\nnats = [%s]\nnode = %q\n", strings.Join(q, ", "), name)
	return errors.Join(err, f.Close())
}

func mkdir(dir string) error { return os.Mkdir(dir, 0o700) }

// nodeHealth is the part of a node's /healthz the cluster runs read.
type nodeHealth struct {
	Status      string `json:"status"`
	Role        string `json:"role"` // holder, member (standalone without a cluster)
	Connections int    `json:"connections"`
	Cluster     struct {
		Node    string `json:"node"`
		Holder  string `json:"holder"`
		Fence   uint64 `json:"fence"`
		NATS    bool   `json:"nats"`
		Applied uint64 `json:"applied"`
	} `json:"cluster"`
}

// Roles in /healthz.
const (
	roleHolder = "holder"
	roleMember = "member"
)

// nodeHealth asks node i for its /healthz once.
func (ns *nodeSet) nodeHealth(ctx context.Context, i int) (nodeHealth, error) {
	var h nodeHealth
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, ns.nodes[i].httpURL()+"/healthz", nil)
	if err != nil {
		return h, err
	}
	resp, err := ns.http.Do(req)
	if err != nil {
		return h, fmt.Errorf("%s: GET /healthz: %w", nodeName(i), err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return h, fmt.Errorf("%s: GET /healthz: %s", nodeName(i), resp.Status)
	}
	if err := json.NewDecoder(resp.Body).Decode(&h); err != nil {
		return h, fmt.Errorf("%s: GET /healthz: %w", nodeName(i), err)
	}
	return h, nil
}

// waitHolder waits until every node in idx names holder as the holder,
// and holder itself says it holds the lease.
func (ns *nodeSet) waitHolder(ctx context.Context, holder string, idx []int) error {
	ctx, cancel := context.WithTimeout(ctx, holderWait)
	defer cancel()
	var last string
	for {
		ok := true
		for _, i := range idx {
			h, err := ns.nodeHealth(ctx, i)
			switch {
			case err != nil:
				last, ok = err.Error(), false
			case h.Cluster.Holder != holder || (nodeName(i) == holder) != (h.Role == roleHolder):
				last, ok = fmt.Sprintf("%s: role %q, holder %q", nodeName(i), h.Role, h.Cluster.Holder), false
			}
		}
		if ok {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("cluster: %s not the holder for all after %s: %s", holder, holderWait, last)
		case <-time.After(backPoll * 5):
		}
	}
}

// running says whether node i's process runs.
func (ns *nodeSet) running(i int) bool {
	s := ns.nodes[i]
	if s.cmd == nil || s.cmd.Process == nil { // never started
		return false
	}
	select {
	case <-s.exited:
		return false
	default:
		return true
	}
}

// kill ends node i with SIGKILL (kill -9) and returns how it exited.
func (ns *nodeSet) kill(i int) string {
	s := ns.nodes[i]
	s.cmd.Process.Kill()
	<-s.exited
	s.logFile.Close()
	if ps := s.cmd.ProcessState; ps != nil {
		s.cpuDone += ps.UserTime() + ps.SystemTime()
	}
	ns.exits[i] = exitText(s.waitErr)
	return ns.exits[i]
}

// terminate ends node i with SIGTERM (SIGKILL after stopWait).
func (ns *nodeSet) terminate(i int) string {
	ns.exits[i] = ns.nodes[i].terminate()
	return ns.exits[i]
}

// stop ends every node still running (SIGTERM), then NATS and the
// proxies, and returns the nodes' logs (each line after its node's
// name) and how each exited. Safe to call more than once.
func (ns *nodeSet) stop() (log []string, exit string) {
	var exits []string
	for i := range ns.nodes {
		if ns.running(i) {
			ns.terminate(i)
		}
		exits = append(exits, nodeName(i)+" "+ns.exits[i])
		for _, line := range readLines(ns.nodes[i].logPath) {
			log = append(log, nodeName(i)+": "+line)
		}
	}
	if ns.nats != nil {
		ns.nats.Stop()
	}
	for _, p := range ns.proxies {
		p.Close()
	}
	ns.proxies = nil
	return log, strings.Join(exits, "; ")
}

// wsURLs are every node's WebSocket URL (target).
func (ns *nodeSet) wsURLs() []string {
	u := make([]string, len(ns.nodes))
	for i, s := range ns.nodes {
		u[i] = s.wsURL()
	}
	return u
}

// health sums the live nodes' connections (target).
func (ns *nodeSet) health(ctx context.Context) (healthz, error) {
	sum := healthz{Status: "ok"}
	for i := range ns.nodes {
		if !ns.running(i) {
			continue
		}
		h, err := ns.nodeHealth(ctx, i)
		if err != nil {
			return sum, err
		}
		sum.Connections += h.Connections
	}
	return sum, nil
}

// cpu is the CPU time of every node, over all its instances (target).
func (ns *nodeSet) cpu() (time.Duration, error) {
	var sum time.Duration
	for i, s := range ns.nodes {
		if !ns.running(i) {
			sum += s.cpuDone
			continue
		}
		d, err := s.cpu()
		if err != nil {
			return 0, err
		}
		sum += d
	}
	return sum, nil
}

// settledRSS waits settle, then sums the live nodes' least RSS of a few
// samples, in KB (target). The nodes are sampled at the same time.
func (ns *nodeSet) settledRSS(ctx context.Context, settle time.Duration) int64 {
	sleep(ctx, settle)
	rss := make([]int64, len(ns.nodes))
	var wg sync.WaitGroup
	for i, s := range ns.nodes {
		if ns.running(i) {
			wg.Go(func() { rss[i] = max(s.settledRSS(ctx, 0), 0) })
		}
	}
	wg.Wait()
	var sum int64
	for _, kb := range rss {
		sum += kb
	}
	return sum
}

// exchangeCalls asks the exchange for its calls, through the first live
// node that answers, for up to takeoverLimit: while no node holds the
// lease (a takeover) none can answer.
func (ns *nodeSet) exchangeCalls(ctx context.Context) ([]ctiproto.Call, error) {
	deadline := time.Now().Add(takeoverLimit)
	for {
		var errs []error
		for i, s := range ns.nodes {
			if !ns.running(i) {
				continue
			}
			calls, err := exchangeCalls(ctx, s.httpURL())
			if err == nil {
				return calls, nil
			}
			errs = append(errs, fmt.Errorf("%s: %w", nodeName(i), err))
		}
		if ctx.Err() != nil || time.Now().After(deadline) {
			return nil, fmt.Errorf("no node answered for the exchange's calls within %s: %w", takeoverLimit, errors.Join(errs...))
		}
		sleep(ctx, watchPoll*4)
	}
}
