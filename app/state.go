package app

import (
	"slices"
	"time"

	"github.com/deskline/deskline/app/journal"
	"github.com/deskline/deskline/app/tokens"
	"github.com/deskline/deskline/contacts"
	"github.com/deskline/deskline/ctiproto"
)

// Status is the state of the link to the server.
type Status string

// Link states. Each is shown to the user with State.Reason.
const (
	StatusStopped       Status = "stopped"        // Run has returned
	StatusConnecting    Status = "connecting"     // dialling and logging in
	StatusConnected     Status = "connected"      // welcome received; events flow
	StatusDisconnected  Status = "disconnected"   // lost; retrying at State.RetryAt
	StatusLoginRequired Status = "login-required" // no usable token: the user must type the password
)

// State is everything a UI shows. Subscribers get copies; they never
// share memory with the client.
type State struct {
	Status Status
	// Reason says why ("wrong user or password", "server unreachable: …");
	// for a failed link, Problem has its kind for the UI to word.
	Reason  string
	RetryAt time.Time // when the next attempt starts (StatusDisconnected)
	// Problem is why the last attempt failed, kept while the client
	// retries (disconnected, connecting again); nil once connected.
	Problem *LinkError
	// Server is the node the client is connected to, or was last
	// (host:port as configured, and the address when the host name has
	// several); "" before the first welcome.
	Server string
	// Keyring is empty when device tokens are kept in the OS keyring, else
	// why they are not (the password will be asked at every start).
	Keyring string
	// KeyringProblem is the kind of Keyring's trouble, for the UI to word;
	// "" when the keyring works.
	KeyringProblem tokens.KeyringProblem

	User        string
	DisplayName string
	Exchange    ExchangeStatus
	// Capabilities are the services the exchange offers (make-call,
	// answer, hold, …); a UI greys out the others.
	Capabilities map[string]bool

	Devices []Device
	Calls   []Call // oldest first
	// Failed are the user's own calls that never connected (busy, no
	// answer, unreachable, …), oldest first, until Client.DismissFailed.
	Failed       []journal.Entry
	MissedUnseen int // missed calls in the journal not yet marked seen

	// Reception: the server marks this user as a reception, whose desk
	// opens the switchboard unless the user turned it off.
	Reception bool
	// Switchboard is colleagues' lines, queues, parked calls and the
	// user's consultation (switchboard.go); empty unless ShowPresence.
	Switchboard Switchboard
	// Directory names the company directory's books the user may search
	// (the welcome's); empty: searches and pops use the local books alone.
	Directory []string
}

// ExchangeStatus says whether the telephone system can be used.
type ExchangeStatus struct {
	Available bool
	Reason    string
}

// Device is one of the user's phones.
type Device struct {
	ID         string
	Name       string
	DND        bool
	ForwardTo  string
	Registered bool
	// Capabilities are the services this phone supports where it has its
	// own list (nil: the exchange's Capabilities apply); see CanOn.
	Capabilities []string
	// AutoAnswer: the phone answers click-to-dial by itself.
	AutoAnswer bool
}

// Call is one of the user's devices in a call in progress.
type Call struct {
	ID        string
	Device    string
	State     string // initiated, alerting, connected, held, queued, failed
	Direction string // incoming or outgoing
	Number    string // the other party's number as the exchange gave it ("" = withheld)
	Name      string // the other party's name as the exchange gave it
	// Contact is the address-book entry for Number, if any (local books
	// first; the exchange's Name is the fallback).
	Contact *contacts.Contact
	Phone   *contacts.Phone // the contact's matching number, with its type
	// Source is the directory's book Contact came from (the server's
	// match, with its photo once fetched); "" for the user's own books.
	Source string
	// Display is what to call the other party: the contact's name, else
	// the exchange's name, else the number, else "Unknown caller".
	Display  string
	Since    time.Time // when the connection entered State
	Answered bool
	// Queue names the queue or ring group the call came through ("Sales",
	// else its number), "" when it came directly; QueueJoined is when the
	// caller entered it, for the waiting time.
	Queue       string
	QueueJoined time.Time
	// Note is the call's note, set at a desk of any party ("" for none):
	// why the caller calls, for whoever takes the call next.
	Note string
}

// Can reports whether the exchange offers a service.
func (s State) Can(service string) bool { return s.Capabilities[service] }

// Ringing lists the calls ringing at the user's devices, one per call
// even when it rings at several of them: the screen pops.
func (s State) Ringing() []Call {
	var out []Call
	seen := make(map[string]bool)
	for _, c := range s.Calls {
		if c.Ringing() && !c.Outgoing() && !seen[c.ID] {
			seen[c.ID] = true
			out = append(out, c)
		}
	}
	return out
}

// The connection states that mean one thing to a person: a phone rings
// (alerting, or a queue offers it the call), or it is in the call (talking
// or holding). One list each, for the predicates on Call and for choosing
// which of the user's connections a command acts on.
var (
	ringingStates = []string{ctiproto.StateAlerting, ctiproto.StateQueued}
	inCallStates  = []string{ctiproto.StateConnected, ctiproto.StateHeld}
)

// Ringing reports whether the call rings at this phone of the user's
// (alerting or queued), whatever its direction: State.Ringing keeps the
// incoming ones for the screen pop; the views show an outgoing one as
// being dialled.
func (c Call) Ringing() bool { return slices.Contains(ringingStates, c.State) }

// InCall reports whether this phone of the user's is in the call:
// talking or holding.
func (c Call) InCall() bool { return slices.Contains(inCallStates, c.State) }

// Outgoing reports whether the user's side started the call.
func (c Call) Outgoing() bool { return c.Direction == ctiproto.DirectionOutgoing }

// clone copies s deeply enough that the copy shares nothing mutable.
func (s State) clone() State {
	c := s
	c.Capabilities = make(map[string]bool, len(s.Capabilities))
	for k, v := range s.Capabilities {
		c.Capabilities[k] = v
	}
	c.Devices = append([]Device(nil), s.Devices...)
	c.Calls = append([]Call(nil), s.Calls...)
	c.Failed = append([]journal.Entry(nil), s.Failed...)
	c.Switchboard = s.Switchboard.clone()
	c.Directory = append([]string(nil), s.Directory...)
	return c
}
