package server

import (
	"errors"
	"io"
	"net"
	"net/http"
	"runtime/debug"
	"slices"
	"strings"
	"time"

	"github.com/deskline/deskline/ctiproto"
	"github.com/gorilla/websocket"
)

// serveWS upgrades a connection and starts its session's reader on a
// goroutine of its own, then returns: the HTTP server's per-connection
// state (its 4 KB read and write buffers, the request and its headers)
// is no longer held once the handler returns, and the reader starts on
// a fresh, small stack instead of the HTTP server's deep one. The writer
// is started when there is something to write (session.wakeLocked).
func (s *Server) serveWS(w http.ResponseWriter, r *http.Request) {
	if !slices.ContainsFunc(websocket.Subprotocols(r), ctiproto.Speaks) {
		http.Error(w, "deskline: WebSocket subprotocol "+strings.Join(ctiproto.Subprotocols, " or ")+" required", http.StatusBadRequest)
		return
	}
	hj := &batchHijacker{ResponseWriter: w}
	conn, err := s.upgrader.Upgrade(hj, r, nil)
	if err != nil {
		return // the upgrader has answered the client
	}
	raw := conn.NetConn()
	if hj.conn != nil {
		raw = hj.conn.Conn // TLS is unwrapped from the hijacked connection itself
	}
	limitUnsent(raw)
	sess := newSession(s, conn, remoteHost(r))
	sess.batch = hj.conn
	if hj.br != nil {
		sess.br, sess.idle = hj.br, newIdleWait(raw)
	}
	if err := s.register(sess); err != nil {
		msg := websocket.FormatCloseMessage(websocket.CloseTryAgainLater, err.Error())
		conn.WriteControl(websocket.CloseMessage, msg, time.Now().Add(s.limits.WriteWait))
		conn.Close()
		return
	}
	go sess.readLoop()
}

