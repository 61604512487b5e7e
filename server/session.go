package server

import (
	"sync"
	"time"

	"github.com/deskline/deskline/ctiproto"
	"github.com/deskline/deskline/server/auth"
	"github.com/gorilla/websocket"
)

// session is one client connection. It has exactly one reader goroutine
// (readLoop: hello, then commands) and one writer goroutine (writeLoop:
// every frame to the client, and pings). Everything for the client goes
// through the bounded send queue, so results and events keep their order
// and nobody but the writer touches the connection for writing.
type session struct {
	srv  *Server
	conn *websocket.Conn
	id   string
	addr string

	send    *sendQueue        // bounded queue to the writer, after the welcome
	prelude chan preludeBatch // frames before and including the welcome

	// Set once by the hello, before any other goroutine reads them.
	user  *userLog
	grant auth.Grant
	token string // the token this connection uses, for refresh and revoke

	// Owned by the reader goroutine.
	limiter    tokenBucket
	bad        int       // refused frames since badSince
	badSince   time.Time // start of the current counting window
	afterReply func()    // runs once the current command's reply is queued

	closeOnce  sync.Once
	done       chan struct{} // closed to make the writer close the connection
	writerDone chan struct{} // closed when the writer has returned
	closeCode  int
	closeText  string
}

func newSession(srv *Server, conn *websocket.Conn, addr string) *session {
	return &session{
		srv:        srv,
		conn:       conn,
		id:         newID(8),
		addr:       addr,
		send:       newSendQueue(srv.limits.SendQueue),
		prelude:    make(chan preludeBatch, 1),
		done:       make(chan struct{}),
		writerDone: make(chan struct{}),
		limiter:    newTokenBucket(srv.limits.CommandsPerSecond, srv.limits.CommandBurst),
	}
}

// deliver queues an event frame; on a full queue the client is too slow
// and is dropped (it reconnects and resumes). Never blocks.
func (s *session) deliver(frame []byte) {
	if !s.send.push(frame) {
		s.kick(ctiproto.CloseSlowConsumer, "send queue full: slow consumer")
	}
}

// preludeBatch is a group of frames written before live events.
type preludeBatch struct {
	frames  [][]byte
	welcome bool // the batch holds the welcome (and replay): live events may follow
}

// reply queues a result or error for the client: through the prelude
// until the welcome has been queued, through the send queue after it.
// Only the reader goroutine calls it.
func (s *session) reply(m ctiproto.Message) {
	frame, err := ctiproto.Encode(m)
	if err != nil {
		s.srv.log.Error("encode reply", "session", s.id, "err", err)
		return
	}
	if s.user == nil {
		s.queuePrelude(preludeBatch{frames: [][]byte{frame}})
		return
	}
	s.deliver(frame)
}

// queuePrelude hands a batch to the writer, or gives up when the
// connection is closing or the writer is gone.
func (s *session) queuePrelude(b preludeBatch) {
	select {
	case s.prelude <- b:
	case <-s.done:
	case <-s.writerDone:
	}
}

// kick asks the writer to close the connection with code. Safe from any
// goroutine, any number of times; the first reason wins.
func (s *session) kick(code int, text string) {
	s.closeOnce.Do(func() {
		s.closeCode, s.closeText = code, text
		close(s.done)
	})
}

// closing reports whether the session has been told to close.
func (s *session) closing() bool {
	select {
	case <-s.done:
		return true
	default:
		return false
	}
}

// writeLoop is the connection's only writer. Until the welcome it writes
// only what comes through prelude (errors to early frames, then the
// welcome and any replay); live events queued in send meanwhile wait, so
// the client always sees welcome, replay, live events, in that order.
//
// On a write error it closes the connection, which ends the reader. On
// a kick it sends the close frame and leaves the connection to the
// reader, which waits briefly for the client's close reply: closing at
// once would reset the connection and lose the close frame on the way.
func (s *session) writeLoop() {
	ping := time.NewTicker(s.srv.limits.PingInterval)
	defer func() {
		ping.Stop()
		s.kick(websocket.CloseAbnormalClosure, "write failed") // no-op after a kick
		close(s.writerDone)
	}()
	if !s.writePrelude(ping.C) {
		return
	}
	for {
		select {
		case <-s.send.ready:
			if !s.writeAll(s.send.take()) {
				s.conn.Close()
				return
			}
		case <-ping.C:
			if !s.ping() {
				s.conn.Close()
				return
			}
		case <-s.done:
			s.closeConn(true)
			return
		}
	}
}

// writePrelude writes until the welcome; false when the connection ended.
func (s *session) writePrelude(ping <-chan time.Time) bool {
	for {
		select {
		case p := <-s.prelude:
			if !s.writeAll(p.frames) {
				s.conn.Close()
				return false
			}
			if p.welcome {
				return true
			}
		case <-ping:
			if !s.ping() {
				s.conn.Close()
				return false
			}
		case <-s.done:
			s.closeConn(false)
			return false
		}
	}
}

// closeGrace is how long the reader waits for the client's reply to our
// close frame before it drops the TCP connection.
const closeGrace = time.Second

// closeConn writes what is already queued, so a reply that explains the
// close (auth-failed, a revoke result) reaches the client, then the close
// frame. A slow consumer gets no more frames, only the close; live events
// go out only after the welcome was written.
func (s *session) closeConn(welcomed bool) {
	if s.closeCode != ctiproto.CloseSlowConsumer {
		if !s.flushPrelude() || (welcomed && !s.writeAll(s.send.take())) {
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

// flushPrelude writes the prelude batches already queued.
func (s *session) flushPrelude() bool {
	for {
		select {
		case p := <-s.prelude:
			if !s.writeAll(p.frames) {
				return false
			}
		default:
			return true
		}
	}
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
