package server

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/deskline/deskline/ctiproto"
	"github.com/deskline/deskline/pbx"
	"github.com/deskline/deskline/pbx/sim"
	"github.com/deskline/deskline/server/auth"
	"github.com/deskline/deskline/server/config"
	"github.com/deskline/deskline/server/directory"
	"github.com/gorilla/websocket"
	"golang.org/x/crypto/bcrypt"
)

// testEnv is a real server on loopback with the simulated exchange.
type testEnv struct {
	t    *testing.T
	sim  *sim.Exchange
	auth *auth.Auth
	srv  *Server
	http *httptest.Server
	url  string

	// ex, when set, is the exchange instead of sim (newAMIEnv): the sim
	// control API is off.
	ex pbx.Exchange

	origins     []string             // Options.AllowedOrigins
	watch       []config.WatchGroup  // Options.WatchGroups
	switchboard Switchboard          // Options.Switchboard
	directory   *directory.Directory // Options.Directory
	books       map[string][]string  // Options.DirectoryBooks
}

// Office used by the server tests: ann owns 201 and 202 (desk phone and
// softphone), bob owns 203, carl owns 204; group 600 rings 201 and 203.
var testUsers = []auth.User{
	{Name: "ann", DisplayName: "Ann Archer", Devices: []string{"201", "202"}},
	{Name: "bob", DisplayName: "Bob Baker", Devices: []string{"203"}},
	{Name: "carl", DisplayName: "Carl Cole", Devices: []string{"204"}},
}

// testHash is the hash of every test user's password "secret", at the
// lowest cost so tests stay fast.
var testHash = func() string {
	h, err := bcrypt.GenerateFromPassword([]byte("secret"), bcrypt.MinCost)
	if err != nil {
		panic(err)
	}
	return string(h)
}()

type envOption func(*envConfig)

type envConfig struct {
	limits      config.Limits
	authOpts    auth.Options
	simCfg      sim.Config
	origins     []string // Options.AllowedOrigins
	watch       []config.WatchGroup
	switchboard Switchboard
	directory   *directory.Directory
	books       map[string][]string
}

// withDirectory gives the server a directory (started by the test) and
// the books each user may see.
func withDirectory(d *directory.Directory, books map[string][]string) envOption {
	return func(c *envConfig) { c.directory, c.books = d, books }
}

func withLimits(f func(*config.Limits)) envOption { return func(c *envConfig) { f(&c.limits) } }
func withAuth(f func(*auth.Options)) envOption    { return func(c *envConfig) { f(&c.authOpts) } }
func withOrigins(o ...string) envOption           { return func(c *envConfig) { c.origins = o } }
func withWatch(g ...config.WatchGroup) envOption  { return func(c *envConfig) { c.watch = g } }
func withSwitchboard(sb Switchboard) envOption    { return func(c *envConfig) { c.switchboard = sb } }

func testSimConfig() sim.Config {
	return sim.Config{
		Devices: []sim.DeviceConfig{
			{ID: "201", Name: "Ann desk"}, {ID: "202", Name: "Ann soft"},
			{ID: "203", Name: "Bob"}, {ID: "204", Name: "Carl"}, {ID: "205", Name: "Nobody's"},
		},
		Groups:          []sim.Group{{Number: "600", Name: "Front", Members: []string{"201", "203"}}},
		NoAnswerTimeout: time.Minute,
	}
}

func newEnv(t *testing.T, opts ...envOption) *testEnv {
	t.Helper()
	cfg := envConfig{limits: config.Default().Limits, simCfg: testSimConfig()}
	for _, o := range opts {
		o(&cfg)
	}
	ex, err := sim.New(cfg.simCfg)
	if err != nil {
		t.Fatal(err)
	}
	users := make([]auth.User, len(testUsers))
	for i, u := range testUsers {
		u.PasswordHash = testHash
		users[i] = u
	}
	a, err := auth.New(users, cfg.authOpts)
	if err != nil {
		t.Fatal(err)
	}
	e := &testEnv{t: t, sim: ex, auth: a, origins: cfg.origins, watch: cfg.watch, switchboard: cfg.switchboard,
		directory: cfg.directory, books: cfg.books}
	e.start(users, cfg.limits)
	return e
}

