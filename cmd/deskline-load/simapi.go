package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"time"
)

// simAPI calls the server's sim HTTP control API over keep-alive
// connections, one per worker.
type simAPI struct {
	base string
	http *http.Client
}

// simRequestTimeout bounds one sim API call.
const simRequestTimeout = 10 * time.Second

func newSimAPI(base string, workers int) *simAPI {
	tr := &http.Transport{
		MaxIdleConns:        workers,
		MaxIdleConnsPerHost: workers,
		MaxConnsPerHost:     workers,
		IdleConnTimeout:     time.Minute,
	}
	return &simAPI{base: base, http: &http.Client{Transport: tr, Timeout: simRequestTimeout}}
}

func (s *simAPI) close() { s.http.CloseIdleConnections() }

// ring makes an outside caller ring device; it returns the call's id.
func (s *simAPI) ring(ctx context.Context, device, from, name string) (string, error) {
	var out struct {
		Call string `json:"call"`
	}
	err := s.post(ctx, "/v1/sim/ring", map[string]string{"device": device, "from": from, "name": name}, &out)
	if err == nil && out.Call == "" {
		err = fmt.Errorf("POST /v1/sim/ring: no call id in the answer")
	}
	return out.Call, err
}

// hangup makes the outside caller of call hang up.
func (s *simAPI) hangup(ctx context.Context, call string) error {
	return s.post(ctx, "/v1/sim/hangup", map[string]string{"call": call}, nil)
}

// post sends body as JSON and decodes a 200 answer into out (if not nil).
// The body is always read to the end, so the connection is reused.
func (s *simAPI) post(ctx context.Context, path string, body, out any) error {
	b, err := json.Marshal(body)
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.base+path, bytes.NewReader(b))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := s.http.Do(req)
	if err != nil {
		return fmt.Errorf("POST %s: %w", path, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if err != nil {
		return fmt.Errorf("POST %s: reading the answer: %w", path, err)
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("POST %s: %s: %s", path, resp.Status, bytes.TrimSpace(data))
	}
	if out != nil {
		if err := json.Unmarshal(data, out); err != nil {
			return fmt.Errorf("POST %s: answer %q: %w", path, data, err)
		}
	}
	return nil
}
