package server

import (
	"errors"
	"net"
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"
)

// idleWait lets a connection's reader wait for its next frame on a small
// stack (see session.readFrames): it waits on the socket itself, outside
// the WebSocket library, and reads each frame only once the socket has
// input. Plain TCP on Linux only: a TLS connection holds decrypted input
// the socket does not show, and elsewhere the reader waits inside the
// library as before.
type idleWait struct {
	raw syscall.RawConn
}

// newIdleWait is nc's idle wait, or nil where there is none (TLS).
func newIdleWait(nc net.Conn) *idleWait {
	tc, ok := nc.(*net.TCPConn)
	if !ok {
		return nil
	}
	raw, err := tc.SyscallConn()
	if err != nil {
		return nil
	}
	return &idleWait{raw: raw}
}

// WebSocket frame header bits of a client's pong (RFC 6455 section 5.2):
// FIN set, opcode 0xA, the mask bit, a payload of at most 125 bytes, and
// the 4-byte masking key after the 2-byte header.
const (
	pongFirstByte  = 0x80 | 0xA
	maskBit        = 0x80
	maxControlLen  = 125
	pongHeaderSize = 2 + 4
)

// errFrameSync is a pong that could not be taken off the socket whole:
// the stream is no longer at a frame boundary.
var errFrameSync = errors.New("server: lost frame boundary taking a pong off the socket")

// await waits until the socket has input. When that input starts with a
// whole pong (the answer to our keep-alive ping, every ping interval
// from every idle desk), it takes the pong off the socket and reports
// it: read through the WebSocket library, a pong would leave the
// library waiting for the next message, deep in its read path, which is
// exactly what this is for avoiding. Anything else stays on the socket
// for the library. A pong that arrives in pieces is waited for whole, as
// the library would. The read deadline ends the wait as it ends a read.
//
// Only the reader calls it, and only when the library has no input
// buffered, so the socket is at a frame boundary.
func (w *idleWait) await() (pong bool, err error) {
	rerr := w.raw.Read(func(fd uintptr) bool {
		var hdr [2]byte
		n, _, e := unix.Syscall6(unix.SYS_RECVFROM, fd, uintptr(unsafe.Pointer(&hdr[0])), uintptr(len(hdr)),
			unix.MSG_PEEK|unix.MSG_DONTWAIT, 0, 0)
		switch {
		case e == unix.EAGAIN:
			return false // nothing yet: wait for input
		case e == 0 && n == 1 && hdr[0] == pongFirstByte:
			return true // a pong cut in pieces: the library reads it (a client gone mid-pong ends at once)
		case e != 0 || n < uintptr(len(hdr)) || hdr[0] != pongFirstByte || hdr[1]&maskBit == 0 || int(hdr[1]&^maskBit) > maxControlLen:
			return true // input (or an error, or the end) for the library
		}
		size := pongHeaderSize + int(hdr[1]&^maskBit)
		avail, ierr := unix.IoctlGetInt(int(fd), unix.SIOCINQ)
		switch {
		case ierr != nil:
			return true
		case avail < size:
			return true // a pong still arriving: the library reads it, as above
		}
		// MSG_TRUNC on a TCP socket discards the bytes without copying them.
		n, _, e = unix.Syscall6(unix.SYS_RECVFROM, fd, 0, uintptr(size), unix.MSG_TRUNC|unix.MSG_DONTWAIT, 0, 0)
		switch {
		case e != 0:
			return true // nothing was taken: the library reads the pong
		case int(n) != size:
			err = errFrameSync
			return true
		}
		pong = true
		return true
	})
	if rerr != nil {
		return false, nil // the deadline, or a closed socket: the library's read says which
	}
	return pong, err
}