func (e *testEnv) start(users []auth.User, limits config.Limits) {
	e.t.Helper()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	if testing.Verbose() {
		log = slog.New(slog.NewTextHandler(&tlogWriter{e.t}, nil))
	}
	var ex pbx.Exchange = e.sim
	simAPI := config.SimAPI{Enabled: true}
	if e.ex != nil {
		ex, simAPI = e.ex, config.SimAPI{}
	}
	srv, err := New(context.Background(), Options{
		Exchange: ex, Sim: e.sim, Auth: e.auth, Users: users, Limits: limits,
		SimAPI: simAPI, AllowedOrigins: e.origins, WatchGroups: e.watch, Log: log, Version: "test",
		Switchboard: e.switchboard, Directory: e.directory, DirectoryBooks: e.books,
	})
	if err != nil {
		e.t.Fatal(err)
	}
	e.srv = srv
	e.http = httptest.NewServer(srv.Handler())
	e.url = "ws" + strings.TrimPrefix(e.http.URL, "http") + ctiproto.Path
	e.t.Cleanup(e.stop)
}

func (e *testEnv) stop() {
	if e.http == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	e.http.Config.SetKeepAlivesEnabled(false)
	e.srv.Shutdown(ctx)
	e.http.Close()
	e.http = nil
}

type tlogWriter struct{ t *testing.T }

func (w *tlogWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}

// client is a real WebSocket client speaking ctiproto.
type client struct {
	t       *testing.T
	conn    *websocket.Conn
	welcome *ctiproto.Welcome
	seq     uint64
	// pending holds events read while waiting for a result; next returns
	// them first, so an event that overtook a result is not lost to the test.
	pending []ctiproto.Message
}

func (e *testEnv) dial() *client { return e.dialBuf(0) }

// dialBuf dials with a kernel receive buffer of readBuf bytes (0: the
// system's), so a test can make a client that stops reading fill up soon
// whatever the machine's TCP tuning.
func (e *testEnv) dialBuf(readBuf int) *client {
	e.t.Helper()
	d := websocket.Dialer{Subprotocols: []string{ctiproto.Subprotocol}, HandshakeTimeout: 5 * time.Second}
	if readBuf > 0 {
		d.NetDialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
			c, err := (&net.Dialer{}).DialContext(ctx, network, addr)
			if tc, ok := c.(*net.TCPConn); ok {
				tc.SetReadBuffer(readBuf)
			}
			return c, err
		}
	}
	conn, resp, err := d.Dial(e.url, nil)
	if err != nil {
		e.t.Fatalf("dial: %v (%v)", err, resp)
	}
	c := &client{t: e.t, conn: conn}
	e.t.Cleanup(func() { conn.Close() })
	return c
}

// login dials and says hello with a password; it fails the test unless
// a welcome comes back.
func (e *testEnv) login(user string) *client { return e.loginBuf(user, 0) }

func (e *testEnv) loginBuf(user string, readBuf int) *client {
	e.t.Helper()
	c := e.dialBuf(readBuf)
	c.send(&ctiproto.Hello{ID: "h", User: user, Password: "secret"})
	c.welcome = c.expectWelcome()
	c.seq = c.welcome.Seq
	return c
}

func (c *client) send(m ctiproto.Message) {
	c.t.Helper()
	b, err := ctiproto.Encode(m)
	if err != nil {
		c.t.Fatal(err)
	}
	c.sendRaw(b)
}

func (c *client) sendRaw(b []byte) {
	c.t.Helper()
	if err := c.conn.WriteMessage(websocket.TextMessage, b); err != nil {
		c.t.Fatalf("write: %v", err)
	}
}

// next reads the next message, failing the test after 5 s.
func (c *client) next() ctiproto.Message {
	c.t.Helper()
	if len(c.pending) > 0 {
		m := c.pending[0]
		c.pending = c.pending[1:]
		return m
	}
	m, err := c.read(5 * time.Second)
	if err != nil {
		c.t.Fatalf("read: %v", err)
	}
	return m
}

func (c *client) read(timeout time.Duration) (ctiproto.Message, error) {
	c.conn.SetReadDeadline(time.Now().Add(timeout))
	_, data, err := c.conn.ReadMessage()
	if err != nil {
		return nil, err
	}
	m, err := ctiproto.Decode(data)
	if err != nil {
		c.t.Fatalf("server sent an undecodable frame %s: %v", data, err)
	}
	if ev, ok := m.(*ctiproto.Event); ok {
		if ev.Seq != c.seq+1 && c.seq != 0 {
			c.t.Errorf("event seq %d after %d: gap or duplicate", ev.Seq, c.seq)
		}
		c.seq = ev.Seq
	}
	return m, nil
}

// expectNext reads the next message, which must be a T.
func expectNext[T ctiproto.Message](c *client) T {
	c.t.Helper()
	m := c.next()
	v, ok := m.(T)
	if !ok {
		c.t.Fatalf("want %T, got %s", v, dump(m))
	}
	return v
}

