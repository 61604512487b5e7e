package server

import (
	"bufio"
	"sync/atomic"
	"time"

	"github.com/deskline/deskline/ctiproto"
	"github.com/deskline/deskline/server/auth"
	"github.com/gorilla/websocket"
)

// session is one client connection. It has exactly one reader goroutine
// (readLoop: hello, then commands) for its whole life, and at most one
// writer goroutine at a time (writeLoop: every frame to the client, pings
// and the close). The writer runs on demand: it is started when work is
// queued for it and returns when it has written everything, so an idle
// connection costs no writer goroutine (and no timer: pings come from the
// server's shared ping wheel). Everything for the client goes through
// the session's outbox, so results and events keep their order and nobody
// but the writer of the moment touches the connection for writing.
type session struct {
	srv  *Server
	conn *websocket.Conn
	id   string
	addr string

	// out is the writer's work: frames, a due ping, the close. Its mutex
	// also guards closeCode and closeText.
	out outbox

	// Set once by the hello, before any other goroutine reads them.
	user  *userLog
	grant auth.Grant
	// presence: the connection shows presence (its hello said so, or it
	// sent watch), so its snapshots carry the presence of what the user
	// watches. Only the reader goroutine touches it.
	presence bool
	token    string // the token this connection uses, for refresh and revoke
	// expires is when that token's lifetime ends (unix ns; 0 before the
	// hello), set with the grant and read by the ping wheel.
	expires atomic.Int64

	// Owned by the reader goroutine (and the goroutine it hands each
	// frame to while it waits for it, see handle).
	limiter    tokenBucket
	dirLimiter tokenBucket // search, lookup, get-photo: a budget of their own
	bad        int         // refused frames since badSince
	badSince   time.Time   // start of the current counting window
	afterReply func()      // runs once the current command's reply is queued

	// Whether the session waits for its hello, and its address key for
	// that count (see preLogin); guarded by Server.mu.
	waiting bool
	preKey  string

	// Where the session sits in the server's ping wheel; guarded by the
	// wheel's mutex.
	pingSlot, pingIndex int32

	// batch is conn's connection, which gathers a writer's frames into
	// one write (batchConn); nil where the upgrader did not hijack.
	batch *batchConn
	// br is conn's read buffer, idle the reader's wait on the socket
	// (readFrames); both nil where the reader waits inside the library.
	br   *bufio.Reader
	idle *idleWait

	writerDone chan struct{} // closed when the writer has closed the connection and returned for good
	closeCode  int           // why it closed: set once, by the first kick
	closeText  string
}

func newSession(srv *Server, conn *websocket.Conn, addr string) *session {
	return &session{
		srv:        srv,
		conn:       conn,
		id:         newID(8),
		addr:       addr,
		out:        outbox{limit: srv.limits.SendQueue},
		writerDone: make(chan struct{}),
		limiter:    newTokenBucket(srv.limits.CommandsPerSecond, srv.limits.CommandBurst),
		dirLimiter: newTokenBucket(ctiproto.DefaultSearchesPerSecond, ctiproto.DefaultSearchBurst),
	}
}

// protocol is the subprotocol the client and the upgrader agreed on.
func (s *session) protocol() string { return s.conn.Subprotocol() }

// deliver queues an event frame; on a full queue the client is too slow
// and is dropped (it reconnects and resumes). Never blocks. at is the
// exchange event's time for the write latency (subscriber).
func (s *session) deliver(frame []byte, at int64) {
	s.out.mu.Lock()
	defer s.out.mu.Unlock()
	if !s.out.pushLocked(frame, at) {
		s.kickLocked(ctiproto.CloseSlowConsumer, "send queue full: slow consumer")
		return
	}
	if s.out.welcomed { // before the welcome, the frame waits for it
		s.wakeLocked()
	}
}

// reply queues a result or error for the client: ahead of the welcome
// until the welcome has been queued, behind the events after it. Only
// the reader goroutine calls it.
//
// A result whose presence list does not fit in a frame goes out as the
// result and its presence-list parts, queued together so that no other
// frame comes between them (PROTOCOL.md section 15).
func (s *session) reply(m ctiproto.Message) {
	frames, err := ctiproto.EncodeSplit(s.protocol(), m, maxFrameBytes)
	if err != nil {
		s.srv.log.Error("encode reply", "session", s.id, "err", err)
		return
	}
	s.out.mu.Lock()
	defer s.out.mu.Unlock()
	for _, f := range frames {
		var ok bool
		if s.user != nil {
			ok = s.out.pushLocked(f, 0)
		} else {
			ok = s.out.pushPreludeLocked(f)
		}
		if !ok {
			s.kickLocked(ctiproto.CloseSlowConsumer, "send queue full: slow consumer")
			return
		}
	}
	if s.user == nil || s.out.welcomed {
		s.wakeLocked()
	}
}

// maxFrameBytes is the largest frame the server sends: what every client
// accepts.
const maxFrameBytes = ctiproto.MaxServerMessageBytes

// queueWelcome queues the welcome and the replay after it; the live
// events queued meanwhile follow them. Only the reader calls it, once.
func (s *session) queueWelcome(frames [][]byte) {
	s.out.mu.Lock()
	defer s.out.mu.Unlock()
	if s.out.closing {
		return
	}
	s.out.prelude = append(s.out.prelude, frames...)
	s.out.welcomed = true
	s.wakeLocked()
}

