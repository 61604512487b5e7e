package cluster

import (
	"context"
	"errors"
	"time"

	"github.com/deskline/deskline/pbx"
)

// Operations on the exchange, sent to the holder on <name>.exchange.cmd.
// The pbx ones are the names of pbx.Service where there is one.
const (
	opDevices  = "devices"
	opCalls    = "calls"
	opParked   = "parked"
	opComplete = "complete-consult"
	opCancel   = "cancel-consult"
	opSwap     = "swap-consult"
	// The simulated exchange's control surface (pbx/sim), for the sim
	// API of any node.
	opSimRing   = "sim-ring"
	opSimCall   = "sim-call"
	opSimHangup = "sim-hangup"
)

// command is one request to the holder.
type command struct {
	Op       string        `json:"op"`
	Call     pbx.CallID    `json:"call,omitempty"`
	Device   string        `json:"device,omitempty"`
	To       string        `json:"to,omitempty"`
	From     string        `json:"from,omitempty"`
	Name     string        `json:"name,omitempty"`
	Slot     string        `json:"slot,omitempty"`
	On       bool          `json:"on,omitempty"`
	NoAnswer time.Duration `json:"no_answer,omitempty"`
	// Wait is how long the asking node waits for the answer: the holder
	// gives up on the exchange after as long.
	Wait time.Duration `json:"wait"`
}

// answer is the holder's reply to a command.
type answer struct {
	Call    pbx.CallID       `json:"call,omitempty"`
	Slot    string           `json:"slot,omitempty"`
	Devices []pbx.DeviceInfo `json:"devices,omitempty"`
	Calls   []pbx.Call       `json:"calls,omitempty"`
	Parked  []pbx.ParkedCall `json:"parked,omitempty"`
	Err     string           `json:"err,omitempty"`  // the error's words
	Code    string           `json:"code,omitempty"` // which pbx error it is (sentinels), "" for another
}

// sentinels are the pbx errors an answer names by code, so the asking
// node's server words them as it would its own exchange's.
var sentinels = map[string]error{
	"not-supported":  pbx.ErrNotSupported,
	"unavailable":    pbx.ErrUnavailable,
	"no-such-call":   pbx.ErrNoSuchCall,
	"no-such-device": pbx.ErrNoSuchDevice,
	"invalid-state":  pbx.ErrInvalidState,
	"invalid-number": pbx.ErrInvalidNumber,
	"busy":           pbx.ErrBusy,
	"slot-taken":     pbx.ErrSlotTaken,
	"slot-empty":     pbx.ErrSlotEmpty,
	"no-free-slot":   pbx.ErrNoFreeSlot,
	// The holder's own limits: the desk hears "timeout" as on one node.
	"timeout":  context.DeadlineExceeded,
	"canceled": context.Canceled,
}

// failed makes the answer for err.
func failed(err error) answer {
	a := answer{Err: err.Error()}
	for code, s := range sentinels {
		if errors.Is(err, s) {
			a.Code = code
			break
		}
	}
	return a
}

// RemoteError is an error the holder's exchange returned: its words, and
// the pbx error it is (errors.Is works across the cluster).
type RemoteError struct {
	Msg string
	Err error // a pbx sentinel, or nil
}

func (e *RemoteError) Error() string { return e.Msg }
func (e *RemoteError) Unwrap() error { return e.Err }

// err is the answer's error, nil when it has none.
func (a *answer) err() error {
	if a.Err == "" {
		return nil
	}
	return &RemoteError{Msg: a.Err, Err: sentinels[a.Code]}
}
