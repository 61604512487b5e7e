// Package auth checks passwords, issues and verifies device tokens, and
// throttles password guessing for the Deskline CTI server.
//
// A tray app logs in once with user name and password; it gets a device
// token (32 random bytes) that it keeps in the OS keyring and presents on
// every later connect. Passwords exist here only as slow (bcrypt) hashes;
// tokens only as SHA-256 hashes, in memory and in the optional store file
// or, in a cluster, in the nodes' shared bucket (see Shared).
package auth

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"
)

// User is a person who may log in and the devices they control.
type User struct {
	Name         string   // login name, unique
	DisplayName  string   // shown in the app
	PasswordHash string   // bcrypt hash (see HashPassword)
	Devices      []string // extensions this user sees and controls
}

// Options tune an Auth. Zero fields take the documented defaults.
type Options struct {
	// TokenLifetime is how long a device token is valid (default 720h,
	// 30 days): long enough that a desk app asks for the password rarely,
	// short enough that a token on a lost laptop dies on its own.
	TokenLifetime time.Duration
	// MaxFailures is how many failed logins for a user name at a remote
	// address, or from an address, within FailureWindow lock further
	// attempts from there out (default 5). As many for a user name from
	// anywhere only slow attempts from addresses not trusted for that
	// user (see throttle).
	MaxFailures int
	// FailureWindow is the window failures are counted in and the first
	// lockout's length (default 1m). Failures soon after a lockout lock
	// again for twice as long, up to 15 minutes.
	FailureWindow time.Duration
	// StorePath is the file the token hashes persist in across restarts,
	// written 0600 via temp file and rename. "" keeps tokens in memory only.
	StorePath string
	// Now is the clock (default time.Now); tests inject their own.
	Now func() time.Time
	// Shared, when set, is the state shared with the other nodes of a
	// cluster: tokens and failed logins (see Shared). StorePath is then
	// not used: the cluster keeps the tokens.
	Shared Shared
}

// Defaults for Options.
const (
	DefaultTokenLifetime = 30 * 24 * time.Hour
	DefaultMaxFailures   = 5
	DefaultFailureWindow = time.Minute
)

func (o Options) withDefaults() Options {
	if o.TokenLifetime <= 0 {
		o.TokenLifetime = DefaultTokenLifetime
	}
	if o.MaxFailures <= 0 {
		o.MaxFailures = DefaultMaxFailures
	}
	if o.FailureWindow <= 0 {
		o.FailureWindow = DefaultFailureWindow
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return o
}

// Grant is the outcome of a successful Login, Verify or Refresh.
type Grant struct {
	User    *User     // shared with Auth: read it, do not modify it
	TokenID string    // first 16 hex digits of the token's hash: loggable, not secret
	Token   string    // the token itself; set only by Login and Refresh
	Expires time.Time // when the token stops being valid
}

// account is a configured user with the decoded hash.
type account struct {
	user *User
	hash []byte
}

// Auth holds the users, the issued tokens and the login throttle. It is safe
// for concurrent use: one RWMutex guards all state, and Verify, the hot path
// on every connect, takes it only for reading.
type Auth struct {
	opts     Options
	accounts map[string]*account
	dummy    []byte // compared against for unknown user names

	mu       sync.RWMutex
	tokens   map[tokenHash]*token
	throttle *throttle

	save     saver // writes of the store file
	warnings []string

	// With Options.Shared (see shared.go); tombs and outgoing under mu.
	shared      Shared
	tombs       map[tokenHash]time.Time            // deleted here, not yet seen deleted by the mirror
	outgoing    []sharedChange                     // token changes not yet written through
	sendMu      sync.Mutex                         // one writer through at a time
	lookups     chan struct{}                      // token reads on a miss running now
	trustWrites chan struct{}                      // trust writes running now
	onRevoke    atomic.Pointer[func(ids []string)] // see SetOnRevoke
	warned      atomic.Int64                       // when warnShared last logged (Unix ns)
	unwarned    atomic.Int64                       // warnings left out since
}

// New returns an Auth for users. With opts.StorePath set it loads the tokens
// saved there; a store file it cannot parse is renamed aside
// (".corrupt-<time>") and New starts without those tokens, reporting this in
// Warnings. With opts.Shared set it loads the cluster's tokens instead and
// keeps mirroring them (see Shared).
func New(users []User, opts Options) (*Auth, error) {
	opts = opts.withDefaults()
	accounts, err := newAccounts(users)
	if err != nil {
		return nil, err
	}
	dummy, err := dummyHash(accounts)
	if err != nil {
		return nil, err
	}
	a := &Auth{
		opts:     opts,
		accounts: accounts,
		dummy:    dummy,
		tokens:   make(map[tokenHash]*token),
		throttle: newThrottle(opts.MaxFailures, opts.FailureWindow),
		shared:   opts.Shared,
	}
	if err := a.openShared(); err != nil {
		return nil, err
	}
	if err := a.openStore(); err != nil {
		return nil, err
	}
	return a, nil
}

func newAccounts(users []User) (map[string]*account, error) {
	accounts := make(map[string]*account, len(users))
	for i, u := range users {
		if u.Name == "" {
			return nil, fmt.Errorf("auth: user %d has no name", i)
		}
		if _, dup := accounts[u.Name]; dup {
			return nil, fmt.Errorf("auth: user %q configured twice", u.Name)
		}
		if err := CheckHash(u.PasswordHash); err != nil {
			return nil, fmt.Errorf("auth: user %q: %w", u.Name, err)
		}
		u.Devices = append([]string(nil), u.Devices...) // own copy
		accounts[u.Name] = &account{user: &u, hash: []byte(u.PasswordHash)}
	}
	return accounts, nil
}

// openStore creates the store's directory and loads the store, if any.
func (a *Auth) openStore() error {
	if a.opts.StorePath == "" {
		return nil
	}
	if err := os.MkdirAll(filepath.Dir(a.opts.StorePath), 0o700); err != nil {
		return fmt.Errorf("auth: token store: %w", err)
	}
	err := a.load()
	var corrupt *corruptError
	if errors.As(err, &corrupt) {
		return a.moveAside(corrupt)
	}
	return err
}

// User returns the configured user called name, or nil.
func (a *Auth) User(name string) *User {
	if acc := a.accounts[name]; acc != nil {
		return acc.user
	}
	return nil
}

// Warnings returns what New had to repair (a corrupt store file moved aside).
// The server should log them.
func (a *Auth) Warnings() []string {
	return append([]string(nil), a.warnings...)
}
