package server

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/deskline/deskline/ctiproto"
	"github.com/deskline/deskline/pbx"
	"github.com/deskline/deskline/server/config"
)

// The switchboard (issue 15, PROTOCOL.md section 15): pickup, announced
// (consult) transfer and park. deskline.v2 only.

// DefaultConsultTimeout is how long a consulted colleague's phone may ring
// before the consultation ends and the held caller is retrieved:
// config.DefaultConsultTimeout (20s, and why, there).
const DefaultConsultTimeout = config.DefaultConsultTimeout

// Switchboard configures the switchboard's services.
type Switchboard struct {
	// ConsultTimeout: see DefaultConsultTimeout (the default for 0).
	ConsultTimeout time.Duration
}

// mayActOn reports whether user u may act on device dev's calls as a
// switchboard does: pick up a call ringing there, retrieve a call it
// parked. That is the devices assigned to u and those the watch groups
// let u watch (config [[watch_groups]]), and nowhere else.
func (h *hub) mayActOn(u *userLog, dev string) bool {
	if u == nil {
		return false
	}
	if h.owner[dev] == u {
		return true
	}
	ok, _ := h.presence.may(u.name, dev)
	return ok
}

// seeing lists the users who may see what happens at device dev beyond
// its own calls (its parked calls, with who waits): its owner, and the
// users whose watch groups show them dev's parties. A user who may watch
// dev's state only may still retrieve a parked call, but is not told who
// waits.
func (h *hub) seeing(dev string) []*userLog {
	var out []*userLog
	if u := h.owner[dev]; u != nil {
		out = append(out, u)
	}
	for _, name := range h.presence.showingParties(dev) {
		if u := h.users[name]; u != nil && u != h.owner[dev] {
			out = append(out, u)
		}
	}
	return out
}

// switchboard performs a switchboard command (v2 only: run refuses them
// on a v1 connection), once run has checked the user's own device.
func (s *session) switchboard(ctx context.Context, m ctiproto.Message) (*ctiproto.Result, error) {
	ex := s.srv.ex
	switch c := m.(type) {
	case *ctiproto.Pickup:
		if !s.srv.hub.mayActOn(s.user, c.From) {
			s.srv.log.Warn("forbidden pickup", "session", s.id, "user", s.user.name, "from", c.From)
			return nil, &ctiproto.Error{Code: ctiproto.CodeForbidden, Field: "from",
				Message: fmt.Sprintf("you may not take calls from device %q", c.From)}
		}
		call, err := ex.Pickup(ctx, pbx.CallID(c.Call), c.Device, c.From)
		return &ctiproto.Result{Call: string(call)}, err
	case *ctiproto.Redirect: // consult
		call, err := ex.Consult(ctx, pbx.CallID(c.Call), c.Device, c.To, s.srv.consultTimeout())
		return &ctiproto.Result{Call: string(call)}, err
	case *ctiproto.CallCommand:
		call := pbx.CallID(c.Call)
		switch c.Type {
		case ctiproto.TypeConsultComplete:
			return &ctiproto.Result{}, ex.CompleteConsult(ctx, call, c.Device)
		case ctiproto.TypeConsultCancel:
			return &ctiproto.Result{}, ex.CancelConsult(ctx, call, c.Device)
		case ctiproto.TypeConsultSwap:
			return &ctiproto.Result{}, ex.SwapConsult(ctx, call, c.Device)
		}
	case *ctiproto.Park:
		slot, err := ex.Park(ctx, pbx.CallID(c.Call), c.Device, c.Slot)
		return &ctiproto.Result{Slot: slot}, slotError(err)
	case *ctiproto.Unpark:
		want, err := s.mayUnpark(ctx, c.Slot)
		if err != nil {
			return nil, err
		}
		call, err := ex.Unpark(ctx, c.Slot, c.Device, want)
		return &ctiproto.Result{Call: string(call)}, slotError(err)
	}
	return nil, &ctiproto.Error{Code: ctiproto.CodeUnknownType, Message: "not a command: " + m.MessageType()}
}

