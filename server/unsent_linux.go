package server

import (
	"crypto/tls"
	"net"
	"syscall"

	"golang.org/x/sys/unix"
)

// maxUnsent bounds the bytes a connection's socket holds that the kernel
// has not yet sent (TCP_NOTSENT_LOWAT). Without it Linux autotunes the
// send buffer up to megabytes, so a client that stops reading swallows
// minutes of events into the kernel, the send queue never fills, and the
// client is cut only by the keep-alive — by then perhaps past the event
// log, with a snapshot instead of a resume. With it the writer blocks
// after about this much, the queue fills and the client is cut as a slow
// consumer within seconds. Unlike a fixed SO_SNDBUF it leaves the buffer
// for data in flight autotuned: a distant client's big welcome and replay
// still go out at full speed. 64 KB is some 300 events.
const maxUnsent = 64 << 10

// limitUnsent applies maxUnsent to a client connection (TLS unwrapped).
// Best effort: a socket that refuses keeps the system's behaviour.
func limitUnsent(c net.Conn) {
	if t, ok := c.(*tls.Conn); ok {
		c = t.NetConn()
	}
	sc, ok := c.(syscall.Conn)
	if !ok {
		return
	}
	raw, err := sc.SyscallConn()
	if err != nil {
		return
	}
	raw.Control(func(fd uintptr) {
		_ = unix.SetsockoptInt(int(fd), unix.IPPROTO_TCP, unix.TCP_NOTSENT_LOWAT, maxUnsent)
	})
}
