// Command deskline-load measures a Deskline server under load, on one
// machine, over loopback only.
//
// It builds (or takes) the server binary, writes a config with N users
// (u0001…, each owning one simulated extension 2001…), starts the server
// as a child process, opens N real WebSocket clients (ctiproto v1, password
// login, then the device token, as the tray app does), measures the
// server's memory per idle connection, then rings and hangs up calls
// through the sim HTTP API at a target rate and measures how every event
// reaches its client: latency (now − event time, the exchange stamps the
// time at emission), lost and duplicated events (from the per-user seq),
// and the server's CPU time. At the end every client's calls are compared
// with the exchange's (/v1/sim/calls): nothing may be stuck on a screen.
// The child is always stopped on exit. A run with more clients than one
// source address's share of the local port range dials them from
// 127.0.0.1 … 127.0.0.N (sources.go), and the open-file limit is raised
// to what the run needs (the hard one too, where root may).
//
// -mode picks what happens while the load runs (modes.go): steady
// (nothing), storm (every client drops its TCP connection at once and
// reconnects at once, resuming), slow (-slow clients stop reading until
// the server cuts them, then resume) or restart (the server is stopped
// with SIGTERM and started again on the same port and state dir). Each
// mode reports its own figures.
//
// -nodes N (N > 1) and the cluster modes run a cluster instead (cluster.go):
// a three-server NATS JetStream cluster and N deskline-server nodes, the
// clients spread over them and moving on when their node goes. The modes
// hit it while the load runs: kill-holder (kill -9 the node holding the
// exchange lease), kill-node (kill -9 a member and its third of the
// desks), kill-nats (kill -9 a NATS server), partition (cut the holder off
// from NATS, then heal) and rolling (restart every node in turn).
//
// -baseline (on by default in steady mode, off with -no-baseline) then
// runs the same clients and load against a minimal gorilla/websocket
// broadcast server (this binary, started with the hidden flag
// -baseline-server ADDR) and reports the Deskline/baseline ratios.
//
//	go run ./cmd/deskline-load -clients 1000 -rate 500 -duration 10s
//	go run ./cmd/deskline-load -clients 1000 -rate 0 -duration 10s   # as fast as it goes
//	go run ./cmd/deskline-load -mode storm -clients 10000 -duration 30s
//	go run ./cmd/deskline-load -clients 19800 -rate 500 -duration 30s -sources 8
//
// The exit status is 0 when every expected event arrived exactly once,
// nothing was stuck and the mode's figures are all there; 1 when the run
// failed or anything was lost, duplicated or stuck; 2 on bad flags.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/deskline/deskline/ctiproto"
)

// options are the tool's settings; flags fills them, tests set them.
type options struct {
	Clients   int           // WebSocket clients, one user and device each
	Rate      float64       // target calls per second; 0 = as fast as the workers go
	Duration  time.Duration // length of the load phase
	Workers   int           // concurrent HTTP workers driving the sim API
	Dialers   int           // concurrent connection attempts while connecting
	Sources   int           // loopback source addresses to dial from; 0 = as many as the port range needs (sources.go)
	Drain     time.Duration // how long to wait for outstanding events after the load
	Settle    time.Duration // wait before sampling the server's RSS
	Timeout   time.Duration // hard limit for the whole run
	ServerBin string        // server binary; "" = go build it into the temp dir
	EventLog  int           // the server's limits.event_log; 0 = its default
	GCTrace   bool          // run the server with GODEBUG=gctrace=1 and report its GC cycles
	JSON      bool          // print the report as JSON
	Keep      bool          // keep the temp dir (config, server log)
	Command   string        // the command line, for the report

	Mode       string        // steady, storm, slow or restart (modes.go)
	Slow       int           // slow mode: clients that stop reading; 0 = 1% of the clients, at least 1
	SlowRate   float64       // slow mode: extra calls/s to each slow client, all run long
	Baseline   bool          // also measure the baseline server (on by default in steady mode)
	NoBaseline bool          // never measure the baseline
	PongWait   time.Duration // the server's limits.pong_wait (ping_interval half of it); 0 = its defaults
	Watchers   int           // presence: clients 0…Watchers-1 watch every device (presence.go)
	Searchers  int           // directory: desks typing into a search (search.go)
	SearchRate float64       // keystrokes (searches) per second per searcher
	Book       int           // contacts in the directory's book, with searchers

	Nodes   int    // deskline-server nodes on a NATS JetStream cluster; 0 = 1, or 3 in the cluster modes (cluster.go)
	NATSBin string // nats-server binary; "" = go build it from the pinned module
}

