package amitest

import (
	"bytes"
	"errors"
	"net"
	"strings"
	"sync"
	"time"

	"github.com/deskline/deskline/pbx/ami"
)

// banner is what Asterisk sends on connect: one line, no blank line after.
const banner = "Asterisk Call Manager/11.0.0\r\n"

// session is one manager connection. It runs one reader goroutine (decodes
// the client's actions and handles them in order) and one writer goroutine
// (drains out): every frame goes through out, so the banner, responses,
// events and scripted messages are written whole and in the order they
// were queued, never interleaved.
type session struct {
	srv  *Server
	id   int
	conn net.Conn

	out       chan []byte   // frames for the writer; a nil frame means "close now"
	done      chan struct{} // closed when the session ends
	closeOnce sync.Once
	finished  sync.WaitGroup // reader and writer

	mu        sync.Mutex
	authed    bool
	mask      eventMask
	challenge string
}

func newSession(srv *Server, c net.Conn, id int) *session {
	return &session{
		srv:  srv,
		id:   id,
		conn: c,
		out:  make(chan []byte, maxQueued),
		done: make(chan struct{}),
		mask: maskAll,
	}
}

func (s *session) start() {
	s.enqueue([]byte(banner))
	s.finished.Add(2)
	go s.writeLoop()
	go s.readLoop()
}

// close ends the session at once: queued frames are dropped.
func (s *session) close() {
	s.closeOnce.Do(func() {
		close(s.done)
		s.conn.Close()
		s.srv.removeSession(s)
	})
}

// closeAfterFlush ends the session once what is queued has been written,
// as Asterisk does after "Goodbye" or "Authentication failed".
func (s *session) closeAfterFlush() { s.enqueue(nil) }

// wait returns when both goroutines have ended.
func (s *session) wait() { s.finished.Wait() }

func (s *session) isClosed() bool {
	select {
	case <-s.done:
		return true
	default:
		return false
	}
}

func (s *session) isLoggedIn() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.authed
}

// enqueue hands a frame to the writer. A client that does not read fills
// the queue; after writeTimeout it is dropped rather than stalling the
// script or the other sessions.
func (s *session) enqueue(b []byte) bool {
	select {
	case s.out <- b:
		return true
	case <-s.done:
		return false
	default:
	}
	t := time.NewTimer(writeTimeout)
	defer t.Stop()
	select {
	case s.out <- b:
		return true
	case <-s.done:
		return false
	case <-t.C:
		s.srv.opts.Logf("amitest: session %d: queue full for %v, closing", s.id, writeTimeout)
		s.close()
		return false
	}
}

// tryEnqueue queues a frame only if that does not block.
func (s *session) tryEnqueue(b []byte) bool {
	select {
	case <-s.done:
		return false
	default:
	}
	select {
	case s.out <- b:
		return true
	default:
		return false
	}
}

// reply sends a response or list item to this session, whatever its
// event mask.
func (s *session) reply(m ami.Message) {
	b, err := encode(m)
	if err != nil {
		s.srv.opts.Logf("amitest: session %d: cannot encode %v: %v", s.id, m, err)
		return
	}
	s.enqueue(b)
}

// sendEvent sends an event if the session is logged in and its mask takes
// the event's class.
func (s *session) sendEvent(m ami.Message) {
	s.mu.Lock()
	ok := s.authed && s.mask.allows(m)
	s.mu.Unlock()
	if ok {
		s.reply(m)
	}
}

