package server

import (
	"net/http"
	"time"

	"github.com/deskline/deskline/ctiproto"
	"github.com/deskline/deskline/server/directory"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// metrics are the server's Prometheus metrics (docs/operations.md), in a
// registry of the server's own: two servers in one process (the tests)
// never share counters, and nothing another package registers globally
// shows up on /metrics.
//
// The hot path (an exchange event routed, logged and written) touches only
// counters and the latency histogram resolved here once: an increment is
// an atomic add, never a map lookup or a label string built per event.
type metrics struct {
	eventsIn      prometheus.Counter
	userEvents    prometheus.Counter
	framesWritten prometheus.Counter
	latency       prometheus.Histogram

	sessionsVec            *prometheus.GaugeVec
	sessionsV1, sessionsV2 prometheus.Gauge
	logins                 *prometheus.CounterVec
	loginOK                prometheus.Counter
	refreshes              prometheus.Counter
	slowCuts               prometheus.Counter
	resumes                prometheus.Counter
	snapshots              *prometheus.CounterVec

	exchangeUp        prometheus.Gauge
	exchangeOutages   prometheus.Counter
	exchangeReconnect prometheus.Counter
}

// latencyBuckets are the exchange event to socket write latency's bounds,
// in seconds: 0.1 ms to 5 s, dense around the 25 ms a desk must see.
var latencyBuckets = []float64{
	0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5,
}

func newMetrics() *metrics {
	sessions := prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "deskline_sessions_logged_in",
		Help: "Connections that have logged in (their welcome was sent), by protocol version (v1, v2)."}, []string{"protocol"})
	m := &metrics{
		eventsIn: prometheus.NewCounter(prometheus.CounterOpts{Name: "deskline_exchange_events_total",
			Help: "Events received from the exchange (calls, devices, parking, link state)."}),
		userEvents: prometheus.NewCounter(prometheus.CounterOpts{Name: "deskline_user_events_total",
			Help: "Events added to users' logs (numbered, kept for resume, sent to the user's sessions); an exchange event reaches zero or more users."}),
		framesWritten: prometheus.NewCounter(prometheus.CounterOpts{Name: "deskline_frames_written_total",
			Help: "WebSocket frames written to desks' sockets: events, results, welcomes, replays."}),
		latency: prometheus.NewHistogram(prometheus.HistogramOpts{Name: "deskline_event_write_latency_seconds",
			Help:    "From an exchange event's time to the write of a live frame carrying it to a desk's socket.",
			Buckets: latencyBuckets}),
		sessionsVec: sessions,
		sessionsV1:  sessions.WithLabelValues("v1"),
		sessionsV2:  sessions.WithLabelValues("v2"),
		logins: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "deskline_logins_total",
			Help: "Hellos answered, by result: ok, or the error code the desk was refused with (auth-failed, throttled, server-busy, token-expired, token-invalid, too-many-sessions)."}, []string{"result"}),
		refreshes: prometheus.NewCounter(prometheus.CounterOpts{Name: "deskline_token_refreshes_total",
			Help: "Tokens swapped for a new one (refresh-token) by a logged-in connection."}),
		slowCuts: prometheus.NewCounter(prometheus.CounterOpts{Name: "deskline_slow_consumer_cuts_total",
			Help: "Connections closed because their send queue was full: the desk did not read (it reconnects and resumes)."}),
		resumes: prometheus.NewCounter(prometheus.CounterOpts{Name: "deskline_resumes_total",
			Help: "Logins that resumed: the desk got the events it had missed, no snapshot."}),
		snapshots: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "deskline_snapshots_total",
			Help: "Full snapshots sent, by reason: login (no resume asked), epoch-changed, seq-ahead, gap-too-old (a resume refused), requested (the snapshot command)."}, []string{"reason"}),
		exchangeUp: prometheus.NewGauge(prometheus.GaugeOpts{Name: "deskline_exchange_up",
			Help: "1 while the link to the exchange is up, 0 while it is down."}),
		exchangeOutages: prometheus.NewCounter(prometheus.CounterOpts{Name: "deskline_exchange_outages_total",
			Help: "Times the link to the exchange went down."}),
		exchangeReconnect: prometheus.NewCounter(prometheus.CounterOpts{Name: "deskline_exchange_reconnects_total",
			Help: "Times the link to the exchange came back after an outage."}),
	}
	m.loginOK = m.logins.WithLabelValues("ok")
	m.exchangeUp.Set(1)
	return m
}

