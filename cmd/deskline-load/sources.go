package main

import (
	"cmp"
	"fmt"
	"net"
	"os"
	"strconv"
	"strings"
	"syscall"

	"github.com/gorilla/websocket"
	"golang.org/x/sys/unix"
)

// Source addresses. Every connection to the server's one address and
// port needs a local port of its own, and Linux picks those from
// net.ipv4.ip_local_port_range (32768–60999: 28,232 ports) for each
// source address: from 127.0.0.1 alone a run stops at about 28,000
// clients. All of 127.0.0.0/8 is loopback on Linux, so a big run dials
// its clients from 127.0.0.1, 127.0.0.2, … 127.0.0.N, client i from the
// (i mod N)-th, the same one on every reconnection. A run that fits in
// one source's share dials as before, the kernel picking 127.0.0.1.
//
// The sockets are bound with IP_BIND_ADDRESS_NO_PORT: the address at
// bind, the port only at connect, by the kernel, unique for the whole
// 4-tuple. A port bound with bind() alone could not be used by any
// connect() on the machine (the sim API's HTTP workers, the server's
// own dials), and all the range would be taken at 100,000 clients.

// sourceShare is how much of the local port range one source address
// is given: half, so the HTTP workers, connections in TIME_WAIT after a
// reconnection and other processes on the machine find ports too.
const sourceShare = 2

// defaultPortRange is Linux's default ip_local_port_range, used when
// /proc cannot be read.
const defaultPortRange = 60999 - 32768 + 1

// maxSources bounds the source addresses: 127.0.0.1 … 127.0.0.254.
const maxSources = 254

// sourcesFor is how many source addresses conns connections need.
func sourcesFor(conns int) int {
	per := max(localPorts()/sourceShare, 1)
	return min(max((conns+per-1)/per, 1), maxSources)
}

// localPorts is the size of the kernel's local port range.
func localPorts() int {
	b, err := os.ReadFile("/proc/sys/net/ipv4/ip_local_port_range")
	if err != nil {
		return defaultPortRange
	}
	f := strings.Fields(string(b))
	if len(f) != 2 {
		return defaultPortRange
	}
	lo, err1 := strconv.Atoi(f[0])
	hi, err2 := strconv.Atoi(f[1])
	if err1 != nil || err2 != nil || hi < lo {
		return defaultPortRange
	}
	return hi - lo + 1
}

// sourceAddr is client i's source address out of n: nil (the kernel's
// choice) when n is 1.
func sourceAddr(i, n int) *net.TCPAddr {
	if n <= 1 {
		return nil
	}
	return &net.TCPAddr{IP: net.IPv4(127, 0, 0, byte(1+i%n))}
}

// sourceText describes the sources for the progress output.
func sourceText(n int) string {
	if n <= 1 {
		return "from 127.0.0.1"
	}
	return fmt.Sprintf("from 127.0.0.1 … 127.0.0.%d", n)
}

// wsDialer is the dialer for a client from src (nil: the kernel's
// choice) with a receive buffer of rcvBuf bytes (0: the kernel's).
func wsDialer(src *net.TCPAddr, rcvBuf int) *websocket.Dialer {
	if src == nil && rcvBuf == 0 {
		return &dialer
	}
	nd := &net.Dialer{Control: func(_, _ string, rc syscall.RawConn) error {
		var serr error
		err := rc.Control(func(fd uintptr) {
			if src != nil {
				serr = unix.SetsockoptInt(int(fd), unix.IPPROTO_IP, unix.IP_BIND_ADDRESS_NO_PORT, 1)
			}
			if rcvBuf > 0 && serr == nil {
				serr = unix.SetsockoptInt(int(fd), unix.SOL_SOCKET, unix.SO_RCVBUF, rcvBuf)
			}
		})
		return cmp.Or(err, serr)
	}}
	if src != nil { // a nil *TCPAddr in the interface would not be nil
		nd.LocalAddr = src
	}
	d := dialer
	d.NetDialContext = nd.DialContext
	return &d
}
