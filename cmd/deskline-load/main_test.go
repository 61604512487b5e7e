package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// serverBin is deskline-server, built once for every test (TestMain).
var serverBin string

// TestMain builds the server once, and doubles as the baseline server:
// the baseline run starts this very binary with -baseline-server ADDR.
func TestMain(m *testing.M) {
	if len(os.Args) == 3 && os.Args[1] == baselineServerFlag {
		os.Exit(baselineServerMain(os.Args[2], os.Stderr))
	}
	dir, err := os.MkdirTemp("", "deskline-load-test-*")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	serverBin = filepath.Join(dir, "deskline-server")
	if out, err := exec.Command("go", "build", "-o", serverBin, "github.com/deskline/deskline/cmd/deskline-server").CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "go build deskline-server: %v\n%s", err, out)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// smallRun runs the whole tool against the real server binary: a few
// clients, a few calls, for a couple of seconds, in mode. It checks what
// every mode must show: complete, nothing lost, duplicated or stuck, no
// sim API errors, a clean server exit. No speed is asserted.
func smallRun(t *testing.T, mode string, change func(*options)) *Report {
	t.Helper()
	o := defaultOptions()
	o.Mode, o.Clients, o.Rate, o.Duration = mode, 30, 50, 2*time.Second
	o.Settle, o.Drain, o.Timeout = 200*time.Millisecond, 10*time.Second, 2*time.Minute
	o.ServerBin, o.NoBaseline, o.Command = serverBin, true, t.Name()
	if change != nil {
		change(&o)
	}
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
		t.Errorf("lost %d, duplicated %d, missing %d, unexpected %d; want 0", e.Lost, e.Duplicated, e.Missing, e.Unexpected)
	}
	if !rep.Complete || !rep.CallCheck.Checked || rep.CallCheck.Stuck != 0 {
		t.Errorf("complete %v (problems %q), call check %+v", rep.Complete, rep.Problems, rep.CallCheck)
	}
	if rep.Calls.RingErrors+rep.Calls.HangupErrors != 0 {
		t.Errorf("sim API errors: %d ring, %d hangup; first: %s", rep.Calls.RingErrors, rep.Calls.HangupErrors, rep.Calls.FirstError)
	}
	if rep.Connect.ServerCounts != o.Clients || rep.Server.Exit != "exit status 0" {
		t.Errorf("server counted %d connections, exit %q", rep.Connect.ServerCounts, rep.Server.Exit)
	}
	for _, line := range rep.Server.Log { // level warn: worth a look, not a failure
		t.Logf("server log: %s", line)
	}
	return rep
}

// TestSteadyWithBaseline: steady mode measures the baseline by default,
// with the same clients and load, and reports the ratios.
func TestSteadyWithBaseline(t *testing.T) {
	t.Parallel()
	rep := smallRun(t, modeSteady, func(o *options) { o.NoBaseline = false })
	if rep.Latency.Samples != int(rep.Events.Delivered) {
		t.Errorf("%d latency samples for %d events", rep.Latency.Samples, rep.Events.Delivered)
	}
	b := rep.Baseline
	if b == nil {
		t.Fatal("no baseline in the report")
	}
	if !b.Complete || b.Events.Expected == 0 || b.Events.Lost+b.Events.Duplicated != 0 {
		t.Errorf("baseline: complete %v, events %+v", b.Complete, b.Events)
	}
	if b.Ratios.P50 <= 0 || b.Ratios.P99 <= 0 || b.Ratios.CPU <= 0 || b.Latency.Samples == 0 {
		t.Errorf("baseline ratios %+v, latency %+v", b.Ratios, b.Latency)
	}
	for typ, n := range rep.Events.FrameBytes { // time stamps differ in their digits
		if d := b.FrameBytes[typ] - n; d < -frameSlack || d > frameSlack {
			t.Errorf("%s frames: baseline %g bytes, Deskline %g: want the same within %d", typ, b.FrameBytes[typ], n, frameSlack)
		}
	}
	var text strings.Builder
	rep.write(&text, false)
	if !strings.Contains(text.String(), "Deskline/baseline:") {
		t.Errorf("text report without ratios:\n%s", text.String())
	}
}

// frameSlack is how many bytes event frames of the baseline and Deskline
// may differ: fractional seconds drop trailing zeros.
const frameSlack = 4

