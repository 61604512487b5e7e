// Package server is the Deskline CTI server: the WebSocket gateway that
// desktops connect to (ctiproto v1), their sessions, the per-user event
// logs with resume, the routing of exchange events to the users who own the
// devices, and the HTTP control surface of the simulated exchange.
package server

import (
	"context"
	"crypto/rand"
	"encoding/base32"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"runtime"
	"slices"
	"sync"
	"time"

	"github.com/deskline/deskline/ctiproto"
	"github.com/deskline/deskline/pbx"
	"github.com/deskline/deskline/pbx/sim"
	"github.com/deskline/deskline/server/auth"
	"github.com/deskline/deskline/server/cluster"
	"github.com/deskline/deskline/server/config"
	"github.com/deskline/deskline/server/directory"
	"github.com/gorilla/websocket"
	"github.com/prometheus/client_golang/prometheus"
)

// Options is what a Server is built from. cmd/deskline-server fills it
// from the config file.
type Options struct {
	Exchange pbx.Exchange // required
	// Sim, when the exchange is the simulated one, enables the sim control
	// API under /v1/sim/: a *sim.Exchange, or in a cluster the holder's
	// through NATS (cluster.Exchange).
	Sim   Simulator
	Auth  *auth.Auth  // required
	Users []auth.User // who owns which devices
	// WatchGroups say who may watch which devices' presence (none: nobody).
	WatchGroups []config.WatchGroup
	Limits      config.Limits
	SimAPI      config.SimAPI
	// AllowedOrigins are the browser origins (e.g. "https://crm.example")
	// whose pages may open the WebSocket; an upgrade with any other Origin
	// is refused. Desktop apps send none. Empty: no browser may.
	AllowedOrigins []string
	Log            *slog.Logger // default slog.Default()
	// Version is reported in the welcome and on /healthz.
	Version string
	// Switchboard configures pickup, consult transfer and park
	// (commands_switchboard.go); zero values take the defaults.
	Switchboard Switchboard
	// Directory is the company directory (PROTOCOL.md section 19), started
	// by the caller; nil: none. DirectoryBooks names, by user, the books
	// each may see (config.BooksFor); a user not listed sees none.
	Directory      *directory.Directory
	DirectoryBooks map[string][]string
	// Cluster makes the server one node of a cluster (node.go); nil: a
	// single node, in memory.
	Cluster *Cluster
}

// Simulator is the simulated exchange's control surface that the sim API
// drives.
type Simulator interface {
	Ring(ctx context.Context, device string, from pbx.Party) (pbx.CallID, error)
	Answer(ctx context.Context, call pbx.CallID, device string) error
	Clear(ctx context.Context, call pbx.CallID, device string) error
	HangupRemote(ctx context.Context, call pbx.CallID) error
	Call(ctx context.Context, device, to string) (pbx.CallID, error)
	Calls(ctx context.Context) ([]pbx.Call, error)
	Devices(ctx context.Context) ([]pbx.DeviceInfo, error)
}

var (
	_ Simulator = (*sim.Exchange)(nil)
	_ Simulator = (*cluster.Exchange)(nil)
)

// Server serves ctiproto v1. Create it with New, serve Handler(), and stop
// it with Shutdown.
type Server struct {
	opts   Options
	log    *slog.Logger
	limits config.Limits
	hub    *hub
	ex     pbx.Exchange
	auth   *auth.Auth
	epoch  string
	caps   []string

	upgrader websocket.Upgrader
	mux      *http.ServeMux

	// The session registry has one owner: mu.
	mu       sync.Mutex
	sessions map[*session]struct{}
	byToken  map[string][]*session // by token id; most tokens have one session
	perUser  map[string]int        // logged-in sessions by user name
	pings    *pingWheel            // every registered session, for its keep-alive pings
	pre      preLogin              // the sessions waiting for their hello
	closing  bool
	conns    sync.WaitGroup
	// logins bounds the password checks running at once.
	logins *loginGate
	routed chan struct{} // closed when routing has stopped
	// searches keeps the answers to the shortest directory searches.
	searches searchMemo
	stop     chan struct{} // closed by Shutdown to stop routing
	// replica is the node's side of the cluster's log; nil on a single
	// node.
	replica *replica
	// reg is the registry MetricsHandler serves (metrics.go); the
	// counters themselves are hub.m.
	reg *prometheus.Registry
}

