package server

import (
	"bytes"
	"fmt"
	"net"
	"runtime/pprof"
	"strings"
	"testing"
	"time"

	"github.com/deskline/deskline/ctiproto"
	"github.com/deskline/deskline/server/config"
)

// maskedFrame is a client's frame (FIN set, masked) of opcode op.
func maskedFrame(op byte, payload []byte) []byte {
	key := [4]byte{0x11, 0x22, 0x33, 0x44}
	f := []byte{0x80 | op, 0x80 | byte(len(payload)), key[0], key[1], key[2], key[3]}
	for i, b := range payload {
		f = append(f, b^key[i%4])
	}
	return f
}

// Pongs however they arrive — alone, in pieces, with a payload, several
// at once, or with a command in the same write — are taken, and the
// frames after them read in order: the reader's wait on the socket
// (idleWait) keeps the stream at its frame boundaries. After a pong the
// idle reader waits on the socket again, not inside the WebSocket
// library; except after a pong that came in one read with a command
// before it, or in pieces: the library reads it, then waits for the next
// frame itself (rare: a desk's pong answers a ping in one write,
// commands come from a person).
func TestIdleWaitTakesPongsAndKeepsFrames(t *testing.T) {
	e := newEnv(t)
	ann := e.login("ann")
	nc := ann.conn.NetConn()
	pong := maskedFrame(0xA, nil)
	cmd := func(id string) []byte {
		b, err := ctiproto.Encode(&ctiproto.Simple{Type: ctiproto.TypePing, ID: id})
		if err != nil {
			t.Fatal(err)
		}
		return maskedFrame(0x1, b)
	}
	cases := []struct {
		name   string
		writes [][]byte
		withID bool // the last write holds the command
		deep   bool // the library reads the pong and waits for the next frame
	}{
		{name: "alone", writes: [][]byte{pong}},
		// In pieces the library reads it: a client gone mid-pong must
		// not be kept until the read deadline.
		{name: "in pieces", writes: [][]byte{pong[:1], pong[1:3], pong[3:]}, deep: true},
		{name: "with payload", writes: [][]byte{maskedFrame(0xA, bytes.Repeat([]byte("p"), 125))}},
		{name: "two at once", writes: [][]byte{append(append([]byte{}, pong...), pong...)}},
		{name: "command after it", writes: [][]byte{append(append([]byte{}, pong...), cmd("after")...)}, withID: true},
		{name: "command before it", writes: [][]byte{append(cmd("before"), pong...)}, withID: true, deep: true},
	}
	for _, tc := range cases {
		for _, w := range tc.writes {
			if _, err := nc.Write(w); err != nil {
				t.Fatalf("%s: %v", tc.name, err)
			}
			time.Sleep(20 * time.Millisecond)
		}
		if tc.withID {
			id := strings.Fields(tc.name)[1]
			if r, _ := ann.expectResult(id); r == nil {
				t.Fatalf("%s: no result", tc.name)
			}
		}
		if !tc.deep {
			waitIdleReader(t, e, tc.name)
		}
		ann.send(&ctiproto.Simple{Type: ctiproto.TypePing, ID: "p"})
		if r, _ := ann.expectResult("p"); r == nil {
			t.Fatalf("%s: no result after it", tc.name)
		}
	}
	waitIdleReader(t, e, "at the end")
}

// waitIdleReader waits until the reader of e's one session waits on its
// socket, not inside the WebSocket library's read.
func waitIdleReader(t *testing.T, e *testEnv, after string) {
	t.Helper()
	e.srv.mu.Lock()
	var sess *session
	for s := range e.srv.sessions {
		sess = s
	}
	n := len(e.srv.sessions)
	e.srv.mu.Unlock()
	if n != 1 {
		t.Fatalf("%s: %d sessions, want 1", after, n)
	}
	reader := fmt.Sprintf("(*session).readLoop(%p", sess) // the receiver in the goroutine's trace
	deadline := time.Now().Add(5 * time.Second)
	for {
		var b bytes.Buffer
		pprof.Lookup("goroutine").WriteTo(&b, 2)
		var trace string
		for _, g := range strings.Split(b.String(), "\n\n") {
			if strings.Contains(g, reader+")") || strings.Contains(g, reader+"?)") {
				trace = g
			}
		}
		if strings.Contains(trace, "(*idleWait).await") {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: the reader does not wait on its socket:\n%s", after, trace)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// A client that sends the first byte of a frame and closes its side is
// dropped at once, whether the frame is a command or a pong: the idle
// wait hands a pong in pieces to the library, which sees the end (it
// once waited for the pong's rest until the read deadline, 4 s here).
func TestClientGoneMidFrameIsDroppedAtOnce(t *testing.T) {
	for _, first := range []byte{0x81, pongFirstByte} {
		e := newEnv(t, withLimits(func(l *config.Limits) { l.PingInterval, l.PongWait = 10*time.Second, 4*time.Second }))
		ann := e.login("ann")
		nc := ann.conn.NetConn().(*net.TCPConn)
		waitIdleReader(t, e, "the login")
		nc.Write([]byte{first})
		nc.CloseWrite()
		start := time.Now()
		for e.srv.connections() != 0 {
			if time.Since(start) > 2*time.Second { // half the read deadline
				t.Fatalf("first byte %#x then the end: the session is still there after %v", first, time.Since(start))
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
}