func encode(m ami.Message) ([]byte, error) {
	var buf bytes.Buffer
	if err := ami.NewEncoder(&buf).Encode(m); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func (s *session) writeLoop() {
	defer s.finished.Done()
	defer s.close()
	for {
		select {
		case <-s.done:
			return
		case b := <-s.out:
			if b == nil {
				return // closeAfterFlush
			}
			if err := s.write(b); err != nil {
				// A connection this side closed (the server or the test
				// shutting down) is no news, and the test may be over:
				// logging then panics the test binary.
				if !errors.Is(err, net.ErrClosed) {
					s.srv.opts.Logf("amitest: session %d: write: %v", s.id, err)
				}
				return
			}
		}
	}
}

// write writes one frame, byte by byte with Options.ByteWrites so that
// the client sees every possible split.
func (s *session) write(b []byte) error {
	if err := s.conn.SetWriteDeadline(time.Now().Add(writeTimeout)); err != nil {
		return err
	}
	if !s.srv.opts.ByteWrites {
		_, err := s.conn.Write(b)
		return err
	}
	for i := range b {
		if _, err := s.conn.Write(b[i : i+1]); err != nil {
			return err
		}
	}
	return nil
}

func (s *session) readLoop() {
	defer s.finished.Done()
	defer s.close()
	dec := ami.NewDecoder(s.conn)
	for {
		m, err := dec.Decode()
		var syn *ami.SyntaxError
		if errors.As(err, &syn) {
			s.srv.opts.Logf("amitest: session %d: skipping malformed frame: %v", s.id, err)
			continue
		}
		if err != nil {
			return
		}
		s.srv.logAction(m)
		s.handle(m)
	}
}

// handle answers one action: login first, then the player gets the
// actions its script waits for, the built-ins answer the rest.
func (s *session) handle(m ami.Message) {
	action := m.Get(ami.KeyAction)
	switch {
	case action == "":
		s.replyError(m, "Missing action in request")
		return
	case strings.EqualFold(action, "Login"):
		s.login(m)
		return
	case strings.EqualFold(action, "Challenge"):
		s.challengeAction(m)
		return
	case strings.EqualFold(action, "Logoff"):
		s.reply(response(m, "Goodbye", "Thanks for all the fish."))
		s.closeAfterFlush()
		return
	}
	if !s.isLoggedIn() {
		s.replyError(m, "Permission denied")
		return
	}
	if s.srv.claim(s, m) {
		return
	}
	s.builtin(m)
}

// response builds "Response: X / ActionID / Message", leaving out the
// ActionID when the action had none, as Asterisk does.
func response(action ami.Message, status, msg string) ami.Message {
	var r ami.Message
	r.Add(ami.KeyResponse, status)
	if id := action.ActionID(); id != "" {
		r.Add(ami.KeyActionID, id)
	}
	if msg != "" {
		r.Add(ami.KeyMessage, msg)
	}
	return r
}

func (s *session) replyError(m ami.Message, msg string) { s.reply(response(m, "Error", msg)) }

// eventMask is the set of event classes a session receives.
type eventMask struct {
	all     bool
	classes map[string]bool
}

var maskAll = eventMask{all: true}

// parseMask reads a Login Events: or Events EventMask: value: "on"/"all"
// (everything), "off" (nothing) or a comma list of classes ("call,system").
func parseMask(v string) eventMask {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "on", "yes", "true", "all":
		return maskAll
	case "off", "no", "false", "":
		return eventMask{}
	}
	m := eventMask{classes: make(map[string]bool)}
	for _, c := range strings.Split(v, ",") {
		c = strings.ToLower(strings.TrimSpace(c))
		if c == "all" {
			return maskAll
		}
		if c != "" {
			m.classes[c] = true
		}
	}
	return m
}

func (e eventMask) on() bool { return e.all || len(e.classes) > 0 }

// allows reports whether an event passes. Its classes are in Privilege
// ("call,all": class call; "all" is not a class); like Asterisk, every
// class of the event must be in the mask. An event without Privilege
// (pushed by a test) passes unless events are off.
func (e eventMask) allows(m ami.Message) bool {
	if e.all {
		return true
	}
	if !e.on() {
		return false
	}
	priv, ok := m.Lookup("Privilege")
	if !ok {
		return true
	}
	for _, c := range strings.Split(priv, ",") {
		c = strings.ToLower(strings.TrimSpace(c))
		if c == "" || c == "all" {
			continue
		}
		if !e.classes[c] {
			return false
		}
	}
	return true
}