// New builds a server and starts routing the exchange's events.
func New(ctx context.Context, opts Options) (*Server, error) {
	if opts.Exchange == nil || opts.Auth == nil {
		return nil, errors.New("server: Exchange and Auth are required")
	}
	if opts.Log == nil {
		opts.Log = slog.Default()
	}
	opts.Limits = withDefaults(opts.Limits)
	s := &Server{
		opts: opts, log: opts.Log, limits: opts.Limits,
		hub: newHub(opts.Log, opts.Exchange), ex: opts.Exchange, auth: opts.Auth,
		epoch:    newEpoch(),
		sessions: make(map[*session]struct{}),
		byToken:  make(map[string][]*session),
		perUser:  make(map[string]int),
		pings:    newPingWheel(opts.Limits.PingInterval),
		routed:   make(chan struct{}),
		stop:     make(chan struct{}),
		logins:   newLoginGate(runtime.GOMAXPROCS(0)),
	}
	s.upgrader = websocket.Upgrader{
		Subprotocols: ctiproto.Subprotocols, // the newest a client offers

		ReadBufferSize:  0, // the hijacker's reader is kept (batchHijacker); the default were 4 KB
		WriteBufferSize: writeBufferSize,
		WriteBufferPool: &writeBuffers,
		CheckOrigin:     originChecker(opts.AllowedOrigins, opts.Log),
	}
	if opts.Cluster != nil {
		s.replica = &replica{c: opts.Cluster}
		s.hub.ex = nil // a replica reconciles from the log, never by asking
		if err := s.startReplica(ctx); err != nil {
			return nil, err
		}
	} else {
		s.caps = capabilities(opts.Exchange.Capabilities())
		snap, err := pbx.TakeSnapshot(ctx, s.ex)
		if err != nil {
			return nil, fmt.Errorf("server: %w", err)
		}
		if err := s.buildUsers(snap); err != nil {
			return nil, err
		}
		go func() {
			s.hub.routeLoop(opts.Exchange.Events(), s.stop)
			close(s.routed)
		}()
	}
	// A token revoked, refreshed or capped away on another node of a
	// cluster closes its sessions here too (never called on one node).
	opts.Auth.SetOnRevoke(s.dropTokens)
	s.reg = s.registry()
	s.mux = http.NewServeMux()
	s.mux.HandleFunc("GET "+ctiproto.Path, s.serveWS)
	s.mux.HandleFunc("GET /healthz", s.serveHealth)
	if opts.Sim != nil && opts.SimAPI.Enabled {
		s.routeSimAPI()
	}
	return s, nil
}

// Buffer sizes: most frames are events of a few hundred bytes. Small
// buffers keep an idle connection cheap; larger frames are written in
// several pieces.
//
// The read buffer belongs to the connection for its whole life (gorilla
// allocates it up front), so it is kept to what a client's frames need:
// commands and the hello are a few hundred bytes at most, a control frame
// (ping, pong, close) at most 139 with its header, and a larger frame is
// read past the buffer straight into the message (bufio reads directly
// into a destination at least as large as its buffer).
const (
	readBufferSize  = 256
	writeBufferSize = 1024
)

// writeBuffers lends write buffers to connections only while they write:
// most connections are idle most of the time.
var writeBuffers sync.Pool