// mayUnpark refuses a slot whose call was parked by a device the user may
// not act on, and returns the call it checked: the exchange takes only
// that one (a call parked there a moment later by someone else is not
// the user's to take). An empty slot is the exchange's to answer
// (not-found).
func (s *session) mayUnpark(ctx context.Context, slot string) (pbx.CallID, error) {
	parked, err := s.srv.ex.Parked(ctx)
	if err != nil {
		return "", err
	}
	for _, p := range parked {
		if p.Slot != slot {
			continue
		}
		if !s.srv.hub.mayActOn(s.user, p.ParkedBy) {
			s.srv.log.Warn("forbidden unpark", "session", s.id, "user", s.user.name, "slot", slot)
			return "", &ctiproto.Error{Code: ctiproto.CodeForbidden, Field: "slot",
				Message: fmt.Sprintf("the call in slot %s is not yours to take", slot)}
		}
		return p.Call, nil
	}
	return "", nil
}

// slotError words the exchange's park errors with the member at fault.
func slotError(err error) error {
	msg := func() string { return fit(err.Error(), ctiproto.MaxTextLength) }
	switch {
	case err == nil:
		return nil
	case errors.Is(err, pbx.ErrSlotTaken), errors.Is(err, pbx.ErrNoFreeSlot):
		return &ctiproto.Error{Code: ctiproto.CodeBusy, Field: "slot", Message: msg()}
	case errors.Is(err, pbx.ErrSlotEmpty):
		return &ctiproto.Error{Code: ctiproto.CodeNotFound, Field: "slot", Message: msg()}
	case errors.Is(err, pbx.ErrInvalidNumber):
		return &ctiproto.Error{Code: ctiproto.CodeInvalidNumber, Field: "slot", Message: msg()}
	}
	return err
}

func (srv *Server) consultTimeout() time.Duration {
	if t := srv.opts.Switchboard.ConsultTimeout; t > 0 {
		return t
	}
	return DefaultConsultTimeout
}

// parkToWire is a parked or unparked event as the protocol carries it.
func parkToWire(ev pbx.Event) ctiproto.Event {
	w := ctiproto.Event{Type: string(ev.Kind), Time: ev.Time.Truncate(ctiproto.TimePrecision),
		Call: string(ev.Call), Device: ev.Device, By: cleanNumber(ev.By), Cause: string(ev.Cause)}
	if p := ev.Park; p != nil {
		o := cleanParty(p.Caller)
		w.Slot, w.Other = p.Slot, &ctiproto.Party{Number: o.Number, Name: o.Name}
	}
	if ev.Kind == pbx.EvParked {
		w.By, w.Cause = "", ""
	}
	return w
}

// parkedToWire is a parked call as a welcome and a snapshot list it.
func parkedToWire(p pbx.ParkedCall) ctiproto.Parked {
	o := cleanParty(p.Caller)
	return ctiproto.Parked{Slot: p.Slot, Call: string(p.Call), Other: ctiproto.Party{Number: o.Number, Name: o.Name},
		ParkedBy: p.ParkedBy, Since: p.Since.Truncate(ctiproto.TimePrecision)}
}

// parkedList is the user's parked calls for a welcome or snapshot; nil
// when there are none (the member is then absent).
func parkedList(cs *ctiproto.CallState) []ctiproto.Parked {
	ps := cs.ParkedCalls()
	if len(ps) == 0 {
		return nil
	}
	return ps
}

// routePark delivers a parked or unparked event to the users who may see
// the parking device.
func (h *hub) routePark(ev pbx.Event) {
	if ev.Park == nil {
		return
	}
	w := parkToWire(ev)
	for _, u := range h.seeing(ev.Device) {
		h.publish(u, w, stamp(ev.Time))
	}
}

// seedParked gives every user the calls parked at start that they may see.
func (s *Server) seedParked(parked []pbx.ParkedCall) {
	seeds := make(map[*userLog][]ctiproto.Parked)
	for _, p := range parked {
		for _, u := range s.hub.seeing(p.ParkedBy) {
			seeds[u] = append(seeds[u], parkedToWire(p))
		}
	}
	for u, ps := range seeds {
		u.state.SetParked(ps)
	}
}
