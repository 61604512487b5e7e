package server

import (
	"cmp"
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/deskline/deskline/ctiproto"
	"github.com/deskline/deskline/internal/cut"
	"github.com/deskline/deskline/pbx"
)

// toWire translates an exchange event into its ctiproto form (Seq unset).
// What a connector passes on comes from outside (a caller chooses their
// own display name), so every text is cut to the protocol's limits and
// every member the protocol requires is filled in: a client rejects an
// event that breaks the spec, and one bad caller name must not cost a
// receptionist her screen pop or her login.
func toWire(ev pbx.Event) ctiproto.Event {
	ev.Other = cleanParty(ev.Other)
	ev.Reason = fit(ev.Reason, ctiproto.MaxTextLength)
	ev.To = cleanNumber(ev.To)
	switch ev.Kind {
	case pbx.EvEstablished:
		ev.AnsweredBy = cmp.Or(cleanNumber(ev.AnsweredBy), ev.Device)
	case pbx.EvHeld, pbx.EvRetrieved:
		ev.By = cmp.Or(cleanNumber(ev.By), ev.Device)
	case pbx.EvTransferred:
		ev.NewCall = cmp.Or(ev.NewCall, ev.Call)
		ev.To = cmp.Or(ev.To, ev.Other.Number, "unknown")
	case pbx.EvDiverted:
		if ev.To == "" && ev.Cause != pbx.CauseDoNotDisturb { // gone, but nobody says where: that is a clear
			ev.Kind, ev.State = pbx.EvCleared, pbx.StateCleared
		}
		ev.Cause = cmp.Or(ev.Cause, pbx.CauseForwarded)
	}
	return wireEvent(ev)
}

func wireEvent(ev pbx.Event) ctiproto.Event {
	w := ctiproto.Event{
		Type: string(ev.Kind),
		// Cut to the wire's precision once here, not by Encode for every
		// user the event fans out to (it copies an event with finer time).
		Time:       ev.Time.Truncate(ctiproto.TimePrecision),
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
	switch ev.Kind {
	case pbx.EvDeviceState, pbx.EvExchangeState:
	default: // every call event names the other party, if only as withheld
		w.Other = &ctiproto.Party{Number: ev.Other.Number, Name: ev.Other.Name}
		w.Queue = queueToWire(ev.Queue, ev.Time)
	}
	switch ev.Kind {
	case pbx.EvDeviceState:
		if d := ev.DeviceState; d != nil {
			w.DND, w.ForwardTo, w.Registered = &d.DND, &d.ForwardTo, &d.Registered
			w.Capabilities = serviceNames(d.Services)
		}
	case pbx.EvExchangeState:
		w.Available, w.Reason = &ev.Available, ev.Reason
		w.Call, w.Device = "", ""
	}
	w.Trim() // e.g. a transferred event's cause: the type says it
	return w
}

func deviceToWire(d pbx.DeviceInfo) ctiproto.Device {
	return ctiproto.Device{Device: d.ID, Name: cleanName(d.Name), DND: d.DND,
		ForwardTo: cleanNumber(d.ForwardTo), Registered: d.Registered,
		Capabilities: serviceNames(d.Services), AutoAnswer: d.AutoAnswer}
}

// serviceNames lists a device's own services as the protocol names them,
// in the order of pbx.AllServices; nil (the exchange's apply) stays nil,
// and an empty list stays empty (the device can do nothing).
func serviceNames(svcs []pbx.Service) []string {
	if svcs == nil {
		return nil
	}
	out := make([]string, 0, len(svcs))
	for _, s := range pbx.AllServices {
		if slices.Contains(svcs, s) {
			out = append(out, string(s))
		}
	}
	return out
}

// sameDevice reports whether two device states say the same.
func sameDevice(a, b ctiproto.Device) bool {
	return a.Device == b.Device && a.Name == b.Name && a.DND == b.DND && a.ForwardTo == b.ForwardTo &&
		a.Registered == b.Registered && a.AutoAnswer == b.AutoAnswer &&
		(a.Capabilities == nil) == (b.Capabilities == nil) && slices.Equal(a.Capabilities, b.Capabilities)
}

func callToWire(c pbx.Call) ctiproto.Call {
	o := cleanParty(c.Other)
	return ctiproto.Call{
		Call: string(c.Call), Device: c.Device, State: string(c.State), Direction: string(c.Direction),
		Other: ctiproto.Party{Number: o.Number, Name: o.Name}, Since: c.Since.Truncate(ctiproto.TimePrecision), Answered: c.Answered,
		Queue: queueToWire(c.Queue, c.Since),
	}
}

// queueToWire is the queue a call came through as the protocol carries
// it, nil for none. Its name comes from the exchange's configuration or
// a caller's route, so it is cleaned like a party; a connector that does
// not know when the caller joined gives at, the event's own time: the
// protocol requires a time, and the wait then counts from the ring.
func queueToWire(q *pbx.Queue, at time.Time) *ctiproto.Queue {
	if q == nil {
		return nil
	}
	joined := q.Joined
	if joined.IsZero() {
		joined = at
	}
	return &ctiproto.Queue{Name: cleanName(q.Name), Number: cleanNumber(q.Number),
		Joined: joined.Truncate(ctiproto.TimePrecision)}
}

// cleanParty cuts a party's number and name to what the protocol allows.
// Every party of every connector passes here on its way to a client.
func cleanParty(p pbx.Party) pbx.Party {
	return pbx.Party{Number: cleanNumber(p.Number), Name: cleanName(p.Name)}
}

// cleanName drops control and direction characters from a name and cuts
// it to the protocol's length.
func cleanName(s string) string {
	return fit(ctiproto.CleanText(s), ctiproto.MaxTextLength)
}

// cleanNumber drops control and direction characters from a number and
// cuts it to the protocol's length.
func cleanNumber(s string) string {
	return fit(ctiproto.CleanText(s), ctiproto.MaxNumberLength)
}

// fit makes s valid UTF-8 and cuts it to at most n bytes without
// splitting a character: what the protocol's limits allow of a text from
// outside. No mark is added; the limit is the field's.
func fit(s string, n int) string {
	return cut.Prefix(strings.ToValidUTF8(s, "\uFFFD"), n)
}

// errorFor turns a decoding failure into the error reply for the client.
func errorFor(err error) *ctiproto.Error {
	var de *ctiproto.DecodeError
	if errors.As(err, &de) {
		return de.Reply()
	}
	return &ctiproto.Error{Code: ctiproto.CodeBadFrame, Message: err.Error()}
}
