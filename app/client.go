package app

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"

	"github.com/deskline/deskline/app/journal"
	"github.com/deskline/deskline/app/tokens"
	"github.com/deskline/deskline/contacts"
	"github.com/deskline/deskline/ctiproto"
)

// Options configure a Client. ServerURL, User and Numbers are required.
type Options struct {
	ServerURL string // ws://host:port/v1/ws or wss://…
	// ServerURLs are further addresses of the same Deskline cluster, tried
	// in turn after ServerURL (servers.go). The device token is kept under
	// ServerURL alone: every node of the cluster accepts it.
	ServerURLs []string
	User       string
	// CAFile is a PEM file of extra certificate authorities for wss:// (a
	// company CA). Certificates are always verified.
	CAFile string
	// Tokens keeps the device token. Default: the OS keyring; where there
	// is none, tokens live for this run only and State.Keyring says why.
	Tokens tokens.Store
	// Memory keeps the token when the keyring cannot, for this run only.
	// Default: the client's own. A desk rebuilt after new settings passes
	// the process's (see OpenDesk), so saving a setting does not cost the
	// user another login.
	Memory *tokens.Memory
	// Numbers normalises every number the user dials or sees (required).
	Numbers *contacts.Normalizer
	// Directory matches callers to contacts (optional).
	Directory *contacts.Directory
	// Journal records every call (optional).
	Journal *journal.Journal
	// Device is the phone click-to-dial rings first (Settings.DialDevice;
	// SetDialDevice changes it). Default: the user's first registered
	// phone.
	Device string
	// ClientName is sent in the hello (shown in server logs).
	ClientName string
	Log        *slog.Logger
	// MinBackoff and MaxBackoff bound the wait between reconnects
	// (default defaultMinBackoff and defaultMaxBackoff, each wait with
	// ±20 % jitter so a thousand desktops do not all knock at once after a
	// server restart).
	MinBackoff, MaxBackoff time.Duration
	// PingInterval is how often the client checks the link (default: the
	// interval the server announces). A link silent for two intervals is
	// dead and is replaced.
	PingInterval time.Duration
	// LookupHost resolves a server's host name to its addresses (default:
	// the system resolver); tests give a cluster name of their own.
	LookupHost func(ctx context.Context, host string) ([]string, error)
}

// Timeouts of the session.
const (
	dialTimeout    = 10 * time.Second // TCP, TLS and WebSocket handshake
	welcomeTimeout = 15 * time.Second // from hello to welcome (bcrypt on a busy server)
	commandTimeout = 15 * time.Second // a command's reply, when the caller set no deadline
	writeWait      = 10 * time.Second // one frame to the server
	defaultPing    = 30 * time.Second // when the server announces none
	// defaultMinBackoff is the first wait after a failed attempt.
	defaultMinBackoff = time.Second
	// defaultMaxBackoff caps the wait between attempts, so a desk is back
	// 1.5 s on average (at most 3.6 s) after its server is: the user is
	// waiting to take calls. Knocking every 3 s costs a server that is down
	// nothing (a refused connect), and one that is up sheds a storm with
	// CloseSlowConsumer or throttles logins, both of which the client obeys.
	defaultMaxBackoff = 3 * time.Second
	// maxServerFrame is the largest frame accepted from the server
	// (PROTOCOL.md: clients accept up to 1 MiB).
	maxServerFrame = ctiproto.MaxServerMessageBytes
)

