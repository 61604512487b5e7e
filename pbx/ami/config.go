package ami

import (
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"
)

// Default ports of the Asterisk Manager Interface.
const (
	DefaultPort    = "5038"
	DefaultTLSPort = "5039"
)

// Login methods.
const (
	AuthMD5   = "md5"   // Challenge/response: the secret never crosses the wire
	AuthPlain = "plain" // Secret sent as is: only over TLS or loopback
)

// Features modes for do-not-disturb and call forwarding.
const (
	FeaturesNone    = ""        // DND and forwarding are not offered (capabilities say so)
	FeaturesFreePBX = "freepbx" // FreePBX's AstDB keys: DND/<ext> = YES, CF/<ext> = number
)

// Config configures the connector. The zero value of each optional field
// takes the default its comment names.
type Config struct {
	// Addr is Asterisk's manager address, "host:port".
	Addr string
	// TLS, when set, speaks TLS (Asterisk's manager.conf [general]
	// tlsenable, port 5039). The certificate is verified as usual.
	TLS *tls.Config
	// Username and Secret are the manager account (manager.conf section
	// and its secret). Never sent to a desktop.
	Username, Secret string
	// Auth is AuthMD5 (default: the secret is not sent) or AuthPlain.
	Auth string

	// Devices maps Deskline devices onto Asterisk endpoints.
	Devices []Device

	// Context is the dialplan context click-to-dial, transfer and deflect
	// dial in (default "from-internal", FreePBX's context for phones: a
	// call placed there is allowed what the phone itself may dial).
	Context string
	// RingTimeout is how long click-to-dial rings the user's own phone
	// before giving up (default 30s, as long as a PBX rings an extension).
	RingTimeout time.Duration
	// ActionTimeout bounds every AMI action (default 10s: Asterisk answers
	// in milliseconds; longer means the link is stuck).
	ActionTimeout time.Duration
	// DialTimeout bounds connecting and logging in (default 10s).
	DialTimeout time.Duration
	// PingInterval is how often an idle link is checked with Ping
	// (default 20s): a half-open TCP link is noticed within two intervals.
	PingInterval time.Duration
	// ReconnectMin and ReconnectMax bound the backoff between attempts to
	// reconnect (defaults 500ms and 30s: Asterisk refuses connections for
	// about half a second while it restarts).
	ReconnectMin, ReconnectMax time.Duration
	// Features selects how do-not-disturb and forwarding are stored
	// (default FeaturesNone: not offered).
	Features string
	// FeaturesPoll is how often, with FeaturesFreePBX, AstDB is read
	// again for DND and forwarding changed without an event (AstDB
	// written from the CLI, an API, another tool); changes by FreePBX's
	// feature codes arrive at once as device states (features_watch.go).
	// Default DefaultFeaturesPoll.
	FeaturesPoll time.Duration

	// QueueNames are the display names of Asterisk queues, by the queue's
	// name in queues.conf, for the pop ("Sales · waited 0:42"). Default:
	// none, each queue shows its own name (on FreePBX its number).
	QueueNames map[string]string
	// RingGroups are the extensions of ring groups (a Dial of several
	// phones; they send no queue events) with their display names ("" =
	// the extension). A call whose caller Asterisk reports at one of them
	// says so on the pop. Default: none.
	RingGroups map[string]string

	// ParkSlots are the parking spaces of Asterisk's default parking lot
	// (res_parking.conf parkpos, e.g. 701 to 720; FreePBX: 71 to 78),
	// dialable in Context to retrieve a parked call. Default: none, and
	// then park and unpark are not offered (park.go).
	ParkSlots []string

	// Log receives connection changes and skipped messages (default: discard).
	Log *slog.Logger
}

// Device is one Deskline device and the Asterisk endpoint behind it.
type Device struct {
	ID       string // Deskline's device id, e.g. "201"
	Name     string // display name, e.g. "Reception"
	Endpoint string // Asterisk technology/resource, e.g. "PJSIP/201"
	// Exten is the extension that rings the device and is stored in AstDB
	// (default: the part of Endpoint after the "/").
	Exten string
	// Phone is the phone family (PhoneYealink, …; default PhoneNone).
	// Asterisk cannot take a SIP phone off-hook or put it on hold by
	// itself, but many desk phones do so when told by a SIP NOTIFY
	// (Event: talk / hold): the family says which NOTIFY the phone
	// understands. None (the default) offers no answer, hold or retrieve
	// from the desk, because a phone that ignores the NOTIFY would leave
	// the user believing the call was answered.
	Phone string
	// AutoAnswer makes the phone answer click-to-dial's first leg by
	// itself, with the auto-answer header its family understands, so the
	// far number is dialled without the user picking up (default false:
	// a phone that answers by itself opens its speaker unasked, which
	// needs the phone configured to accept it, and the user's consent).
	// Needs a Phone family.
	AutoAnswer bool
}