// buildUsers creates every user's log, seeded with the exchange's current
// devices and calls, so the first welcome already tells the truth.
func (s *Server) buildUsers(snap pbx.Snapshot) error {
	devs, calls := snap.Devices, snap.Calls
	byID := make(map[string]pbx.DeviceInfo, len(devs))
	for _, d := range devs {
		byID[d.ID] = d
	}
	enrich := newEnricher(s.opts.Directory)
	for _, u := range s.opts.Users {
		var wd []ctiproto.Device
		for _, id := range u.Devices {
			d, ok := byID[id]
			if !ok {
				return fmt.Errorf("server: user %q: device %q is not known to the exchange", u.Name, id)
			}
			if other := s.hub.owner[id]; other != nil {
				return fmt.Errorf("server: device %q belongs to both %q and %q; one owner per device", id, other.name, u.Name)
			}
			wd = append(wd, deviceToWire(d))
		}
		ul := newUserLog(u.Name, s.epoch, s.limits.EventLog, wd)
		s.useDirectory(ul, enrich, u.Devices)
		s.hub.addUser(ul, u.Devices)
	}
	seeds := make(map[*userLog][]ctiproto.Call)
	for _, c := range calls {
		if u := s.hub.owner[c.Device]; u != nil {
			seeds[u] = append(seeds[u], callToWire(c))
		}
		if c.State == pbx.StateAlerting {
			s.hub.track(pbx.Event{Call: c.Call, Device: c.Device, State: c.State})
		}
	}
	for u, cs := range seeds {
		devices, _ := u.state.Snapshot()
		u.state = ctiproto.NewCallState(devices, cs)
	}
	var err error
	s.hub.presence, err = newPresence(s.log, s.opts.WatchGroups, s.hub.users, devs, calls, snap.Time)
	if err != nil {
		return err
	}
	s.hub.notes.reset(calls, snap.Time) // the parties of the calls in progress
	s.hub.presence.initQueues(snap.Queues, calls, snap.Time)
	s.seedParked(snap.Parked)
	return nil
}

// Handler serves /v1/ws, /healthz and, for the simulated exchange, /v1/sim/.
func (s *Server) Handler() http.Handler { return s.boundReads(s.mux) }

// Epoch is this server run's event epoch.
func (s *Server) Epoch() string { return s.epoch }

// Shutdown closes every connection with "going away" so clients reconnect
// at once (to this server when it is back, or to another), and waits for
// them until ctx ends. The caller stops the HTTP listener first.
func (s *Server) Shutdown(ctx context.Context) error {
	s.mu.Lock()
	if !s.closing {
		close(s.stop)
	}
	s.closing = true
	s.mu.Unlock()
	s.kickAll(websocket.CloseGoingAway, "server shutting down")
	done := make(chan struct{})
	go func() { s.conns.Wait(); close(done) }()
	select {
	case <-done:
	case <-ctx.Done():
		return ctx.Err()
	}
	select {
	case <-s.routed:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// register adds a new connection; false when the server is closing or full.
func (s *Server) register(sess *session) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closing {
		return errors.New("server is shutting down")
	}
	if s.replica != nil && s.replica.refusing() != "" {
		return errors.New(s.replica.refusing())
	}
	if len(s.sessions) >= s.limits.MaxConnections {
		return fmt.Errorf("server is full (%d connections)", s.limits.MaxConnections)
	}
	if err := s.admitPreLocked(sess); err != nil {
		return err
	}
	s.sessions[sess] = struct{}{}
	s.pings.add(sess)
	s.conns.Add(1)
	return nil
}

func (s *Server) unregister(sess *session) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.sessions[sess]; !ok {
		return
	}
	delete(s.sessions, sess)
	s.leavePreLocked(sess)
	s.pings.remove(sess)
	if sess.grant.User != nil {
		s.hub.m.sessions(sess.protocol()).Dec()
	}
	s.unbindTokenLocked(sess)
	s.conns.Done()
}

