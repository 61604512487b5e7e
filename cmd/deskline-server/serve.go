package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/deskline/deskline/ctiproto"
	"github.com/deskline/deskline/pbx"
	"github.com/deskline/deskline/server"
	"github.com/deskline/deskline/server/auth"
	"github.com/deskline/deskline/server/cluster"
	"github.com/deskline/deskline/server/config"
)

// shutdownWait is how long a stopping server waits for its clients to
// take their going-away close before it exits anyway.
const shutdownWait = 5 * time.Second

// readHeaderTimeout bounds the HTTP request line and headers of an upgrade
// or API call: slow-loris connections must not pile up.
const readHeaderTimeout = 10 * time.Second

// idleTimeout closes idle keep-alive HTTP connections (health checks, sim
// API); WebSocket connections are hijacked and have their own keep-alive.
const idleTimeout = 2 * time.Minute

func runServe(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfgPath := fs.String("config", "", "config file (default: the embedded demo configuration)")
	listen := fs.String("listen", "", "listen address, overrides the config's")
	state := fs.String("state", "", "state directory, overrides the config's state_dir")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	cfg, err := loadConfig(*cfgPath)
	if err != nil {
		fmt.Fprintf(stderr, "deskline-server: %v\n", err)
		return 1
	}
	if *listen != "" {
		cfg.Listen = *listen
	}
	if *state != "" {
		cfg.StateDir = *state
	}
	log := newLogger(cfg.Log, stderr)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := serve(ctx, cfg, *cfgPath == "", log, stdout); err != nil {
		log.Error("server stopped", "err", err)
		return 1
	}
	return 0
}

func loadConfig(path string) (*config.Config, error) {
	if path == "" {
		return config.Demo(), nil
	}
	return config.Load(path)
}

func newLogger(c config.Log, w io.Writer) *slog.Logger {
	opts := &slog.HandlerOptions{Level: c.SlogLevel()}
	if c.Format == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// serve runs the server until ctx ends, then shuts it down gracefully.
func serve(ctx context.Context, cfg *config.Config, demo bool, log *slog.Logger, stdout io.Writer) error {
	var ex pbx.Exchange
	var simEx server.Simulator
	var node *clusterNode
	if cfg.Cluster.Enabled() {
		var err error
		if node, err = joinCluster(ctx, cfg, log); err != nil {
			return err
		}
		defer node.leave()
		ex = node.srv.Exchange
		if cfg.Exchange.Type == config.ExchangeSim {
			simEx = node.srv.Exchange
		}
	} else {
		sx, s, err := newExchange(cfg, log)
		if err != nil {
			return err
		}
		defer sx.Close()
		ex = sx
		if s != nil {
			simEx = s
		}
	}
	stopPprof, err := startPprof(log)
	if err != nil {
		return err
	}
	defer stopPprof()
	if cfg.StateDir != "" {
		if err := os.MkdirAll(cfg.StateDir, 0o700); err != nil {
			return fmt.Errorf("state_dir: %w", err)
		}
		if err := config.CheckStateDirMode(cfg.StateDir); err != nil {
			return err
		}
	}
	ao := cfg.AuthOptions()
	if node != nil { // tokens and failed logins shared by the nodes
		sh, err := cluster.NewAuthShared(ctx, node.srv.Node, ao)
		if err != nil {
			return err
		}
		ao.Shared = sh
	}
	a, err := auth.New(cfg.AuthUsers(), ao)
	if err != nil {
		return err
	}
	for _, w := range a.Warnings() {
		log.Warn(w)
	}
	dir, dirBooks, err := newDirectory(cfg, demo, log)
	if err != nil {
		return err
	}
	if dir != nil {
		dir.Start(ctx) // serves the saved copies at once; fetches in the background
	}
	opts := server.Options{
		Exchange: ex, Sim: simEx, Auth: a, Users: cfg.AuthUsers(), WatchGroups: cfg.WatchGroups, Limits: cfg.Limits,
		Switchboard: server.Switchboard{ConsultTimeout: cfg.Switchboard.ConsultTimeout},
		SimAPI:      cfg.SimAPI, AllowedOrigins: cfg.AllowedOrigins, Log: log, Version: version,
		Directory: dir, DirectoryBooks: dirBooks, Cluster: clusterOf(node),
	}
	var srvs *live
	started := make(chan struct{}) // srvs is set
	if opts.Cluster != nil {
		opts.Cluster.NewEpoch = func(seq uint64) {
			select {
			case <-started:
				newEpochs(ctx, opts, srvs, log)(seq)
			case <-ctx.Done():
			}
		}
	}
	srv, err := server.New(ctx, opts)
	if err != nil {
		return err
	}
	srvs = newLive(srv)
	close(started)
	ln, err := net.Listen("tcp", cfg.Listen)
	if errors.Is(err, syscall.EADDRINUSE) {
		return fmt.Errorf("listen %s: address in use: is another deskline-server running? (choose another with -listen)", cfg.Listen)
	}
	if err != nil {
		return fmt.Errorf("listen %s: %w", cfg.Listen, err)
	}
	hs := &http.Server{Handler: srvs.Handler(), ReadHeaderTimeout: readHeaderTimeout, IdleTimeout: idleTimeout,
		TLSConfig: serverTLSConfig(), ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn)}
	errc := make(chan error, 2)
	admin, adminAddr, err := startAdmin(cfg, srvs, log, errc)
	if err != nil {
		ln.Close()
		return err
	}
	go func() {
		if cfg.TLS.Enabled() {
			errc <- hs.ServeTLS(ln, cfg.TLS.Cert, cfg.TLS.Key)
		} else {
			errc <- hs.Serve(ln)
		}
	}()
	log.Info("deskline-server listening", "addr", ln.Addr().String(), "tls", cfg.TLS.Enabled(),
		"exchange", exchangeLabel(cfg), "epoch", srv.Epoch(), "version", version)
	if admin != nil {
		log.Info("admin listener", "addr", adminAddr, "serves", "/metrics")
	}
	printBanner(stdout, cfg, ln.Addr().String(), adminAddr, demo)
	select {
	case err := <-errc:
		if admin != nil {
			admin.Close()
		}
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down")
	if node != nil {
		node.cancel() // the lease first: another node takes the exchange while the desks move
	}
	sctx, cancel := context.WithTimeout(context.Background(), shutdownWait)
	defer cancel()
	// The desks are told at once, while the listener waits for its HTTP
	// requests (a sim API call waiting on the exchange): a desk must not
	// wait for those to move to another node. A desk that comes back
	// meanwhile is refused (the server is closing) and moves on.
	closed := make(chan error, 1)
	go func() { closed <- srvs.close(sctx) }()
	hs.Shutdown(sctx) // stops accepting; upgraded connections are the server's to close
	if admin != nil {
		admin.Shutdown(sctx)
	}
	if err := <-closed; err != nil && !errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	return nil
}

// startAdmin serves the admin listener ([admin] listen): GET /metrics,
// and nothing else, in plain HTTP (it is loopback by default; a
// Prometheus elsewhere scrapes it through the firewall the admin sets
// up). It returns a nil server when the listener is off; a Serve error
// goes to errc, which stops the server like one of the main listener.
func startAdmin(cfg *config.Config, srv *live, log *slog.Logger, errc chan<- error) (*http.Server, string, error) {
	if cfg.Admin.Listen == "" {
		return nil, "", nil
	}
	ln, err := net.Listen("tcp", cfg.Admin.Listen)
	if errors.Is(err, syscall.EADDRINUSE) {
		return nil, "", fmt.Errorf("admin.listen %s: address in use: is another deskline-server running? (choose another port in [admin], or listen = \"\" to turn it off)", cfg.Admin.Listen)
	}
	if err != nil {
		return nil, "", fmt.Errorf("admin.listen %s: %w", cfg.Admin.Listen, err)
	}
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", srv.MetricsHandler())
	hs := &http.Server{Handler: mux, ReadHeaderTimeout: readHeaderTimeout, IdleTimeout: idleTimeout,
		ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn)}
	go func() {
		if err := hs.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
			errc <- fmt.Errorf("admin listener: %w", err)
		}
	}()
	return hs, ln.Addr().String(), nil
}

