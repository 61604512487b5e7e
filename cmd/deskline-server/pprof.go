package main

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"os"

	"github.com/deskline/deskline/ctiproto"
)

// pprofEnv names the environment variable that turns on the profiling
// endpoint: DESKLINE_PPROF=127.0.0.1:6060 serves net/http/pprof's
// /debug/pprof/ on that address. It is off unless set, and only a
// loopback address is accepted: profiles show memory contents (tokens in
// flight, caller names), so they must never be reachable from the network.
const pprofEnv = "DESKLINE_PPROF"

// startPprof starts the profiling endpoint when DESKLINE_PPROF asks for
// it. It returns a function that stops it (a no-op when it is off).
func startPprof(log *slog.Logger) (stop func(), err error) {
	addr := os.Getenv(pprofEnv)
	if addr == "" {
		return func() {}, nil
	}
	if err := loopbackOnly(addr); err != nil {
		return nil, fmt.Errorf("%s=%q: %w", pprofEnv, addr, err)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", pprofEnv, err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	hs := &http.Server{Handler: mux, ReadHeaderTimeout: readHeaderTimeout}
	go hs.Serve(ln)
	log.Warn("profiling endpoint on (loopback only); unset "+pprofEnv+" in production",
		"addr", "http://"+ln.Addr().String()+"/debug/pprof/")
	return func() { hs.Close() }, nil
}

// loopbackOnly accepts host:port whose host is a loopback IP or localhost.
func loopbackOnly(addr string) error {
	if !ctiproto.LoopbackHost(addr) {
		return errors.New("the profiling endpoint listens on loopback only (127.0.0.1:PORT or [::1]:PORT)")
	}
	return nil
}