// TestStorm: every client drops at once, all come back and resume.
func TestStorm(t *testing.T) {
	t.Parallel()
	rep := smallRun(t, modeStorm, nil)
	s := rep.Storm
	if s == nil || s.Back.Back != rep.Clients || s.Back.P50 < 0 || s.Back.P99 < 0 || s.Back.P100 < 0 {
		t.Fatalf("storm figures %+v", s)
	}
	if rep.Sessions.Resumed != rep.Clients || rep.Sessions.Token != rep.Clients {
		t.Errorf("sessions %+v: want every client back with its token, resumed", rep.Sessions)
	}
	if len(rep.Phases) != numPhases {
		t.Errorf("phases %+v", rep.Phases)
	}
}

// TestSlow: one client stops reading, the server cuts it (a short
// pong_wait keeps the test short), it resumes; the others' p99 ratio is
// reported.
func TestSlow(t *testing.T) {
	t.Parallel()
	rep := smallRun(t, modeSlow, func(o *options) { o.PongWait = 2 * time.Second })
	s := rep.Slow
	if s == nil || s.Clients != 1 || s.CutByServer < 1 || s.Resumed != 1 || len(s.Ends) == 0 {
		t.Fatalf("slow figures %+v", s)
	}
	if s.P99Before <= 0 || s.P99During <= 0 || s.P99Ratio <= 0 {
		t.Errorf("others' p99 before %g, during %g, ratio %g", s.P99Before, s.P99During, s.P99Ratio)
	}
}

// TestRestart: the server restarts under load; the clients come back on
// the new epoch with a snapshot, and the calls made after are followed.
func TestRestart(t *testing.T) {
	t.Parallel()
	rep := smallRun(t, modeRestart, nil)
	r := rep.Restart
	if r == nil || r.Back.Back != rep.Clients || r.Back.P99 < 0 || r.TrackedCalls == 0 || r.Resynced != rep.Clients {
		t.Fatalf("restart figures %+v", r)
	}
	if rep.Sessions.Token != rep.Clients || rep.Sessions.Fallback != 0 {
		t.Errorf("sessions %+v: want every client back with its token (kept in state_dir)", rep.Sessions)
	}
}

// TestBackTimes pins how the times to 50/99/100% back are read.
func TestBackTimes(t *testing.T) {
	d := []time.Duration{time.Second, 2 * time.Second, 3 * time.Second, 4 * time.Second}
	if got := backTimes(d, 4); got.P50 != 2 || got.P99 != 4 || got.P100 != 4 || got.Back != 4 {
		t.Errorf("all back: %+v", got)
	}
	if got := backTimes(d, 5); got.P50 != 3 || got.P99 != -1 || got.P100 != -1 {
		t.Errorf("one missing: %+v", got)
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

// TestPresence: with -watchers, every watcher gets its whole list and
// every presence change the load makes exactly once, in order, with
// latency and memory figures; the baseline gets the same and the ratios.
func TestPresence(t *testing.T) {
	t.Parallel()
	rep := smallRun(t, modeSteady, func(o *options) { o.Watchers, o.NoBaseline = 5, false })
	p := rep.Presence
	if p == nil {
		t.Fatal("no presence figures in the report")
	}
	if p.ListsDone != 5 || p.ListDevices != 5*30 || p.Changes != rep.Events.Expected || p.Changes == 0 {
		t.Errorf("presence figures %+v", p)
	}
	if p.Delivered != 5*p.Changes || p.Missing+p.Unexpected+p.OutOfOrder+p.Repeated+p.BadDevice != 0 {
		t.Errorf("presence: delivered %d of %d, %+v", p.Delivered, 5*p.Changes, p)
	}
	if p.Latency.Samples != int(p.Delivered) || p.RSSWatchKB <= 0 {
		t.Errorf("presence latency %+v, RSS %d KB", p.Latency, p.RSSWatchKB)
	}
	b := rep.Baseline
	if b == nil || b.Presence == nil || b.Presence.Delivered != 5*b.Presence.Changes || b.Ratios.PresenceP99 <= 0 {
		t.Fatalf("baseline presence %+v", b)
	}
	var text strings.Builder
	rep.write(&text, false)
	if !strings.Contains(text.String(), "presence lat. (ms):") {
		t.Errorf("text report without presence:\n%s", text.String())
	}
}
