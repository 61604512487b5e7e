// Package ctiproto is Deskline's wire protocol, versions 1 and 2: JSON
// text frames on one WebSocket at /v1/ws. PROTOCOL.md beside this file is the normative
// spec; this package holds the message types, the codec, validation, limits
// and the error and close codes. Of Deskline it imports only internal/cut.
package ctiproto

import "time"

// Version and transport names.
const (
	// SubprotocolV1 and SubprotocolV2 name the versions as WebSocket
	// subprotocols. v2 is v1 plus optional members (V2Members).
	SubprotocolV1 = "deskline.v1"
	SubprotocolV2 = "deskline.v2"
	// Subprotocol is the version this package speaks in full.
	Subprotocol = SubprotocolV2
	// Path is where the server accepts WebSocket connections.
	Path = "/v1/ws"
)

// Client → server message types.
const (
	TypeHello         = "hello"
	TypeMakeCall      = "make-call"
	TypeAnswer        = "answer"
	TypeClear         = "clear"
	TypeHold          = "hold"
	TypeRetrieve      = "retrieve"
	TypeTransfer      = "transfer"
	TypeDeflect       = "deflect"
	TypeSetDND        = "set-dnd"
	TypeSetForwarding = "set-forwarding"
	TypeSnapshot      = "snapshot"
	TypePing          = "ping"
	TypeRefreshToken  = "refresh-token"
	TypeRevokeToken   = "revoke-token"
	// TypeWatch and TypeUnwatch start and stop watching colleagues'
	// devices (presence, deskline.v2: V2Types).
	TypeWatch   = "watch"
	TypeUnwatch = "unwatch"
	// TypeSetNote attaches a note to a call (deskline.v2: V2Types).
	TypeSetNote = "set-note"
)

// Server → client message types (events are listed with Event).
const (
	TypeWelcome = "welcome"
	TypeResult  = "result"
	TypeError   = "error"
	// TypePresenceList continues a welcome's or result's presence list
	// that does not fit in one frame (deskline.v2: V2Types).
	TypePresenceList = "presence-list"
)

// Event types: each is the Type of an Event message.
const (
	EventInitiated     = "initiated"
	EventDelivered     = "delivered"
	EventOriginated    = "originated"
	EventEstablished   = "established"
	EventHeld          = "held"
	EventRetrieved     = "retrieved"
	EventTransferred   = "transferred"
	EventDiverted      = "diverted"
	EventCleared       = "cleared"
	EventFailed        = "failed"
	EventDeviceState   = "device-state"
	EventExchangeState = "exchange-state"
	// EventPresence tells the presence of a watched device (deskline.v2).
	EventPresence = "presence"
	// EventNote tells a call's new note to every party's desk
	// (deskline.v2).
	EventNote = "note"
)

// Message is any ctiproto message; MessageType returns its wire type.
type Message interface {
	MessageType() string
}

// Resume asks the server to replay the events after Seq of Epoch.
type Resume struct {
	Epoch string `json:"epoch"`
	Seq   uint64 `json:"seq"`
}

// Hello is the first frame of every connection: either User+Password
// (first login; the welcome carries a new device token) or Token.
type Hello struct {
	ID       string  `json:"id"`
	Token    string  `json:"token,omitempty"`
	User     string  `json:"user,omitempty"`
	Password string  `json:"password,omitempty"`
	Client   string  `json:"client,omitempty"` // free text, e.g. "Deskline tray 0.1 on host"
	Resume   *Resume `json:"resume,omitempty"`
	// Presence (deskline.v2): this connection shows colleagues' presence,
	// so its welcome and snapshots carry the presence of what the user
	// watches (a switchboard; a tray app leaves it out).
	Presence bool `json:"presence,omitempty"`
}

// MakeCall is click-to-dial: ring Device, then call To.
type MakeCall struct {
	ID     string `json:"id"`
	Device string `json:"device"`
	To     string `json:"to"`
}

// CallCommand is the shape of answer, clear, hold and retrieve.
type CallCommand struct {
	Type   string `json:"type"`
	ID     string `json:"id"`
	Call   string `json:"call"`
	Device string `json:"device"`
}

// Redirect is the shape of transfer and deflect: move Call at Device to To.
type Redirect struct {
	Type   string `json:"type"`
	ID     string `json:"id"`
	Call   string `json:"call"`
	Device string `json:"device"`
	To     string `json:"to"`
}

// SetDND turns do-not-disturb on or off.
type SetDND struct {
	ID     string `json:"id"`
	Device string `json:"device"`
	On     bool   `json:"on"`
}

// SetForwarding sets unconditional forwarding; an empty To turns it off.
type SetForwarding struct {
	ID     string `json:"id"`
	Device string `json:"device"`
	To     string `json:"to"`
}

// Simple is the shape of snapshot, ping, refresh-token and unwatch.
type Simple struct {
	Type string `json:"type"`
	ID   string `json:"id"`
}

