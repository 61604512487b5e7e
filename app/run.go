package app

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/deskline/deskline/ctiproto"
	"github.com/gorilla/websocket"
)

// Run keeps the client connected until ctx ends: it logs in (token, or
// the password given to Login), follows the server's events, and when
// the link drops reconnects with exponential backoff and jitter and
// resumes where it left off. It returns ctx's error.
func (c *Client) Run(ctx context.Context) error {
	failures := 0
	for {
		if ctx.Err() != nil {
			c.setStatus(StatusStopped, "", time.Time{})
			return ctx.Err()
		}
		cred, ok := c.credentials()
		if !ok {
			c.waitForLogin(ctx)
			continue
		}
		c.setStatus(StatusConnecting, "", time.Time{})
		welcomed, err := c.connect(ctx, cred)
		if welcomed {
			failures = 0
		}
		if ctx.Err() != nil {
			continue
		}
		next := c.after(err, failures)
		if next.login {
			continue // credentials() decides: the status says why
		}
		failures++
		retry := time.Now().Add(next.wait)
		c.setStatus(StatusDisconnected, next.reason, retry)
		if !welcomed {
			c.loginUnreachable(next.reason)
		}
		c.log.Info("disconnected", "reason", next.reason, "retry_in", next.wait.Round(time.Millisecond))
		c.sleep(ctx, next.wait)
	}
}

// credential is what the next hello carries.
type credential struct {
	token, password string
}

// credentials picks a password the user has just typed (they asked to
// log in), else the stored token.
func (c *Client) credentials() (credential, bool) {
	c.mu.Lock()
	pw := c.password
	c.mu.Unlock()
	if pw != "" {
		return credential{password: pw}, true
	}
	if tok := c.token(); tok != "" {
		return credential{token: tok}, true
	}
	return credential{}, false
}

// waitForLogin shows that a password is needed and waits for one.
func (c *Client) waitForLogin(ctx context.Context) {
	c.mu.Lock()
	if c.state.Status != StatusLoginRequired {
		c.state.Status, c.state.RetryAt = StatusLoginRequired, time.Time{}
		c.state.Reason = "log in with your password"
		c.publishLocked()
	}
	c.mu.Unlock()
	select {
	case <-c.wake:
	case <-ctx.Done():
	}
}

// sleep waits d, or less if woken (Login) or stopped.
func (c *Client) sleep(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-c.wake:
	case <-ctx.Done():
	}
}

// nextStep is what to do after a connection ended.
type nextStep struct {
	login  bool // wait for the user's password (the status is set)
	wait   time.Duration
	reason string
}

// after classifies why a connection ended.
func (c *Client) after(err error, failures int) nextStep {
	var ae *ActionError
	if errors.As(err, &ae) {
		switch ae.Code {
		case ctiproto.CodeAuthFailed, ctiproto.CodeTokenExpired, ctiproto.CodeTokenInvalid:
			return c.needLogin(ae)
		case ctiproto.CodeThrottled:
			c.loginFailed(ae)
			return nextStep{wait: max(time.Duration(ae.RetryAfterMS)*time.Millisecond, c.opts.MinBackoff), reason: ae.Error()}
		}
	}
	var ce *websocket.CloseError
	if errors.As(err, &ce) {
		switch ce.Code {
		case ctiproto.CloseTokenRevoked:
			c.forgetToken()
			c.setStatus(StatusLoginRequired, "you were logged out (the device token was revoked)", time.Time{})
			return nextStep{login: true}
		case websocket.CloseGoingAway, ctiproto.CloseSlowConsumer:
			// The server restarts or shed us: come straight back, with a
			// little jitter so every desktop does not arrive at once.
			return nextStep{wait: jitter(c.opts.MinBackoff / 4), reason: "server closed the connection: " + closeText(ce)}
		}
	}
	return nextStep{wait: c.backoff(failures), reason: reasonFor(err)}
}

// needLogin handles a refused login or token.
func (c *Client) needLogin(ae *ActionError) nextStep {
	reason := "wrong user or password"
	switch ae.Code {
	case ctiproto.CodeTokenExpired:
		reason = "your login has expired: log in again"
		c.forgetToken()
	case ctiproto.CodeTokenInvalid:
		reason = "your login is no longer valid (revoked or unknown): log in again"
		c.forgetToken()
	}
	c.loginFailed(ae)
	c.setStatus(StatusLoginRequired, reason, time.Time{})
	return nextStep{login: true}
}

// loginUnreachable tells a waiting Login that the server could not be
// reached; the password is kept, and the next attempt uses it.
func (c *Client) loginUnreachable(reason string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.finishLoginLocked(errors.New("app: " + reason))
}

// loginFailed drops the typed password and tells Login.
func (c *Client) loginFailed(err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.password = ""
	c.finishLoginLocked(err)
}

// backoff is the wait before attempt number failures+1: doubling from
// MinBackoff up to MaxBackoff, ±20 % jitter.
func (c *Client) backoff(failures int) time.Duration {
	d := c.opts.MinBackoff
	for range failures {
		d *= 2
		if d >= c.opts.MaxBackoff {
			d = c.opts.MaxBackoff
			break
		}
	}
	return jitter(d)
}

func jitter(d time.Duration) time.Duration {
	if d <= 0 {
		return 0
	}
	return time.Duration(float64(d) * (0.8 + 0.4*rand.Float64()))
}

func closeText(ce *websocket.CloseError) string {
	if ce.Text != "" {
		return ce.Text
	}
	return fmt.Sprint("code ", ce.Code)
}

// reasonFor words a connection failure for the user.
func reasonFor(err error) string {
	var ce *websocket.CloseError
	switch {
	case err == nil:
		return "connection closed"
	case errors.As(err, &ce):
		return "server closed the connection: " + closeText(ce)
	case errors.Is(err, errDeadLink):
		return "no answer from the server: the network or the server is down"
	case errors.Is(err, websocket.ErrBadHandshake):
		return "not a Deskline server at this address (check the server URL)"
	}
	return "server unreachable: " + err.Error()
}
