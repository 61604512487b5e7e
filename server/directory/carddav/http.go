package carddav

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// maxResponseSize bounds every response body read but the listing's, so
// a hostile or broken server cannot take the server's memory: a multiget
// batch is cut at maxBatchBytes of cards (a quarter of this).
const maxResponseSize = 64 << 20

// maxListingSize bounds the PROPFIND listing of the cards' ETags. The
// listing may name up to contacts.DefaultMaxCardsPerBook (200,000) cards,
// the most a book holds (Source enforces it on the listing and the sync);
// Radicale writes some 375 bytes a card (href, ETag, length, and a 404
// propstat for the ctag and sync token asked of every member), 75 MB for
// 200,000: more than maxResponseSize. 128 MiB leaves room for longer
// hrefs (TestListingLimit measures Radicale's).
const maxListingSize = 128 << 20

// limitKey carries a request's response bound in its context when it is
// not maxResponseSize.
type limitKey struct{}

// withResponseLimit bounds the answers of requests sent with ctx to n bytes.
func withResponseLimit(ctx context.Context, n int64) context.Context {
	return context.WithValue(ctx, limitKey{}, n)
}

func responseLimit(ctx context.Context) int64 {
	if n, ok := ctx.Value(limitKey{}).(int64); ok {
		return n
	}
	return maxResponseSize
}

// maxErrorBody is how much of an error response is read to say why (a
// WebDAV precondition such as valid-sync-token).
const maxErrorBody = 4 << 10

// Error is a failed request: what was asked of which URL, and why.
type Error struct {
	Method string
	URL    string // never with credentials
	Code   int    // the HTTP status, 0 when there was no answer
	Body   string // the start of an error answer
	Err    error
}

func (e *Error) Error() string {
	return "carddav: " + e.Method + " " + e.URL + ": " + e.Err.Error()
}

func (e *Error) Unwrap() error { return e.Err }

// doer sends requests with basic authentication and a timeout per request
// (the answer read in full within it), bounds answers (maxResponseSize;
// maxListingSize for a listing), and turns failures into *Error. go-webdav's client sends through it too
// (it is a webdav.HTTPClient), so its requests obey the same limits.
type doer struct {
	client  *http.Client
	user    string
	pass    string
	timeout time.Duration
}

func (d *doer) Do(req *http.Request) (*http.Response, error) {
	parent := req.Context()
	ctx, cancel := context.WithTimeout(parent, d.timeout)
	req = req.WithContext(ctx)
	if d.user != "" {
		req.SetBasicAuth(d.user, d.pass)
	}
	fail := func(code int, body string, err error) error {
		return &Error{Method: req.Method, URL: redact(req.URL), Code: code, Body: body, Err: err}
	}
	resp, err := d.client.Do(req)
	if err != nil {
		err = fail(0, "", d.why(parent, ctx, err))
		cancel()
		return nil, err
	}
	if resp.StatusCode/100 != 2 {
		defer cancel()
		defer resp.Body.Close()
		b, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
		return nil, fail(resp.StatusCode, string(b), statusWhy(resp, string(b)))
	}
	limit := responseLimit(parent)
	resp.Body = &body{rc: resp.Body, left: limit, limit: limit, cancel: cancel,
		fail: func(err error) error { return fail(resp.StatusCode, "", d.why(parent, ctx, err)) }}
	return resp, nil
}

// why says why a request got no (whole) answer: our timeout, the
// caller's cancellation, or the network's error.
func (d *doer) why(parent, ctx context.Context, err error) error {
	switch {
	case parent.Err() != nil:
		return fmt.Errorf("cancelled: %w", parent.Err())
	case errors.Is(ctx.Err(), context.DeadlineExceeded):
		return fmt.Errorf("no answer within %v (the timeout): %w", d.timeout, ctx.Err())
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return fmt.Errorf("connection closed before the answer was complete: %w", err)
	}
	return err
}

// statusWhy describes an error status.
func statusWhy(resp *http.Response, body string) error {
	switch resp.StatusCode {
	case http.StatusUnauthorized:
		return fmt.Errorf("%s: authentication failed (check username and password_file)", resp.Status)
	case http.StatusForbidden:
		if strings.Contains(body, "valid-sync-token") {
			return fmt.Errorf("%s: sync token refused", resp.Status)
		}
		return fmt.Errorf("%s: access denied", resp.Status)
	}
	return errors.New(resp.Status)
}

// body bounds an answer and ends its request's timeout when closed.
type body struct {
	rc     io.ReadCloser
	left   int64
	limit  int64
	cancel context.CancelFunc
	fail   func(error) error
}

func (b *body) Read(p []byte) (int, error) {
	if int64(len(p)) > b.left+1 {
		p = p[:b.left+1] // one byte more than allowed, to see it goes on
	}
	n, err := b.rc.Read(p)
	if int64(n) > b.left {
		return 0, b.fail(fmt.Errorf("answer larger than %d bytes (the response limit); refused", b.limit))
	}
	b.left -= int64(n)
	if err != nil && err != io.EOF {
		err = b.fail(err)
	}
	return n, err
}

func (b *body) Close() error {
	b.cancel()
	return b.rc.Close()
}

// readAll reads a whole answer within its limit.
func readAll(resp *http.Response) ([]byte, error) {
	defer resp.Body.Close()
	return io.ReadAll(resp.Body)
}
