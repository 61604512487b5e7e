package main

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/deskline/deskline/internal/promtest"
	"github.com/deskline/deskline/server/config"
	"github.com/deskline/deskline/server/directory"
)

// The admin listener serves /metrics from the running server: after a
// desk logs in, a call rings and is hung up, and a login fails, the
// counters have moved; the desks' listener serves no /metrics.
func TestMetricsOnTheAdminListener(t *testing.T) {
	addr, admin := startServeAdmin(t, config.Demo())
	if admin == "" || admin == addr {
		t.Fatalf("admin listener %q (main %q)", admin, addr)
	}
	metricsURL := "http://" + admin + "/metrics"
	// The demo's company book is fetched in the background at start.
	waitBooks(t, addr, func(b []directory.Status) bool { return len(b) == 1 && b[0].Contacts > 0 })
	before := promtest.Scrape(t, metricsURL)
	for _, name := range []string{"deskline_connections_open", "deskline_exchange_up", "go_goroutines", "process_cpu_seconds_total",
		"deskline_event_write_latency_seconds", "deskline_sessions_logged_in", "deskline_frames_written_total"} {
		if before[name] == nil {
			t.Errorf("/metrics lacks %s", name)
		} else if before[name].GetHelp() == "" {
			t.Errorf("%s has no help text", name)
		}
	}
	if v := promtest.Value(before, "deskline_exchange_up"); v != 1 {
		t.Errorf("deskline_exchange_up = %v, want 1", v)
	}
	// The demo's company book, read at scrape time.
	if v := promtest.Value(before, "deskline_directory_book_contacts", "book", "Company"); v <= 0 {
		t.Errorf("deskline_directory_book_contacts{book=Company} = %v", v)
	}

	// A desk logs in, 201 rings and the caller hangs up.
	w := startWatch(t, addr, "-n", "2")
	during := promtest.Scrape(t, metricsURL)
	if v := promtest.Value(during, "deskline_sessions_logged_in", "protocol", "v2"); v != 1 {
		t.Errorf("sessions logged in (v2) while watching = %v, want 1", v)
	}
	simHangup(t, addr, simRing(t, addr, "201", "+49 30 1234567"))
	w.wait(t)
	// A login with a wrong password.
	if code := run([]string{"watch", "-server", "ws://" + addr + "/v1/ws", "-user", "demo", "-password", "wrong", "-n", "1"},
		nil, io.Discard, io.Discard); code == 0 {
		t.Fatal("watch with a wrong password succeeded")
	}

	after := promtest.Scrape(t, metricsURL)
	grew := func(name string, by float64, labels ...string) {
		t.Helper()
		b, a := max(promtest.Value(before, name, labels...), 0), promtest.Value(after, name, labels...)
		if a-b < by {
			t.Errorf("%s%v went from %v to %v, want +%v at least", name, labels, b, a, by)
		}
	}
	grew("deskline_logins_total", 1, "result", "ok")
	grew("deskline_logins_total", 1, "result", "auth-failed")
	grew("deskline_snapshots_total", 1, "reason", "login")
	grew("deskline_exchange_events_total", 2) // delivered and cleared at 201 at least
	grew("deskline_user_events_total", 2)
	grew("deskline_frames_written_total", 3) // the welcome and the two events
	grew("deskline_event_write_latency_seconds", 2)
	h := after["deskline_event_write_latency_seconds"].GetMetric()[0].GetHistogram()
	if b := h.GetBucket(); len(b) < 15 || b[0].GetUpperBound() != 0.0001 || b[14].GetUpperBound() != 5 { // and +Inf
		t.Errorf("latency buckets: %v", b)
	}
	if s := h.GetSampleSum(); s <= 0 || s > 10 {
		t.Errorf("latency sum %v s for %d events", s, h.GetSampleCount())
	}
	if v := promtest.Value(after, "deskline_sessions_logged_in", "protocol", "v2"); v != 0 {
		t.Errorf("sessions logged in (v2) after the watch = %v, want 0", v)
	}

	// The desks' listener: no /metrics; /healthz says the node's role.
	resp, err := http.Get("http://" + addr + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound || strings.Contains(string(body), "deskline_") {
		t.Errorf("main listener GET /metrics: %s %.200s", resp.Status, body)
	}
	resp, err = http.Get("http://" + addr + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	var health struct{ Role string }
	json.NewDecoder(resp.Body).Decode(&health)
	resp.Body.Close()
	if health.Role != "standalone" {
		t.Errorf("/healthz role %q, want standalone", health.Role)
	}
	// The admin listener serves nothing else.
	resp, err = http.Get("http://" + admin + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("admin listener GET /healthz: %s", resp.Status)
	}
}

// admin.listen "" turns the admin listener off: the banner names none.
func TestAdminListenerOff(t *testing.T) {
	cfg := config.Demo()
	cfg.Admin.Listen = ""
	if _, admin := startServeAdmin(t, cfg); admin != "" {
		t.Fatalf("admin listener %q with listen \"\"", admin)
	}
}
