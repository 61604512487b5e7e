// Package amitest is a fake Asterisk for tests: a manager interface (AMI)
// server on loopback that speaks the real protocol — banner, plain and MD5
// login, event masks, the built-in actions a CTI connector uses — and
// replays real captures (the *.annotated.txt files in
// captures/, see CaptureDir) as Scripts, answering the connector's actions with
// Asterisk's recorded answers. It keeps the channels and AstDB the
// replayed events imply, so state queries (CoreShowChannels, DBGet) after
// a dropped link or mid-call tell the truth.
package amitest

import (
	"crypto/tls"
	"errors"
	"net"
	"sort"
	"sync"
	"time"

	"github.com/deskline/deskline/pbx/ami"
)

// Limits. Tests misbehave in loops; nothing here may grow or block without
// end.
const (
	// writeTimeout: a session whose writes block longer is closed, as
	// Asterisk's writetimeout drops a manager client that does not read.
	writeTimeout = 5 * time.Second
	// maxSessions bounds concurrent connections; a leaking client shows
	// up as refused connections instead of an exhausted test machine.
	maxSessions = 64
	// maxQueued bounds the frames waiting for one session's writer; a
	// whole capture (a few hundred messages) fits.
	maxQueued = 4096
	// maxActions bounds the action log Actions returns.
	maxActions = 100000
	// initialUptime is the pretend uptime at Start, so that a fresh boot
	// after Restart (Uptime: 0) is told apart from the first one.
	initialUptime = time.Hour
)

// Options configure a fake Asterisk.
type Options struct {
	Username, Secret string        // accepted manager account (default "cti" / "ctisecret", as in the captures)
	TLS              *tls.Config   // when set, the listener speaks TLS
	Speed            float64       // scripted delays are divided by Speed; 0 means no delays at all (as fast as possible)
	LoginFailDelay   time.Duration // Asterisk waits ~1 s before "Authentication failed"; default 0 in tests
	ByteWrites       bool          // write every message one byte per Write call (tests split frames at every byte)
	Version          string        // AsteriskVersion in CoreSettings, default "22.10.1"
	// Dialplan is the extensions.conf ShowDialPlan answers from (see
	// LabDialplan); "" answers it "Permission denied", as Asterisk does a
	// manager account without the reporting or config write class.
	Dialplan string
	// Endpoints are the PJSIP endpoints PJSIPNotify may name (default:
	// any); another is refused as Asterisk refuses an unknown one.
	Endpoints []string
	// Denied are actions answered "Permission denied", as Asterisk
	// answers a manager account that lacks their write class.
	Denied []string
	// Logf, when set, receives what the server notices about clients
	// (malformed frames, closed sessions). Pass t.Logf; nil logs nothing.
	Logf func(format string, args ...any)
}

// Server is a fake Asterisk manager interface on 127.0.0.1.
type Server struct {
	opts Options

	mu        sync.Mutex
	addr      string
	ln        net.Listener
	accepting sync.WaitGroup // the accept loop of ln
	sessions  map[*session]struct{}
	nextID    int
	closed    bool
	done      chan struct{} // closed by Close
	boot      time.Time     // Uptime counts from here
	actions   []ami.Message
	channels  channels
	devices   devices
	db        map[string]string
	rewrite   map[string]string // capture value → live value (ActionIDs, ChannelId)
	player    player
	queues    []Queue       // QueueStatus's answer (queues.go)
	parked    []ami.Message // ParkedCalls's answer, as ParkedCall events
}

// Start listens on 127.0.0.1:0 and serves until Close.
func Start(opts Options) (*Server, error) {
	if opts.Username == "" {
		opts.Username = "cti"
	}
	if opts.Secret == "" {
		opts.Secret = "ctisecret"
	}
	if opts.Version == "" {
		opts.Version = "22.10.1"
	}
	if opts.Logf == nil {
		opts.Logf = func(string, ...any) {}
	}
	s := &Server{
		opts:     opts,
		sessions: make(map[*session]struct{}),
		done:     make(chan struct{}),
		boot:     time.Now().Add(-initialUptime),
		db:       make(map[string]string),
		rewrite:  make(map[string]string),
	}
	s.channels.init()
	if err := s.listen("127.0.0.1:0"); err != nil {
		return nil, err
	}
	return s, nil
}

// listen opens the listener (TLS when asked) and starts accepting.
func (s *Server) listen(addr string) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	if s.opts.TLS != nil {
		ln = tls.NewListener(ln, s.opts.TLS)
	}
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		ln.Close()
		return net.ErrClosed
	}
	s.ln, s.addr = ln, ln.Addr().String()
	s.accepting.Add(1)
	s.mu.Unlock()
	go s.accept(ln)
	return nil
}

// Addr is host:port of the listener; it stays the same across Restart.
func (s *Server) Addr() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.addr
}

func (s *Server) accept(ln net.Listener) {
	defer s.accepting.Done()
	for {
		c, err := ln.Accept()
		if err != nil {
			return // listener closed (Close or Restart)
		}
		s.mu.Lock()
		if len(s.sessions) >= maxSessions {
			s.mu.Unlock()
			s.opts.Logf("amitest: refusing connection: %d sessions open", maxSessions)
			c.Close()
			continue
		}
		s.nextID++
		sess := newSession(s, c, s.nextID)
		s.sessions[sess] = struct{}{}
		s.mu.Unlock()
		sess.start()
	}
}

