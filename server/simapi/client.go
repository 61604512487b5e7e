package simapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"

	"github.com/deskline/deskline/ctiproto"
)

// Limits of the answers a Client reads.
const (
	// maxAnswerBytes bounds the answer of one operation on one call: it
	// is a call id or {}.
	maxAnswerBytes = 64 << 10
	// maxListBytes bounds the answer of Calls and Devices: a load run's
	// office of 10,000 desks, each in a call, answers about 2 MB.
	maxListBytes = 64 << 20
)

// Client calls the API of one server. It is safe for concurrent use.
type Client struct {
	base  string // e.g. http://127.0.0.1:8720, no trailing slash
	http  *http.Client
	token string
}

// NewClient calls the server at base (http://host:port) through hc
// (http.DefaultClient when nil). It never follows a redirect: the API
// never sends one, and following one could leave loopback. token, when
// not empty, is the server's admin token, needed from other hosts.
func NewClient(base string, hc *http.Client, token string) *Client {
	if hc == nil {
		hc = http.DefaultClient
	}
	own := *hc
	own.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &Client{base: strings.TrimRight(base, "/"), http: &own, token: token}
}

// URL is where the client sends e's requests.
func (c *Client) URL(e Endpoint) string { return c.base + e.Path }

// CloseIdleConnections closes the kept-alive connections not in use.
func (c *Client) CloseIdleConnections() { c.http.CloseIdleConnections() }

// Ring makes an outside caller (from, name) ring device and returns the
// call's id. An empty from lets the server pick one.
func (c *Client) Ring(ctx context.Context, device, from, name string) (string, error) {
	return c.callID(ctx, Ring, Request{Device: device, From: from, Name: name})
}

// Answer makes device pick up call.
func (c *Client) Answer(ctx context.Context, call, device string) error {
	_, err := c.Do(ctx, Answer, &Request{Call: call, Device: device})
	return err
}

// Hangup makes the far end of call hang up, or device when not empty.
func (c *Client) Hangup(ctx context.Context, call, device string) error {
	_, err := c.Do(ctx, Hangup, &Request{Call: call, Device: device})
	return err
}

// Call makes device dial to from its handset and returns the call's id.
func (c *Client) Call(ctx context.Context, device, to string) (string, error) {
	return c.callID(ctx, Call, Request{Device: device, To: to})
}

// Calls lists the calls in progress.
func (c *Client) Calls(ctx context.Context) ([]ctiproto.Call, error) {
	var out CallList
	err := c.decode(ctx, Calls, nil, &out)
	return out.Calls, err
}

// Devices lists the exchange's devices.
func (c *Client) Devices(ctx context.Context) ([]ctiproto.Device, error) {
	var out DeviceList
	err := c.decode(ctx, Devices, nil, &out)
	return out.Devices, err
}

func (c *Client) callID(ctx context.Context, e Endpoint, req Request) (string, error) {
	var out CallID
	if err := c.decode(ctx, e, &req, &out); err != nil {
		return "", err
	}
	if out.Call == "" {
		return "", &AnswerError{Reason: "the answer holds no call id"}
	}
	return out.Call, nil
}

func (c *Client) decode(ctx context.Context, e Endpoint, req *Request, out any) error {
	data, err := c.Do(ctx, e, req)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(data, out); err != nil {
		return &AnswerError{Reason: "the answer is not the sim API's", Err: err}
	}
	return nil
}

// Do sends req (nil for a GET) to e and returns the JSON of a 200
// answer as it came. Errors: *UnreachableError (no answer),
// *StatusError (an answer other than 200), *AnswerError (a 200 that is
// not the API's).
func (c *Client) Do(ctx context.Context, e Endpoint, req *Request) ([]byte, error) {
	var body io.Reader
	if req != nil {
		b, err := json.Marshal(req)
		if err != nil {
			return nil, err
		}
		body = bytes.NewReader(b)
	}
	hr, err := http.NewRequestWithContext(ctx, e.Method, c.URL(e), body)
	if err != nil {
		return nil, err
	}
	if req != nil {
		hr.Header.Set("Content-Type", "application/json")
	}
	hr.Header.Set("Accept", "application/json")
	if c.token != "" {
		hr.Header.Set("Authorization", "Bearer "+c.token)
	}
	resp, err := c.http.Do(hr)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // the caller knows the URL
		}
		return nil, &UnreachableError{Err: err}
	}
	defer resp.Body.Close()
	limit := int64(maxAnswerBytes)
	if e.Method == http.MethodGet {
		limit = maxListBytes
	}
	// Read to the end (within the limit), so the connection is reused.
	data, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	switch {
	case err != nil:
		return nil, &AnswerError{Reason: "reading the answer", Err: err}
	case int64(len(data)) > limit:
		return nil, &AnswerError{Reason: fmt.Sprintf("the answer is longer than %d bytes", limit)}
	case resp.StatusCode != http.StatusOK:
		return nil, refusal(resp, data)
	case !isJSON(resp):
		return nil, &AnswerError{Reason: fmt.Sprintf("the server answered %q, not JSON", resp.Header.Get("Content-Type"))}
	}
	return data, nil
}

// refusal reads an answer other than 200: the API's own Refusal when it
// sent one.
func refusal(resp *http.Response, data []byte) *StatusError {
	se := &StatusError{Code: resp.StatusCode, Status: resp.Status}
	var r Refusal
	if json.Unmarshal(data, &r) == nil {
		se.Message = r.Error
	}
	return se
}

func isJSON(resp *http.Response) bool {
	mt, _, err := mime.ParseMediaType(resp.Header.Get("Content-Type"))
	return err == nil && mt == "application/json"
}

// UnreachableError is a request that got no answer: the server is not
// running, not reachable, or the context ended (Err then wraps it).
type UnreachableError struct {
	Err error
}

func (e *UnreachableError) Error() string { return e.Err.Error() }
func (e *UnreachableError) Unwrap() error { return e.Err }

// StatusError is an answer other than 200 OK.
type StatusError struct {
	Code    int    // e.g. 404
	Status  string // e.g. "404 Not Found"
	Message string // the API's own words ({"error": …}), or ""
}

func (e *StatusError) Error() string {
	if e.Message == "" {
		return "the server answered " + e.Status
	}
	return "the server answered " + e.Status + ": " + e.Message
}

// NoSimAPI says the server has no such route: it runs a real exchange,
// or its [sim_api] is off. The API itself answers every refusal with
// its own words.
func (e *StatusError) NoSimAPI() bool {
	return e.Message == "" && (e.Code == http.StatusNotFound || e.Code == http.StatusMethodNotAllowed)
}

// AnswerError is an answer that is not the API's.
type AnswerError struct {
	Reason string // e.g. "the answer holds no call id"
	Err    error  // the decoding or reading error, or nil
}

func (e *AnswerError) Error() string {
	if e.Err == nil {
		return e.Reason
	}
	return e.Reason + ": " + e.Err.Error()
}

func (e *AnswerError) Unwrap() error { return e.Err }
