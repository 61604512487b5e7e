package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"time"
)

// healthz is the part of GET /healthz the tool reads.
type healthz struct {
	Status      string `json:"status"`
	Connections int    `json:"connections"`
	Directory   []struct {
		Contacts int    `json:"contacts"`
		Error    string `json:"error"`
	} `json:"directory"`
}

// health asks the server for /healthz once.
func (s *serverProc) health(ctx context.Context) (healthz, error) {
	var h healthz
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.httpURL()+"/healthz", nil)
	if err != nil {
		return h, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return h, fmt.Errorf("GET /healthz: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return h, fmt.Errorf("GET /healthz: %s", resp.Status)
	}
	if err := json.NewDecoder(resp.Body).Decode(&h); err != nil {
		return h, fmt.Errorf("GET /healthz: %w", err)
	}
	return h, nil
}

// waitHealthy polls /healthz until it says ok, the child exits, or
// healthWait passes.
func (s *serverProc) waitHealthy(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, healthWait)
	defer cancel()
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	var last error
	for {
		h, err := s.health(ctx)
		if err == nil && h.Status == "ok" {
			return nil
		}
		if last = err; err == nil {
			last = fmt.Errorf("status %q", h.Status)
		}
		select {
		case <-s.exited:
			return fmt.Errorf("%s exited at start (%s); its log: %s", s.name, exitText(s.waitErr), s.logPath)
		case <-ctx.Done():
			return fmt.Errorf("%s not healthy after %s: %v", s.name, healthWait, last)
		case <-tick.C:
		}
	}
}

// settledRSS waits settle, then returns the smallest of a few RSS samples
// (KB): the minimum is the least disturbed by garbage not yet collected.
func (s *serverProc) settledRSS(ctx context.Context, settle time.Duration) int64 {
	sleep(ctx, settle)
	best := int64(-1)
	for i := range rssSamples {
		if i > 0 {
			sleep(ctx, rssSampleGap)
		}
		kb, err := procRSSKB(s.pid())
		if err == nil && (best < 0 || kb < best) {
			best = kb
		}
	}
	return best
}

const (
	rssSamples   = 5
	rssSampleGap = 200 * time.Millisecond
)

func sleep(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
	}
}
