package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"runtime"
	"time"
)

// run is one whole measurement: server up, clients connected, memory
// sampled, load driven, events drained, everything stopped. It returns the
// report, partial (with the error) when an error cut the run short.
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

	srv, err := startServer(ctx, o, dir, progress)
	if err != nil {
		return rep, err
	}
	defer func() { rep.setServerLog(srv.stop()) }()
	rep.Server.RSSStartKB = srv.settledRSS(ctx, o.Settle)

	f, err := connectPhase(ctx, srv, o, rep, progress)
	if err != nil {
		return rep, err
	}
	defer func() { rep.finish(f.close()) }()
	rep.Server.RSSIdleKB = srv.settledRSS(ctx, o.Settle)
	rep.Server.RSSPerConnKB = float64(rep.Server.RSSIdleKB-rep.Server.RSSStartKB) / float64(o.Clients)

	if err := loadPhase(ctx, srv, f, o, rep, progress); err != nil {
		return rep, err
	}
	rep.Server.RSSAfterKB = srv.settledRSS(ctx, o.Settle)
	return rep, nil
}

// connectPhase opens every client and checks that the server counts them.
func connectPhase(ctx context.Context, srv *serverProc, o options, rep *Report, progress io.Writer) (*fleet, error) {
	fmt.Fprintf(progress, "connecting %d clients (%d at a time)…\n", o.Clients, o.Dialers)
	start := time.Now()
	f, err := connectFleet(ctx, srv.wsURL(), o.Clients, o.Dialers)
	if err != nil {
		return nil, err
	}
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

// loadPhase drives the calls, waits for their events, and measures the
// server's and the tool's CPU time meanwhile.
func loadPhase(ctx context.Context, srv *serverProc, f *fleet, o options, rep *Report, progress io.Writer) error {
	srvCPU0, err := procCPU(srv.pid())
	if err != nil {
		return err
	}
	selfCPU0 := selfCPU()
	fmt.Fprintf(progress, "load: %s at %s…\n", o.Duration, rateText(o.Rate))
	lr := driveLoad(ctx, srv.httpURL(), f, o)
	drained := f.drain(ctx, lr.expected(), o.Drain)
	wall := time.Since(lr.Start)
	srvCPU1, err := procCPU(srv.pid())
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
