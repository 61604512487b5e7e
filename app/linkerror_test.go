package app

import (
	"context"
	"crypto/tls"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/deskline/deskline/app/tokens"
	"github.com/deskline/deskline/ctiproto"
)

// problemIs waits for a disconnected state whose problem is of kind want.
func problemIs(want LinkProblem) func(State) bool {
	return func(s State) bool {
		return s.Status == StatusDisconnected && s.Problem != nil && s.Problem.Problem == want
	}
}

// Each way of not reaching a server is told apart by its kind, with the
// host it is about: the UI words them, it never reads the error text.
func TestLinkProblemKinds(t *testing.T) {
	o := newOffice(t)

	tlsSrv := httptest.NewUnstartedServer(o.Handler())
	tlsSrv.TLS = &tls.Config{MinVersion: tls.VersionTLS12}
	tlsSrv.Config.ErrorLog = log.New(io.Discard, "", 0) // the refused handshake is expected
	tlsSrv.StartTLS()
	defer tlsSrv.Close()
	web := httptest.NewServer(http.NotFoundHandler()) // a web server, not Deskline
	defer web.Close()
	down := newOffice(t)
	down.stop()

	cases := []struct {
		name, url string
		want      LinkProblem
	}{
		{"refused", down.url(), LinkRefused},
		{"untrusted certificate", "wss://" + strings.TrimPrefix(tlsSrv.URL, "https://") + ctiproto.Path, LinkUntrusted},
		{"not deskline", "ws://" + strings.TrimPrefix(web.URL, "http://") + ctiproto.Path, LinkNotDeskline},
		{"no such name", "ws://deskline.invalid:8720" + ctiproto.Path, LinkNameNotFound},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			d := o.desk("ann", func(op *Options) {
				op.ServerURL = tc.url
				op.Tokens.Set(tc.url, "ann", "some-token") // so it connects without a password
			})
			s := d.waitFor(string(tc.want), problemIs(tc.want))
			if want := strings.TrimPrefix(strings.TrimPrefix(tc.url, "ws://"), "wss://"); !strings.HasPrefix(want, s.Problem.Host+"/") {
				t.Fatalf("host %q, want the host of %s", s.Problem.Host, tc.url)
			}
			if s.RetryAt.IsZero() || s.Problem.Err == nil {
				t.Fatalf("problem %+v, retry at %v", s.Problem, s.RetryAt)
			}
		})
	}
}

// The problem stays shown while the client tries again, and is gone once
// it is connected.
func TestLinkProblemKeptWhileRetrying(t *testing.T) {
	o := newOffice(t)
	ann := o.desk("ann")
	ann.login()
	o.stop()
	ann.waitFor("refused", problemIs(LinkRefused))
	s := ann.waitFor("next attempt", func(s State) bool { return s.Status == StatusConnecting })
	if s.Problem == nil || s.Problem.Problem != LinkRefused {
		t.Fatalf("problem while connecting again: %+v", s.Problem)
	}
	o.restart(false)
	s = ann.waitFor("connected", func(s State) bool { return s.Status == StatusConnected })
	if s.Problem != nil {
		t.Fatalf("problem after connecting: %+v", s.Problem)
	}
}

// "Reconnect now" skips a long wait: the server is back, the desk is
// connected at once instead of after its 30 s backoff.
func TestReconnectNowSkipsTheWait(t *testing.T) {
	o := newOffice(t)
	ann := o.desk("ann", func(op *Options) { op.MinBackoff, op.MaxBackoff = 30*time.Second, 30*time.Second })
	ann.login()
	ann.waitFor("connected", func(s State) bool { return s.Status == StatusConnected })
	connects := ann.entered(StatusConnected)
	o.stop()
	// The first retry after a server's going-away comes at a random
	// moment up to MinBackoff, then a refused one waits the whole backoff:
	// wait until the desk waits long, whichever wait that is.
	s := ann.waitFor("a long wait", func(s State) bool {
		return s.Status == StatusDisconnected && time.Until(s.RetryAt) > 5*time.Second
	})
	o.restart(false)
	start := time.Now()
	ann.Reconnect()
	ann.waitEntered(StatusConnected, connects)
	if took := time.Since(start); took > 5*time.Second {
		t.Fatalf("reconnecting took %v after Reconnect; the wait was until %v", took, s.RetryAt)
	}
	ann.Reconnect() // connected: nothing to skip, nothing left behind for the next wait
	if st := ann.State(); st.Status != StatusConnected {
		t.Fatalf("Reconnect on a connected desk: %s", st.Status)
	}
}

// With the default backoff, a desk whose server was down for a while is
// back within a few seconds of the server (it was 10 s and more with a
// 30 s cap).
func TestDefaultBackoffReconnectsSoon(t *testing.T) {
	o := newOffice(t)
	ann := o.desk("ann", func(op *Options) { op.MinBackoff, op.MaxBackoff = 0, 0 })
	ann.login()
	ann.waitFor("connected", func(s State) bool { return s.Status == StatusConnected })
	connects := ann.entered(StatusConnected)
	o.stop()
	// Down long enough for the waits to reach their cap (1 s, 2 s, 3 s).
	time.Sleep(7 * time.Second)
	o.restart(false)
	start := time.Now()
	ann.waitEntered(StatusConnected, connects)
	took := time.Since(start)
	t.Logf("reconnected %v after the server came back", took.Round(time.Millisecond))
	// The capped wait (jitter included) and room for a loaded machine;
	// the old 30 s cap took 10 s and more here.
	if limit := defaultMaxBackoff*6/5 + 4*time.Second; took > limit {
		t.Fatalf("reconnecting took %v, more than the capped wait allows (%v)", took, limit)
	}
}

// The default waits grow but never past the cap, jitter included.
func TestDefaultBackoffCapped(t *testing.T) {
	c, err := New(Options{ServerURL: "ws://127.0.0.1:1/v1/ws", User: "ann", Numbers: numbers(t), Tokens: tokens.NewMemory()})
	if err != nil {
		t.Fatal(err)
	}
	if first := c.backoff(0); first > defaultMinBackoff*6/5 {
		t.Fatalf("first wait %v", first)
	}
	for f := range 40 {
		if d := c.backoff(f); d > defaultMaxBackoff*6/5 || d < defaultMinBackoff*4/5 {
			t.Fatalf("wait after %d failures: %v", f, d)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	c.Run(ctx) // a stopped client: Reconnect must not block
	c.Reconnect()
}
