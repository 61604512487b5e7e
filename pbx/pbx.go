// Package pbx defines the Exchange interface that every telephone-system
// connector implements (pbx/sim, pbx/ami, …) and the call model the CTI
// server consumes. It is shaped after CSTA (ECMA-269): devices, calls with a
// stable id, one connection per device in a call, and events that each
// describe what happened to one device's connection.
//
// The package imports nothing of Deskline's; connectors import it, the
// server consumes it.
package pbx

import (
	"context"
	"errors"
	"time"
)

// CallID identifies a call for its whole life. It stays the same across
// hold/retrieve and, where the exchange allows, across transfer (otherwise
// a Transferred event maps the old id to the new one).
type CallID string

// ConnState is the state of one device's connection in a call.
type ConnState string

// Connection states (CSTA).
const (
	StateInitiated ConnState = "initiated" // the device is starting a call (click-to-dial rings it first)
	StateAlerting  ConnState = "alerting"  // the device is ringing
	StateConnected ConnState = "connected" // the device is in the call (the other side may still be ringing)
	StateHeld      ConnState = "held"      // the device put the call on hold
	StateQueued    ConnState = "queued"    // the call waits in a queue for the device
	StateFailed    ConnState = "failed"    // the call could not proceed (busy, unreachable, …)
	StateCleared   ConnState = "cleared"   // the device is no longer in the call
)

// Cause says why a connection changed; mostly set on Cleared, Failed and Diverted.
type Cause string

// Causes.
const (
	CauseNone              Cause = ""
	CauseNormal            Cause = "normal"
	CauseBusy              Cause = "busy"
	CauseNoAnswer          Cause = "no-answer"
	CauseRejected          Cause = "rejected"
	CausePickedUpElsewhere Cause = "picked-up-elsewhere"
	CauseTransferred       Cause = "transferred"
	CauseDeflected         Cause = "deflected"
	CauseForwarded         Cause = "forwarded"
	CauseDoNotDisturb      Cause = "do-not-disturb"
	CauseUnreachable       Cause = "unreachable"
	CauseInvalidNumber     Cause = "invalid-number"
	CauseFailed            Cause = "failed"
	CauseExchangeRestarted Cause = "exchange-restarted"
)

// Direction is the direction of a call as seen from the device.
type Direction string

// Directions.
const (
	Incoming Direction = "incoming"
	Outgoing Direction = "outgoing"
)

// EventKind names what happened. The names are the ctiproto event types.
type EventKind string

// Event kinds.
const (
	EvInitiated     EventKind = "initiated"      // click-to-dial: the device is rung to start a call to Other
	EvDelivered     EventKind = "delivered"      // a call alerts at the device (the screen-pop trigger)
	EvOriginated    EventKind = "originated"     // the device placed a call to Other, which is being rung
	EvEstablished   EventKind = "established"    // the call was answered (AnsweredBy)
	EvHeld          EventKind = "held"           // the call was put on hold (By)
	EvRetrieved     EventKind = "retrieved"      // the call was taken off hold (By)
	EvTransferred   EventKind = "transferred"    // the call was transferred (Call→NewCall, To)
	EvDiverted      EventKind = "diverted"       // the call left the device for To (deflect, forward, no answer)
	EvCleared       EventKind = "cleared"        // the device left the call (Cause)
	EvFailed        EventKind = "failed"         // the call could not proceed (Cause)
	EvDeviceState   EventKind = "device-state"   // do-not-disturb, forwarding or registration changed
	EvExchangeState EventKind = "exchange-state" // the link to the exchange went down or came back
	// EvQueueMembers: a queue's members, or who of them is away, changed
	// (Members; no Device, no Call). Not a ctiproto event type: the
	// server tells watchers through the queue's state (queues.go).
	EvQueueMembers EventKind = "queue-members"
)

// Party is the other end of a call as the exchange knows it.
type Party struct {
	Number string // extension or external number as the exchange presents it
	Name   string // caller-id name, if known
}

// Queue is the queue or ring group through which a call reached a device:
// the desk says "Sales · waited 0:42".
type Queue struct {
	Name   string    // display name, e.g. "Sales"; "" when it has none
	Number string    // what callers dial, or the exchange's name of the queue
	Joined time.Time // when the caller entered it: the desk counts the wait from here
}

// DeviceInfo is the configuration and state of one device.
type DeviceInfo struct {
	ID         string // the extension, e.g. "201"
	Name       string // display name of the extension, e.g. "Reception"
	DND        bool   // do-not-disturb is on
	ForwardTo  string // unconditional forwarding target; empty when off
	Registered bool   // a phone is registered for the device
	// Services are what the exchange can do for this device, where that
	// is less than for every device (a SIP phone that cannot be answered
	// remotely). Nil means the exchange's Capabilities: connectors that
	// do not tell devices apart leave it nil. Never modified once set,
	// so copies may share it.
	Services []Service
	// AutoAnswer says the phone answers click-to-dial's first leg by
	// itself (the exchange asks it to): the user need not pick up.
	AutoAnswer bool
}

