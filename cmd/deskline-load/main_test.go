package main

import (
	"context"
	"io"
	"os"
	"testing"
	"time"
)

// TestSmallRun runs the whole tool against the real server binary (built
// by the run: the first build takes a while): 20 clients, 50 calls/s for
// a second. Every event must arrive exactly once. No speed is asserted.
func TestSmallRun(t *testing.T) {
	o := defaultOptions()
	o.Clients, o.Rate, o.Duration = 20, 50, time.Second
	o.Settle, o.Drain, o.Timeout = 200*time.Millisecond, 10*time.Second, 3*time.Minute
	o.Command = "TestSmallRun"
	var progress io.Writer = io.Discard
	if testing.Verbose() {
		progress = os.Stderr
	}
	rep, err := run(context.Background(), o, progress)
	if rep != nil && testing.Verbose() {
		rep.write(os.Stderr, false)
	}
	if err != nil {
		t.Fatal(err)
	}
	e := rep.Events
	if e.Expected == 0 || e.Delivered != e.Expected {
		t.Errorf("delivered %d events, expected %d", e.Delivered, e.Expected)
	}
	if e.Lost != 0 || e.Duplicated != 0 || e.Missing != 0 || e.Unexpected != 0 {
		t.Errorf("lost %d, duplicated %d, missing %d, unexpected %d; want 0",
			e.Lost, e.Duplicated, e.Missing, e.Unexpected)
	}
	if rep.Calls.RingErrors+rep.Calls.HangupErrors != 0 {
		t.Errorf("sim API errors: %d ring, %d hangup; first: %s",
			rep.Calls.RingErrors, rep.Calls.HangupErrors, rep.Calls.FirstError)
	}
	if !rep.Complete || rep.Connect.ServerCounts != o.Clients || rep.Latency.Samples != int(e.Delivered) {
		t.Errorf("complete %v, server counted %d connections, %d latency samples", rep.Complete, rep.Connect.ServerCounts, rep.Latency.Samples)
	}
	if rep.Server.Exit != "exit status 0" {
		t.Errorf("server exit %q", rep.Server.Exit)
	}
	for _, line := range rep.Server.Log { // level warn: worth a look, not a failure
		t.Logf("server log: %s", line)
	}
}

// TestPercentile pins the nearest-rank definition the report uses.
func TestPercentile(t *testing.T) {
	var d []time.Duration
	for i := 1; i <= 1000; i++ {
		d = append(d, time.Duration(i))
	}
	for q, want := range map[float64]time.Duration{0.5: 500, 0.9: 900, 0.99: 990, 0.999: 999, 1: 1000} {
		if got := percentile(d, q); got != want {
			t.Errorf("percentile(%g) = %d, want %d", q, got, want)
		}
	}
	if got := percentile(d[:1], 0.999); got != 1 {
		t.Errorf("percentile of one sample = %d", got)
	}
}