// Close stops listening, closes every session and stops the player.
func (s *Server) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	close(s.done)
	ln := s.ln
	s.ln = nil
	s.mu.Unlock()
	var err error
	if ln != nil {
		err = ln.Close()
	}
	s.accepting.Wait()
	for _, sess := range s.allSessions(false) {
		sess.close()
		sess.wait()
	}
	s.player.wg.Wait()
	return err
}

// allSessions lists the open sessions, only the logged-in ones when
// loggedIn, oldest first.
func (s *Server) allSessions(loggedIn bool) []*session {
	s.mu.Lock()
	defer s.mu.Unlock()
	var list []*session
	for sess := range s.sessions {
		if !loggedIn || sess.isLoggedIn() {
			list = append(list, sess)
		}
	}
	sort.Slice(list, func(i, j int) bool { return list[i].id < list[j].id })
	return list
}

// removeSession forgets a closed session.
func (s *Server) removeSession(sess *session) {
	s.mu.Lock()
	delete(s.sessions, sess)
	s.mu.Unlock()
}

// Sessions counts the logged-in sessions now.
func (s *Server) Sessions() int { return len(s.allSessions(true)) }

// Send pushes events to every logged-in session now (each session's event
// mask applies) and updates the channels they describe.
func (s *Server) Send(msgs ...ami.Message) {
	for _, m := range msgs {
		s.broadcast(m)
	}
}

// broadcast sends one event to every logged-in session whose event mask
// takes it, after updating the server's view of channels and devices.
func (s *Server) broadcast(m ami.Message) {
	s.mu.Lock()
	s.track(m)
	s.mu.Unlock()
	for _, sess := range s.allSessions(true) {
		sess.sendEvent(m)
	}
}

// SendRaw pushes raw bytes (garbage, split frames) to every logged-in
// session.
func (s *Server) SendRaw(b []byte) {
	b = append([]byte(nil), b...)
	for _, sess := range s.allSessions(true) {
		sess.enqueue(b)
	}
}

// Drop closes every session abruptly, without a Shutdown event, like a
// link that fails. Channels stay as they are: the calls go on in Asterisk.
func (s *Server) Drop() {
	for _, sess := range s.allSessions(false) {
		sess.close()
		sess.wait()
	}
}

// Restart behaves like "core restart now": every logged-in session gets
// Event: Shutdown (Shutdown: Cleanly, Restart: True), then all sessions are
// closed and the port refuses connections for down; the listener then
// reopens on the same port, all channels are forgotten (AstDB is kept, as
// Asterisk persists it) and the next logins get FullyBooted with Uptime: 0.
// Restart returns once the port accepts again; run it in a goroutine to
// act while Asterisk is down.
func (s *Server) Restart(down time.Duration) {
	s.broadcast(ami.Message{Fields: []ami.Field{
		{Key: "Event", Value: "Shutdown"},
		{Key: "Privilege", Value: "system,all"},
		{Key: "Timestamp", Value: timestamp(time.Now())},
		{Key: "Shutdown", Value: "Cleanly"},
		{Key: "Restart", Value: "True"},
	}})
	s.mu.Lock()
	ln, addr := s.ln, s.addr
	s.ln = nil
	s.mu.Unlock()
	if ln != nil {
		ln.Close()
	}
	s.accepting.Wait()
	// Asterisk closes the sockets after the Shutdown event went out.
	for _, sess := range s.allSessions(false) {
		sess.closeAfterFlush()
		sess.wait()
	}
	s.mu.Lock()
	s.channels.init()
	s.parked = nil // parked channels die with Asterisk; queues.conf stays
	s.mu.Unlock()
	select {
	case <-time.After(down):
	case <-s.done:
		return
	}
	s.mu.Lock()
	s.boot = time.Now()
	s.mu.Unlock()
	// The old port may take a moment to become free again.
	for try := 0; ; try++ {
		err := s.listen(addr)
		if err == nil || errors.Is(err, net.ErrClosed) || try == 50 {
			if err != nil && !errors.Is(err, net.ErrClosed) {
				s.opts.Logf("amitest: restart: cannot listen on %s again: %v", addr, err)
			}
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// logAction records an action received from a client.
func (s *Server) logAction(m ami.Message) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.actions) < maxActions {
		s.actions = append(s.actions, m)
	}
}

// Actions returns every action received, in order, with Secret and Key as
// sent (tests check that an MD5 login never sends the secret).
func (s *Server) Actions() []ami.Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]ami.Message(nil), s.actions...)
}

// DB returns AstDB as "Family/Key" → value.
func (s *Server) DB() map[string]string {
	s.mu.Lock()
	defer s.mu.Unlock()
	db := make(map[string]string, len(s.db))
	for k, v := range s.db {
		db[k] = v
	}
	return db
}

// SetDB stores an AstDB entry, as if set from the dialplan or the CLI.
func (s *Server) SetDB(family, key, value string) {
	s.mu.Lock()
	s.db[family+"/"+key] = value
	s.mu.Unlock()
}

// uptime is the seconds since the (pretend) boot.
func (s *Server) uptime() int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return int64(time.Since(s.boot) / time.Second)
}
