package main

import (
	"fmt"
	"math"
	"regexp"
	"strings"
	"sync"
	"time"
)

// Report is the outcome of one run; -json prints it as is.
type Report struct {
	Command  string   `json:"command"`
	Host     Host     `json:"host"`
	Mode     string   `json:"mode"`
	Clients  int      `json:"clients"`
	Workers  int      `json:"workers"`
	Duration string   `json:"duration"`
	Complete bool     `json:"complete"`           // every expected event arrived exactly once, nothing stuck, the mode's figures there
	Problems []string `json:"problems,omitempty"` // why it is not complete, beyond the events
	Error    string   `json:"error,omitempty"`    // what cut the run short
	Connect  Connect  `json:"connect"`
	Calls    Calls    `json:"calls"`
	Events   Events   `json:"events"`
	Latency  Latency  `json:"latency_ms"`
	Server   Server   `json:"server"`
	Tool     Tool     `json:"tool"`

	CallCheck CallCheck        `json:"call_check"`
	Phases    []PhaseLatency   `json:"phases,omitempty"`   // the undisturbed clients' latency by phase
	Sessions  *Sessions        `json:"sessions,omitempty"` // reconnections (every mode but steady)
	Storm     *StormFigures    `json:"storm,omitempty"`
	Slow      *SlowFigures     `json:"slow,omitempty"`
	Restart   *RestartFigures  `json:"restart,omitempty"`
	Baseline  *BaselineReport  `json:"baseline,omitempty"`
	Presence  *PresenceFigures `json:"presence,omitempty"` // -watchers
	Search    *SearchFigures   `json:"search,omitempty"`   // -searchers
	Cluster   *ClusterFigures  `json:"cluster,omitempty"`  // -nodes, the cluster modes (cluster_report.go)
	OneNode   *OneNodeReport   `json:"one_node,omitempty"` // -nodes > 1, steady: the same on one node

	loadStart, loadEnd time.Time
	rung               *sync.Map // call ids rung, with tracked calls
	eventsOK           bool
	baseline           bool // the baseline's report: its presence figures are figures, not failures
}

// Host is the machine the numbers come from.
type Host struct {
	CPUs      int    `json:"cpus"`
	GoVersion string `json:"go"`
	OS        string `json:"os"`
}

// Connect is the connection phase.
type Connect struct {
	Seconds      float64 `json:"seconds"`
	PerSecond    float64 `json:"per_second"`    // connections (with login) per second
	ServerCounts int     `json:"server_counts"` // /healthz connections after connecting
}

// Calls is the load the sim API was given.
type Calls struct {
	TargetRate   float64 `json:"target_per_s"` // 0: as fast as the workers go
	AchievedRate float64 `json:"achieved_per_s"`
	Attempted    int64   `json:"attempted"`
	Completed    int64   `json:"completed"`
	RingErrors   int64   `json:"ring_errors"`
	HangupErrors int64   `json:"hangup_errors"`
	Cut          int64   `json:"cut_by_restart,omitempty"` // restart mode: calls the restart cut off (not errors)
	FirstError   string  `json:"first_error,omitempty"`
	LoadSeconds  float64 `json:"load_seconds"`
}

// Events is what reached the clients.
type Events struct {
	Expected     int64              `json:"expected"`
	Delivered    int64              `json:"delivered"`       // with a new seq, to the client expecting it
	PerSecond    float64            `json:"delivered_per_s"` // from load start to the last event
	Missing      int64              `json:"missing"`         // expected but not delivered, summed per client
	Unexpected   int64              `json:"unexpected"`      // delivered beyond what was expected
	Lost         int64              `json:"lost"`            // seq gaps
	Duplicated   int64              `json:"duplicated"`      // seq not above the last one seen
	BadFrames    int64              `json:"bad_frames"`      // frames that did not decode
	OtherFrames  int64              `json:"other_frames"`    // frames that are not events
	Replayed     int64              `json:"replayed"`        // delivered in a resume's replay (no latency sample)
	FrameBytes   map[string]float64 `json:"frame_bytes"`     // mean size of an event frame, by type
	Drained      bool               `json:"drained"`         // all arrived within -drain
	DrainSeconds float64            `json:"drain_seconds"`   // from the load's end to the last event
	Disconnects  map[string]int     `json:"disconnects,omitempty"`
}

// Latency is now − event time at the client, in milliseconds: live
// events only (not replays), and not the slow clients' (slow mode).
type Latency struct {
	Samples int     `json:"samples"`
	P50     float64 `json:"p50"`
	P90     float64 `json:"p90"`
	P99     float64 `json:"p99"`
	P999    float64 `json:"p99_9"`
	Max     float64 `json:"max"`
}

// Server is the deskline-server child's resources.
type Server struct {
	RSSStartKB   int64    `json:"rss_start_kb"` // settled, before any client
	RSSIdleKB    int64    `json:"rss_idle_kb"`  // settled, every client connected and idle
	RSSPerConnKB float64  `json:"rss_per_idle_conn_kb"`
	RSSAfterKB   int64    `json:"rss_after_load_kb"` // settled, after the load, clients still connected
	CPUSeconds   float64  `json:"cpu_seconds"`       // user+system during load and drain
	CPUPercent   float64  `json:"cpu_percent"`       // of one core
	Exit         string   `json:"exit"`
	Log          []string `json:"log"`          // its log (level warn), without the GC trace
	GC           *GCTrace `json:"gc,omitempty"` // with -gctrace
}

// GCTrace sums up the server's GC trace (GODEBUG=gctrace=1).
type GCTrace struct {
	Cycles int      `json:"cycles"` // over the whole run, start included
	Last   []string `json:"last"`   // the last few lines
}