// pingDue asks for a keep-alive ping; the ping wheel calls it once per
// ping interval. Never blocks. A connection whose token's lifetime is
// over is closed instead (4001, within a ping interval of the expiry):
// a token's lifetime bounds the access it grants, a held connection too.
func (s *session) pingDue() {
	s.out.mu.Lock()
	defer s.out.mu.Unlock()
	if e := s.expires.Load(); e != 0 && time.Now().UnixNano() >= e {
		s.kickLocked(ctiproto.CloseAuthFailed, "token expired")
		return
	}
	if s.out.closing || s.out.ping {
		return
	}
	s.out.ping = true
	s.wakeLocked()
}

// kick asks the writer to close the connection with code. Safe from any
// goroutine, any number of times; the first reason wins.
func (s *session) kick(code int, text string) {
	s.out.mu.Lock()
	defer s.out.mu.Unlock()
	s.kickLocked(code, text)
}

func (s *session) kickLocked(code int, text string) {
	if s.out.closing {
		return
	}
	s.out.closing = true
	s.closeCode, s.closeText = code, text
	if code == ctiproto.CloseSlowConsumer {
		s.srv.hub.m.slowCuts.Inc()
	}
	s.wakeLocked()
}

// closing reports whether the session has been told to close.
func (s *session) closing() bool {
	s.out.mu.Lock()
	defer s.out.mu.Unlock()
	return s.out.closing
}

// wakeLocked makes sure a writer will see what was just queued: it
// starts one unless one is running (that one looks at the outbox again
// before it returns). Called with out.mu held; this is the only place a
// writer is started, which keeps it to one at a time.
func (s *session) wakeLocked() {
	if s.out.writing {
		return
	}
	s.out.writing = true
	go s.writeLoop()
}

// writeLoop is the connection's writer, while there is something to
// write. It writes the prelude (errors to early frames, then the welcome
// and any replay) before the live frames, and live frames only once the
// welcome is queued, so the client always sees welcome, replay, live
// events, in that order. It returns when the outbox is empty; the next
// frame, ping or kick starts a new one.
//
// On a write error it closes the connection, which ends the reader. On
// a kick it sends the close frame and leaves the connection to the
// reader, which waits briefly for the client's close reply: closing at
// once would reset the connection and lose the close frame on the way.
// Either way it is the last writer: writing stays set, and writerDone
// tells the reader the connection is no longer written to.
func (s *session) writeLoop() {
	for {
		s.out.mu.Lock()
		if s.out.closing {
			s.out.mu.Unlock()
			s.closeConn()
			close(s.writerDone)
			return
		}
		w := s.out.takeLocked()
		if w.empty() {
			s.out.writing = false
			s.out.mu.Unlock()
			return
		}
		s.out.mu.Unlock()
		if !s.writeWork(w) {
			s.conn.Close()
			s.kick(websocket.CloseAbnormalClosure, "write failed") // no-op after a kick
			close(s.writerDone)
			return
		}
	}
}

// closeGrace is how long the reader waits for the client's reply to our
// close frame before it drops the TCP connection.
const closeGrace = time.Second

// closeConn writes what is already queued, so a reply that explains the
// close (auth-failed, a revoke result) reaches the client, then the close
// frame. A slow consumer gets no more frames, only the close; live events
// go out only after the welcome.
func (s *session) closeConn() {
	if s.closeCode != ctiproto.CloseSlowConsumer {
		s.out.mu.Lock()
		w := s.out.takeLocked()
		s.out.mu.Unlock()
		w.ping = false
		if !s.writeWork(w) {
			s.conn.Close()
			return
		}
	}
	msg := websocket.FormatCloseMessage(s.closeCode, s.closeText)
	if s.conn.WriteControl(websocket.CloseMessage, msg, time.Now().Add(s.srv.limits.WriteWait)) != nil {
		s.conn.Close()
		return
	}
	s.conn.SetReadDeadline(time.Now().Add(closeGrace))
}

// writeWork writes what the writer took from the outbox, in order:
// several frames in one write where it can (batchConn).
//
// Once they are written, the frames are counted and the latency of those
// that tell an exchange event observed, at the time of that one write.
func (s *session) writeWork(w work) bool {
	if s.batch != nil && len(w.prelude)+len(w.frames) > 1 {
		s.batch.begin(s.srv.limits.WriteWait)
		ok := s.writeAll(w.prelude) && s.writeAll(w.frames)
		if err := s.batch.flush(); err != nil || !ok {
			return false
		}
		s.srv.hub.m.written(len(w.prelude)+len(w.frames), w.stamps)
		return !w.ping || s.ping()
	}
	if !s.writeAll(w.prelude) || !s.writeAll(w.frames) {
		return false
	}
	if n := len(w.prelude) + len(w.frames); n > 0 {
		s.srv.hub.m.written(n, w.stamps)
	}
	return !w.ping || s.ping()
}

func (s *session) ping() bool {
	return s.conn.WriteControl(websocket.PingMessage, nil, time.Now().Add(s.srv.limits.WriteWait)) == nil
}

func (s *session) writeAll(frames [][]byte) bool {
	for _, f := range frames {
		if !s.write(f) {
			return false
		}
	}
	return true
}

func (s *session) write(frame []byte) bool {
	s.conn.SetWriteDeadline(time.Now().Add(s.srv.limits.WriteWait))
	return s.conn.WriteMessage(websocket.TextMessage, frame) == nil
}
