package app

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/gorilla/websocket"

	"github.com/deskline/deskline/ctiproto"
)

// ErrStopped says the client is not running (Run has returned; a Login
// before Run starts waits for it).
var ErrStopped = errors.New("app: the client is not running")

// errDeliberate ends a link the client closed on purpose (to log in again
// with a password): no "disconnected" in between, reconnect at once.
var errDeliberate = errors.New("app: closed to log in again")

// refreshEvery is how often a running client swaps its device token for a
// fresh one (and once at every start): a desk that runs, or starts, at
// least once a token lifetime never has to type the password again.
const refreshEvery = 24 * time.Hour

// Run keeps the client connected until ctx ends: it logs in (token, or
// the password given to Login), follows the server's events, and when
// the link drops reconnects and resumes where it left off: at once to the
// next of several server addresses, and with exponential backoff and
// jitter once every address failed in a row (servers.go). It returns
// ctx's error.
// Only one Run at a time: a second returns ErrAlreadyRunning at once
// (two loops would fight over the one link).
func (c *Client) Run(ctx context.Context) error {
	if !c.setRunning(true) {
		return ErrAlreadyRunning
	}
	defer c.setRunning(false)
	failures := 0 // whole rounds that failed in a row: the backoff's exponent
	for ctx.Err() == nil {
		if wait := c.throttled(); wait > 0 {
			c.sleepFirm(ctx, wait) // a login cannot cut a throttle short
			continue
		}
		// A wake-up asked for before this attempt is answered by it: it
		// reads the newest password. Left in the channel, it would cut the
		// next wait short at once (a desk that logged in retried the
		// moment its server went away, and a "Reconnect now" pressed
		// while that doomed attempt ran was lost).
		c.drainWake()
		cred, ok := c.credentials()
		if !ok {
			c.waitForLogin(ctx)
			continue
		}
		ep := c.nodes.next(ctx)
		c.setStatus(StatusConnecting, "", time.Time{})
		start := time.Now()
		welcomed, err := c.connect(ctx, ep, c.nodes.several(), cred)
		if ctx.Err() != nil {
			break
		}
		if welcomed {
			// Only a link that lasted resets the backoff: servers that
			// let us in and drop us at once must not be hammered, one
			// or all of them in turn (servers.quick).
			lasted := time.Since(start) > c.opts.MaxBackoff
			c.nodes.worked(ep, lasted)
			if lasted {
				failures = 0
			}
		}
		next := c.after(ep, err, cred, failures)
		if next.again {
			continue
		}
		round := c.nodes.failed(ctx, ep)
		if round == nil && !next.firm {
			c.moveOn(ctx, next) // another node is left in this round
			continue
		}
		failures++
		if len(round) > 1 {
			next.problem.Tried = round[:len(round)-1]
			next.reason += " (tried " + strings.Join(round, ", ") + ")"
		}
		retry := time.Now().Add(next.wait)
		c.setDown(next.problem, next.reason, retry)
		if cred.password != "" && !welcomed {
			var err error = next.problem // the Login call words it as the state does
			if next.problem == nil {
				err = &DownError{Reason: next.reason}
			}
			c.loginEnded(cred, err)
		}
		c.log.Info("disconnected", "reason", next.reason, "retry_in", next.wait.Round(time.Millisecond))
		c.sleep(ctx, next.wait)
	}
	c.setStatus(StatusStopped, "", time.Time{})
	return ctx.Err()
}

// ErrAlreadyRunning is Run's answer while another Run of the client is active.
var ErrAlreadyRunning = errors.New("app: the client is already running")

// setRunning records whether Run is active; when it stops, waiting Login
// calls are answered. Starting reports false when a Run is active already.
func (c *Client) setRunning(on bool) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if on && c.running {
		return false
	}
	c.running = on
	c.stopped = !on
	if !on {
		c.password = ""
		c.finishLoginLocked(ErrStopped)
	}
	return true
}

// credential is what the next hello carries; gen identifies the password.
type credential struct {
	token, password string
	gen             uint64
}

// credentials picks a password the user has just typed (they asked to
// log in), else the stored token unless the server refused it.
func (c *Client) credentials() (credential, bool) {
	c.mu.Lock()
	pw, gen := c.password, c.pwGen
	c.mu.Unlock()
	if pw != "" {
		return credential{password: pw, gen: gen}, true
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
		reason := "log in with your password"
		if c.state.Status == StatusDisconnected && c.state.Reason != "" {
			reason = c.state.Reason + " — log in again when the server is back"
		}
		c.state.Status, c.state.Reason, c.state.RetryAt = StatusLoginRequired, reason, time.Time{}
		c.publishLocked()
	}
	c.mu.Unlock()
	select {
	case <-c.wake:
	case <-ctx.Done():
	}
}

// Reconnect skips the wait before the next attempt (the user's
// "Reconnect now": they know the server is back, or want to know now).
// It does nothing unless the client waits to retry; a wait the server
// asked for (too many failed logins) is kept.
func (c *Client) Reconnect() {
	c.mu.Lock()
	down := c.state.Status == StatusDisconnected
	c.mu.Unlock()
	if down {
		c.poke()
	}
}

// setDown records a lost or failed link: why (problem, and reason for
// logs) and when the next attempt starts. The problem stays in the state
// through the next attempts, until one gets in.
func (c *Client) setDown(problem *LinkError, reason string, retryAt time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.state.Status, c.state.Reason, c.state.RetryAt, c.state.Problem = StatusDisconnected, reason, retryAt, problem
	if c.onStatus != nil {
		c.onStatus(StatusDisconnected, reason)
	}
	c.publishLocked()
}

