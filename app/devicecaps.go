package app

import (
	"errors"
	"slices"

	"github.com/deskline/deskline/ctiproto"
)

// CanOn reports whether service can be asked of the user's phone device:
// the exchange offers it, and the device's own capabilities (where the
// server names them: a phone that cannot be answered from the desk) hold
// it. The UI greys out per call what the call's phone cannot do.
func (s State) CanOn(device, service string) bool {
	if !s.Can(service) {
		return false
	}
	for _, d := range s.Devices {
		if d.ID == device && d.Capabilities != nil {
			return slices.Contains(d.Capabilities, service)
		}
	}
	return true
}

// CanOnCall reports whether one of the user's phones in call can do
// service from the desk: a call that rings at a desk phone and a
// softphone can be answered when either can (Client.Answer picks it).
func (s State) CanOnCall(call, service string) bool {
	for _, c := range s.Calls {
		if c.ID == call && s.CanOn(c.Device, service) {
			return true
		}
	}
	return false
}

// AutoAnswers reports whether the user's phone device answers
// click-to-dial by itself (the user need not pick up).
func (s State) AutoAnswers(device string) bool {
	for _, d := range s.Devices {
		if d.ID == device {
			return d.AutoAnswer
		}
	}
	return false
}

// canOn checks the device can do service before asking for it, so the
// user hears why at once instead of after a round trip.
func (c *Client) canOn(device, service string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.state.CanOn(device, service) {
		return &ActionError{Action: service, Code: ctiproto.CodeNotSupported,
			Message: "phone " + device + " cannot " + service + " from the desk"}
	}
	return nil
}

// notSupported reports a refusal because the exchange or the phone cannot
// do the service.
func notSupported(err error) bool {
	var ae *ActionError
	return errors.As(err, &ae) && ae.Code == ctiproto.CodeNotSupported
}
