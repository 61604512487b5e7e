package ami

import (
	"context"
	crand "crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"time"

	"github.com/deskline/deskline/pbx"
)

var _ pbx.Exchange = (*Exchange)(nil)

// syncTimeout bounds the state queries after a (re)connect.
const syncTimeout = 15 * time.Second

// Exchange is an Asterisk reached through its manager interface. Create it
// with New; it connects in the background and keeps reconnecting, so a
// server starts even while Asterisk is down (desktops are told the
// exchange is unavailable, and why).
type Exchange struct {
	cfg    Config
	m      *mapper
	events *pbx.EventQueue
	ids    string // prefix of the channel ids this process gives Originate
	dp     dpCache
	// consults are the attended transfers the connector started (consult.go).
	consults consults

	mu     sync.Mutex
	c      *conn  // the logged-in session; nil while down
	reason string // why it is down, in words for the desktop
	closed bool
	seq    uint64
	// version is Asterisk's own version (CoreSettings' AsteriskVersion,
	// e.g. "22.10.1"), "" until read.
	version string
	// warned are the refused actions already logged (queue_sync.go).
	warned map[string]bool

	// synced is closed once the first attempt to link has ended, either
	// way (Queues waits for it).
	synced chan struct{}
	stop   chan struct{}
	done   chan struct{}
	wg     sync.WaitGroup // services in flight
}

// New checks cfg, fills in its defaults and starts connecting.
func New(cfg Config) (*Exchange, error) {
	if err := cfg.Check(); err != nil {
		return nil, err
	}
	cfg = cfg.withDefaults()
	x := &Exchange{
		cfg:    cfg,
		events: pbx.NewEventQueue(),
		ids:    "deskline-" + randomHex(4) + "-",
		reason: "connecting to Asterisk at " + cfg.Addr,
		warned: make(map[string]bool),
		synced: make(chan struct{}),
		stop:   make(chan struct{}),
		done:   make(chan struct{}),
	}
	x.m = newMapper(cfg.Devices, time.Now)
	x.m.queues = newQueueBook(cfg.QueueNames, cfg.RingGroups)
	x.m.slots = make(map[string]bool, len(cfg.ParkSlots))
	for _, s := range cfg.ParkSlots {
		x.m.slots[s] = true
	}
	x.m.push = x.events.Push
	x.m.warn = cfg.Log.Warn
	x.describePhones()
	x.events.Push([]pbx.Event{x.stateEvent(false, x.reason)})
	go x.run()
	return x, nil
}

func randomHex(n int) string {
	b := make([]byte, n)
	crand.Read(b)
	return hex.EncodeToString(b)
}

// Events returns the event stream; closed by Close.
func (x *Exchange) Events() <-chan pbx.Event { return x.events.Out() }

// Devices lists the configured devices with the registration, DND and
// forwarding last learnt. It never fails: the list is the configuration.
func (x *Exchange) Devices(context.Context) ([]pbx.DeviceInfo, error) { return x.m.deviceList(), nil }

// Calls lists the connections in progress as last synchronised; empty
// before the first login.
func (x *Exchange) Calls(context.Context) ([]pbx.Call, error) { return x.m.calls(), nil }

// Close logs off and stops reconnecting; the Events channel is closed.
func (x *Exchange) Close() error {
	x.mu.Lock()
	if x.closed {
		x.mu.Unlock()
		return nil
	}
	x.closed = true
	x.mu.Unlock()
	close(x.stop)
	<-x.done
	x.wg.Wait()
	x.events.Close()
	return nil
}

func (x *Exchange) stateEvent(up bool, reason string) pbx.Event {
	return pbx.Event{Kind: pbx.EvExchangeState, Time: time.Now(), Available: up, Reason: reason}
}

// run connects, synchronises and follows the event stream, again and
// again, until Close.
func (x *Exchange) run() {
	defer close(x.done)
	wait := x.cfg.ReconnectMin
	first := true
	for {
		c, err := x.connect()
		if first {
			close(x.synced)
			first = false
		}
		if err == nil {
			wait = x.cfg.ReconnectMin
			x.follow(c)
		} else {
			x.down(fmt.Sprintf("cannot reach Asterisk at %s: %v", x.cfg.Addr, err), err)
		}
		select {
		case <-x.stop:
			return
		case <-time.After(jitter(wait)):
		}
		wait = min(2*wait, x.cfg.ReconnectMax)
	}
}

// jitter spreads reconnects of many servers by ±20%.
func jitter(d time.Duration) time.Duration {
	return d + time.Duration((rand.Float64()*0.4-0.2)*float64(d))
}

// connect logs in and rebuilds the state of calls in progress.
func (x *Exchange) connect() (*conn, error) {
	ctx, cancel := context.WithTimeout(context.Background(), x.cfg.DialTimeout+syncTimeout)
	defer cancel()
	go func() {
		select {
		case <-x.stop:
			cancel()
		case <-ctx.Done():
		}
	}()
	c, err := dial(ctx, &x.cfg)
	if err != nil {
		return nil, err
	}
	if err := x.synchronise(ctx, c); err != nil {
		c.close()
		return nil, err
	}
	return c, nil
}

// synchronise asks Asterisk what is true now: the channels in progress,
// the phones' registration, the queues' members, the parked calls and,
// with FreePBX features, DND and forwarding.
func (x *Exchange) synchronise(ctx context.Context, c *conn) error {
	x.readVersion(ctx, c)
	chans, err := c.list(ctx, NewAction("CoreShowChannels"))
	if err != nil {
		return fmt.Errorf("CoreShowChannels: %w", err)
	}
	x.m.rebuild(chans)
	states, err := c.list(ctx, NewAction("DeviceStateList"))
	if err != nil {
		x.cfg.Log.Warn("ami: DeviceStateList failed; registrations unknown until phones change state", "err", err)
	}
	x.m.registrations(states)
	x.readQueues(ctx, c)
	x.readParked(ctx, c)
	if x.cfg.Features == FeaturesFreePBX {
		x.readFeatures(ctx, c)
	}
	// The dialplan may have changed while the link was down; follow reads
	// it again without holding up the link.
	x.dp.invalidate()
	return nil
}

