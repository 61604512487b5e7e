//go:build !linux

package server

import "net"

// limitUnsent is Linux-only (TCP_NOTSENT_LOWAT); elsewhere the system's
// buffers stand and a stalled client may be cut by the keep-alive.
func limitUnsent(net.Conn) {}