// Event is one thing that happened at one device (or, for EvExchangeState,
// at the exchange). Exchanges stamp Time when they emit the event.
type Event struct {
	Kind      EventKind
	Time      time.Time
	Call      CallID
	Device    string    // the device this event is about
	State     ConnState // the device's connection state after the event
	Direction Direction // as seen from Device
	Other     Party     // the other party as seen from Device
	Cause     Cause

	AnsweredBy string // EvEstablished: the device that answered
	By         string // EvHeld/EvRetrieved/EvTransferred: the device that acted
	NewCall    CallID // EvTransferred: the call's id from now on (== Call when unchanged)
	To         string // EvTransferred/EvDiverted: the new destination

	DeviceState *DeviceInfo // EvDeviceState: the device's new state

	// Queue is the queue or ring group the call came through to Device,
	// nil when it came directly; set at least on EvDelivered.
	Queue *Queue

	// Park is the parked call EvParked and EvUnparked are about.
	Park *ParkedCall

	// Members is the queue EvQueueMembers is about, with its members and
	// who of them is away now (QueueLister).
	Members *QueueInfo

	Available bool   // EvExchangeState: the exchange can be used
	Reason    string // EvExchangeState: why not, in words
}

// Call is one device's connection in a call in progress, as returned by
// Exchange.Calls to rebuild state (after a server or connector restart).
type Call struct {
	Call      CallID
	Device    string
	State     ConnState
	Direction Direction
	Other     Party
	Since     time.Time // when the connection entered State
	Answered  bool      // the call has been answered (established)
	Queue     *Queue    // the queue or ring group it came through; nil if none
}

// Service names a service an exchange may offer. The names are the ctiproto
// command types.
type Service string

// Services.
const (
	SvcMakeCall     Service = "make-call"
	SvcAnswer       Service = "answer"
	SvcClear        Service = "clear"
	SvcHold         Service = "hold"
	SvcRetrieve     Service = "retrieve"
	SvcTransfer     Service = "transfer"
	SvcDeflect      Service = "deflect"
	SvcDoNotDisturb Service = "set-dnd"
	SvcForwarding   Service = "set-forwarding"

	// The switchboard's services (issue 15).
	SvcPickup  Service = "pickup"  // take a call ringing at another device
	SvcConsult Service = "consult" // announced transfer: consult, then complete, cancel or swap
	SvcPark    Service = "park"    // park a call in a slot
	SvcUnpark  Service = "unpark"  // retrieve a parked call from its slot
)

// AllServices lists every service in a stable order.
var AllServices = []Service{SvcMakeCall, SvcAnswer, SvcClear, SvcHold, SvcRetrieve,
	SvcTransfer, SvcDeflect, SvcDoNotDisturb, SvcForwarding,
	SvcPickup, SvcConsult, SvcPark, SvcUnpark}

// Capabilities is the set of services an exchange can perform. A client
// greys out the buttons of services not in it.
type Capabilities map[Service]bool

// Errors an exchange returns; wrap them with detail (fmt.Errorf("…: %w", ErrX)).
var (
	ErrNotSupported  = errors.New("pbx: service not supported by this exchange")
	ErrUnavailable   = errors.New("pbx: exchange unavailable")
	ErrNoSuchCall    = errors.New("pbx: no such call")
	ErrNoSuchDevice  = errors.New("pbx: no such device")
	ErrInvalidState  = errors.New("pbx: call is not in a state that allows this")
	ErrInvalidNumber = errors.New("pbx: invalid number")
	ErrBusy          = errors.New("pbx: device busy")
	// ErrSlotTaken: a call is already parked in the slot asked for.
	ErrSlotTaken = errors.New("pbx: park slot taken")
	// ErrSlotEmpty: no call is parked in the slot; ErrNoFreeSlot: every
	// slot is taken.
	ErrSlotEmpty  = errors.New("pbx: no call parked in that slot")
	ErrNoFreeSlot = errors.New("pbx: every park slot is taken")
)

// Exchange is a telephone system as the CTI server sees it. Implementations
// are safe for concurrent use. Service methods return once the exchange has
// accepted the request; its effects arrive later as Events.
type Exchange interface {
	// Capabilities reports which services this exchange can perform.
	Capabilities() Capabilities
	// Devices lists the configured devices and their state.
	Devices(ctx context.Context) ([]DeviceInfo, error)
	// Calls lists every connection of every call in progress.
	Calls(ctx context.Context) ([]Call, error)
	// Events returns the event stream. There is one stream per Exchange;
	// the consumer must keep reading it. It is closed by Close.
	Events() <-chan Event

	// MakeCall is click-to-dial: ring device first and, once it answers,
	// call to. It returns the new call's id.
	MakeCall(ctx context.Context, device, to string) (CallID, error)
	Answer(ctx context.Context, call CallID, device string) error
	// Clear hangs up device's connection (or rejects the call while it rings).
	Clear(ctx context.Context, call CallID, device string) error
	Hold(ctx context.Context, call CallID, device string) error
	Retrieve(ctx context.Context, call CallID, device string) error
	// Transfer is single-step (blind) transfer of the other party of
	// device's connection to to; device leaves the call.
	Transfer(ctx context.Context, call CallID, device, to string) error
	// Deflect sends a call ringing at device on to to.
	Deflect(ctx context.Context, call CallID, device, to string) error
	SetDND(ctx context.Context, device string, on bool) error
	// SetForwarding sets unconditional forwarding of device to to; "" turns it off.
	SetForwarding(ctx context.Context, device, to string) error

	// The switchboard (issue 15): see switchboard.go.
	Switchboard

	// Close stops the exchange connection and closes the Events channel.
	Close() error
}