func (c *client) expectWelcome() *ctiproto.Welcome { return expectNext[*ctiproto.Welcome](c) }

// expectEvent reads the next message, which must be an event of type typ
// at device; it returns it.
func (c *client) expectEvent(typ, device string) *ctiproto.Event {
	c.t.Helper()
	m := c.next()
	ev, ok := m.(*ctiproto.Event)
	if !ok || ev.Type != typ || ev.Device != device {
		c.t.Fatalf("want %s at %s, got %s", typ, device, dump(m))
	}
	return ev
}

// expectResult reads until the reply to id (events in between are
// returned too); it fails unless the reply is a result.
func (c *client) expectResult(id string) (*ctiproto.Result, []*ctiproto.Event) {
	c.t.Helper()
	var evs []*ctiproto.Event
	var keep []ctiproto.Message
	for {
		switch m := c.next().(type) {
		case *ctiproto.Event:
			evs = append(evs, m)
			keep = append(keep, m)
		case *ctiproto.Result:
			if m.ID != id {
				c.t.Fatalf("result for %q, want %q", m.ID, id)
			}
			c.pending = append(keep, c.pending...)
			return m, evs
		default:
			c.t.Fatalf("want result %s, got %s", id, dump(m))
		}
	}
}

// expectError reads until a message that is not an event; it must be an
// error with code. The events read on the way stay pending.
func (c *client) expectError(code string) *ctiproto.Error {
	c.t.Helper()
	var keep []ctiproto.Message
	for {
		m := c.next()
		if _, ok := m.(*ctiproto.Event); ok {
			keep = append(keep, m)
			continue
		}
		e, ok := m.(*ctiproto.Error)
		if !ok || e.Code != code {
			c.t.Fatalf("want error %s, got %s", code, dump(m))
		}
		c.pending = append(keep, c.pending...)
		return e
	}
}

// expectClose reads until the connection closes and checks the close code.
func (c *client) expectClose(code int) {
	c.t.Helper()
	for {
		_, err := c.read(5 * time.Second)
		if err == nil {
			continue
		}
		var ce *websocket.CloseError
		if !asCloseError(err, &ce) || ce.Code != code {
			c.t.Fatalf("want close %d, got %v", code, err)
		}
		return
	}
}

func asCloseError(err error, ce **websocket.CloseError) bool {
	e, ok := err.(*websocket.CloseError)
	if ok {
		*ce = e
	}
	return ok
}

// command sends a command and waits for its result.
func (c *client) do(m ctiproto.Message) (*ctiproto.Result, []*ctiproto.Event) {
	c.t.Helper()
	c.send(m)
	return c.expectResult(ctiproto.RequestID(m))
}

func dump(m ctiproto.Message) string {
	b, _ := json.Marshal(m)
	return m.MessageType() + " " + string(b)
}

// ring has an outside caller ring device through the sim API over HTTP,
// the way the demo and the CLI do it.
func (e *testEnv) ring(device, from, name string) string {
	e.t.Helper()
	var out struct{ Call string }
	e.simAPI("/v1/sim/ring", map[string]string{"device": device, "from": from, "name": name}, &out)
	return out.Call
}

func (e *testEnv) simAPI(path string, body any, out any) {
	e.t.Helper()
	b, _ := json.Marshal(body)
	resp, err := http.Post(e.http.URL+path, "application/json", strings.NewReader(string(b)))
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		e.t.Fatalf("%s: %s %s", path, resp.Status, data)
	}
	if out != nil {
		if err := json.Unmarshal(data, out); err != nil {
			e.t.Fatal(err)
		}
	}
}

var _ = pbx.CallID("")

func httptestRequest(method, path, body, remote, authz string) *http.Request {
	r := httptest.NewRequest(method, path, strings.NewReader(body))
	r.RemoteAddr = remote
	if authz != "" {
		r.Header.Set("Authorization", authz)
	}
	return r
}

// hello dials and says hello with an existing token and a resume point.
func (e *testEnv) resume(token string, r *ctiproto.Resume) *client {
	e.t.Helper()
	c := e.dial()
	c.send(&ctiproto.Hello{ID: "h", Token: token, Resume: r})
	c.welcome = c.expectWelcome()
	return c
}

// waitSeq reads events until the client has seen seq.
func (c *client) waitSeq(seq uint64) {
	c.t.Helper()
	for c.seq < seq {
		c.next()
	}
}

// expectEventAny reads the next message, which must be an event.
func (c *client) expectEventAny() *ctiproto.Event { return expectNext[*ctiproto.Event](c) }
