package server

import (
	"errors"

	"github.com/deskline/deskline/ctiproto"
	"github.com/deskline/deskline/pbx"
)

// toWire translates an exchange event into its ctiproto form (Seq unset).
func toWire(ev pbx.Event) ctiproto.Event {
	w := ctiproto.Event{
		Type:       string(ev.Kind),
		Time:       ev.Time,
		Call:       string(ev.Call),
		Device:     ev.Device,
		State:      string(ev.State),
		Direction:  string(ev.Direction),
		Cause:      string(ev.Cause),
		AnsweredBy: ev.AnsweredBy,
		By:         ev.By,
		NewCall:    string(ev.NewCall),
		To:         ev.To,
	}
	if w.Cause == "" && (ev.Kind == pbx.EvCleared || ev.Kind == pbx.EvFailed) {
		w.Cause = string(pbx.CauseNormal) // the protocol requires a cause
	}
	if ev.Other != (pbx.Party{}) {
		w.Other = &ctiproto.Party{Number: ev.Other.Number, Name: ev.Other.Name}
	}
	switch ev.Kind {
	case pbx.EvDeviceState:
		if d := ev.DeviceState; d != nil {
			w.DND, w.ForwardTo, w.Registered = &d.DND, &d.ForwardTo, &d.Registered
		}
	case pbx.EvExchangeState:
		w.Available, w.Reason = &ev.Available, ev.Reason
		w.Call, w.Device = "", ""
	}
	return w
}

func deviceToWire(d pbx.DeviceInfo) ctiproto.Device {
	return ctiproto.Device{Device: d.ID, Name: d.Name, DND: d.DND, ForwardTo: d.ForwardTo, Registered: d.Registered}
}

func callToWire(c pbx.Call) ctiproto.Call {
	return ctiproto.Call{
		Call: string(c.Call), Device: c.Device, State: string(c.State), Direction: string(c.Direction),
		Other: ctiproto.Party{Number: c.Other.Number, Name: c.Other.Name}, Since: c.Since, Answered: c.Answered,
	}
}

// requestID is the id of a client request.
func requestID(m ctiproto.Message) string {
	switch c := m.(type) {
	case *ctiproto.Hello:
		return c.ID
	case *ctiproto.MakeCall:
		return c.ID
	case *ctiproto.CallCommand:
		return c.ID
	case *ctiproto.Redirect:
		return c.ID
	case *ctiproto.SetDND:
		return c.ID
	case *ctiproto.SetForwarding:
		return c.ID
	case *ctiproto.Simple:
		return c.ID
	case *ctiproto.RevokeToken:
		return c.ID
	}
	return ""
}

// errorFor turns a decoding failure into the error reply for the client.
func errorFor(err error) *ctiproto.Error {
	var de *ctiproto.DecodeError
	if errors.As(err, &de) {
		return de.Reply()
	}
	return &ctiproto.Error{Code: ctiproto.CodeBadFrame, Message: err.Error()}
}
