package pbx

import (
	"context"
	"time"
)

// Switchboard is what a receptionist does beyond her own calls: take a
// colleague's ringing call (pickup), announce a caller before handing
// them over (consult transfer), and park calls in slots. An exchange that
// cannot do one of these returns ErrNotSupported and leaves the service
// out of its Capabilities.
type Switchboard interface {
	// Pickup takes the call ringing at device from (call, or the one
	// ringing there longest when call is "") to device. from gets
	// cleared with cause picked-up-elsewhere; device gets delivered
	// (Other = the caller: the pop) and then established; the caller
	// gets established with AnsweredBy = device. A call that no longer
	// rings at from (answered meanwhile, or gone) is ErrInvalidState or
	// ErrNoSuchCall. It returns the call's id.
	Pickup(ctx context.Context, call CallID, device, from string) (CallID, error)

	// Consult starts an announced transfer: device's call (connected, in
	// an answered call) goes on hold and to is called in a new call from
	// device, whose id it returns. If to has not answered after
	// noAnswer (> 0), the consultation is cleared with cause no-answer
	// and the held call retrieved. A destination that cannot take the
	// call now (busy, do-not-disturb, unreachable) is ErrBusy and
	// changes nothing. A device has at most one consultation.
	Consult(ctx context.Context, call CallID, device, to string, noAnswer time.Duration) (CallID, error)
	// CompleteConsult hands the held party over to the consulted one
	// and device leaves both calls; call is either call of device's
	// consultation. The parties that stay are told whom they talk to now
	// (EvTransferred in their own state, as after an attended transfer
	// on the phone). While the target still rings it is a blind
	// transfer to the ringing target. ErrInvalidState when the held
	// party has hung up (the consultation goes on).
	CompleteConsult(ctx context.Context, call CallID, device string) error
	// CancelConsult hangs up the consultation and retrieves the held call.
	CancelConsult(ctx context.Context, call CallID, device string) error
	// SwapConsult puts the call device talks in on hold and retrieves the
	// other one (only once the consulted party has answered).
	SwapConsult(ctx context.Context, call CallID, device string) error

	// Park puts the other party of device's answered call into a park
	// slot (slot, or the first free one when slot is "") and returns the
	// slot; device leaves the call (EvTransferred To = the slot, then
	// EvCleared with CauseTransferred) and an EvParked announces the
	// parked call. A taken slot is ErrSlotTaken, no free one ErrNoFreeSlot,
	// an unknown one ErrInvalidNumber. A call parked longer than the
	// exchange's park time rings the device that parked it (recall:
	// EvUnparked with CauseNoAnswer, then EvDelivered there).
	Park(ctx context.Context, call CallID, device, slot string) (string, error)
	// Unpark connects the call parked in slot to device: EvUnparked, then
	// device gets delivered and established at once, as with Pickup.
	// An empty slot is ErrSlotEmpty. call, when given, is the call the
	// caller expects in slot (it checked who parked it): another call
	// there is ErrSlotEmpty too, the expected one having left. It returns
	// the call's id.
	Unpark(ctx context.Context, slot, device string, call CallID) (CallID, error)
	// Parked lists the calls parked now, by slot.
	Parked(ctx context.Context) ([]ParkedCall, error)
}

// ParkedCall is a call waiting in a park slot.
type ParkedCall struct {
	Slot     string
	Call     CallID
	Caller   Party     // who waits
	ParkedBy string    // the device that parked it: it is rung back on recall
	Since    time.Time // when it was parked
}

// Events about park slots. They carry Park, not a device's connection:
// Device is the device that parked the call (who is rung back), Call the
// parked call.
const (
	EvParked   EventKind = "parked"   // a call was parked (Park)
	EvUnparked EventKind = "unparked" // it left its slot: retrieved (By = the device), recalled (Cause no-answer) or hung up (Cause normal)
)