func defaultOptions() options {
	return options{
		Clients: 1000, Rate: 500, Duration: 10 * time.Second, Workers: 32, Dialers: 50,
		Drain: 10 * time.Second, Settle: 2 * time.Second, Timeout: 3 * time.Minute,
		Mode: modeSteady, SlowRate: defaultSlowRate, SearchRate: 1, Book: 100_000,
	}
}

func main() {
	os.Exit(mainCode(os.Args[1:], os.Stdout, os.Stderr))
}

func mainCode(args []string, stdout, stderr io.Writer) int {
	if len(args) == 2 && args[0] == baselineServerFlag {
		return baselineServerMain(args[1], stderr) // the child the baseline run starts
	}
	o, err := parseFlags(args, stderr)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if err := raiseFileLimit(o.Clients + o.Searchers); err != nil {
		fmt.Fprintf(stderr, "deskline-load: %v\n", err)
		return 1
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	rep, err := run(ctx, o, stderr)
	if rep != nil {
		if werr := rep.write(stdout, o.JSON); werr != nil {
			fmt.Fprintf(stderr, "deskline-load: %v\n", werr)
		}
	}
	if err != nil {
		fmt.Fprintf(stderr, "deskline-load: %v\n", err)
		return 1
	}
	if !rep.Complete {
		fmt.Fprintln(stderr, "deskline-load: FAIL: events lost, duplicated or late, calls stuck, or the mode's figures missing")
		return 1
	}
	return 0
}

func parseFlags(args []string, stderr io.Writer) (options, error) {
	o := defaultOptions()
	fs := flag.NewFlagSet("deskline-load", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.IntVar(&o.Clients, "clients", o.Clients, "WebSocket clients to connect, one user and one sim device each")
	fs.Float64Var(&o.Rate, "rate", o.Rate, "target calls per second (each call: ring + hangup = 2 events); 0 = as fast as the workers go")
	fs.DurationVar(&o.Duration, "duration", o.Duration, "length of the load phase")
	fs.IntVar(&o.Workers, "workers", o.Workers, "concurrent HTTP keep-alive workers driving the sim API")
	fs.IntVar(&o.Dialers, "dialers", o.Dialers, "concurrent connection attempts while connecting the clients")
	fs.IntVar(&o.Sources, "sources", 0, "dial from at least N loopback sources, 127.0.0.1 … 127.0.0.N (at least as many as the local port range needs: one up to ~14,000 clients). The server checks 4 passwords per address at once: more sources connect faster")
	fs.DurationVar(&o.Drain, "drain", o.Drain, "how long to wait after the load for events still on their way")
	fs.DurationVar(&o.Settle, "settle", o.Settle, "wait before sampling the server's RSS (idle, after start and after connecting)")
	fs.DurationVar(&o.Timeout, "timeout", o.Timeout, "hard limit for the whole run; the server is stopped when it passes")
	fs.StringVar(&o.ServerBin, "server-bin", "", "deskline-server binary to run (default: go build ./cmd/deskline-server into a temp dir)")
	fs.IntVar(&o.EventLog, "event-log", 0, "the server's limits.event_log (events kept per user); 0 = the server's default")
	fs.BoolVar(&o.GCTrace, "gctrace", false, "run the server with GODEBUG=gctrace=1 and report its GC cycles")
	fs.BoolVar(&o.JSON, "json", false, "print the report as JSON")
	fs.BoolVar(&o.Keep, "keep", false, "keep the temp dir with the config and the server log")
	fs.StringVar(&o.Mode, "mode", o.Mode, "steady, storm (all clients drop and reconnect at once), slow (a few clients stop reading), restart (the server restarts under load), "+
		"or on a cluster: kill-holder, kill-node, kill-nats, partition, rolling (cluster_modes.go)")
	fs.IntVar(&o.Slow, "slow", 0, "slow mode: clients that stop reading; 0 = 1% of -clients, at least 1")
	fs.Float64Var(&o.SlowRate, "slow-rate", o.SlowRate, "slow mode: extra calls/s to each slow client for the whole run (fat caller names), so its buffers fill")
	fs.BoolVar(&o.Baseline, "baseline", false, "also measure a minimal gorilla/websocket broadcast server with the same clients and load (on by default in steady mode)")
	fs.BoolVar(&o.NoBaseline, "no-baseline", false, "do not measure the baseline, not even in steady mode")
	fs.IntVar(&o.Watchers, "watchers", 0, "presence: the first N clients watch every device (parties shown) and calls ring device k mod -clients; steady mode only")
	fs.IntVar(&o.Searchers, "searchers", 0, "directory: N desks (second connections of users u0001…) type names into a search during the load; the server gets a book of -book people")
	fs.Float64Var(&o.SearchRate, "search-rate", o.SearchRate, "directory: keystrokes per second of each searcher, one search each")
	fs.IntVar(&o.Book, "book", o.Book, "directory: contacts in the server's book (internal/people, one vCard file), with -searchers")
	fs.IntVar(&o.Nodes, "nodes", 0, "deskline-server nodes, on a 3-server NATS JetStream cluster the tool starts; 0 = 1 (no cluster), or 3 in the cluster modes")
	fs.StringVar(&o.NATSBin, "nats-bin", "", "nats-server binary for -nodes > 1 (default: go build github.com/nats-io/nats-server/v2 into a temp dir)")
	fs.DurationVar(&o.PongWait, "pong-wait", 0, "the server's limits.pong_wait, with ping_interval half of it (at least 2s); 0 = the server's defaults (60s, 30s)")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: deskline-load [FLAGS]\n\nLoad-test a Deskline server on loopback (it is started as a child process).\n\nFlags:\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if err := o.check(); err != nil {
		fmt.Fprintf(stderr, "deskline-load: %v\n", err)
		return o, err
	}
	o.Command = commandLine(args)
	return o, nil
}

func (o options) check() error {
	switch {
	case o.Clients < 1 || o.Clients > maxClients:
		return fmt.Errorf("-clients %d: want 1 to %d", o.Clients, maxClients)
	case o.Rate < 0:
		return fmt.Errorf("-rate %g: want 0 (unlimited) or more", o.Rate)
	case o.Duration <= 0, o.Timeout <= 0, o.Drain < 0, o.Settle < 0:
		return errors.New("-duration and -timeout must be positive, -drain and -settle not negative")
	case o.Sources < 0 || o.Sources > maxSources:
		return fmt.Errorf("-sources %d: want 0 (as needed) to %d", o.Sources, maxSources)
	case o.Workers < 1 || o.Dialers < 1:
		return errors.New("-workers and -dialers must be at least 1")
	case o.EventLog < 0:
		return fmt.Errorf("-event-log %d: want 0 (the server's default) or more", o.EventLog)
	case !validMode(o.Mode):
		return fmt.Errorf("-mode %q: want one of %s", o.Mode, strings.Join(modes, ", "))
	case o.Slow < 0 || o.Slow > o.Clients || o.SlowRate <= 0:
		return fmt.Errorf("-slow %d, -slow-rate %g: want 0 to -clients, and a positive rate", o.Slow, o.SlowRate)
	case o.Watchers < 0 || o.Watchers > o.Clients || o.Watchers > 0 && o.Mode != modeSteady:
		return fmt.Errorf("-watchers %d: want 0 to -clients, in steady mode", o.Watchers)
	case o.Searchers < 0 || o.Searchers > 0 && (o.SearchRate <= 0 || o.SearchRate > ctiproto.DefaultSearchesPerSecond || o.Book < 1):
		return fmt.Errorf("-searchers %d, -search-rate %g, -book %d: want searchers at 1 to %d keystrokes/s over at least 1 contact",
			o.Searchers, o.SearchRate, o.Book, ctiproto.DefaultSearchesPerSecond)
	case o.PongWait != 0 && o.PongWait < 2*time.Second:
		return fmt.Errorf("-pong-wait %s: want 0 (the server's default) or at least 2s", o.PongWait)
	}
	return o.checkCluster()
}

// commandLine is how the tool was invoked, quoted where needed.
func commandLine(args []string) string {
	parts := []string{filepath.Base(os.Args[0])}
	for _, a := range args {
		if a == "" || strings.ContainsAny(a, " \t\"'\\$") {
			a = strconv.Quote(a)
		}
		parts = append(parts, a)
	}
	return strings.Join(parts, " ")
}

// raiseFileLimit lifts the soft limit on open files to what the run
// needs, at least the hard limit; when the hard limit is lower than
// that, it raises the hard one too (root may, up to fs.nr_open). It goes
// through syscall.Setrlimit, so the server child inherits the raised
// limit too (the limit Go raises by itself at start is not passed on).
// The tool and the server each hold one socket per connection.
func raiseFileLimit(conns int) error {
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		return fmt.Errorf("open-file limit: %w", err)
	}
	need := uint64(conns) + fdReserve
	if lim.Max < need { // RLIM_INFINITY is the largest uint64: never below
		lim.Max = need
	}
	lim.Cur = lim.Max
	if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		return fmt.Errorf("-clients %d needs about %d open files: raising the limit to %d: %w (ulimit -Hn; as root, up to fs.nr_open)",
			conns, need, lim.Max, err)
	}
	return nil
}

// fdReserve are the files besides the clients: HTTP workers, logs, pipes.
const fdReserve = 200

// maxClients keeps device ids (2000+i) within 8 digits.
const maxClients = 1_000_000
