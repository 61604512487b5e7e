package ctiproto

// Connection states: the State of an Event or a Call (CSTA, ECMA-269).
const (
	StateInitiated = "initiated" // click-to-dial rings the device to start a call
	StateAlerting  = "alerting"  // the device is ringing
	StateConnected = "connected" // the device is in the call
	StateHeld      = "held"      // the device put the call on hold
	StateQueued    = "queued"    // the call waits in a queue for the device
	StateFailed    = "failed"    // the call could not proceed
	StateCleared   = "cleared"   // the device is no longer in the call
)

// Causes: why a connection changed (Event.Cause).
const (
	CauseNormal            = "normal"
	CauseBusy              = "busy"
	CauseNoAnswer          = "no-answer"
	CauseRejected          = "rejected"
	CausePickedUpElsewhere = "picked-up-elsewhere"
	CauseTransferred       = "transferred"
	CauseDeflected         = "deflected"
	CauseForwarded         = "forwarded"
	CauseDoNotDisturb      = "do-not-disturb"
	CauseUnreachable       = "unreachable"
	CauseInvalidNumber     = "invalid-number"
	CauseFailed            = "failed"
	CauseExchangeRestarted = "exchange-restarted"
)

// Directions of a call as seen from the device.
const (
	DirectionIncoming = "incoming"
	DirectionOutgoing = "outgoing"
)

// Resync reasons: why the server refused a resume (Welcome.Resync).
const (
	ResyncEpochChanged = "epoch-changed" // the server restarted; its event log is new
	ResyncGapTooOld    = "gap-too-old"   // events after the client's seq left the log
	ResyncSeqAhead     = "seq-ahead"     // the client claims a seq the server never sent
)

// Presence statuses: the Status of a Presence, the one word a colleague's
// lamp shows. Where several apply, the first in this list wins: a device
// that is offline shows offline, one in a call shows in-call even while a
// second call rings or do-not-disturb is on.
const (
	StatusOffline   = "offline"   // no phone is registered for the device
	StatusInCall    = "in-call"   // the device is in a call (or its call failed and it has not hung up)
	StatusOnHold    = "on-hold"   // the device holds a call and is in no other
	StatusRinging   = "ringing"   // a call rings at (or waits in a queue for) the device, or click-to-dial rings it
	StatusDND       = "dnd"       // idle, with do-not-disturb on
	StatusForwarded = "forwarded" // idle, forwarding unconditionally (forward_to says where)
	StatusIdle      = "idle"      // free
)

// The closed sets of values Decode accepts for these fields.
var (
	states = set(StateInitiated, StateAlerting, StateConnected, StateHeld,
		StateQueued, StateFailed, StateCleared)
	causes = set(CauseNormal, CauseBusy, CauseNoAnswer, CauseRejected,
		CausePickedUpElsewhere, CauseTransferred, CauseDeflected,
		CauseForwarded, CauseDoNotDisturb, CauseUnreachable,
		CauseInvalidNumber, CauseFailed, CauseExchangeRestarted)
	directions = set(DirectionIncoming, DirectionOutgoing)
	resyncs    = set(ResyncEpochChanged, ResyncGapTooOld, ResyncSeqAhead)
	statuses   = set(StatusOffline, StatusInCall, StatusOnHold, StatusRinging,
		StatusDND, StatusForwarded, StatusIdle)
	// services are the command types an exchange may support: the
	// values of Welcome.Capabilities. watch (deskline.v2) is there only
	// for a user the server lets watch colleagues' devices.
	services = set(TypeMakeCall, TypeAnswer, TypeClear, TypeHold,
		TypeRetrieve, TypeTransfer, TypeDeflect, TypeSetDND, TypeSetForwarding, TypeWatch, TypeSetNote,
		TypePickup, TypeConsult, TypePark, TypeUnpark) // the last six: v2
)
