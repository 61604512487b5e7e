package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// BaselineReport is the floor Deskline is compared against: the same
// clients and load against a minimal gorilla/websocket broadcast server
// (baseline_server.go) with no CTI logic, measured the same way.
type BaselineReport struct {
	Complete   bool               `json:"complete"`
	Connect    Connect            `json:"connect"`
	Calls      Calls              `json:"calls"`
	Events     Events             `json:"events"`
	Latency    Latency            `json:"latency_ms"`
	Server     Server             `json:"server"`
	Problems   []string           `json:"problems,omitempty"`
	Ratios     Ratios             `json:"ratios"`      // Deskline / baseline
	FrameBytes map[string]float64 `json:"frame_bytes"` // mean, by type: the same as Deskline's
	Presence   *PresenceFigures   `json:"presence,omitempty"`
}

// Ratios are Deskline's figures over the baseline's (0 where the
// baseline's is 0).
type Ratios struct {
	P50        float64 `json:"p50"`
	P99        float64 `json:"p99"`
	CPU        float64 `json:"cpu"`               // CPU seconds in the load phase
	RSSPerConn float64 `json:"rss_per_idle_conn"` // memory per idle connection
	RSSIdle    float64 `json:"rss_idle"`          // whole resident set with the clients idle
	// -watchers: the watchers' presence latency, and memory per watcher.
	PresenceP50 float64 `json:"presence_p50,omitempty"`
	PresenceP99 float64 `json:"presence_p99,omitempty"`
	PerWatcher  float64 `json:"rss_per_watcher,omitempty"`
}

// baselineServerFlag starts this binary as the baseline server (hidden).
const baselineServerFlag = "-baseline-server"

// measureBaseline starts this very binary as the baseline server and runs
// the steady load against it with the same options.
func measureBaseline(ctx context.Context, o options, dir string, progress io.Writer) (rep *Report, err error) {
	o.Mode = modeSteady
	rep = newReport(o)
	rep.baseline = true
	defer func() { rep.setError(err) }()
	exe, err := os.Executable()
	if err != nil {
		return rep, err
	}
	addr, err := freeAddr()
	if err != nil {
		return rep, err
	}
	fmt.Fprintln(progress, "baseline: the same clients and load against a minimal gorilla/websocket server…")
	srv := &serverProc{name: "baseline server", bin: exe, args: []string{baselineServerFlag, addr},
		addr: addr, logPath: filepath.Join(dir, "baseline.log")}
	if err := srv.start(ctx, progress); err != nil {
		return rep, err
	}
	defer func() { rep.setServerLog(srv.stop()) }()
	return rep, measure(ctx, srv, o, rep, progress)
}

// setBaseline records the baseline's run and the ratios.
func (r *Report) setBaseline(b *Report) {
	if b == nil {
		return
	}
	rb := &BaselineReport{Complete: b.Complete && b.Error == "", Connect: b.Connect, Calls: b.Calls,
		Events: b.Events, Latency: b.Latency, Server: b.Server, Problems: b.Problems,
		FrameBytes: b.Events.FrameBytes, Presence: b.Presence}
	rb.Ratios = Ratios{
		P50:        ratio(r.Latency.P50, b.Latency.P50),
		P99:        ratio(r.Latency.P99, b.Latency.P99),
		CPU:        ratio(r.Server.CPUSeconds, b.Server.CPUSeconds),
		RSSPerConn: ratio(r.Server.RSSPerConnKB, b.Server.RSSPerConnKB),
		RSSIdle:    ratio(float64(r.Server.RSSIdleKB), float64(b.Server.RSSIdleKB)),
	}
	if p, bp := r.Presence, b.Presence; p != nil && bp != nil {
		rb.Ratios.PresenceP50 = ratio(p.Latency.P50, bp.Latency.P50)
		rb.Ratios.PresenceP99 = ratio(p.Latency.P99, bp.Latency.P99)
		rb.Ratios.PerWatcher = ratio(p.PerWatcher, bp.PerWatcher)
	}
	r.Baseline = rb
	if !rb.Complete {
		r.problem("baseline: not every event arrived exactly once")
		r.Complete = false
	}
}
