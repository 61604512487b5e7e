package ami

import (
	"context"
	"crypto/md5"
	"crypto/tls"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"os"
	"strings"
	"time"
)

// eventMask are the event classes Deskline asks for: call (channel,
// dial, bridge, hold and device state events), system (FullyBooted,
// Shutdown) and agent (QueueCallerJoin, AgentCalled: which queue a
// call came through, for the pop). Everything else, VarSet and
// Newexten above all, would only cost bandwidth and parsing.
const eventMask = "call,system,agent"

// dial connects to Asterisk, checks its banner and logs in. The whole of
// it is bounded by ctx and cfg.DialTimeout. The session asks for the call
// and system event classes only.
func dial(ctx context.Context, cfg *Config) (*conn, error) {
	conf := cfg.withDefaults()
	ctx, cancel := context.WithTimeout(ctx, conf.DialTimeout)
	defer cancel()

	var nc net.Conn
	var err error
	if conf.TLS != nil {
		d := &tls.Dialer{Config: conf.TLS}
		nc, err = d.DialContext(ctx, "tcp", conf.Addr)
	} else {
		var d net.Dialer
		nc, err = d.DialContext(ctx, "tcp", conf.Addr)
	}
	if err != nil {
		return nil, fmt.Errorf("ami: connecting to %s: %w", conf.Addr, err)
	}

	// The banner is read before the reader goroutine starts, under the
	// dial deadline; a cancelled ctx interrupts the read.
	dec := NewDecoder(nc)
	if dl, ok := ctx.Deadline(); ok {
		nc.SetReadDeadline(dl)
	}
	stop := context.AfterFunc(ctx, func() { nc.SetReadDeadline(time.Unix(1, 0)) })
	version, err := dec.Banner()
	if !stop() || err != nil {
		nc.Close()
		// The read deadline is the dial deadline, or now on cancel.
		if cause := ctx.Err(); cause != nil || errors.Is(err, os.ErrDeadlineExceeded) {
			if cause == nil {
				cause = context.DeadlineExceeded
			}
			return nil, fmt.Errorf("ami: %s: no banner within the dial timeout (%s): %w", conf.Addr, conf.DialTimeout, cause)
		}
		return nil, fmt.Errorf("ami: %s: %w", conf.Addr, err)
	}
	nc.SetReadDeadline(time.Time{})

	c := &conn{
		cfg:      &conf,
		log:      conf.Log,
		nc:       nc,
		dec:      dec,
		version:  version,
		wsem:     make(chan struct{}, 1),
		start:    time.Now(),
		ready:    make(chan struct{}, 1),
		closed:   make(chan struct{}),
		pending:  make(map[string]*pending),
		maxQueue: maxQueuedEvents,
	}
	c.cw.w = nc
	c.enc = NewEncoder(&c.cw)
	c.wg.Add(1)
	go c.readLoop()

	if err := c.login(ctx); err != nil {
		c.fail(err)
		c.wg.Wait()
		return nil, err
	}
	c.mu.Lock()
	c.up = true
	c.mu.Unlock()
	c.wg.Add(1)
	go c.keepAlive()
	// The banner's version is the manager protocol's (11.0.0 on Asterisk
	// 22), not Asterisk's: the Exchange logs that one from CoreSettings.
	c.log.Info("ami: logged in", "addr", conf.Addr, "user", conf.Username, "ami_protocol", version)
	return c, nil
}

// login authenticates (MD5 challenge or plain secret) with events off,
// then asks for the event classes Deskline needs.
func (c *conn) login(ctx context.Context) error {
	cfg := c.cfg
	login := NewAction("Login", "Username", cfg.Username)
	if cfg.Auth == AuthPlain {
		login.Add("Secret", cfg.Secret)
	} else {
		resp, err := c.action(ctx, NewAction("Challenge", "AuthType", "MD5"))
		if err != nil {
			var ae *ActionError
			if errors.As(err, &ae) {
				return fmt.Errorf("%w: Asterisk refused the MD5 challenge (%s); use auth = %q over TLS (tls = true)", ErrAuth, ae.Message, AuthPlain)
			}
			return err
		}
		challenge := resp.Get("Challenge")
		if challenge == "" {
			return fmt.Errorf("%w: Asterisk's challenge response has no Challenge", ErrAuth)
		}
		sum := md5.Sum([]byte(challenge + cfg.Secret))
		login.Add("AuthType", "MD5")
		login.Add("Key", hex.EncodeToString(sum[:]))
	}
	// Nothing but responses until we ask for our classes below.
	login.Add("Events", "off")
	if _, err := c.action(ctx, login); err != nil {
		var ae *ActionError
		if errors.As(err, &ae) {
			return fmt.Errorf("%w: user %q: Asterisk says %q", ErrAuth, cfg.Username, ae.Message)
		}
		return err
	}
	resp, err := c.action(ctx, NewAction("Events", "EventMask", eventMask))
	if err != nil {
		return err
	}
	if strings.EqualFold(resp.Get("Events"), "Off") {
		c.log.Warn("ami: the manager account may not read the call and system event classes; calls will not be seen (manager.conf: read = call,system)",
			"user", cfg.Username)
	}
	return nil
}