// Defaults named in Config (server/config writes them out in its own
// defaults, so that example.toml and check-config show them).
const (
	DefaultContext       = "from-internal"
	DefaultRingTimeout   = 30 * time.Second
	DefaultActionTimeout = 10 * time.Second
	DefaultDialTimeout   = 10 * time.Second
	DefaultPingInterval  = 20 * time.Second
	DefaultReconnectMin  = 500 * time.Millisecond
	DefaultReconnectMax  = 30 * time.Second
	// DefaultFeaturesPoll: a change no event announces shows on the desk
	// within 30 s, at a cost of two small DBGet actions per device each
	// time (100 devices: about 7 a second, nothing to Asterisk).
	DefaultFeaturesPoll = 30 * time.Second
	// MinFeaturesPoll and MaxFeaturesPoll bound FeaturesPoll: faster would
	// load a large office's manager link for changes the device states
	// already bring at once; slower leaves a desk wrong for too long.
	MinFeaturesPoll = 5 * time.Second
	MaxFeaturesPoll = time.Hour
)

// minFeaturesPoll is MinFeaturesPoll; tests lower it (export_test.go).
var minFeaturesPoll = MinFeaturesPoll

// withDefaults returns a copy with every zero optional field set.
func (c Config) withDefaults() Config {
	set := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	set(&c.RingTimeout, DefaultRingTimeout)
	set(&c.ActionTimeout, DefaultActionTimeout)
	set(&c.DialTimeout, DefaultDialTimeout)
	set(&c.PingInterval, DefaultPingInterval)
	set(&c.ReconnectMin, DefaultReconnectMin)
	set(&c.ReconnectMax, DefaultReconnectMax)
	set(&c.FeaturesPoll, DefaultFeaturesPoll)
	if c.Context == "" {
		c.Context = DefaultContext
	}
	if c.Auth == "" {
		c.Auth = AuthMD5
	}
	if c.Log == nil {
		c.Log = slog.New(slog.DiscardHandler)
	}
	c.Devices = append([]Device(nil), c.Devices...)
	for i, d := range c.Devices {
		if d.Exten == "" {
			_, c.Devices[i].Exten, _ = strings.Cut(d.Endpoint, "/")
		}
	}
	return c
}

// Check reports every problem of the configuration at once.
func (c Config) Check() error {
	var errs []error
	add := func(format string, a ...any) { errs = append(errs, fmt.Errorf("ami: "+format, a...)) }
	if c.Addr == "" {
		add("address is empty")
	}
	if c.Username == "" {
		add("username is empty")
	}
	if c.Auth != "" && c.Auth != AuthMD5 && c.Auth != AuthPlain {
		add("auth %q is unknown (want %q or %q)", c.Auth, AuthMD5, AuthPlain)
	}
	if c.Features != FeaturesNone && c.Features != FeaturesFreePBX {
		add("features %q is unknown (want %q or empty)", c.Features, FeaturesFreePBX)
	}
	if c.FeaturesPoll != 0 && (c.FeaturesPoll < minFeaturesPoll || c.FeaturesPoll > MaxFeaturesPoll) {
		add("features_poll %s is out of range (%s to %s)", c.FeaturesPoll, minFeaturesPoll, MaxFeaturesPoll)
	}
	if c.ReconnectMax > 0 && c.ReconnectMin > c.ReconnectMax {
		add("reconnect_min %s is above reconnect_max %s", c.ReconnectMin, c.ReconnectMax)
	}
	slots := map[string]bool{}
	for i, s := range c.ParkSlots {
		if _, err := dialable(s); err != nil || slots[s] || strings.ContainsAny(s, "+ ") {
			add("park_slots[%d]: %q is not a parking space (digits, once each)", i, s)
		}
		slots[s] = true
	}
	ids, eps := map[string]bool{}, map[string]bool{}
	for i, d := range c.Devices {
		tech, res, ok := strings.Cut(d.Endpoint, "/")
		switch {
		case d.ID == "":
			add("devices[%d]: id is empty", i)
		case ids[d.ID]:
			add("devices[%d]: id %q is used twice", i, d.ID)
		}
		switch {
		case !ok || tech == "" || res == "" || strings.ContainsAny(d.Endpoint, " \t\r\n-&,"):
			add("devices[%d] (%s): endpoint %q is not technology/resource like \"PJSIP/201\"", i, d.ID, d.Endpoint)
		case eps[strings.ToLower(d.Endpoint)]:
			add("devices[%d] (%s): endpoint %q is used twice", i, d.ID, d.Endpoint)
		}
		ids[d.ID], eps[strings.ToLower(d.Endpoint)] = true, true
		for _, p := range d.PhoneProblems() {
			add("devices[%d] (%s): %s", i, d.ID, p.Reason)
		}
	}
	return errors.Join(errs...)
}
