package main

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/deskline/deskline/server/config"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

// scrape GETs url and parses the Prometheus text exposition.
func scrape(t *testing.T, url string) map[string]*dto.MetricFamily {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %s", url, resp.Status)
	}
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(resp.Body)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	return fams
}

// metricValue is the value of the counter, gauge or (its count) histogram
// name whose labels include labels (name, value pairs); -1 when absent.
func metricValue(fams map[string]*dto.MetricFamily, name string, labels ...string) float64 {
	f := fams[name]
	if f == nil {
		return -1
	}
next:
	for _, m := range f.GetMetric() {
		for i := 0; i+1 < len(labels); i += 2 {
			found := false
			for _, l := range m.GetLabel() {
				if l.GetName() == labels[i] && l.GetValue() == labels[i+1] {
					found = true
				}
			}
			if !found {
				continue next
			}
		}
		switch {
		case m.Counter != nil:
			return m.Counter.GetValue()
		case m.Gauge != nil:
			return m.Gauge.GetValue()
		case m.Histogram != nil:
			return float64(m.Histogram.GetSampleCount())
		}
	}
	return -1
}

// The admin listener serves /metrics from the running server: after a
// desk logs in, a call rings and is hung up, and a login fails, the
// counters have moved; the desks' listener serves no /metrics.
func TestMetricsOnTheAdminListener(t *testing.T) {
	addr, admin := startServeAdmin(t, config.Demo())
	if admin == "" || admin == addr {
		t.Fatalf("admin listener %q (main %q)", admin, addr)
	}
	metricsURL := "http://" + admin + "/metrics"
	before := scrape(t, metricsURL)
	for _, name := range []string{"deskline_connections_open", "deskline_exchange_up", "go_goroutines", "process_cpu_seconds_total",
		"deskline_event_write_latency_seconds", "deskline_sessions_logged_in", "deskline_frames_written_total"} {
		if before[name] == nil {
			t.Errorf("/metrics lacks %s", name)
		} else if before[name].GetHelp() == "" {
			t.Errorf("%s has no help text", name)
		}
	}
	if v := metricValue(before, "deskline_exchange_up"); v != 1 {
		t.Errorf("deskline_exchange_up = %v, want 1", v)
	}
	// The demo's company book, read at scrape time.
	if v := metricValue(before, "deskline_directory_book_contacts", "book", "Company"); v <= 0 {
		t.Errorf("deskline_directory_book_contacts{book=Company} = %v", v)
	}

	// A desk logs in, 201 rings and the caller hangs up.
	var watchErr bytes.Buffer
	watchOut := &lineWriter{first: make(chan struct{})}
	watched := make(chan int)
	go func() {
		watched <- run([]string{"watch", "-server", "ws://" + addr + "/v1/ws", "-user", "demo", "-password", "demo", "-n", "2"},
			nil, watchOut, &watchErr)
	}()
	select {
	case <-watchOut.first:
	case <-time.After(10 * time.Second):
		t.Fatalf("watch did not log in: %s", watchErr.String())
	}
	during := scrape(t, metricsURL)
	if v := metricValue(during, "deskline_sessions_logged_in", "protocol", "v2"); v != 1 {
		t.Errorf("sessions logged in (v2) while watching = %v, want 1", v)
	}
	var out, errb bytes.Buffer
	if code := run([]string{"sim", "-server", "ws://" + addr + "/v1/ws", "ring", "201", "--from", "+49 30 1234567"}, nil, &out, &errb); code != 0 {
		t.Fatalf("sim ring: %d %s", code, errb.String())
	}
	var rung struct{ Call string }
	if err := json.Unmarshal(out.Bytes(), &rung); err != nil || rung.Call == "" {
		t.Fatalf("sim ring printed %q", out.String())
	}
	if code := run([]string{"sim", "-server", "http://" + addr, "hangup", rung.Call}, nil, io.Discard, &errb); code != 0 {
		t.Fatalf("sim hangup: %s", errb.String())
	}
	select {
	case code := <-watched:
		if code != 0 {
			t.Fatalf("watch exited %d: %s", code, watchErr.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatal("watch saw no events")
	}
	// A login with a wrong password.
	if code := run([]string{"watch", "-server", "ws://" + addr + "/v1/ws", "-user", "demo", "-password", "wrong", "-n", "1"},
		nil, io.Discard, io.Discard); code == 0 {
		t.Fatal("watch with a wrong password succeeded")
	}

	after := scrape(t, metricsURL)
	grew := func(name string, by float64, labels ...string) {
		t.Helper()
		b, a := max(metricValue(before, name, labels...), 0), metricValue(after, name, labels...)
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
	if v := metricValue(after, "deskline_sessions_logged_in", "protocol", "v2"); v != 0 {
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
