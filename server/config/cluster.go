package config

import (
	"net/url"
	"time"
)

// Cluster makes this server one node of several that share the desks,
// on a NATS JetStream cluster (docs/operations.md, "Three nodes").
// Without it (no nats listed, the default) the server is one node, in
// memory, with no other service: the embedded default for a small office.
type Cluster struct {
	// NATS lists the NATS servers' URLs ("nats://host:4222", or
	// "tls://…"; a client verifies the server's certificate). The node
	// connects to any of them and follows the cluster when one goes.
	// Default empty: no cluster.
	NATS []string `toml:"nats"`
	// Node names this node in the cluster: who holds the exchange link,
	// /healthz, the logs (default: the host name). Unique per node.
	Node string `toml:"node"`
	// Name prefixes the JetStream stream and buckets (default
	// "deskline"), so two Deskline clusters (a test office and the real
	// one) can share one NATS without seeing each other's desks.
	Name string `toml:"name"`
	// LeaseTTL is how long the exchange lease lives without a renewal
	// (default 3s): a holder that dies is replaced within about this
	// long, and a holder cut off from NATS stops driving the exchange
	// before it runs out. 1s to 1m; shorter takes over sooner but a
	// stalled holder (a long GC pause, a swapping machine) loses the
	// lease more easily.
	LeaseTTL time.Duration `toml:"lease_ttl"`
	// Replicas is how many NATS servers keep a copy of the stream and
	// buckets (default 0: as many as nats lists, at most 3; three copies
	// survive the loss of one server). 1 to 5; more than the NATS cluster
	// has servers fails at start, naming the stream.
	Replicas int `toml:"replicas"`
	// LogRollBytes is the size of the cluster's log at which the node
	// holding the exchange begins a new epoch: a new seed, the older
	// entries dropped (default 256 MiB: some 650,000 entries, which a
	// starting node replays in seconds). Every desk takes one snapshot
	// per roll, as after a restart. 64 KiB to 768 MiB (the stream holds
	// at most 1 GiB).
	LogRollBytes uint64 `toml:"log_roll_bytes"`
	// CredsFile is a NATS credentials file (JWT and seed) for the node's
	// NATS user; default none (a NATS without authentication, as on a
	// test machine). Relative to the config file.
	CredsFile string `toml:"creds_file"`
	// CAFile adds a company CA for tls:// NATS servers (default: the
	// system's roots). Relative to the config file.
	CAFile string `toml:"ca_file"`
}

// Cluster defaults.
const (
	DefaultClusterName     = "deskline"
	DefaultLeaseTTL        = 3 * time.Second
	DefaultClusterReplicas = 3
	DefaultLogRollBytes    = 256 << 20
)

// ReplicasOrDefault is Replicas, or for 0 as many as NATS lists, at most
// DefaultClusterReplicas.
func (c Cluster) ReplicasOrDefault() int {
	if c.Replicas > 0 {
		return c.Replicas
	}
	return min(len(c.NATS), DefaultClusterReplicas)
}

// Enabled reports whether the server is a node of a cluster.
func (c Cluster) Enabled() bool { return len(c.NATS) > 0 }

func (c *Config) checkCluster(ps *problems) {
	cl := &c.Cluster
	if !cl.Enabled() {
		return
	}
	for _, u := range cl.NATS {
		p, err := url.Parse(u)
		if err != nil || p.Host == "" || (p.Scheme != "nats" && p.Scheme != "tls") {
			ps.add("cluster.nats", "cluster.nats: %q is not a NATS URL (nats://host:4222 or tls://host:4222)", u)
		}
	}
	if cl.LeaseTTL < time.Second || cl.LeaseTTL > time.Minute {
		ps.add("cluster.lease_ttl", "cluster.lease_ttl %v is out of range: 1s to 1m", cl.LeaseTTL)
	}
	if cl.LogRollBytes < 64<<10 || cl.LogRollBytes > 768<<20 {
		ps.add("cluster.log_roll_bytes", "cluster.log_roll_bytes %d is out of range: 65536 to 805306368", cl.LogRollBytes)
	}
	if cl.Replicas < 0 || cl.Replicas > 5 {
		ps.add("cluster.replicas", "cluster.replicas %d is out of range: 1 to 5", cl.Replicas)
	}
	if cl.Node == "" {
		ps.add("cluster.node", "cluster.node is empty and the host has no name: name this node")
	}
	for key, path := range map[string]string{"cluster.creds_file": cl.CredsFile, "cluster.ca_file": cl.CAFile} {
		if path != "" {
			fileReadable(ps, key, path)
		}
	}
}
