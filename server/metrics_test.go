package server

import (
	"context"
	"net/http/httptest"
	"os"
	"testing"
	"time"

	"github.com/deskline/deskline/ctiproto"
	"github.com/deskline/deskline/internal/promtest"
	"github.com/deskline/deskline/pbx"
)

// scrapeMetrics serves the server's metrics on a loopback listener of
// their own, as the admin listener does, and parses one scrape.
func scrapeMetrics(t *testing.T, s *Server) promtest.Families {
	t.Helper()
	hs := httptest.NewServer(s.MetricsHandler())
	defer hs.Close()
	return promtest.Scrape(t, hs.URL)
}

// The directory's books as /metrics shows them, read at scrape time: the
// contacts of each vCard book (directory.Files), when each was fetched,
// and a book whose file has gone is down with its last copy in service.
func TestMetricsDirectoryBooks(t *testing.T) {
	e := newDirEnv(t)
	fams := scrapeMetrics(t, e.srv)
	for book, n := range map[string]float64{"Staff": 2, "Customers": 2, "Board": 1} {
		if v := promtest.Value(fams, "deskline_directory_book_contacts", "book", book); v != n {
			t.Errorf("%s: %v contacts, want %v", book, v, n)
		}
		if v := promtest.Value(fams, "deskline_directory_book_up", "book", book); v != 1 {
			t.Errorf("%s: up %v", book, v)
		}
		if v := promtest.Value(fams, "deskline_directory_book_warnings", "book", book); v != 0 {
			t.Errorf("%s: %v warnings", book, v)
		}
		at := promtest.Value(fams, "deskline_directory_book_last_success_timestamp_seconds", "book", book)
		if since := time.Since(time.Unix(int64(at), 0)); at <= 0 || since < -time.Second || since > time.Minute {
			t.Errorf("%s: last success %v", book, at)
		}
	}
	for _, name := range []string{"deskline_directory_book_contacts", "deskline_directory_book_up"} {
		if fams[name].GetHelp() == "" {
			t.Errorf("%s has no help", name)
		}
	}
	if err := os.Remove(e.files["Staff"]); err != nil {
		t.Fatal(err)
	}
	if err := e.dir.Refresh(context.Background(), "Staff"); err == nil {
		t.Fatal("refresh of a removed file worked")
	}
	fams = scrapeMetrics(t, e.srv)
	if v := promtest.Value(fams, "deskline_directory_book_up", "book", "Staff"); v != 0 {
		t.Errorf("Staff after a failed fetch: up %v", v)
	}
	if v := promtest.Value(fams, "deskline_directory_book_contacts", "book", "Staff"); v != 2 {
		t.Errorf("Staff after a failed fetch: %v contacts (the last copy stays)", v)
	}
	if v := promtest.Value(fams, "deskline_directory_book_up", "book", "Customers"); v != 1 {
		t.Errorf("Customers: up %v", v)
	}
}

// A server without a directory has no directory metrics; the others are
// there from the start, at zero, with help text.
func TestMetricsWithoutDirectory(t *testing.T) {
	e := newEnv(t)
	fams := scrapeMetrics(t, e.srv)
	if fams["deskline_directory_book_contacts"] != nil {
		t.Error("directory metrics without a directory")
	}
	for _, name := range []string{"deskline_exchange_events_total", "deskline_user_events_total", "deskline_frames_written_total",
		"deskline_event_write_latency_seconds", "deskline_slow_consumer_cuts_total", "deskline_resumes_total",
		"deskline_token_refreshes_total", "deskline_exchange_up", "deskline_exchange_outages_total",
		"deskline_exchange_reconnects_total", "deskline_connections_open", "deskline_sessions_logged_in",
		"go_goroutines", "process_resident_memory_bytes"} {
		if fams[name] == nil || fams[name].GetHelp() == "" {
			t.Errorf("%s missing or without help", name)
		}
	}
}

// A resume, a refused resume (snapshot by its reason), a token refresh
// and an exchange outage with its reconnect move their counters.
func TestMetricsResumeRefreshOutage(t *testing.T) {
	e := newEnv(t)
	ann := e.login("ann")
	if _, err := e.sim.Ring(context.Background(), "201", pbx.Party{Number: "+4930123"}); err != nil {
		t.Fatal(err)
	}
	ann.expectEventAny()
	back := e.resume(ann.welcome.Token, &ctiproto.Resume{Epoch: ann.welcome.Epoch, Seq: ann.seq})
	if !back.welcome.Resumed {
		t.Fatalf("resume refused: %q", back.welcome.Resync)
	}
	if again := e.resume(ann.welcome.Token, &ctiproto.Resume{Epoch: "another", Seq: 1}); again.welcome.Resumed {
		t.Fatal("resume across epochs honoured")
	}
	if r, _ := back.do(&ctiproto.Simple{ID: "r", Type: ctiproto.TypeRefreshToken}); r == nil || r.Token == "" {
		t.Fatalf("refresh: %+v", r)
	}
	e.sim.Outage("maintenance", false)
	back.expectEventAny()
	e.sim.Restore()
	back.expectEventAny()

	fams := scrapeMetrics(t, e.srv)
	want := func(name string, v float64, label ...string) {
		t.Helper()
		if got := promtest.Value(fams, name, label...); got != v {
			t.Errorf("%s%v = %v, want %v", name, label, got, v)
		}
	}
	want("deskline_resumes_total", 1)
	want("deskline_snapshots_total", 1, "reason", "login")
	want("deskline_snapshots_total", 1, "reason", ctiproto.ResyncEpochChanged)
	want("deskline_token_refreshes_total", 1)
	want("deskline_logins_total", 3, "result", "ok")
	want("deskline_exchange_outages_total", 1)
	want("deskline_exchange_reconnects_total", 1)
	want("deskline_exchange_up", 1)
}

// BenchmarkWrittenMetrics is what the metrics add to a writer's batch of
// 8 live event frames: the frames counter and 8 latency observations.
func BenchmarkWrittenMetrics(b *testing.B) {
	m := newMetrics()
	stamps := make([]int64, 8)
	now := time.Now().UnixNano()
	for i := range stamps {
		stamps[i] = now
	}
	b.ReportAllocs()
	for b.Loop() {
		m.written(len(stamps), stamps)
	}
}
