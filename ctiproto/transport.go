package ctiproto

import (
	"fmt"
	"net"
	"net/url"
	"strings"
)

// LoopbackHost reports whether host — a name or an address, with or
// without a port or IPv6 brackets — is this machine: "localhost" or a
// loopback address.
func LoopbackHost(host string) bool {
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(strings.Trim(host, "[]"))
	return ip != nil && ip.IsLoopback()
}

// CheckPasswordURL refuses a server URL over which a password would leave
// this machine unencrypted: a client sends passwords over wss://, or over
// ws:// to loopback only.
func CheckPasswordURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil {
		return fmt.Errorf("ctiproto: server URL %q: %w", raw, err)
	}
	switch {
	case u.Scheme == "wss":
		return nil
	case u.Scheme != "ws":
		return fmt.Errorf("ctiproto: server URL %q: the scheme must be ws or wss", raw)
	case LoopbackHost(u.Host):
		return nil
	}
	return fmt.Errorf("ctiproto: refusing to send a password unencrypted to %s: use wss://", u.Hostname())
}