// bind records the grant and token a session logged in with, under mu
// because revocations read every session's grant. It refuses a session
// beyond the per-token or per-user cap (*tooManySessionsError).
func (s *Server) bind(sess *session, g auth.Grant, token string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.sessionCapLocked(g); err != nil {
		return err
	}
	sess.grant, sess.token = g, token
	sess.expires.Store(g.Expires.UnixNano())
	s.bindTokenLocked(sess)
	s.leavePreLocked(sess)
	s.hub.m.sessions(sess.protocol()).Inc() // unregister takes it off
	return nil
}

// bindTokenLocked indexes a session by its token, for revocation, and
// counts it for its user.
func (s *Server) bindTokenLocked(sess *session) {
	s.byToken[sess.grant.TokenID] = append(s.byToken[sess.grant.TokenID], sess)
	s.perUser[sess.grant.User.Name]++
}

// rebind moves a session to its refreshed token. The grant is written
// under mu because other sessions' revocations read it.
func (s *Server) rebind(sess *session, g auth.Grant) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.unbindTokenLocked(sess)
	sess.grant, sess.token = g, g.Token
	sess.expires.Store(g.Expires.UnixNano())
	s.bindTokenLocked(sess)
}

func (s *Server) unbindTokenLocked(sess *session) {
	list := s.byToken[sess.grant.TokenID]
	i := slices.Index(list, sess)
	if i >= 0 {
		s.uncountUserLocked(sess.grant.User.Name)
	}
	switch {
	case i < 0:
	case len(list) == 1:
		delete(s.byToken, sess.grant.TokenID)
	default:
		s.byToken[sess.grant.TokenID] = slices.Delete(list, i, i+1)
	}
}

// dropTokens closes every connection that logged in with one of ids.
func (s *Server) dropTokens(ids []string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, id := range ids {
		for _, sess := range s.byToken[id] {
			sess.kick(ctiproto.CloseTokenRevoked, "token revoked")
		}
	}
}

// dropUser closes every connection of a user (all their tokens are gone).
func (s *Server) dropUser(name string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for sess := range s.sessions {
		if sess.grant.User != nil && sess.grant.User.Name == name {
			sess.kick(ctiproto.CloseTokenRevoked, "all tokens revoked")
		}
	}
}

// connections counts open connections.
func (s *Server) connections() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.sessions)
}

// newEpoch names this server run. It changes at every start, which tells
// a resuming client that the old sequence numbers mean nothing any more.
func newEpoch() string {
	return time.Now().UTC().Format("20060102T150405Z") + "-" + newID(4)
}

// newID returns n random bytes in lower-case base32.
func newID(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b)
}

// withDefaults fills the limits left zero (a server built in code with a
// partial Limits) with the config defaults; a zero ping interval or event
// log would otherwise break every connection.
func withDefaults(l config.Limits) config.Limits {
	d := config.Default().Limits
	set := func(v *int, def int) {
		if *v <= 0 {
			*v = def
		}
	}
	setD := func(v *time.Duration, def time.Duration) {
		if *v <= 0 {
			*v = def
		}
	}
	set(&l.MaxMessageBytes, d.MaxMessageBytes)
	set(&l.SendQueue, d.SendQueue)
	set(&l.CommandsPerSecond, d.CommandsPerSecond)
	set(&l.CommandBurst, d.CommandBurst)
	set(&l.EventLog, d.EventLog)
	set(&l.MaxConnections, d.MaxConnections)
	set(&l.MaxSessionsPerToken, d.MaxSessionsPerToken)
	set(&l.MaxSessionsPerUser, d.MaxSessionsPerUser)
	set(&l.PreLoginShare, d.PreLoginShare)
	set(&l.MaxPreLoginPerAddress, d.MaxPreLoginPerAddress)
	setD(&l.PingInterval, d.PingInterval)
	setD(&l.PongWait, d.PongWait)
	setD(&l.WriteWait, d.WriteWait)
	setD(&l.HelloTimeout, d.HelloTimeout)
	return l
}
