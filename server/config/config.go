// Package config reads, checks and documents the Deskline server's TOML
// configuration. Parse starts from Default and applies a file on top; every
// problem is reported with the file and line it is on, all at once, so an
// administrator fixes a config in one pass rather than one error per start.
//
// example.toml in this package is the annotated reference (ExampleFile);
// demo.toml a ready-to-run demo office on the simulated exchange (Demo).
package config

import "time"

// Config is the whole server configuration. The defaults are those of
// Default; the doc comment of each field says why.
type Config struct {
	// Listen is the address the WebSocket and HTTP server listens on
	// (default "127.0.0.1:8720": loopback, so a fresh install is not
	// exposed to the network until the administrator says so).
	Listen string `toml:"listen"`
	// StateDir holds state that must survive a restart: the token hashes
	// (tokens.json). Default "": memory only, every client logs in again
	// after a restart. A relative path is relative to the config file.
	// An existing directory that group or others may write to is refused
	// (CheckStateDirMode).
	StateDir string `toml:"state_dir"`
	// AllowedOrigins lists the browser origins ("https://crm.example.com")
	// whose web pages may open the WebSocket. Desktop apps send no Origin
	// and are always let in; an upgrade whose Origin is not listed is
	// refused (HTTP 403), so a page in an employee's browser cannot log in
	// to the LAN server. Default empty: every browser origin is refused.
	AllowedOrigins []string `toml:"allowed_origins"`

	TLS      TLS      `toml:"tls"`
	Exchange Exchange `toml:"exchange"`
	Users    []User   `toml:"users"`
	// WatchGroups say which users may watch which devices' presence
	// (default none: every user sees their own devices only, as without
	// presence; watching is granted, never assumed).
	WatchGroups []WatchGroup `toml:"watch_groups"`
	Tokens      Tokens       `toml:"tokens"`
	Login       Login        `toml:"login"`
	Limits      Limits       `toml:"limits"`
	SimAPI      SimAPI       `toml:"sim_api"`
	Log         Log          `toml:"log"`
	// Admin: the operators' listener (/metrics).
	Admin Admin `toml:"admin"`
	// Switchboard: pickup, consult transfer, park (switchboard.go).
	Switchboard Switchboard `toml:"switchboard"`
	// Directory: the company directory's address books (directory.go).
	Directory Directory `toml:"directory"`
	// Cluster: several nodes on NATS JetStream (cluster.go); off by default.
	Cluster Cluster `toml:"cluster"`

	src *source // the file the config was parsed from; nil when built in code
}

// Admin is the listener for operators, apart from the desks' one: it
// serves the Prometheus metrics (GET /metrics), which name the directory's
// books and count the logins, so it is not for the office network.
type Admin struct {
	// Listen is its address, host:port (default "127.0.0.1:8721":
	// loopback, so the metrics and the directory's details are not on
	// the office network unless the administrator says so; a Prometheus
	// on another machine needs e.g. "0.0.0.0:8721" and a firewall).
	// "" turns the admin listener off.
	Listen string `toml:"listen"`
}

// TLS makes the server speak wss:// and https:// only. Both or neither of
// Cert and Key must be set (default: neither, plain ws:// — fine on
// loopback or behind a TLS-terminating proxy). Relative paths are relative
// to the config file.
type TLS struct {
	Cert string `toml:"cert"` // PEM certificate chain
	Key  string `toml:"key"`  // PEM private key
}

// Enabled reports whether TLS is configured.
func (t TLS) Enabled() bool { return t.Cert != "" && t.Key != "" }

// Exchange types.
const (
	ExchangeSim = "sim" // the embedded simulated exchange (pbx/sim)
	ExchangeAMI = "ami" // Asterisk (and FreePBX) through the Asterisk Manager Interface (pbx/ami)
)

// Exchange selects the telephone system the server is linked to.
type Exchange struct {
	// Type is "sim" (default: runs with nothing else installed, for demos,
	// tests and trying Deskline out) or "ami" (Asterisk, FreePBX). Only the
	// selected type's section is used.
	Type string `toml:"type"`
	Sim  Sim    `toml:"sim"`
	AMI  AMI    `toml:"ami"`
}

// Sim configures the simulated exchange.
type Sim struct {
	// NoAnswerTimeout is how long a call rings before it fails with
	// no-answer (default 30s, as long as a typical PBX rings an extension
	// before giving up).
	NoAnswerTimeout time.Duration `toml:"no_answer_timeout"`
	// ExternalAnswerAfter is how long an external number rings before it
	// answers, unless it has its own answer_after (default 2s: long enough
	// to see the ringing state in a click-to-dial demo).
	ExternalAnswerAfter time.Duration `toml:"external_answer_after"`

	Devices   []SimDevice   `toml:"devices"`
	Groups    []SimGroup    `toml:"groups"`
	Externals []SimExternal `toml:"externals"`

	// ParkSlots are the park slots calls can be parked in (e.g. ["701",
	// "702"]): numbers like extensions, not used by a device or group.
	// Default: none, and park is greyed out.
	ParkSlots []string `toml:"park_slots"`
	// ParkTime is how long a call stays parked before it rings back the
	// device that parked it (default 45s, Asterisk's parkingtime: long
	// enough to walk to another phone, short enough that nobody is
	// forgotten). 5s to 1h.
	ParkTime time.Duration `toml:"park_time"`
}

