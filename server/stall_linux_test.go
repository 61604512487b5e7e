//go:build linux

package server

import (
	"context"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/deskline/deskline/ctiproto"
	"github.com/deskline/deskline/pbx"
	"github.com/deskline/deskline/server/config"
	"golang.org/x/sys/unix"
)

// A client that stops reading is cut as a slow consumer (4003) within
// seconds, not by the keep-alive, while the server's socket holds little
// unsent (maxUnsent): without the limit Linux autotunes the send buffer
// to megabytes and the send queue never fills.
func TestStalledClientIsCutAsSlowConsumer(t *testing.T) {
	stall(t, nil)
}

func stall(t *testing.T, tune func(fd int)) {
	const pongWait = 3 * time.Second
	e := newEnv(t, withLimits(func(l *config.Limits) {
		l.PingInterval, l.PongWait = 500*time.Millisecond, pongWait
		l.EventLog = 1 << 16
		l.WriteWait = 2 * time.Second
	}))
	bob := e.login("bob")
	s := e.sessionOf("bob")
	outq := func() int {
		raw, err := s.conn.NetConn().(syscall.Conn).SyscallConn()
		if err != nil {
			return -1
		}
		var n int
		raw.Control(func(fd uintptr) { n, _ = unix.IoctlGetInt(int(fd), unix.SIOCOUTQ) })
		return n
	}
	if tune != nil {
		raw, _ := s.conn.NetConn().(syscall.Conn).SyscallConn()
		raw.Control(func(fd uintptr) { tune(int(fd)) })
	}
	ctx := context.Background()
	name := strings.Repeat("n", 1000)
	start := time.Now()
	events, maxq := 0, 0
	for !s.closing() && time.Since(start) < 3*pongWait {
		id, err := e.sim.Ring(ctx, "203", pbx.Party{Number: "+4930123", Name: name})
		if err != nil {
			t.Fatal(err)
		}
		e.sim.HangupRemote(ctx, id)
		events += 2
		maxq = max(maxq, outq())
		time.Sleep(4 * time.Millisecond)
	}
	s.out.mu.Lock()
	code, text := s.closeCode, s.closeText
	s.out.mu.Unlock()
	t.Logf("cut after %v, %d events (~%d KB), close %d %q, server socket held up to %d KB unsent",
		time.Since(start).Round(time.Millisecond), events, events*1100/1024, code, text, maxq/1024)
	time.Sleep(3 * time.Second) // past WriteWait: the close frame is written or given up
	var err error
	for err == nil {
		_, err = bob.read(5 * time.Second)
	}
	t.Logf("the client, reading again, ends with: %v", err)
	if maxq > 4*maxUnsent {
		t.Errorf("the server's socket held %d KB unsent (limit %d KB)", maxq/1024, maxUnsent/1024)
	}
	if code != ctiproto.CloseSlowConsumer {
		t.Errorf("a stalled client was cut by %d %q, not as a slow consumer (4003)", code, text)
	}
}