// remoteHost is the client's address without port, for throttling and logs.
func remoteHost(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// readLoop is the connection's only reader: the hello, then commands,
// one at a time, until the connection ends.
func (s *session) readLoop() {
	lim := s.srv.limits
	var err error
	defer func() {
		if s.user != nil {
			s.user.detach(s)
		}
		s.kick(websocket.CloseNormalClosure, "")
		<-s.writerDone
		if _, peerClosed := err.(*websocket.CloseError); !peerClosed {
			s.linger()
		}
		s.conn.Close()
		s.srv.unregister(s)
		s.logEnd(err)
	}()
	s.aside(func() error { // aside: setting a deadline runs deep (readFrames)
		s.conn.SetReadLimit(int64(lim.MaxMessageBytes))
		s.conn.SetReadDeadline(time.Now().Add(lim.HelloTimeout))
		if s.closing() {
			// Kicked (a shutdown) before this reader started: the writer's
			// short close grace stands, not the hello's deadline.
			s.conn.SetReadDeadline(time.Now().Add(closeGrace))
		}
		s.conn.SetPongHandler(func(string) error { return s.pong() })
		return nil
	})
	err = s.readFrames()
	s.readFailed(err)
}

// pong takes a pong: it shows the client is there.
func (s *session) pong() error {
	if s.user != nil { // before the hello, only the hello deadline counts
		s.extendRead()
	}
	return nil
}

// readFrames reads and handles frames, one at a time, until the
// connection ends, and returns why it ended.
//
// Where it can (plain TCP on Linux, idleWait) the reader waits for input
// on the socket itself and reads and handles each frame on a
// short-lived goroutine (aside), waiting for it. The reader then never
// runs the library's read path, whose depth is past what the smallest
// goroutine stack holds: the stack of an idle connection's reader stays
// at the minimum (2 KB) instead of 4 KB, at 100,000 desks 200 MB less
// (BENCHMARKS.md, 100,000 desks). It is still one reader per connection:
// nothing else reads, and one frame at a time, in order. The keep-alive
// pongs of idle desks are taken off the socket by the wait itself.
func (s *session) readFrames() error {
	for {
		var err error
		switch {
		case s.idle == nil: // read here, handle aside
			err = s.readFrame(true)
		case s.br.Buffered() > 0: // the library has the next frame's start
			err = s.aside(func() error { return s.readFrame(false) })
		default:
			var pong bool
			if pong, err = s.idle.await(); err == nil {
				if pong {
					err = s.aside(s.pong)
				} else {
					err = s.aside(func() error { return s.readFrame(false) })
				}
			}
		}
		if err != nil {
			return err
		}
	}
}

// readFrame reads one message and handles it: on a goroutine of its own
// when handleAside (see aside).
func (s *session) readFrame(handleAside bool) error {
	kind, data, err := s.conn.ReadMessage()
	switch {
	case err != nil:
		return err
	case s.closing():
		return nil // closing: wait for the client's close reply, ignore the rest
	}
	if s.user != nil {
		s.extendRead()
	}
	if kind != websocket.TextMessage {
		s.reply(&ctiproto.Error{Code: ctiproto.CodeBadFrame, Message: "ctiproto: binary frames are not part of v1; send JSON text frames"})
		s.badFrame()
		return nil
	}
	if handleAside {
		return s.aside(func() error { s.handleFrame(data); return nil })
	}
	s.handleFrame(data)
	return nil
}

// aside runs f for the reader on a short-lived goroutine and waits for
// it: still one frame at a time, in order, and nothing else reads or
// touches the reader's state meanwhile (the reader is blocked until f
// returns). Its only purpose is the reader's stack: a login (bcrypt,
// JSON, logging) or a command grows a goroutine's stack to 8 KB or more,
// and the runtime gives that back only slowly; the reader, which waits
// for input for the connection's whole idle life, keeps the small stack
// waiting needs.
//
// A panic in f (a bug here, in the library or in an exchange connector)
// ends this connection with 1011, logged with its stack, and not the
// whole server: as net/http did for the handler goroutine the reader
// used to run on.
func (s *session) aside(f func() error) (err error) {
	done := make(chan struct{})
	go func() {
		defer close(done)
		defer func() {
			if r := recover(); r != nil {
				s.srv.log.Error("panic handling a frame; connection closed", "session", s.id,
					"panic", r, "stack", string(debug.Stack()))
				s.kick(websocket.CloseInternalServerErr, "internal error")
			}
		}()
		err = f()
	}()
	<-done
	return err
}

// extendRead gives a live client another PongWait to show it is there.
// After a kick the short close grace stands, even if the kick came while
// the deadline was being set.
func (s *session) extendRead() {
	s.conn.SetReadDeadline(time.Now().Add(s.srv.limits.PongWait))
	if s.closing() {
		s.conn.SetReadDeadline(time.Now().Add(closeGrace))
	}
}

// linger gives the client closeGrace to take our close frame and hang up
// before the TCP connection is closed: closing a socket with unread input
// resets the connection, and the reset can destroy the close frame (and
// with it the reason) before the client reads it.
func (s *session) linger() {
	nc := s.conn.NetConn()
	nc.SetReadDeadline(time.Now().Add(closeGrace))
	io.Copy(io.Discard, io.LimitReader(nc, maxLingerBytes))
}

// maxLingerBytes bounds what linger reads and discards.
const maxLingerBytes = 1 << 20

// logEnd writes the session's last log line, with why it ended.
func (s *session) logEnd(err error) {
	user := ""
	if s.user != nil {
		user = s.user.name
	}
	s.srv.log.Info("session ended", "session", s.id, "user", user, "addr", s.addr,
		"close", s.closeCode, "reason", s.closeText, "read", errText(err))
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// readFailed closes the session with the reason the read ended.
func (s *session) readFailed(err error) {
	var ne net.Error
	switch {
	case errors.Is(err, websocket.ErrReadLimit):
		s.kick(websocket.CloseMessageTooBig, "message larger than the limit")
	case errors.As(err, &ne) && ne.Timeout() && s.user == nil:
		s.kick(ctiproto.CloseProtocolError, "no hello in time")
	case errors.As(err, &ne) && ne.Timeout():
		s.srv.log.Info("connection timed out (no pong)", "session", s.id, "addr", s.addr)
		s.kick(ctiproto.CloseKeepAliveTimeout, "keepalive timed out")
	}
}

// handleFrame decodes one frame and acts on it.
func (s *session) handleFrame(data []byte) {
	m, err := ctiproto.DecodeRequest(data, s.srv.limits.MaxMessageBytes)
	if err != nil {
		s.reply(errorFor(err))
		s.badFrame()
		return
	}
	if h, ok := m.(*ctiproto.Hello); ok {
		if s.user != nil {
			s.reply(&ctiproto.Error{ID: h.ID, Code: ctiproto.CodeProtocolError, Message: "hello: this connection is already logged in"})
			s.kick(ctiproto.CloseProtocolError, "second hello")
			return
		}
		s.hello(h)
		return
	}
	id := ctiproto.RequestID(m)
	if s.user == nil {
		s.reply(&ctiproto.Error{ID: id, Code: ctiproto.CodeNotAuthenticated, Message: "send hello first"})
		return // decoded, and answered: not a bad frame (the hello deadline bounds these)
	}
	// The directory's requests come as fast as a person types: they have
	// a budget of their own, so typing never uses up the commands' nor
	// the other way round (PROTOCOL.md section 19).
	bucket, what := &s.limiter, "too many commands"
	if isDirectoryRequest(m) {
		bucket, what = &s.dirLimiter, "too many directory requests"
	}
	if wait := bucket.take(time.Now()); wait > 0 {
		s.reply(&ctiproto.Error{ID: id, Code: ctiproto.CodeRateLimited,
			Message: what, RetryAfterMS: int(wait.Milliseconds()) + 1})
		return // decoded, and answered: not a bad frame
	}
	s.command(m)
}

// badFrame counts a frame that did not decode (PROTOCOL.md section 9); a
// client that keeps sending them is cut off rather than allowed to spin
// the server. The frame's error is queued first, so the frame that
// crosses the limit is answered too, and the close follows it.
func (s *session) badFrame() {
	if now := time.Now(); now.Sub(s.badSince) > badFrameWindow {
		s.bad, s.badSince = 0, now
	}
	s.bad++
	if s.bad > maxBadFrames {
		s.kick(ctiproto.CloseRateLimited, "too many bad frames")
	}
}

// maxBadFrames is how many frames that do not decode a connection may
// send within badFrameWindow (a fixed window from the first of them)
// before the next one closes it. Enough for a buggy client to log its
// errors, few enough that garbage cannot keep a reader busy; a long-lived
// client with an occasional burst is never cut off. Requests that decode
// (rate-limited or before the welcome) are answered and never counted.
const (
	maxBadFrames   = 100
	badFrameWindow = time.Minute
)
