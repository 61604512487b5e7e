// Package testoffice runs a real CTI server with the simulated exchange (or
// any other, such as Asterisk through pbx/ami and a fake Asterisk) on
// loopback for tests of the tray app's core and views: real WebSocket
// sessions, real tokens, real call events. Only test code imports it; it
// imports nothing of the app (whose own tests use it).
package testoffice

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/deskline/deskline/ctiproto"
	"github.com/deskline/deskline/pbx"
	"github.com/deskline/deskline/pbx/sim"
	"github.com/deskline/deskline/server"
	"github.com/deskline/deskline/server/auth"
	"github.com/deskline/deskline/server/config"
	"github.com/deskline/deskline/server/directory"
	"golang.org/x/crypto/bcrypt"
)

// Password is every test user's password.
const Password = "secret"

// Office is a running server. Users: "ann" (Ann Archer, device 201) and
// "bob" (Bob Baker, 203); group 600 rings 201 and 203. Outside numbers
// answer after 1 ms. It can be stopped and restarted on the same address.
type Office struct {
	Addr string
	// Sim is the exchange; Restart(true) replaces it. Test goroutine only.
	// Nil in an office on another exchange (StartOn).
	Sim  *sim.Exchange
	Auth *auth.Auth

	ex    pbx.Exchange // the exchange of StartOn; nil means Sim
	t     testing.TB
	cfg   sim.Config
	users []auth.User
	watch []config.WatchGroup
	// dir and dirBooks are the company directory (WithDirectory), nil
	// for none.
	dir      *directory.Directory
	dirBooks map[string][]string
	mu       sync.Mutex // guards srv and hs
	srv      *server.Server
	hs       *http.Server
}

// SimConfig is the office's exchange: 201 Ann, 203 Bob, 204 and 205 Carl (desk phone and softphone).
func SimConfig() sim.Config {
	return sim.Config{
		Devices: []sim.DeviceConfig{{ID: "201", Name: "Ann"}, {ID: "203", Name: "Bob"}, {ID: "204", Name: "Carl"},
			{ID: "205", Name: "Carl's softphone"}},
		Groups: []sim.Group{{Number: "600", Name: "Front desk", Members: []string{"201", "203"}},
			{Number: "700", Name: "Carl anywhere", Members: []string{"204", "205"}}},
		External:        sim.Behaviour{AnswerAfter: time.Millisecond},
		NoAnswerTimeout: time.Minute,
	}
}

// passwordHash is Password's bcrypt hash at the cheapest cost: tests log
// in often.
var passwordHash = sync.OnceValue(func() string {
	h, err := bcrypt.GenerateFromPassword([]byte(Password), bcrypt.MinCost)
	if err != nil {
		panic(err)
	}
	return string(h)
})

// Start runs an office until the test ends. cfg may change SimConfig().
// setup, when given, changes the office before it starts.
func Start(t testing.TB, cfg func(*sim.Config), setup ...func(*Office)) *Office {
	t.Helper()
	o := &Office{t: t, cfg: SimConfig(), users: append(users(), carl())}
	if cfg != nil {
		cfg(&o.cfg)
	}
	for _, f := range setup {
		f(o)
	}
	var err error
	if o.Sim, err = sim.New(o.cfg); err != nil {
		t.Fatal(err)
	}
	o.start()
	t.Cleanup(func() { o.Stop(); o.Sim.Close() })
	return o
}

// StartReception is Start with a switchboard: user rita at the
// reception phone 202 watches every device and sees who calls (watch
// group "reception", which marks her as a reception), ann watches Bob's 203 without parties (group
// "team"), and the exchange has park slots 701 and 702.
// setup, when given, changes the office before it starts (as Start's).
func StartReception(t testing.TB, cfg func(*sim.Config), setup ...func(*Office)) *Office {
	t.Helper()
	return Start(t, func(c *sim.Config) {
		c.Devices = append(c.Devices, sim.DeviceConfig{ID: "202", Name: "Reception"})
		c.ParkSlots = []string{"701", "702"}
		if cfg != nil {
			cfg(c)
		}
	}, func(o *Office) {
		o.users = append(o.users, auth.User{Name: "rita", DisplayName: "Rita Reyes", PasswordHash: passwordHash(), Devices: []string{"202"}})
		o.watch = []config.WatchGroup{
			{Name: "reception", Users: []string{"rita"}, Devices: []string{"*"}, ShowParties: true, Reception: true},
			{Name: "team", Users: []string{"ann"}, Devices: []string{"203"}},
		}
		for _, f := range setup {
			f(o)
		}
	})
}

