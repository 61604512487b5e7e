package config

import "time"

// Limits are the server's hard limits per connection and overall. Each
// default is sized for one server holding many thousand desktops.
type Limits struct {
	// MaxMessageBytes is the largest frame a client may send (default
	// 65536: commands are a few hundred bytes; room to spare, but a
	// client cannot make the server buffer megabytes). 1 KiB to 1 MiB.
	MaxMessageBytes int `toml:"max_message_bytes"`
	// SendQueue is how many messages may wait for one client before it
	// counts as a slow consumer and is dropped to resume later (default
	// 256: a burst of call events is tens of messages). 16 to 65536.
	SendQueue int `toml:"send_queue"`
	// CommandsPerSecond is each connection's sustained command rate
	// (default 20: a person clicks far less; a runaway script is cut off).
	CommandsPerSecond int `toml:"commands_per_second"`
	// CommandBurst is how many commands may come at once (default 40).
	CommandBurst int `toml:"command_burst"`
	// EventLog is how many events are kept per user for resuming after a
	// reconnect (default 1024: an hour or more of a busy reception's
	// events, at about 0.5 KB of memory each; older gaps get a fresh
	// snapshot instead).
	EventLog int `toml:"event_log"`
	// PingInterval is how often the server pings an idle client (default
	// 30s: below the 60s idle timeout common in NATs and proxies).
	PingInterval time.Duration `toml:"ping_interval"`
	// PongWait is how long without a pong before a client is dropped
	// (default 60s: two ping intervals; must exceed ping_interval).
	PongWait time.Duration `toml:"pong_wait"`
	// WriteWait is how long one write to a client may take (default 10s).
	WriteWait time.Duration `toml:"write_wait"`
	// HelloTimeout is how long a new connection has to send its hello
	// (default 10s: idle sockets must not pile up), and how long a plain
	// HTTP request (sim API, /healthz) has to deliver its body.
	HelloTimeout time.Duration `toml:"hello_timeout"`
	// MaxConnections caps concurrent WebSocket connections (default 20000:
	// a large site, within one server's file descriptors and memory).
	MaxConnections int `toml:"max_connections"`
	// MaxSessionsPerToken caps the connections logged in with one device
	// token (default 8: one desktop has one, plus a few old connections
	// a network stall left waiting for their keep-alive to time out; a
	// stolen or scripted token cannot open thousands, each costing memory
	// and a copy of every event). 1 to 10000.
	MaxSessionsPerToken int `toml:"max_sessions_per_token"`
	// MaxSessionsPerUser caps a user's connections over all their tokens
	// (default 32: a person's desk, laptop and phone apps with room for
	// reconnects; a user's events are sent once per connection). 1 to
	// 100000.
	MaxSessionsPerUser int `toml:"max_sessions_per_user"`
	// PreLoginShare is the percentage of MaxConnections that connections
	// still waiting for their hello may hold (default 25: a whole site
	// reconnecting after a restart says hello within moments, while
	// sockets that never do cannot crowd out the desks; at least 3/4 of
	// the cap is always left for logged-in desks). 1 to 100.
	PreLoginShare int `toml:"prelogin_share"`
	// MaxPreLoginPerAddress caps connections waiting for their hello from
	// one address (IPv6: one /64) (default 256: an office behind one NAT
	// address reconnecting at once has far fewer waiting at any moment,
	// as a token hello takes milliseconds). When the pre-login share is
	// full, a newcomer from a less busy address displaces the oldest
	// waiting connection of the busiest one. 1 to 1000000.
	MaxPreLoginPerAddress int `toml:"max_prelogin_per_address"`
}

// SimAPI is the HTTP control API of the simulated exchange (/v1/sim/…),
// served only when exchange.type is "sim".
type SimAPI struct {
	// Enabled serves the API (default true: the simulated exchange is for
	// demos and tests, which need a way to make calls ring).
	Enabled bool `toml:"enabled"`
	// AdminTokenHash is the hex SHA-256 of an admin token that remote
	// callers send as "Authorization: Bearer …". Default "": loopback
	// clients only.
	AdminTokenHash string `toml:"admin_token_hash"`
}

// Log configures the server log.
type Log struct {
	// Level is debug, info (default: one line per connection and per
	// problem), warn or error.
	Level string `toml:"level"`
	// Format is text (default: for people and journald) or json (for log
	// collectors).
	Format string `toml:"format"`
}
