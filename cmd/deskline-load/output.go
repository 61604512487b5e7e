package main

import (
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
)

// maxLogLines is how much of the server log the text report shows.
const maxLogLines = 20

// write prints the report as text, or as indented JSON.
func (r *Report) write(w io.Writer, asJSON bool) error {
	if asJSON {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(r)
	}
	var b strings.Builder
	r.writeSetup(&b)
	r.writeEvents(&b)
	r.writeMode(&b)
	r.writeCluster(&b)
	r.writePresence(&b)
	r.writeSearch(&b)
	r.writeServer(&b)
	r.writeBaseline(&b)
	r.writeOneNode(&b)
	r.writeVerdict(&b)
	_, err := io.WriteString(w, b.String())
	return err
}

func (r *Report) writeSetup(b *strings.Builder) {
	fmt.Fprintf(b, "command:            %s\n", r.Command)
	fmt.Fprintf(b, "mode:               %s\n", r.Mode)
	fmt.Fprintf(b, "host:               %d CPUs, %s, %s\n", r.Host.CPUs, r.Host.OS, r.Host.GoVersion)
	fmt.Fprintf(b, "clients:            %d (connected in %.2fs, %.0f/s; server counts %d)\n",
		r.Clients, r.Connect.Seconds, r.Connect.PerSecond, r.Connect.ServerCounts)
	c := r.Calls
	target := fmt.Sprintf("%g/s", c.TargetRate)
	if c.TargetRate == 0 {
		target = "max (-rate 0)"
	}
	fmt.Fprintf(b, "calls:              target %s, achieved %.1f/s over %.2fs, %d workers\n",
		target, c.AchievedRate, c.LoadSeconds, r.Workers)
	fmt.Fprintf(b, "                    %d attempted, %d completed, %d ring errors, %d hangup errors\n",
		c.Attempted, c.Completed, c.RingErrors, c.HangupErrors)
	if c.Cut > 0 {
		fmt.Fprintf(b, "                    %d calls cut off by the restart (not errors)\n", c.Cut)
	}
	if c.FirstError != "" {
		fmt.Fprintf(b, "                    first error: %s\n", c.FirstError)
	}
}

func (r *Report) writeEvents(b *strings.Builder) {
	e, l := r.Events, r.Latency
	fmt.Fprintf(b, "events:             expected %d, delivered %d (%.0f/s), missing %d, unexpected %d\n",
		e.Expected, e.Delivered, e.PerSecond, e.Missing, e.Unexpected)
	fmt.Fprintf(b, "                    lost %d, duplicated %d, bad frames %d, other frames %d, replayed %d\n",
		e.Lost, e.Duplicated, e.BadFrames, e.OtherFrames, e.Replayed)
	fmt.Fprintf(b, "                    drained: %v, last event %.3fs after the load ended\n", e.Drained, e.DrainSeconds)
	for _, k := range slices.Sorted(maps.Keys(e.Disconnects)) {
		fmt.Fprintf(b, "disconnected:       %d × %s\n", e.Disconnects[k], k)
	}
	fmt.Fprintf(b, "latency (ms):       p50 %.3f  p90 %.3f  p99 %.3f  p99.9 %.3f  max %.3f  (%d samples)\n",
		l.P50, l.P90, l.P99, l.P999, l.Max, l.Samples)
	ch := r.CallCheck
	fmt.Fprintf(b, "calls at the end:   exchange %d, clients show %d: stuck %d, unseen %d (checked: %v)\n",
		ch.ExchangeCalls, ch.ClientCalls, ch.Stuck, ch.Unseen, ch.Checked)
	for _, ex := range ch.Examples {
		fmt.Fprintf(b, "                    %s\n", ex)
	}
}

// writeVerdict ends the report: complete or why not.
func (r *Report) writeVerdict(b *strings.Builder) {
	fmt.Fprintf(b, "complete:           %v\n", r.Complete)
	for _, p := range r.Problems {
		fmt.Fprintf(b, "problem:            %s\n", p)
	}
	if r.Error != "" {
		fmt.Fprintf(b, "run cut short:      %s\n", r.Error)
	}
}

func (r *Report) writeServer(b *strings.Builder) {
	s, t := r.Server, r.Tool
	fmt.Fprintf(b, "server RSS:         %d KB at start, %d KB with %d idle clients: %.1f KB per idle connection\n",
		s.RSSStartKB, s.RSSIdleKB, r.Clients, s.RSSPerConnKB)
	fmt.Fprintf(b, "                    %d KB after the load (settled, clients still connected)\n", s.RSSAfterKB)
	fmt.Fprintf(b, "server CPU:         %.2fs in %.2fs of load+drain = %.0f%% of one core\n",
		s.CPUSeconds, t.PhaseSeconds, s.CPUPercent)
	fmt.Fprintf(b, "load tool CPU:      %.2fs = %.0f%% of one core (same machine)\n", t.CPUSeconds, t.CPUPercent)
	if s.GC != nil {
		fmt.Fprintf(b, "server GC:          %d cycles; last:\n", s.GC.Cycles)
		for _, line := range s.GC.Last {
			fmt.Fprintf(b, "  %s\n", line)
		}
	}
	fmt.Fprintf(b, "server exit:        %s\n", s.Exit)
	fmt.Fprintf(b, "server log:         %d lines\n", len(s.Log))
	for i, line := range s.Log {
		if i == maxLogLines {
			fmt.Fprintf(b, "  … %d more (-json has them all)\n", len(s.Log)-maxLogLines)
			break
		}
		fmt.Fprintf(b, "  %s\n", line)
	}
}