// Client is the tray app's session with the CTI server. Create it with
// New, run it with Run, watch it with Subscribe, act through its methods.
// Safe for concurrent use.
type Client struct {
	opts   Options
	log    *slog.Logger
	dialer websocket.Dialer
	nodes  *servers // the addresses and the order they are tried in; the run loop's
	tokens tokens.Store
	memory *tokens.Memory // the fallback when the keyring fails
	wake   chan struct{}

	mu       sync.Mutex // owns every field below
	state    State
	cs       *ctiproto.CallState
	epoch    string
	seq      uint64
	link     *link
	password string       // typed by the user, kept until it is accepted or refused
	pwGen    uint64       // numbers the passwords: only the attempt that sent one answers for it
	waiters  []chan error // Login calls waiting for the outcome
	stopped  bool         // Run has returned: nothing will answer a Login
	running  bool         // a Run is active: a second one is refused
	rejected string       // a token the server refused: never sent again
	// notBefore is when the server allows the next login (throttled).
	notBefore   time.Time
	lastRefresh time.Time // when the device token was last renewed
	lostAt      time.Time // when the last link ended
	subs        map[chan State]struct{}
	records     map[ctiproto.ConnKey]*callRecord
	failed      []journal.Entry       // State.Failed: the user's calls that never connected, oldest first
	resync      *resync               // a snapshot is on its way (a gap in seq was seen)
	onEvent     func(*ctiproto.Event) // tests: sees every event applied
	onStatus    func(Status, string)  // tests: sees every status change
	dialPref    string                // the phone click-to-dial rings first, "" = automatic (dialdevice.go)
	watch       watched               // colleagues' presence and queues (presence.go)
	consult     *Consultation         // the user's announced transfer (switchboard_actions.go)
	recalls     map[string]recall     // parked calls ringing back at the user's phones, by call
	photos      photoCache            // directory photos (photos.go), under its own lock

	// missed is the journal's unseen missed calls, kept outside mu: the
	// journal writes to disk under its own lock, and a slow disk must not
	// freeze the client.
	missed atomic.Int64
}

// New checks the options and builds a client; Run starts it.
func New(opts Options) (*Client, error) {
	urls, err := serverURLs(opts)
	if err != nil {
		return nil, err
	}
	if opts.User == "" {
		return nil, &OptionError{Field: "user", Reason: "no user name"}
	}
	if opts.Numbers == nil {
		return nil, errors.New("app: no number normaliser")
	}
	tlsConf, err := tlsConfig(opts.CAFile)
	if err != nil {
		return nil, err
	}
	if opts.Log == nil {
		opts.Log = slog.Default()
	}
	if opts.MinBackoff <= 0 {
		opts.MinBackoff = defaultMinBackoff
	}
	if opts.MaxBackoff <= 0 {
		opts.MaxBackoff = defaultMaxBackoff
	}
	if opts.Memory == nil {
		opts.Memory = tokens.NewMemory()
	}
	c := &Client{
		opts: opts, log: opts.Log, tokens: opts.Tokens, memory: opts.Memory, dialPref: opts.Device,
		wake:    make(chan struct{}, 1),
		cs:      ctiproto.NewCallState(nil, nil),
		subs:    make(map[chan State]struct{}),
		records: make(map[ctiproto.ConnKey]*callRecord),
		state:   State{Status: StatusConnecting, User: opts.User, Capabilities: map[string]bool{}},
		dialer: websocket.Dialer{
			Subprotocols:     ctiproto.Subprotocols,
			HandshakeTimeout: dialTimeout,
			TLSClientConfig:  tlsConf,
			Proxy:            websocket.DefaultDialer.Proxy,
		},
	}
	c.nodes = newServers(urls, opts.LookupHost, c.dialer.Proxy)
	if c.tokens == nil {
		c.tokens = tokens.NewKeyring()
	}
	if j := opts.Journal; j != nil {
		c.missed.Store(int64(j.UnseenMissed()))
		j.Subscribe(func() { // called by the journal outside its lock
			c.missed.Store(int64(j.UnseenMissed()))
			c.mu.Lock()
			c.publishLocked()
			c.mu.Unlock()
		})
	}
	return c, nil
}

// serverURLs checks ServerURL and ServerURLs and lists them, ServerURL
// first.
func serverURLs(opts Options) ([]string, error) {
	urls := append([]string{opts.ServerURL}, opts.ServerURLs...)
	for i, raw := range urls {
		u, err := url.Parse(raw)
		if err == nil && (u.Scheme == "ws" || u.Scheme == "wss") && u.Host != "" {
			continue
		}
		field := "server_url"
		if i > 0 {
			field = fmt.Sprintf("server_urls[%d]", i-1)
		}
		return nil, &OptionError{Field: field, Reason: fmt.Sprintf("%q: want ws://host:port/v1/ws or wss://…", raw)}
	}
	return urls, nil
}

// tlsConfig trusts the system's CAs plus, if given, those in caFile.
func tlsConfig(caFile string) (*tls.Config, error) {
	if caFile == "" {
		return nil, nil
	}
	pem, err := os.ReadFile(caFile)
	if err != nil {
		return nil, &OptionError{Field: "ca_file", Err: err}
	}
	pool, err := x509.SystemCertPool()
	if err != nil {
		pool = x509.NewCertPool()
	}
	if !pool.AppendCertsFromPEM(pem) {
		return nil, &OptionError{Field: "ca_file", Reason: caFile + " holds no PEM certificate"}
	}
	return &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}, nil
}

