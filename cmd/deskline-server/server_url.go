package main

import (
	"flag"
	"fmt"
	"net/url"
	"os"
	"strings"

	"github.com/deskline/deskline/ctiproto"
)

// defaultServer is the demo server, written as the tray app's settings
// and its -server flag write a server.
const defaultServer = "ws://127.0.0.1:8720" + ctiproto.Path

// serverFlag is the -server flag of the commands that talk to a running
// server (sim, watch): one name and one form for both, the tray app's.
func serverFlag(fs *flag.FlagSet) *string {
	return fs.String("server", envOr("DESKLINE_SERVER", defaultServer),
		"server URL as the tray app takes it, ws://HOST:PORT"+ctiproto.Path+" or wss://… ($DESKLINE_SERVER)")
}

// serverURLs reads a -server value: the server's WebSocket URL
// (ws[s]://host:port[/prefix]/v1/ws), or the sim API's base
// (http[s]://host:port[/prefix]) that sim -server took before; either
// names the other. It returns the WebSocket URL and the HTTP base.
func serverURLs(raw string) (ws, base string, err error) {
	u, err := url.Parse(raw)
	if err != nil {
		return "", "", fmt.Errorf("server URL %q: %w; want ws://HOST:PORT%s", raw, err, ctiproto.Path)
	}
	if u.Host == "" {
		return "", "", fmt.Errorf("server URL %q has no host: want ws://HOST:PORT%s", raw, ctiproto.Path)
	}
	secure := false
	switch strings.ToLower(u.Scheme) {
	case "ws", "http":
	case "wss", "https":
		secure = true
	default:
		return "", "", fmt.Errorf("server URL %q: want ws://HOST:PORT%s or wss://…", raw, ctiproto.Path)
	}
	prefix := strings.TrimSuffix(strings.TrimRight(u.Path, "/"), ctiproto.Path)
	wsScheme, httpScheme := "ws", "http"
	if secure {
		wsScheme, httpScheme = "wss", "https"
	}
	return wsScheme + "://" + u.Host + prefix + ctiproto.Path, httpScheme + "://" + u.Host + prefix, nil
}

func envOr(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}
