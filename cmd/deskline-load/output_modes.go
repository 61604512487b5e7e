package main

import (
	"fmt"
	"maps"
	"slices"
	"strings"
)

// writeMode prints the mode's own figures.
func (r *Report) writeMode(b *strings.Builder) {
	for _, p := range r.Phases {
		fmt.Fprintf(b, "latency %-6s (ms): p50 %.3f  p99 %.3f  max %.3f  (%d samples, undisturbed clients)\n",
			p.Phase, p.P50, p.P99, p.Max, p.Samples)
	}
	if s := r.Sessions; s != nil {
		fmt.Fprintf(b, "reconnections:      %d token logins, %d password logins, %d password fallbacks; %d resumed, %d events replayed\n",
			s.Token, s.Password, s.Fallback, s.Resumed, s.Replayed)
		writeCounts(b, "                    resync", s.Resync)
		writeCounts(b, "                    ended", s.Ends)
		writeCounts(b, "never back:        ", s.Never)
	}
	if f := r.Storm; f != nil {
		fmt.Fprintf(b, "storm:              %d connections dropped (RST) %.1fs into the load\n", f.Dropped, f.AtSeconds)
		writeBack(b, f.Back, "after the drop")
	}
	if f := r.Slow; f != nil {
		r.writeSlow(b, f)
	}
	if f := r.Restart; f != nil {
		fmt.Fprintf(b, "restart:            SIGTERM %.1fs into the load; exit after %.2fs (%s), healthy again after %.2fs\n",
			f.AtSeconds, f.StopSeconds, f.FirstExit, f.DownSeconds)
		writeBack(b, f.Back, "after SIGTERM")
		fmt.Fprintf(b, "                    99%% back %.2fs after the new server was healthy; %d told epoch-changed\n", f.P99Healthy, f.Resynced)
		fmt.Fprintf(b, "                    %d calls made after every client was back, followed one by one\n", f.TrackedCalls)
		if f.StartError != "" {
			fmt.Fprintf(b, "                    start failed: %s\n", f.StartError)
		}
	}
}

func (r *Report) writeSlow(b *strings.Builder, f *SlowFigures) {
	fmt.Fprintf(b, "slow:               %d clients (+%g calls/s each, fat names) stopped reading for %.1fs; server cut %d\n",
		f.Clients, f.RatePerClient, f.StallSeconds, f.CutByServer)
	fmt.Fprintf(b, "                    server log: cut %d as slow consumers (send queue full), %d for a timed-out write, %d for no pong\n",
		f.ServerKicks, f.ServerWriteFails, f.ServerPongTimeouts)
	writeCounts(b, "                    slow ones saw", f.Ends)
	fmt.Fprintf(b, "                    %d of %d resumed\n", f.Resumed, f.Clients)
	writeBack(b, f.Back, "after reading again")
	fmt.Fprintf(b, "others' p99:        %.3f ms before, %.3f ms during the stall: ×%.2f\n", f.P99Before, f.P99During, f.P99Ratio)
}

func writeBack(b *strings.Builder, t BackTimes, from string) {
	fmt.Fprintf(b, "back:               %d of %d; 50%% in %.3fs, 99%% in %.3fs, 100%% in %.3fs %s\n",
		t.Back, t.Clients, t.P50, t.P99, t.P100, from)
}

func writeCounts(b *strings.Builder, label string, m map[string]int) {
	for _, k := range slices.Sorted(maps.Keys(m)) {
		fmt.Fprintf(b, "%s: %d × %s\n", label, m[k], k)
	}
}

// writeBaseline prints the baseline's figures and the ratios.
func (r *Report) writeBaseline(b *strings.Builder) {
	bl := r.Baseline
	if bl == nil {
		return
	}
	l, s, q := bl.Latency, bl.Server, bl.Ratios
	fmt.Fprintf(b, "baseline:           minimal gorilla/websocket server, same clients and load (steady)\n")
	fmt.Fprintf(b, "                    calls achieved %.1f/s; events expected %d, delivered %d, lost %d, duplicated %d; complete %v\n",
		bl.Calls.AchievedRate, bl.Events.Expected, bl.Events.Delivered, bl.Events.Lost, bl.Events.Duplicated, bl.Complete)
	fmt.Fprintf(b, "  latency (ms):     p50 %.3f  p90 %.3f  p99 %.3f  p99.9 %.3f  max %.3f  (%d samples)\n",
		l.P50, l.P90, l.P99, l.P999, l.Max, l.Samples)
	fmt.Fprintf(b, "  RSS:              %d KB at start, %d KB idle: %.1f KB per idle connection\n", s.RSSStartKB, s.RSSIdleKB, s.RSSPerConnKB)
	fmt.Fprintf(b, "  CPU:              %.2fs = %.0f%% of one core\n", s.CPUSeconds, s.CPUPercent)
	fmt.Fprintf(b, "  frame bytes:      %v (Deskline: %v)\n", bl.FrameBytes, r.Events.FrameBytes)
	fmt.Fprintf(b, "Deskline/baseline:  p50 ×%.2f  p99 ×%.2f  CPU ×%.2f  RSS per idle conn ×%.2f  RSS idle ×%.2f\n",
		q.P50, q.P99, q.CPU, q.RSSPerConn, q.RSSIdle)
	if p := bl.Presence; p != nil {
		l := p.Latency
		fmt.Fprintf(b, "  presence (ms):    p50 %.3f  p90 %.3f  p99 %.3f  max %.3f  (%d samples); missing %d, out of order %d, repeated %d; connections cut %d\n",
			l.P50, l.P90, l.P99, l.Max, l.Samples, p.Missing, p.OutOfOrder, p.Repeated, sumCounts(bl.Events.Disconnects))
		fmt.Fprintf(b, "  presence memory:  %.1f KB per watcher\n", p.PerWatcher)
		fmt.Fprintf(b, "Deskline/baseline:  presence p50 ×%.2f  p99 ×%.2f  RSS per watcher ×%.2f\n", q.PresenceP50, q.PresenceP99, q.PerWatcher)
	}
}

// sumCounts adds up counts by reason.
func sumCounts(m map[string]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}