// sleep waits d, or less if woken (Login, Reconnect) or stopped.
func (c *Client) sleep(ctx context.Context, d time.Duration) { c.wait(ctx, d, c.wake) }

// sleepFirm waits d whatever happens, unless stopped.
func (c *Client) sleepFirm(ctx context.Context, d time.Duration) { c.wait(ctx, d, nil) }

// wait waits d, until ctx ends, or until wake (nil: never) has a value.
func (c *Client) wait(ctx context.Context, d time.Duration, wake <-chan struct{}) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-wake:
	case <-ctx.Done():
	}
}

// throttled is how long the server asked us to wait before a login.
func (c *Client) throttled() time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return time.Until(c.notBefore)
}

// moveOn shows why the last node failed and lets the run loop go on to the
// next one of the round: at once after a failure of ours, after the
// spread a closing server asked for (going away, shedding load), so a
// node's desks do not all land on the next node in the same instant.
func (c *Client) moveOn(ctx context.Context, next nextStep) {
	c.mu.Lock()
	c.state.Status, c.state.Reason, c.state.RetryAt, c.state.Problem = StatusConnecting, next.reason, time.Time{}, next.problem
	if c.onStatus != nil {
		c.onStatus(StatusConnecting, next.reason)
	}
	c.publishLocked()
	c.mu.Unlock()
	wait := next.wait
	if next.backoff {
		wait = 0
	}
	c.log.Info("trying the next server", "reason", next.reason, "in", wait.Round(time.Millisecond))
	if wait > 0 {
		c.sleep(ctx, wait)
	}
}

// nextStep is what to do after a connection ended.
type nextStep struct {
	again bool // reconnect at once (closed on purpose, or waiting for a login)
	// firm: the wait holds whatever the round (the server throttles
	// logins, cluster-wide); backoff: the wait is our backoff, skipped
	// while another node is left in the round.
	firm, backoff bool
	wait          time.Duration
	reason        string     // for the log
	problem       *LinkError // for the user
}

// after classifies why a connection ended.
func (c *Client) after(ep endpoint, err error, cred credential, failures int) nextStep {
	var ae *ActionError
	if errors.As(err, &ae) {
		switch ae.Code {
		case ctiproto.CodeAuthFailed, ctiproto.CodeTokenExpired, ctiproto.CodeTokenInvalid:
			c.refused(cred, ae)
			return nextStep{again: true}
		case ctiproto.CodeServerBusy: // this node's logins are busy: another node may not be
			wait := max(time.Duration(ae.RetryAfterMS)*time.Millisecond, c.opts.MinBackoff)
			return nextStep{backoff: true, wait: wait, reason: ae.Error(), problem: linkError(ep.name, ae)}
		case ctiproto.CodeThrottled: // keep the credentials, wait: throttling is the cluster's
			wait := max(time.Duration(ae.RetryAfterMS)*time.Millisecond, c.opts.MinBackoff)
			c.mu.Lock()
			c.notBefore = time.Now().Add(wait)
			c.mu.Unlock()
			c.loginEnded(cred, ae)
			return nextStep{firm: true, wait: wait, reason: ae.Error(), problem: linkError(ep.name, ae)}
		}
	}
	if errors.Is(err, errDeliberate) {
		return nextStep{again: true}
	}
	var ce *websocket.CloseError
	if errors.As(err, &ce) {
		switch ce.Code {
		case ctiproto.CloseTokenRevoked:
			c.rejectToken(c.token())
			c.setStatus(StatusLoginRequired, "you were logged out (the device token was revoked)", time.Time{})
			return nextStep{again: true}
		case websocket.CloseGoingAway, ctiproto.CloseSlowConsumer:
			// The server restarts or shed us: come back soon, at a random
			// moment, so a thousand desktops do not arrive at once.
			return nextStep{wait: time.Duration(rand.Int64N(int64(c.opts.MinBackoff) + 1)),
				reason: "server closed the connection: " + closeText(ce), problem: linkError(ep.name, ce)}
		}
	}
	// Every other close, 4005 (keep-alive timed out: our link stalled)
	// included, and every lost connection: back off.
	return nextStep{backoff: true, wait: c.backoff(failures), reason: reasonFor(err), problem: linkError(ep.name, err)}
}

// refused handles a login the server turned down: a wrong password, or a
// token it no longer accepts (never sent again).
func (c *Client) refused(cred credential, ae *ActionError) {
	reason := "wrong user or password"
	switch ae.Code {
	case ctiproto.CodeTokenExpired:
		reason = "your login has expired: log in again"
	case ctiproto.CodeTokenInvalid:
		reason = "your login is no longer valid (revoked or unknown): log in again"
	}
	if cred.token != "" {
		c.rejectToken(cred.token)
	} else {
		c.loginEnded(cred, ae)
	}
	c.setStatus(StatusLoginRequired, reason, time.Time{})
}

// loginEnded answers the Login calls waiting for this password and drops
// it. An attempt with another (older) password, or with a token, leaves
// a newer password alone.
func (c *Client) loginEnded(cred credential, err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if cred.password == "" || cred.gen != c.pwGen {
		return
	}
	c.password = ""
	c.finishLoginLocked(err)
}

// backoff is the wait before attempt number failures+1: doubling from
// MinBackoff up to MaxBackoff (default defaultMaxBackoff), ±20 % jitter.
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
	case errors.Is(err, errProtocol):
		return err.Error()
	}
	return "server unreachable: " + err.Error()
}