// Tool is this process's own CPU use during load and drain: it shares the
// machine with the server.
type Tool struct {
	CPUSeconds   float64 `json:"cpu_seconds"`
	CPUPercent   float64 `json:"cpu_percent"`
	PhaseSeconds float64 `json:"phase_seconds"` // load + drain wall time
}

func newReport(o options) *Report {
	return &Report{
		Command: o.Command, Host: hostInfo(), Mode: o.Mode, Clients: o.Clients, Workers: o.Workers,
		Duration: o.Duration.String(),
		Calls:    Calls{TargetRate: o.Rate},
	}
}

// setLoad records the load phase.
func (r *Report) setLoad(lr loadResult, drained bool) {
	secs := lr.End.Sub(lr.Start).Seconds()
	r.Calls.Attempted, r.Calls.Completed = lr.Attempted, lr.Completed
	r.Calls.RingErrors, r.Calls.HangupErrors, r.Calls.Cut = lr.RingErrors, lr.HangupErrors, lr.Cut
	r.Calls.FirstError = lr.FirstError
	r.Calls.LoadSeconds = secs
	r.Calls.AchievedRate = float64(lr.Completed) / secs
	r.Events.Expected = lr.Events
	r.Events.Drained = drained
	r.loadStart, r.loadEnd = lr.Start, lr.End
	r.rung = lr.rung
}

// finish records what the clients saw.
func (r *Report) finish(s fleetStats) {
	e := &r.Events
	e.Delivered, e.Missing, e.Unexpected = s.Delivered, s.Missing, s.Unexpected
	e.Lost, e.Duplicated, e.BadFrames, e.OtherFrames = s.Lost, s.Dup, s.BadFrames, s.Others
	e.Replayed, e.FrameBytes = s.Replayed, map[string]float64{}
	for k, v := range s.Frames {
		e.FrameBytes[k] = v.mean()
	}
	if len(s.Disconnects) > 0 {
		e.Disconnects = s.Disconnects
	}
	if !s.LastRecv.IsZero() {
		e.PerSecond = float64(s.Delivered) / s.LastRecv.Sub(r.loadStart).Seconds()
		e.DrainSeconds = max(s.LastRecv.Sub(r.loadEnd).Seconds(), 0)
	}
	r.Latency = latencyOf(s.Latencies)
	r.eventsOK = e.Delivered == e.Expected && s.Expected == e.Expected && e.Missing == 0 &&
		e.Unexpected == 0 && e.Lost == 0 && e.Duplicated == 0 && e.BadFrames == 0 && len(s.Disconnects) == 0
	r.finishMode(s)
}

// judge decides whether the run is complete: every expected event once,
// nothing stuck, and the mode's own figures there (finishMode).
func (r *Report) judge() {
	if r.CallCheck.Checked && (r.CallCheck.Stuck > 0 || r.CallCheck.Unseen > 0) {
		r.problem("%d calls stuck on clients, %d at clients' devices not shown", r.CallCheck.Stuck, r.CallCheck.Unseen)
	}
	if !r.CallCheck.Checked {
		r.problem("the calls were not checked against the exchange")
	}
	if s := r.Search; s != nil && (s.Errors > 0 || s.RateLimited > 0 || s.Results == 0) {
		r.problem("search: %d errors, %d rate-limited, %d results", s.Errors, s.RateLimited, s.Results)
	}
	r.Complete = r.eventsOK && len(r.Problems) == 0 && r.Error == ""
}

func (r *Report) problem(format string, args ...any) {
	r.Problems = append(r.Problems, fmt.Sprintf(format, args...))
}

// setError records what cut the run short, if anything.
func (r *Report) setError(err error) {
	if err != nil {
		r.Error = err.Error()
		r.Complete = false
	}
}

// setServerLog records how the server exited and its log, with the GC
// trace, if any, taken out into Server.GC.
func (r *Report) setServerLog(lines []string, exit string) {
	r.Server.Exit = exit
	r.Server.Log = []string{} // "log": [], not null
	for _, line := range lines {
		if strings.Contains(line, "level=INFO") { // slow mode logs at info to see its cuts
			if r.Slow != nil {
				r.Slow.noteServerLine(line)
			}
			continue
		}
		if !gcLine.MatchString(line) {
			r.Server.Log = append(r.Server.Log, line)
			continue
		}
		if r.Server.GC == nil {
			r.Server.GC = &GCTrace{}
		}
		r.Server.GC.Cycles++
		r.Server.GC.Last = append(r.Server.GC.Last, line)
		if len(r.Server.GC.Last) > gcLastLines {
			r.Server.GC.Last = r.Server.GC.Last[1:]
		}
	}
}

// gcLine matches a line of the Go runtime's GC trace.
var gcLine = regexp.MustCompile(`^gc \d+ @[0-9.]+s `)

const gcLastLines = 3

// latencyOf summarises sorted latencies.
func latencyOf(sorted []time.Duration) Latency {
	if len(sorted) == 0 {
		return Latency{}
	}
	return Latency{
		Samples: len(sorted),
		P50:     ms(percentile(sorted, 0.50)),
		P90:     ms(percentile(sorted, 0.90)),
		P99:     ms(percentile(sorted, 0.99)),
		P999:    ms(percentile(sorted, 0.999)),
		Max:     ms(sorted[len(sorted)-1]),
	}
}

// percentile is the nearest-rank q-quantile of sorted (not empty).
func percentile(sorted []time.Duration, q float64) time.Duration {
	i := int(math.Ceil(q*float64(len(sorted)))) - 1
	return sorted[min(max(i, 0), len(sorted)-1)]
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