// RevokeToken revokes this connection's token, or all of the user's tokens.
type RevokeToken struct {
	ID  string `json:"id"`
	All bool   `json:"all,omitempty"`
}

// Watch subscribes the user to the presence of devices: Devices, or,
// when it is empty, every device the server lets the user watch. It
// replaces the user's earlier subscription.
type Watch struct {
	ID      string   `json:"id"`
	Devices []string `json:"devices,omitempty"`
}

// SetNote attaches Note to Call, in which Device (one of the user's) has
// a connection; an empty Note removes it.
type SetNote struct {
	ID     string `json:"id"`
	Call   string `json:"call"`
	Device string `json:"device"`
	Note   string `json:"note"`
}

// Presence is a watched device as colleagues see it: one Status, since
// when, do-not-disturb and forwarding, and — only where the server lets
// the watcher see parties — the other party of the call Status is about.
type Presence struct {
	Device    string    `json:"device"`
	Name      string    `json:"name,omitempty"`
	Status    string    `json:"status"`
	Since     time.Time `json:"since"`
	DND       bool      `json:"dnd"`
	ForwardTo string    `json:"forward_to,omitempty"`
	Direction string    `json:"direction,omitempty"`
	Other     *Party    `json:"other,omitempty"`
}

// Party is the other end of a call.
type Party struct {
	Number string `json:"number"`
	Name   string `json:"name,omitempty"`
	// Contact is the company directory's match for Number among the
	// books the user may see (v2, section 19), without its numbers.
	Contact *Contact `json:"contact,omitempty"`
}

// Queue is the queue or ring group through which a call reached the
// device: the desk shows "Sales · waited 0:42", counting from Joined.
type Queue struct {
	Name   string    `json:"name,omitempty"`
	Number string    `json:"number"`
	Joined time.Time `json:"joined"`
}

// Device is one of the user's devices and its state.
type Device struct {
	Device     string `json:"device"`
	Name       string `json:"name,omitempty"`
	DND        bool   `json:"dnd"`
	ForwardTo  string `json:"forward_to,omitempty"`
	Registered bool   `json:"registered"`
	// Capabilities, when present, are the command types this device
	// supports, a subset of the welcome's; absent: the welcome's apply.
	Capabilities []string `json:"capabilities,omitempty"`
	// AutoAnswer: the phone answers click-to-dial's first leg by itself.
	AutoAnswer bool `json:"auto_answer,omitempty"`
}

// Call is one of the user's devices' connections in a call in progress.
type Call struct {
	Call      string    `json:"call"`
	Device    string    `json:"device"`
	State     string    `json:"state"`
	Direction string    `json:"direction,omitempty"`
	Other     Party     `json:"other"`
	Since     time.Time `json:"since"`
	Answered  bool      `json:"answered"`
	Queue     *Queue    `json:"queue,omitempty"`
	// Note is the call's note, set by a desk of any party (set-note).
	Note string `json:"note,omitempty"`
}

// ExchangeStatus says whether the exchange behind the server can be used.
type ExchangeStatus struct {
	Available bool   `json:"available"`
	Reason    string `json:"reason,omitempty"`
}

// Limits are the server's limits, told to the client in the welcome.
type Limits struct {
	MaxMessageBytes int `json:"max_message_bytes"`
	CommandsPerSec  int `json:"commands_per_second"`
	PingSeconds     int `json:"ping_seconds"`
}

// Welcome answers a successful hello.
type Welcome struct {
	ID           string         `json:"id"`
	User         string         `json:"user"`
	DisplayName  string         `json:"display_name,omitempty"`
	Session      string         `json:"session"`
	Token        string         `json:"token,omitempty"` // set only after a password login
	TokenExpires *time.Time     `json:"token_expires,omitempty"`
	Epoch        string         `json:"epoch"`
	Seq          uint64         `json:"seq"`
	Resumed      bool           `json:"resumed"`
	Resync       string         `json:"resync,omitempty"` // why a requested resume was refused
	Devices      []Device       `json:"devices"`
	Calls        []Call         `json:"calls"`
	Capabilities []string       `json:"capabilities"`
	Parked       []Parked       `json:"parked,omitempty"` // parked calls the user may see (v2)
	Exchange     ExchangeStatus `json:"exchange"`
	Limits       Limits         `json:"limits"`
	Server       string         `json:"server,omitempty"`
	// Presence is the presence of every device the user watches, as of
	// Seq: with a snapshot (not when resumed), when the user watches.
	Presence []Presence `json:"presence,omitempty"`
	// PresenceParts counts the PresenceList messages that follow the
	// welcome directly with the rest of Presence, when it does not fit in
	// one frame.
	PresenceParts int `json:"presence_parts,omitempty"`
	// Queues are the queues and ring groups the user watches, with
	// Presence (v2, section 18).
	Queues []QueueState `json:"queues,omitempty"`
	// Reception (v2): the server's configuration marks the user as a
	// reception: a desk opens its switchboard unless the user said no.
	Reception bool `json:"reception,omitempty"`
	// Directory names the company directory's books the user may search
	// (v2, section 19); absent: the server has none for the user.
	Directory []string `json:"directory,omitempty"`
}