// Subscribe returns a channel that receives the state at once and after
// every change. Only the latest state waits in it: a slow UI skips
// intermediate states, never sees an old one after a new one. cancel
// stops the subscription.
func (c *Client) Subscribe() (<-chan State, func()) {
	ch := make(chan State, 1)
	c.mu.Lock()
	c.subs[ch] = struct{}{}
	ch <- c.state.clone()
	c.mu.Unlock()
	return ch, func() {
		c.mu.Lock()
		delete(c.subs, ch)
		c.mu.Unlock()
	}
}

// State returns the current state.
func (c *Client) State() State {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.state.clone()
}

// publishLocked rebuilds the derived state and hands it to subscribers.
// Called with c.mu held.
func (c *Client) publishLocked() {
	c.rebuildLocked()
	for ch := range c.subs {
		select {
		case <-ch: // drop the stale one
		default:
		}
		ch <- c.state.clone() // each subscriber its own copy
	}
}

// setStatus records the link state and why.
func (c *Client) setStatus(st Status, reason string, retryAt time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.state.Status, c.state.Reason, c.state.RetryAt = st, reason, retryAt
	if st != StatusConnecting { // an attempt keeps showing why the last failed
		c.state.Problem = nil
	}
	if c.onStatus != nil {
		c.onStatus(st, reason)
	}
	c.publishLocked()
}

// Login logs in with the user's password: the next connection uses it,
// and the device token it earns is kept (in the keyring) for later
// starts. It returns when the server has accepted or refused it.
func (c *Client) Login(ctx context.Context, password string) error {
	if password == "" {
		return ErrEmptyPassword
	}
	for _, u := range c.nodes.urls { // the password may go to any of them
		if err := ctiproto.CheckPasswordURL(u); err != nil {
			return &PasswordURLError{URL: u, Err: err}
		}
	}
	done := make(chan error, 1)
	c.mu.Lock()
	if c.stopped {
		c.mu.Unlock()
		return ErrStopped
	}
	if wait := time.Until(c.notBefore); wait > 0 {
		c.mu.Unlock()
		return &ActionError{Action: "login", Code: ctiproto.CodeThrottled, RetryAfterMS: int(wait.Milliseconds()) + 1}
	}
	c.password = password
	c.pwGen++
	gen := c.pwGen
	c.waiters = append(c.waiters, done)
	live := c.link
	c.mu.Unlock()
	if live != nil {
		live.closeWith(errDeliberate) // log in again on a fresh connection
	}
	c.poke()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		c.mu.Lock()
		if c.pwGen == gen { // the user gave up: do not log in behind their back
			c.password = ""
		}
		c.mu.Unlock()
		return ctx.Err()
	}
}

// finishLogin tells waiting Login calls the outcome. Called with c.mu held.
func (c *Client) finishLoginLocked(err error) {
	for _, w := range c.waiters {
		w <- err
	}
	c.waiters = nil
}

// poke wakes the run loop (a login, a reconnect request).
func (c *Client) poke() {
	select {
	case c.wake <- struct{}{}:
	default:
	}
}

// drainWake forgets a wake-up the run loop has not taken.
func (c *Client) drainWake() {
	select {
	case <-c.wake:
	default:
	}
}

// Logout revokes this computer's device token on the server, forgets it
// here and waits for a new login. When the server cannot be reached the
// token is still forgotten here, and the error says it stays valid on the
// server until it expires or is revoked from another desk.
func (c *Client) Logout(ctx context.Context) error {
	_, err := c.request(ctx, &ctiproto.RevokeToken{})
	var ce *websocket.CloseError
	if errors.As(err, &ce) || errors.Is(err, ErrConnectionLost) {
		err = nil // the server closes the link right after revoking
	}
	c.rejectToken(c.token())
	c.mu.Lock()
	if c.link != nil {
		c.link.closeWith(errDeliberate)
	}
	c.cs = ctiproto.NewCallState(nil, nil)
	c.records = make(map[ctiproto.ConnKey]*callRecord)
	c.epoch, c.seq = "", 0
	c.state.Status, c.state.Reason = StatusLoginRequired, "logged out"
	c.publishLocked()
	c.mu.Unlock()
	if err != nil {
		return &LogoutError{Err: err}
	}
	return nil
}
