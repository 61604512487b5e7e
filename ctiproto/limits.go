package ctiproto

import "time"

// Size limits. Lengths are in bytes of UTF-8, counted after JSON escapes are
// decoded. Decode enforces every one of them, so a server and a client that
// both use this package agree on what is too big.
const (
	// DefaultMaxMessageBytes bounds a frame from a client. The largest
	// legitimate request (a hello with a long password and a resume) is
	// under 2 KiB; 64 KiB leaves room and still stops a client from making
	// the server buffer and parse megabytes. Servers may configure another
	// limit and pass it to DecodeRequest.
	DefaultMaxMessageBytes = 64 << 10

	// MaxServerMessageBytes bounds a frame from the server. A welcome or a
	// snapshot result lists every call in progress at the user's devices,
	// which can outgrow 64 KiB at a busy reception; clients must accept
	// frames up to this size.
	MaxServerMessageBytes = 1 << 20

	// MaxIDLength bounds request ids, session ids and epochs: the server
	// echoes ids and logs them, so they stay short.
	MaxIDLength = 64

	// MaxFieldLength bounds device and call ids. Extensions are a few
	// digits and exchange call ids a few dozen characters.
	MaxFieldLength = 64

	// MaxNumberLength bounds telephone numbers (to, forward_to, number).
	// An E.164 number has at most 15 digits; the rest is room for
	// formatting and for a SIP URI taken from a sip: link.
	MaxNumberLength = 128

	// MaxUserLength bounds a user name (a login, often a mail address).
	MaxUserLength = 128

	// MaxPasswordLength bounds a password. Long enough for any passphrase a
	// password manager makes, short enough that a login cannot make the
	// server hash megabytes.
	MaxPasswordLength = 1024

	// MaxTokenLength bounds a device token. Tokens are 256-bit random values
	// in base64url (43 characters); the rest is room for a prefix or a
	// longer token in a later server without changing the protocol.
	MaxTokenLength = 256

	// MaxClientLength bounds the free-text client description in hello,
	// which the server shows to administrators and writes to its log.
	MaxClientLength = 256

	// MaxWatchDevices bounds the device list of one watch. A switchboard
	// that watches more leaves the list out (every device it may); a list
	// is for a team's few dozen colleagues, and the bound keeps one
	// request from costing the server more than a snapshot.
	MaxWatchDevices = 1000

	// MaxNoteLength bounds a call's note: a line a receptionist types
	// for the colleague she transfers to ("wants the March invoice").
	// It travels on every event of the call, so it stays short.
	MaxNoteLength = 500

	// MaxTextLength bounds every other text: names, error messages,
	// reasons. Caller-id names are far shorter; the bound only stops abuse.
	MaxTextLength = 1024
)

// Protocol defaults. The server's configuration may change the ones marked
// configurable; it tells clients the values it uses in Welcome.Limits.
const (
	// HelloTimeout is how long the server waits for the first frame (a
	// hello) before it closes the connection with CloseProtocolError.
	HelloTimeout = 10 * time.Second

	// DefaultTokenLifetime is how long a device token is valid after the
	// password login that issued it (configurable).
	DefaultTokenLifetime = 30 * 24 * time.Hour

	// DefaultCommandsPerSecond and DefaultCommandBurst form the token
	// bucket that limits a connection's commands (configurable). A person
	// clicks far slower; a runaway client is told rate-limited.
	DefaultCommandsPerSecond = 20
	DefaultCommandBurst      = 40

	// DefaultSendQueue is how many messages the server queues for one
	// connection before it drops it as a slow consumer (configurable). A
	// slow client must never hold up the events of others.
	DefaultSendQueue = 256

	// DefaultPingInterval is how often the server sends WebSocket pings;
	// DefaultPongTimeout is how long it waits for any frame or pong before
	// it considers the connection dead.
	DefaultPingInterval = 30 * time.Second
	DefaultPongTimeout  = 60 * time.Second

	// DefaultEventLog is how many of a user's latest events the server
	// keeps for resume (configurable).
	DefaultEventLog = 1024
)