// SimDevice is an extension of the simulated exchange and how the simulated
// person at it behaves.
type SimDevice struct {
	ID   string `toml:"id"`   // extension number: 1 to 8 digits
	Name string `toml:"name"` // display name of the extension
	// AnswerAfter answers calls ringing at the device after this long.
	// 0 (default, "" in the file): only when told to — by the client's
	// answer button or the sim API, as a person would.
	AnswerAfter time.Duration `toml:"answer_after"`
	// PickupAfter lifts the handset this long after click-to-dial rang the
	// device. 0 (default): only when told to.
	PickupAfter time.Duration `toml:"pickup_after"`
	Busy        bool          `toml:"busy"`         // every call to it fails with busy
	NeverAnswer bool          `toml:"never_answer"` // calls ring until no_answer_timeout
	Reject      bool          `toml:"reject"`       // calls are rejected at once
	// Registered says whether a phone is registered (default true; false
	// simulates an unplugged phone).
	Registered bool `toml:"registered"`
}

// SimGroup is a ring group: calling Number rings all Members at once.
type SimGroup struct {
	Number  string   `toml:"number"`  // 1 to 8 digits, not a device id
	Name    string   `toml:"name"`    // shown as the called party
	Members []string `toml:"members"` // device ids
}

// SimExternal is an outside number with scripted behaviour. Numbers not
// listed answer after ExternalAnswerAfter.
type SimExternal struct {
	Number string `toml:"number"` // as dialled: digits with an optional leading +
	// AnswerAfter is how long it rings before answering ("" in the file:
	// exchange.sim.external_answer_after; "0s": at once).
	AnswerAfter time.Duration `toml:"answer_after"`
	Busy        bool          `toml:"busy"`
	NeverAnswer bool          `toml:"never_answer"`
	Reject      bool          `toml:"reject"`
}

// User is a person who may log in.
type User struct {
	Name        string `toml:"name"`         // login name
	DisplayName string `toml:"display_name"` // shown in the app
	// PasswordHash is a bcrypt hash from "deskline-server hash-password".
	// A plaintext password is refused.
	PasswordHash string   `toml:"password_hash"`
	Devices      []string `toml:"devices"` // extensions this user controls; one owner per device
	// Groups are free labels ("sales", "board") that directory books
	// name to say who may see them (DirectoryBook.Groups). Default none:
	// the user sees the books without groups.
	Groups []string `toml:"groups"`
}

// WatchGroup lets Users watch the presence of Devices: a switchboard sees
// who is free before she transfers. A user in several groups may watch
// every device of each, and sees the parties of a device where any of
// their groups with it allows that.
type WatchGroup struct {
	Name  string   `toml:"name"`  // names the group in messages; unique
	Users []string `toml:"users"` // user names, from [[users]]
	// Devices are the device ids the users may watch, or "*" (alone) for
	// every device of the exchange.
	Devices []string `toml:"devices"`
	// ShowParties lets the users see who is calling or talking with a
	// watched device: the other party's number and name (default false:
	// the state only — a colleague's callers are personal data that the
	// watchers' work does not always need, so it takes a decision here).
	ShowParties bool `toml:"show_parties"`
	// Reception marks the users as a reception: their desks open the
	// switchboard by default (welcome `reception`). Default false: a team
	// that watches its members keeps its small desk; the user may turn
	// the switchboard on or off either way. It grants nothing more.
	Reception bool `toml:"reception"`
}

// AllDevices is the Devices entry of a WatchGroup that means every device.
const AllDevices = "*"

// Tokens configures the device tokens a client gets at login.
type Tokens struct {
	// Lifetime of a token (default 720h, 30 days: a desk phone app should
	// not ask for the password more than about monthly; a token on a lost
	// laptop still dies on its own).
	Lifetime time.Duration `toml:"lifetime"`
}

// Login configures password-guessing throttling.
type Login struct {
	// MaxFailures failed logins for one user name from one address, or
	// from one address for any names, within FailureWindow lock further
	// attempts from there out (default 5: enough for typos, few for
	// guessing). As many for one user name from anywhere only slow
	// attempts from addresses the user has not logged in from (one per
	// FailureWindow/MaxFailures): an attacker elsewhere cannot lock a
	// person out of their own desk.
	MaxFailures int `toml:"max_failures"`
	// FailureWindow is the counting window and the first lockout's length
	// (default 1m); repeated lockouts double, up to 15 minutes.
	FailureWindow time.Duration `toml:"failure_window"`
}
