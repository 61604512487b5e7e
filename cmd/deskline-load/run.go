package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"runtime"
	"time"

	"github.com/deskline/deskline/ctiproto"
	"github.com/deskline/deskline/server/simapi"
)

// run is one whole measurement: server up, clients connected, memory
// sampled, load driven (with the mode's disturbance), events drained,
// everything stopped; then, when on, the same for the baseline server.
// It returns the report, partial (with the error) when an error cut the
// run short.
func run(ctx context.Context, o options, progress io.Writer) (rep *Report, err error) {
	ctx, cancel := context.WithTimeout(ctx, o.Timeout)
	defer cancel()
	rep = newReport(o)
	defer func() { rep.setError(err) }()
	dir, err := os.MkdirTemp("", "deskline-load-*")
	if err != nil {
		return rep, err
	}
	defer keepOrRemove(dir, o.Keep, progress)

	if o.clustered() {
		return rep, runCluster(ctx, o, dir, rep, progress)
	}
	if err := measureDeskline(ctx, o, dir, rep, progress); err != nil {
		return rep, err
	}
	if o.baselineOn() {
		b, err := measureBaseline(ctx, o, dir, progress)
		rep.setBaseline(b)
		if err != nil {
			return rep, fmt.Errorf("baseline: %w", err)
		}
	}
	return rep, nil
}

// measureDeskline measures deskline-server, in the mode o says.
func measureDeskline(ctx context.Context, o options, dir string, rep *Report, progress io.Writer) error {
	srv, err := startServer(ctx, o, dir, progress)
	if err != nil {
		return err
	}
	defer func() { rep.setServerLog(srv.stop()) }()
	return measure(ctx, srv, o, rep, progress)
}

// measure is one server's run once it is up: the same for deskline-server
// and the baseline, so their figures compare.
func measure(ctx context.Context, srv *serverProc, o options, rep *Report, progress io.Writer) error {
	if o.Searchers > 0 && !rep.baseline { // the book in service first: RSS at start includes it
		if err := srv.waitBook(ctx, o.Book); err != nil {
			return err
		}
	}
	rep.Server.RSSStartKB = srv.settledRSS(ctx, o.Settle)
	f, err := connectPhase(ctx, srv, o, rep, progress)
	if err != nil {
		return err
	}
	var calls []ctiproto.Call
	defer func() {
		rep.finish(f.close())
		rep.finishPresence(f, rep.Events.Expected)
		rep.checkCalls(f, calls)
		rep.judge()
	}()
	rep.Server.RSSIdleKB = srv.settledRSS(ctx, o.Settle)
	rep.Server.RSSPerConnKB = float64(rep.Server.RSSIdleKB-rep.Server.RSSStartKB) / float64(o.Clients)
	if o.Watchers > 0 {
		if err := watchPhase(ctx, srv, f, o, rep, progress); err != nil {
			return err
		}
	}

	searched := make(chan error, 1)
	if o.Searchers > 0 && !rep.baseline {
		conns, err := searchersLogin(ctx, srv, o, progress)
		if err != nil {
			return err
		}
		go func() { searched <- searchPhase(ctx, conns, o, o.Duration, rep, progress) }()
	} else {
		searched <- nil
	}
	if err := loadPhase(ctx, srv, f, o, rep, progress); err != nil {
		<-searched
		return err
	}
	if err := <-searched; err != nil {
		return fmt.Errorf("search: %w", err)
	}
	if calls, err = exchangeCalls(ctx, srv.httpURL()); err != nil {
		return err
	}
	rep.Server.RSSAfterKB = srv.settledRSS(ctx, o.Settle)
	return nil
}

// target is what a run measures: one server process (server.go) or the
// nodes of a cluster (cluster_nodes.go), figures summed over the nodes.
type target interface {
	wsURLs() []string                     // every node's; the clients spread over them
	simClient(workers int) *simapi.Client // the sim API, on a live node
	health(ctx context.Context) (healthz, error)
	cpu() (time.Duration, error)
	settledRSS(ctx context.Context, settle time.Duration) int64
}

// connectPhase opens every client and checks that the server counts them.
func connectPhase(ctx context.Context, srv target, o options, rep *Report, progress io.Writer) (*fleet, error) {
	sources := max(o.Sources, sourcesFor(o.Clients+o.Searchers))
	fmt.Fprintf(progress, "connecting %d clients (%d at a time) %s…\n", o.Clients, o.Dialers, sourceText(sources))
	start := time.Now()
	urls := srv.wsURLs()
	cfg := fleetConfig{dialers: o.Dialers, reconnect: o.reconnects(), trackCalls: o.tracksCalls(), slow: o.slowClients(),
		watchers: o.Watchers, sources: sources, nodes: urls}
	f, err := connectFleet(ctx, urls[0], o.Clients, cfg)
	if err != nil {
		return nil, err
	}
	f.allBack.Store(o.clusterFault()) // cluster faults follow every call but while recovering
	rep.Connect.Seconds = time.Since(start).Seconds()
	rep.Connect.PerSecond = float64(o.Clients) / rep.Connect.Seconds
	h, err := srv.health(ctx)
	if err != nil {
		f.close()
		return nil, err
	}
	rep.Connect.ServerCounts = h.Connections
	fmt.Fprintf(progress, "connected in %.1fs; server counts %d connections\n", rep.Connect.Seconds, h.Connections)
	return f, nil
}

// loadPhase drives the calls and the mode's disturbance, waits for the
// events, and measures the server's and the tool's CPU time meanwhile.
func loadPhase(ctx context.Context, srv target, f *fleet, o options, rep *Report, progress io.Writer) error {
	srvCPU0, err := srv.cpu()
	if err != nil {
		return err
	}
	selfCPU0 := selfCPU()
	fmt.Fprintf(progress, "load: %s at %s, mode %s…\n", o.Duration, rateText(o.Rate), o.Mode)
	stop := make(chan struct{})
	env := &runEnv{o: o, f: f, rep: rep, progress: progress}
	env.srv, _ = srv.(*serverProc)
	env.nodes, _ = srv.(*nodeSet)
	go scenario(ctx, env, time.Now(), stop)
	lr := driveLoad(ctx, srv, f, o, o.slowClients(), stop)
	<-stop // the scenario has ended: its figures are in the report
	drained := f.drain(ctx, lr.expected(), o.Drain)
	wall := time.Since(lr.Start)
	srvCPU1, err := srv.cpu()
	if err != nil {
		return err
	}
	rep.setLoad(lr, drained)
	rep.Server.CPUSeconds = (srvCPU1 - srvCPU0).Seconds()
	rep.Server.CPUPercent = 100 * rep.Server.CPUSeconds / wall.Seconds()
	rep.Tool.CPUSeconds = (selfCPU() - selfCPU0).Seconds()
	rep.Tool.CPUPercent = 100 * rep.Tool.CPUSeconds / wall.Seconds()
	rep.Tool.PhaseSeconds = wall.Seconds()
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("load phase: %w", err)
	}
	return nil
}

func rateText(rate float64) string {
	if rate == 0 {
		return "max calls/s"
	}
	return fmt.Sprintf("%g calls/s", rate)
}

func keepOrRemove(dir string, keep bool, progress io.Writer) {
	if keep {
		fmt.Fprintf(progress, "kept %s (server.toml, server.log)\n", dir)
		return
	}
	os.RemoveAll(dir)
}

// hostInfo describes the machine the numbers come from.
func hostInfo() Host {
	return Host{CPUs: runtime.NumCPU(), GoVersion: runtime.Version(), OS: runtime.GOOS + "/" + runtime.GOARCH}
}