// StartOn runs an office on ex (which must know devices 201 and 203)
// until the test ends; Ring and Restart(true) need the simulator and are
// not available. The test closes ex.
func StartOn(t testing.TB, ex pbx.Exchange) *Office {
	t.Helper()
	o := &Office{t: t, users: users(), ex: ex}
	o.start()
	t.Cleanup(o.Stop)
	return o
}

// carl has two phones (desk phone and softphone), on the simulated
// exchange only.
func carl() auth.User {
	return auth.User{Name: "carl", DisplayName: "Carl Cole", PasswordHash: passwordHash(), Devices: []string{"204", "205"}}
}

func users() []auth.User {
	return []auth.User{
		{Name: "ann", DisplayName: "Ann Archer", PasswordHash: passwordHash(), Devices: []string{"201"}},
		{Name: "bob", DisplayName: "Bob Baker", PasswordHash: passwordHash(), Devices: []string{"203"}},
	}
}

// WithAuthOf is a setup for Start: the office shares other's logins and
// device tokens, as the nodes of a cluster do, so a desk moves between
// the two without logging in again.
func WithAuthOf(other *Office) func(*Office) {
	return func(o *Office) { o.Auth = other.Auth }
}

func (o *Office) start() {
	t := o.t
	t.Helper()
	var err error
	if o.Auth == nil {
		if o.Auth, err = auth.New(o.users, auth.Options{StorePath: filepath.Join(t.TempDir(), "tokens.json")}); err != nil {
			t.Fatal(err)
		}
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	o.Addr = ln.Addr().String()
	o.serve(ln)
}

func (o *Office) serve(ln net.Listener) {
	o.t.Helper()
	var ex pbx.Exchange = o.Sim
	if o.ex != nil {
		ex = o.ex
	}
	srv, err := server.New(context.Background(), server.Options{
		Exchange: ex, Sim: o.Sim, Auth: o.Auth, Users: o.users, WatchGroups: o.watch,
		Limits: config.Default().Limits, SimAPI: config.SimAPI{Enabled: true},
		Directory: o.dir, DirectoryBooks: o.dirBooks,
		Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	if err != nil {
		o.t.Fatal(err)
	}
	hs := &http.Server{Handler: srv.Handler()}
	go hs.Serve(ln)
	o.mu.Lock()
	o.srv, o.hs = srv, hs
	o.mu.Unlock()
}

// Stop shuts the server down the way a restart does (going away).
func (o *Office) Stop() {
	o.mu.Lock()
	srv, hs := o.srv, o.hs
	o.srv, o.hs = nil, nil
	o.mu.Unlock()
	if srv == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	hs.Shutdown(ctx)
	srv.Shutdown(ctx)
}

// Restart starts a new server on the same address; with a fresh exchange
// when lose is set (a PBX that lost its calls too).
func (o *Office) Restart(lose bool) {
	o.t.Helper()
	o.Stop()
	if lose {
		o.Sim.Close()
		ex, err := sim.New(o.cfg)
		if err != nil {
			o.t.Fatal(err)
		}
		o.Sim = ex
	}
	var ln net.Listener
	var err error
	for range 50 { // the old socket may linger a moment
		if ln, err = net.Listen("tcp", o.Addr); err == nil {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err != nil {
		o.t.Fatal(err)
	}
	o.serve(ln)
}

// URL is the WebSocket endpoint a client connects to.
func (o *Office) URL() string { return "ws://" + o.Addr + ctiproto.Path }

// Ring makes an outside caller ring device.
func (o *Office) Ring(device, from, name string) string {
	o.t.Helper()
	id, err := o.Sim.Ring(context.Background(), device, pbx.Party{Number: from, Name: name})
	if err != nil {
		o.t.Fatal(err)
	}
	return string(id)
}

// Handler is the running server's HTTP handler, to serve it another way
// (TLS) in a test.
func (o *Office) Handler() http.Handler {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.srv.Handler()
}