// noMetrics counts for hubs and logs built without a server (unit tests):
// nobody reads it.
var noMetrics = newMetrics()

// sessions is the logged-in gauge of a protocol.
func (m *metrics) sessions(protocol string) prometheus.Gauge {
	if protocol == ctiproto.SubprotocolV1 {
		return m.sessionsV1
	}
	return m.sessionsV2
}

// exchangeState follows the link's state from the exchange's state events.
func (m *metrics) exchangeState(wasUp, up bool) {
	switch {
	case wasUp && !up:
		m.exchangeOutages.Inc()
		m.exchangeUp.Set(0)
	case !wasUp && up:
		m.exchangeReconnect.Inc()
		m.exchangeUp.Set(1)
	}
}

// written counts the frames a writer wrote and observes, for the live
// frames that carry an exchange event (at, unix ns; 0 for the others),
// the time since the event, all at the moment of one write.
func (m *metrics) written(frames int, at []int64) {
	m.framesWritten.Add(float64(frames))
	var now int64
	for _, t := range at {
		if t == 0 {
			continue
		}
		if now == 0 {
			now = time.Now().UnixNano()
		}
		m.latency.Observe(float64(now-t) / 1e9)
	}
}

// registry builds the registry /metrics serves: these metrics, the Go
// runtime's and the process's, the open connections and the directory.
func (s *Server) registry() *prometheus.Registry {
	m := s.hub.m
	r := prometheus.NewRegistry()
	r.MustRegister(
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "deskline_connections_open",
			Help: "Open WebSocket connections, logged in or waiting for their hello."},
			func() float64 { return float64(s.connections()) }),
		m.eventsIn, m.userEvents, m.framesWritten, m.latency, m.logins, m.refreshes, m.slowCuts,
		m.resumes, m.snapshots, m.exchangeUp, m.exchangeOutages, m.exchangeReconnect, m.sessionsVec,
	)
	if s.opts.Directory != nil {
		r.MustRegister(directoryCollector{s.opts.Directory})
	}
	if s.replica != nil {
		r.MustRegister(s.replica.collectors()...)
	}
	return r
}

// MetricsHandler serves the Prometheus metrics; cmd/deskline-server
// serves it as GET /metrics on the admin listener only, never on the
// desks' listener.
func (s *Server) MetricsHandler() http.Handler {
	return promhttp.HandlerFor(s.reg, promhttp.HandlerOpts{ErrorLog: slogPrinter{s}})
}

type slogPrinter struct{ s *Server }

func (p slogPrinter) Println(v ...any) { p.s.log.Warn("metrics", "err", v) }

// directoryCollector reads the directory's books at scrape time
// (Directory.Status), so the figures are those of the moment.
type directoryCollector struct{ d *directory.Directory }

var (
	dirContacts = prometheus.NewDesc("deskline_directory_book_contacts",
		"Contacts in the copy of the book in service.", []string{"book"}, nil)
	dirFetched = prometheus.NewDesc("deskline_directory_book_last_success_timestamp_seconds",
		"When the copy of the book in service was fetched (unix seconds); absent until one was.", []string{"book"}, nil)
	dirUp = prometheus.NewDesc("deskline_directory_book_up",
		"1 when the book's last fetch worked, 0 when it failed (the last good copy stays in service).", []string{"book"}, nil)
	dirWarnings = prometheus.NewDesc("deskline_directory_book_warnings",
		"Cards or entries of the book's last fetch that were skipped or loaded in part.", []string{"book"}, nil)
)

func (c directoryCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- dirContacts
	ch <- dirFetched
	ch <- dirUp
	ch <- dirWarnings
}

func (c directoryCollector) Collect(ch chan<- prometheus.Metric) {
	for _, st := range c.d.Status() {
		up := 0.0 // a failed fetch, or none tried and no copy yet
		if st.Err == "" && (!st.Tried.IsZero() || !st.Fetched.IsZero()) {
			up = 1
		}
		ch <- prometheus.MustNewConstMetric(dirContacts, prometheus.GaugeValue, float64(st.Contacts), st.Book)
		if !st.Fetched.IsZero() {
			ch <- prometheus.MustNewConstMetric(dirFetched, prometheus.GaugeValue, float64(st.Fetched.UnixNano())/1e9, st.Book)
		}
		ch <- prometheus.MustNewConstMetric(dirUp, prometheus.GaugeValue, up, st.Book)
		ch <- prometheus.MustNewConstMetric(dirWarnings, prometheus.GaugeValue, float64(st.Warnings), st.Book)
	}
}
