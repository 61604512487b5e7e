// Package cluster links a Deskline server to the other nodes of its
// cluster through NATS JetStream (docs/operations.md, "Three nodes"). It
// holds the NATS connection, the names of everything the nodes share, the
// exchange lease and the log every node replays; it knows nothing of
// sessions or of the wire.
//
// What the nodes share, all named from config.Cluster.Name (default
// "deskline", written <name> below):
//
//   - stream <NAME>_LOG, subjects <name>.log.>: the cluster's input log.
//     The holder of the lease appends the exchange's events to it; every
//     node reads it from its start and feeds its hub, so every node holds
//     the same per-user event logs with the same epoch and seqs.
//   - bucket <name>_lease, key "exchange": who holds the exchange link.
//     Its revision is the fencing number.
//   - bucket <name>_tokens and <name>_logins: device tokens (as hashes)
//     and failed logins, so a login and a refresh work on any node.
//   - subjects <name>.exchange.> (core NATS request and reply): commands
//     to the exchange and the sim control API, answered by the holder.
//
// The one invariant: only the holder of the lease, while its lease is
// valid, drives the exchange or appends exchange events to the log; an
// append a stale holder got in anyway carries its lower fence and every
// reader skips it alike.
package cluster

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"time"

	"github.com/deskline/deskline/server/config"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// Limits of the NATS link.
const (
	// connectTimeout bounds one connection attempt to one NATS server.
	connectTimeout = 2 * time.Second
	// reconnectWait is the pause between rounds of reconnecting to the
	// listed servers: short, so a node finds a surviving server well
	// within the lease's TTL.
	reconnectWait = 250 * time.Millisecond
	// requestTimeout bounds a JetStream API request (creating a bucket,
	// reading a key): a cluster electing a new leader answers within it.
	requestTimeout = 5 * time.Second
)

// Node is this server's membership of the cluster.
type Node struct {
	Name string // this node's name (config.Cluster.Node)
	NC   *nats.Conn
	JS   jetstream.JetStream

	cfg config.Cluster
	log *slog.Logger
}

// Connect connects to the NATS servers cfg lists. It fails when none
// answers; once connected, the link reconnects for ever (a node that
// cannot reach the log for a lease's TTL sends its desks to the others
// and holds no lease; with every NATS server down no node serves desks).
func Connect(ctx context.Context, cfg config.Cluster, log *slog.Logger) (*Node, error) {
	if log == nil {
		log = slog.Default()
	}
	opts := []nats.Option{
		nats.Name("deskline-server " + cfg.Node),
		nats.Timeout(connectTimeout),
		nats.ReconnectWait(reconnectWait),
		nats.MaxReconnects(-1),
		nats.DisconnectErrHandler(func(_ *nats.Conn, err error) {
			log.Warn("cluster: NATS link lost", "err", err)
		}),
		nats.ReconnectHandler(func(nc *nats.Conn) {
			log.Info("cluster: NATS link back", "server", nc.ConnectedUrlRedacted())
		}),
	}
	if cfg.CredsFile != "" {
		opts = append(opts, nats.UserCredentials(cfg.CredsFile))
	}
	if cfg.CAFile != "" {
		tc, err := tlsWithCA(cfg.CAFile)
		if err != nil {
			return nil, err
		}
		opts = append(opts, nats.Secure(tc))
	}
	nc, err := nats.Connect(strings.Join(cfg.NATS, ","), opts...)
	if err != nil {
		return nil, &Error{Op: "connect", Target: strings.Join(cfg.NATS, ", "), Err: err}
	}
	js, err := jetstream.New(nc)
	if err != nil {
		nc.Close()
		return nil, &Error{Op: "jetstream", Err: err}
	}
	return &Node{Name: cfg.Node, NC: nc, JS: js, cfg: cfg, log: log}, nil
}

// Close closes the NATS link.
func (n *Node) Close() { n.NC.Close() }

// Subject is the subject <name>.<rest>.
func (n *Node) Subject(rest string) string { return n.cfg.Name + "." + rest }

// StreamName is the stream <NAME>_<what>: stream names are upper case by
// custom.
func (n *Node) StreamName(what string) string {
	return strings.ToUpper(n.cfg.Name) + "_" + what
}

// BucketName is the key-value bucket <name>_<what>.
func (n *Node) BucketName(what string) string { return n.cfg.Name + "_" + what }

// Replicas is the number of copies of every stream and bucket.
func (n *Node) Replicas() int { return n.cfg.ReplicasOrDefault() }

// KeyValue creates or opens the bucket <name>_<what> with cfg (Bucket
// and Replicas are set here). A bucket that exists with other settings
// is updated to cfg.
func (n *Node) KeyValue(ctx context.Context, what string, cfg jetstream.KeyValueConfig) (jetstream.KeyValue, error) {
	cfg.Bucket = n.BucketName(what)
	cfg.Replicas = n.Replicas()
	ctx, cancel := context.WithTimeout(ctx, requestTimeout)
	defer cancel()
	kv, err := n.JS.CreateOrUpdateKeyValue(ctx, cfg)
	if err != nil {
		return nil, &Error{Op: "open bucket", Target: cfg.Bucket, Err: err}
	}
	return kv, nil
}

// Error is a failure of the cluster link: what was done (Op), to what
// (Target: a bucket, a stream, a subject, a server list) and why.
type Error struct {
	Op     string
	Target string
	Err    error
}

func (e *Error) Error() string {
	if e.Target == "" {
		return fmt.Sprintf("cluster: %s: %v", e.Op, e.Err)
	}
	return fmt.Sprintf("cluster: %s %s: %v", e.Op, e.Target, e.Err)
}

func (e *Error) Unwrap() error { return e.Err }

func tlsWithCA(path string) (*tls.Config, error) {
	pem, err := os.ReadFile(path)
	if err != nil {
		return nil, &Error{Op: "read CA file", Target: path, Err: err}
	}
	pool, err := x509.SystemCertPool()
	if err != nil {
		pool = x509.NewCertPool()
	}
	if !pool.AppendCertsFromPEM(pem) {
		return nil, &Error{Op: "read CA file", Target: path, Err: errors.New("no PEM certificate in it")}
	}
	return &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}, nil
}