// printBanner tells a person what to do next. adminAddr is the admin
// listener's address, "" when it is off.
func printBanner(w io.Writer, cfg *config.Config, addr, adminAddr string, demo bool) {
	scheme := "ws"
	if cfg.TLS.Enabled() {
		scheme = "wss"
	}
	fmt.Fprintf(w, "\nDeskline CTI server on %s://%s%s\n", scheme, addr, ctiproto.Path)
	if adminAddr != "" {
		fmt.Fprintf(w, "Metrics on http://%s/metrics (admin listener)\n", adminAddr)
	}
	if cfg.Exchange.Type == config.ExchangeAMI {
		// The connector links in the background (Asterisk may be down):
		// it logs "ami: linked to Asterisk" once it is.
		fmt.Fprintf(w, "Connecting to %s\n", exchangeLabel(cfg))
	} else {
		fmt.Fprintf(w, "Linked to %s\n", exchangeLabel(cfg))
	}
	if !demo {
		fmt.Fprintln(w)
		return
	}
	self := os.Args[0]
	fmt.Fprintf(w, `
Demo office (simulated exchange): 201 Reception, 202 Ben, 203 Clara,
204 David (always busy), 205 Eva (never answers), group 600 Sales.
Users log in with their name as password: demo (201), ben, clara, david, eva.
The demo user (the reception) may watch every phone: who is free, who calls
(add -presence to the watch below, then ring 202).

Watch what the demo user's desktop would see (in a second terminal):
  %[1]s watch -user demo -password demo
Ring the demo user's phone (in a third):
  %[1]s sim ring 201 --from "+49 30 1234567" --name "Jane Doe"
  %[1]s sim calls            # lists calls in progress with their ids
  %[1]s sim hangup CALL-ID   # the caller hangs up
Search the company directory (the "Company" book) as a desk does:
  %[1]s search clara

Stop with Ctrl-C.
`, self)
}

func clusterOf(n *clusterNode) *server.Cluster {
	if n == nil {
		return nil
	}
	return n.srv
}