// Result answers a command that succeeded. Only the fields that command
// defines are set.
type Result struct {
	ID      string     `json:"id"`
	Call    string     `json:"call,omitempty"`    // make-call: the new call's id
	Token   string     `json:"token,omitempty"`   // refresh-token
	Expires *time.Time `json:"expires,omitempty"` // refresh-token
	Epoch   string     `json:"epoch,omitempty"`   // snapshot
	Seq     *uint64    `json:"seq,omitempty"`     // snapshot
	Devices []Device   `json:"devices,omitempty"` // snapshot
	Calls   []Call     `json:"calls,omitempty"`   // snapshot
	// Presence: watch, and snapshot while the user watches.
	Presence []Presence `json:"presence,omitempty"`
	Slot     string     `json:"slot,omitempty"`   // park: where the call waits (v2)
	Parked   []Parked   `json:"parked,omitempty"` // snapshot: parked calls the user may see (v2)
	// PresenceParts counts the PresenceList messages that follow the
	// result directly with the rest of Presence (as Welcome's).
	PresenceParts int `json:"presence_parts,omitempty"`
	// Queues: watch, and snapshot while the user watches (v2, section 18).
	Queues []QueueState `json:"queues,omitempty"`
	// Contacts: search and lookup, ranked best first (v2, section 19).
	Contacts []Contact `json:"contacts,omitempty"`
	// Image: get-photo (v2, section 19).
	Image *Image `json:"image,omitempty"`
}

// PresenceList is one more part of the presence list of the welcome or
// result just before it, which said how many parts follow: part Part of
// them, as of the same Seq. A client appends Presence to the list.
type PresenceList struct {
	Seq      uint64     `json:"seq"`
	Part     int        `json:"part"`
	Presence []Presence `json:"presence"`
}

// Error answers a request that failed, or reports a frame that could not be
// read (then ID is empty).
type Error struct {
	ID           string `json:"id,omitempty"`
	Code         string `json:"code"`
	Message      string `json:"message"`
	Field        string `json:"field,omitempty"`
	RetryAfterMS int    `json:"retry_after_ms,omitempty"`
}

// Event is something that happened at one of the user's devices. Type is
// one of the Event* constants; Seq numbers the user's events within the
// epoch given in the welcome.
type Event struct {
	Type       string    `json:"type"`
	Seq        uint64    `json:"seq"`
	Time       time.Time `json:"time"`
	Call       string    `json:"call,omitempty"`
	Device     string    `json:"device,omitempty"`
	State      string    `json:"state,omitempty"`
	Direction  string    `json:"direction,omitempty"`
	Other      *Party    `json:"other,omitempty"`
	Cause      string    `json:"cause,omitempty"`
	AnsweredBy string    `json:"answered_by,omitempty"`
	By         string    `json:"by,omitempty"`
	NewCall    string    `json:"new_call,omitempty"`
	To         string    `json:"to,omitempty"`
	DND        *bool     `json:"dnd,omitempty"`
	ForwardTo  *string   `json:"forward_to,omitempty"`
	Registered *bool     `json:"registered,omitempty"`
	Available  *bool     `json:"available,omitempty"`
	Reason     string    `json:"reason,omitempty"`
	Queue      *Queue    `json:"queue,omitempty"`
	// Note: the call's note, on the note event and on every later event of
	// a connection in a call that has one (set-note).
	Note string `json:"note,omitempty"`
	// device-state: the device's own capabilities (Device.Capabilities).
	Capabilities []string `json:"capabilities,omitempty"`
	// presence: the watched device's presence.
	Presence *Presence `json:"presence,omitempty"`
	// parked, unparked: the park slot (v2).
	Slot string `json:"slot,omitempty"`
	// queue-changed: the watched queue's whole state and what changed (v2).
	QueueState *QueueState `json:"queue_state,omitempty"`
	Change     string      `json:"change,omitempty"`
}

func (*Hello) MessageType() string         { return TypeHello }
func (*PresenceList) MessageType() string  { return TypePresenceList }
func (*MakeCall) MessageType() string      { return TypeMakeCall }
func (m *CallCommand) MessageType() string { return m.Type }
func (m *Redirect) MessageType() string    { return m.Type }
func (*SetDND) MessageType() string        { return TypeSetDND }
func (*SetForwarding) MessageType() string { return TypeSetForwarding }
func (m *Simple) MessageType() string      { return m.Type }
func (*RevokeToken) MessageType() string   { return TypeRevokeToken }
func (*Watch) MessageType() string         { return TypeWatch }
func (*SetNote) MessageType() string       { return TypeSetNote }
func (*Welcome) MessageType() string       { return TypeWelcome }
func (*Result) MessageType() string        { return TypeResult }
func (*Error) MessageType() string         { return TypeError }
func (m *Event) MessageType() string       { return m.Type }
