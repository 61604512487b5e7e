package app

import (
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/deskline/deskline/app/journal"
	"github.com/deskline/deskline/app/tokens"
	"github.com/deskline/deskline/contacts"
	"github.com/deskline/deskline/internal/testoffice"
	"github.com/deskline/deskline/pbx"
	"github.com/deskline/deskline/pbx/sim"
)

// office is a real CTI server on loopback with the simulated exchange
// (testoffice: users ann on 201, bob on 203, carl on 204 and 205, password "secret"), which
// a test can stop and start again on the same address.
type office struct {
	*testoffice.Office
	t *testing.T
}

func newOffice(t *testing.T) *office {
	t.Helper()
	return testOfficeWith(t, nil)
}

// testOfficeWith is newOffice with cfg changing the exchange.
func testOfficeWith(t *testing.T, cfg func(*sim.Config)) *office {
	t.Helper()
	return &office{Office: testoffice.Start(t, cfg), t: t}
}

func (o *office) url() string { return o.URL() }

// stop shuts the server down the way a restart does (going away).
func (o *office) stop() { o.Stop() }

// restart starts a new server on the same address; with a fresh exchange
// when lose is set (a PBX that lost its calls too).
func (o *office) restart(lose bool) { o.Restart(lose) }

func (o *office) ring(device, from, name string) pbx.CallID {
	o.t.Helper()
	return pbx.CallID(o.Ring(device, from, name))
}

// numbers is the normaliser of a desk in Germany.
func numbers(t *testing.T) *contacts.Normalizer {
	t.Helper()
	n, err := contacts.NewNormalizer("DE", 0)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// books loads testdata/office.vcf.
func books(t *testing.T, n *contacts.Normalizer) *contacts.Directory {
	t.Helper()
	d := contacts.NewDirectory(n)
	if w := d.Load("testdata/office.vcf"); len(w) > 0 {
		t.Fatalf("loading the test book: %v", w)
	}
	return d
}

// desk is a running Client with its journal, logged in as user.
type desk struct {
	statusMu sync.Mutex
	seen     map[Status]int // how often each status was entered
	*Client
	t       *testing.T
	journal *journal.Journal
	states  <-chan State
	cancel  context.CancelFunc
	done    chan struct{}
}

type deskOption func(*Options)

func (o *office) desk(user string, opts ...deskOption) *desk {
	o.t.Helper()
	n := numbers(o.t)
	j, _, err := journal.Open(filepath.Join(o.t.TempDir(), "journal.json"), 100)
	if err != nil {
		o.t.Fatal(err)
	}
	op := Options{ServerURL: o.url(), User: user, Tokens: tokens.NewMemory(), Numbers: n,
		Directory: books(o.t, n), Journal: j, MinBackoff: 50 * time.Millisecond, MaxBackoff: 500 * time.Millisecond,
		Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	for _, f := range opts {
		f(&op)
	}
	c, err := New(op)
	if err != nil {
		o.t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	d := &desk{Client: c, t: o.t, journal: j, cancel: cancel, done: make(chan struct{})}
	c.onStatus = d.sawStatus
	d.states, _ = c.Subscribe()
	go func() { c.Run(ctx); close(d.done) }()
	o.t.Cleanup(d.stop)
	return d
}

func (d *desk) sawStatus(s Status, _ string) {
	d.statusMu.Lock()
	defer d.statusMu.Unlock()
	if d.seen == nil {
		d.seen = make(map[Status]int)
	}
	d.seen[s]++
}

// entered counts how often the desk entered a status: a passing state
// (disconnected for 50 ms) cannot be missed this way.
func (d *desk) entered(s Status) int {
	d.statusMu.Lock()
	defer d.statusMu.Unlock()
	return d.seen[s]
}

// waitEntered waits until the desk has entered status s more than n times.
func (d *desk) waitEntered(s Status, n int) {
	d.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for d.entered(s) <= n {
		if time.Now().After(deadline) {
			d.t.Fatalf("the desk never went %s (again)", s)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func (d *desk) stop() {
	d.cancel()
	<-d.done
}

func (d *desk) login() {
	d.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := d.Login(ctx, "secret"); err != nil {
		d.t.Fatalf("login: %v", err)
	}
}

// waitFor waits until the state satisfies ok, failing after 10 s with the
// last state seen.
func (d *desk) waitFor(what string, ok func(State) bool) State {
	d.t.Helper()
	timeout := time.After(10 * time.Second)
	last := d.State()
	for !ok(last) {
		select {
		case last = <-d.states:
		case <-timeout:
			d.t.Fatalf("waiting for %s; last state: %s %q, calls %+v", what, last.Status, last.Reason, last.Calls)
		}
	}
	return last
}

// c2id names a call for the sim's control API.
func c2id(s string) pbx.CallID { return pbx.CallID(s) }

// dropLink cuts the desk's connection without a close handshake, as a
// network failure does.
func (d *desk) dropLink() {
	d.mu.Lock()
	l := d.link
	d.mu.Unlock()
	if l != nil {
		l.conn.NetConn().Close()
	}
}

func callIn(s State, id string) (Call, bool) {
	for _, c := range s.Calls {
		if c.ID == id {
			return c, true
		}
	}
	return Call{}, false
}
