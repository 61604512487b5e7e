package cluster

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/deskline/deskline/pbx"
	"github.com/nats-io/nats.go"
)

// defaultWait bounds a command whose context has no deadline.
const defaultWait = 10 * time.Second

// ErrNoHolder: no node holds the exchange link now (one is taking over).
var ErrNoHolder = fmt.Errorf("cluster: no node holds the exchange link now: %w", pbx.ErrUnavailable)

// Exchange is the exchange as a node sees it: every call goes to the
// holder of the lease on <name>.exchange.cmd. Its events come through
// the log, not through Events. It also drives the holder's simulated
// exchange, for the sim API of any node.
type Exchange struct {
	n    *Node
	subj string

	mu     sync.Mutex
	caps   pbx.Capabilities
	events chan pbx.Event // never sent on; closed by Close
	closed bool
}

var _ pbx.Exchange = (*Exchange)(nil)

// NewExchange is the holder's exchange as seen from n.
func NewExchange(n *Node) *Exchange {
	return &Exchange{n: n, subj: n.Subject("exchange.cmd"), caps: pbx.Capabilities{}, events: make(chan pbx.Event)}
}

// SetCapabilities sets what the exchange can do, from the log's seed or
// a reconcile (the holder's exchange's own).
func (x *Exchange) SetCapabilities(c pbx.Capabilities) {
	x.mu.Lock()
	defer x.mu.Unlock()
	x.caps = c
}

// Capabilities is what the holder's exchange said it can do.
func (x *Exchange) Capabilities() pbx.Capabilities {
	x.mu.Lock()
	defer x.mu.Unlock()
	return x.caps
}

// Events never delivers: a node reads the exchange's events from the log.
func (x *Exchange) Events() <-chan pbx.Event { return x.events }

// Close closes Events.
func (x *Exchange) Close() error {
	x.mu.Lock()
	defer x.mu.Unlock()
	if !x.closed {
		x.closed = true
		close(x.events)
	}
	return nil
}

// do sends c to the holder and waits for its answer.
func (x *Exchange) do(ctx context.Context, c command) (answer, error) {
	wait := defaultWait
	if d, ok := ctx.Deadline(); ok {
		wait = time.Until(d)
	} else {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, wait)
		defer cancel()
	}
	c.Wait = wait
	data, _ := json.Marshal(c)
	m, err := x.n.NC.RequestWithContext(ctx, x.subj, data)
	switch {
	case errors.Is(err, nats.ErrNoResponders):
		return answer{}, ErrNoHolder
	case ctx.Err() != nil: // the asker's time is up: a timeout, as on one node
		return answer{}, fmt.Errorf("cluster: %s: no answer from the holder in time: %w", c.Op, ctx.Err())
	case err != nil:
		return answer{}, fmt.Errorf("cluster: %s: no answer from the holder: %v: %w", c.Op, err, pbx.ErrUnavailable)
	}
	var a answer
	if err := json.Unmarshal(m.Data, &a); err != nil {
		return answer{}, fmt.Errorf("cluster: %s: the holder's answer: %v: %w", c.Op, err, pbx.ErrUnavailable)
	}
	return a, a.err()
}

func (x *Exchange) simple(ctx context.Context, c command) error {
	_, err := x.do(ctx, c)
	return err
}

func (x *Exchange) Devices(ctx context.Context) ([]pbx.DeviceInfo, error) {
	a, err := x.do(ctx, command{Op: opDevices})
	return a.Devices, err
}

func (x *Exchange) Calls(ctx context.Context) ([]pbx.Call, error) {
	a, err := x.do(ctx, command{Op: opCalls})
	return a.Calls, err
}

func (x *Exchange) Parked(ctx context.Context) ([]pbx.ParkedCall, error) {
	a, err := x.do(ctx, command{Op: opParked})
	return a.Parked, err
}

func (x *Exchange) MakeCall(ctx context.Context, device, to string) (pbx.CallID, error) {
	a, err := x.do(ctx, command{Op: string(pbx.SvcMakeCall), Device: device, To: to})
	return a.Call, err
}

