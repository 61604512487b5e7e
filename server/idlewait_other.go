//go:build !linux

package server

import "net"

// idleWait is Linux-only (see idlewait_linux.go); elsewhere the reader
// waits for its next frame inside the WebSocket library.
type idleWait struct{}

func newIdleWait(net.Conn) *idleWait { return nil }

func (*idleWait) await() (pong bool, err error) { return false, nil }
