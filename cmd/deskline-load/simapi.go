package main

import (
	"fmt"
	"net/http"
	"time"

	"github.com/deskline/deskline/server/simapi"
)

// simRequestTimeout bounds one sim API call.
const simRequestTimeout = 10 * time.Second

// newSimClient calls the server's sim API over keep-alive connections,
// one per worker.
func newSimClient(base string, workers int) *simapi.Client {
	tr := &http.Transport{
		MaxIdleConns:        workers,
		MaxIdleConnsPerHost: workers,
		MaxConnsPerHost:     workers,
		IdleConnTimeout:     time.Minute,
	}
	return simapi.NewClient(base, &http.Client{Transport: tr, Timeout: simRequestTimeout}, "")
}

// simClient is the server's sim API (target).
func (s *serverProc) simClient(workers int) *simapi.Client { return newSimClient(s.httpURL(), workers) }

// wsURLs is the server's one WebSocket URL (target).
func (s *serverProc) wsURLs() []string { return []string{s.wsURL()} }

// simErr names the endpoint in a sim API error, for the report.
func simErr(e simapi.Endpoint, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("%s %s: %w", e.Method, e.Path, err)
}