func (x *Exchange) Answer(ctx context.Context, call pbx.CallID, device string) error {
	return x.simple(ctx, command{Op: string(pbx.SvcAnswer), Call: call, Device: device})
}

func (x *Exchange) Clear(ctx context.Context, call pbx.CallID, device string) error {
	return x.simple(ctx, command{Op: string(pbx.SvcClear), Call: call, Device: device})
}

func (x *Exchange) Hold(ctx context.Context, call pbx.CallID, device string) error {
	return x.simple(ctx, command{Op: string(pbx.SvcHold), Call: call, Device: device})
}

func (x *Exchange) Retrieve(ctx context.Context, call pbx.CallID, device string) error {
	return x.simple(ctx, command{Op: string(pbx.SvcRetrieve), Call: call, Device: device})
}

func (x *Exchange) Transfer(ctx context.Context, call pbx.CallID, device, to string) error {
	return x.simple(ctx, command{Op: string(pbx.SvcTransfer), Call: call, Device: device, To: to})
}

func (x *Exchange) Deflect(ctx context.Context, call pbx.CallID, device, to string) error {
	return x.simple(ctx, command{Op: string(pbx.SvcDeflect), Call: call, Device: device, To: to})
}

func (x *Exchange) SetDND(ctx context.Context, device string, on bool) error {
	return x.simple(ctx, command{Op: string(pbx.SvcDoNotDisturb), Device: device, On: on})
}

func (x *Exchange) SetForwarding(ctx context.Context, device, to string) error {
	return x.simple(ctx, command{Op: string(pbx.SvcForwarding), Device: device, To: to})
}

func (x *Exchange) Pickup(ctx context.Context, call pbx.CallID, device, from string) (pbx.CallID, error) {
	a, err := x.do(ctx, command{Op: string(pbx.SvcPickup), Call: call, Device: device, From: from})
	return a.Call, err
}

func (x *Exchange) Consult(ctx context.Context, call pbx.CallID, device, to string, noAnswer time.Duration) (pbx.CallID, error) {
	a, err := x.do(ctx, command{Op: string(pbx.SvcConsult), Call: call, Device: device, To: to, NoAnswer: noAnswer})
	return a.Call, err
}

func (x *Exchange) CompleteConsult(ctx context.Context, call pbx.CallID, device string) error {
	return x.simple(ctx, command{Op: opComplete, Call: call, Device: device})
}

func (x *Exchange) CancelConsult(ctx context.Context, call pbx.CallID, device string) error {
	return x.simple(ctx, command{Op: opCancel, Call: call, Device: device})
}

func (x *Exchange) SwapConsult(ctx context.Context, call pbx.CallID, device string) error {
	return x.simple(ctx, command{Op: opSwap, Call: call, Device: device})
}

func (x *Exchange) Park(ctx context.Context, call pbx.CallID, device, slot string) (string, error) {
	a, err := x.do(ctx, command{Op: string(pbx.SvcPark), Call: call, Device: device, Slot: slot})
	return a.Slot, err
}

func (x *Exchange) Unpark(ctx context.Context, slot, device string, call pbx.CallID) (pbx.CallID, error) {
	a, err := x.do(ctx, command{Op: string(pbx.SvcUnpark), Slot: slot, Device: device, Call: call})
	return a.Call, err
}

// Ring rings device from a caller outside (the simulated exchange).
func (x *Exchange) Ring(ctx context.Context, device string, from pbx.Party) (pbx.CallID, error) {
	a, err := x.do(ctx, command{Op: opSimRing, Device: device, From: from.Number, Name: from.Name})
	return a.Call, err
}

// Call places a call from device as its phone would (the simulated
// exchange).
func (x *Exchange) Call(ctx context.Context, device, to string) (pbx.CallID, error) {
	a, err := x.do(ctx, command{Op: opSimCall, Device: device, To: to})
	return a.Call, err
}

// HangupRemote hangs up the far end of call (the simulated exchange).
func (x *Exchange) HangupRemote(ctx context.Context, call pbx.CallID) error {
	return x.simple(ctx, command{Op: opSimHangup, Call: call})
}