// readVersion asks CoreSettings for Asterisk's version (the banner only
// names the manager protocol's). Not knowing it is no reason to stay down:
// a manager account without the system or reporting class is refused.
func (x *Exchange) readVersion(ctx context.Context, c *conn) {
	v := "unknown"
	resp, err := c.action(ctx, NewAction("CoreSettings"))
	if err != nil {
		x.cfg.Log.Warn("ami: CoreSettings failed; Asterisk's version unknown", "err", err)
	} else if got := resp.Get("AsteriskVersion"); got != "" {
		v = got
	}
	x.mu.Lock()
	x.version = v
	x.mu.Unlock()
}

// Version is Asterisk's own version as CoreSettings reported it at the
// last (re)connect ("unknown" when it was refused), "" before the first.
func (x *Exchange) Version() string {
	x.mu.Lock()
	defer x.mu.Unlock()
	return x.version
}

// follow runs while c is up: it hands every event to the mapper and its
// results to Events, then reports the link down.
func (x *Exchange) follow(c *conn) {
	x.mu.Lock()
	x.c, x.reason = c, ""
	version := x.version
	x.mu.Unlock()
	x.cfg.Log.Info("ami: linked to Asterisk", "addr", x.cfg.Addr, "asterisk", version, "ami_protocol", c.version,
		"calls", len(x.m.calls()))
	x.events.Push([]pbx.Event{x.stateEvent(true, "")})
	x.refreshDialplan()
	if x.cfg.Features == FeaturesFreePBX {
		x.wg.Add(1)
		go x.pollFeatures(c)
	}
	reason := ""
	for reason == "" {
		select {
		case <-c.ready:
			for _, msg := range c.next() {
				if r := x.apply(msg); r != "" {
					reason = r
				}
			}
		case <-c.done():
			reason = fmt.Sprintf("lost the link to Asterisk at %s", x.cfg.Addr)
			if r := x.drain(c); r != "" {
				reason = r
			}
		case <-x.stop:
			c.close()
			return
		}
	}
	err := c.err()
	c.close()
	x.down(reason, err)
}

// apply maps one message; for Asterisk's Shutdown it returns the reason
// the link is about to go.
func (x *Exchange) apply(msg Message) string {
	if msg.Event() == "Shutdown" {
		if strings.EqualFold(msg.Get("Restart"), "True") {
			return "Asterisk is restarting"
		}
		return "Asterisk is shutting down"
	}
	x.followCustomState(msg)
	if msg.Event() == "Reload" {
		// A "dialplan reload" (or a whole "core reload", FreePBX's
		// "fwconsole reload") may add or drop extensions.
		x.refreshDialplan()
	}
	x.m.handle(msg) // its events go out through m.push
	return ""
}

// drain maps what arrived before the link went (the select may see done
// before ready) and returns Asterisk's Shutdown reason among it.
func (x *Exchange) drain(c *conn) (reason string) {
	for _, msg := range c.next() {
		if r := x.apply(msg); r != "" {
			reason = r
		}
	}
	return reason
}

// down records that the link is gone and tells desktops, once per reason.
func (x *Exchange) down(reason string, err error) {
	x.mu.Lock()
	x.c = nil
	same := x.reason == reason
	x.reason = reason
	x.mu.Unlock()
	if same {
		return
	}
	x.cfg.Log.Warn("ami: Asterisk unavailable", "reason", reason, "err", err)
	x.events.Push([]pbx.Event{x.stateEvent(false, reason)})
}

// session returns the live session for a service, or ErrUnavailable with
// the reason. done must be called when the service returns.
func (x *Exchange) session() (c *conn, done func(), err error) {
	x.mu.Lock()
	defer x.mu.Unlock()
	if x.closed {
		return nil, nil, fmt.Errorf("%w: the connector is closed", pbx.ErrUnavailable)
	}
	if x.c == nil {
		return nil, nil, fmt.Errorf("%w: %s", pbx.ErrUnavailable, x.reason)
	}
	x.wg.Add(1)
	return x.c, x.wg.Done, nil
}

// newID names the first channel of a click-to-dial (Originate's
// ChannelId), so the call's id is known before Asterisk creates it.
func (x *Exchange) newID() string {
	x.mu.Lock()
	defer x.mu.Unlock()
	x.seq++
	return fmt.Sprintf("%s%d", x.ids, x.seq)
}

// actionError turns an AMI failure into the pbx error a desktop understands.
func actionError(what string, err error) error {
	var ae *ActionError
	switch {
	case errors.As(err, &ae) && ae.Message == "Permission denied":
		return fmt.Errorf("%w: %s: the manager account lacks the permission (see docs/asterisk.md)", pbx.ErrNotSupported, what)
	case errors.As(err, &ae) && (ae.Message == "No such channel" || strings.HasPrefix(ae.Message, "Channel does not exist")):
		return fmt.Errorf("%w: %s: Asterisk says %q", pbx.ErrNoSuchCall, what, ae.Message)
	case errors.Is(err, ErrClosed):
		return fmt.Errorf("%w: %s: the link to Asterisk dropped", pbx.ErrUnavailable, what)
	default:
		return fmt.Errorf("ami: %s: %w", what, err)
	}
}
