package server

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/deskline/deskline/ctiproto"
	"github.com/deskline/deskline/pbx"
	"github.com/deskline/deskline/server/auth"
)

// commandTimeout bounds one exchange service call: a PBX that does not
// answer must not keep a client's commands waiting for ever.
const commandTimeout = 10 * time.Second

// command runs one authenticated request and sends exactly one reply.
func (s *session) command(m ctiproto.Message) {
	id := ctiproto.RequestID(m)
	res, err := s.run(m)
	if err != nil {
		e := s.srv.errorReply(err)
		e.ID = id
		s.reply(e)
		s.runAfterReply()
		return
	}
	res.ID = id
	s.reply(res)
	s.runAfterReply()
}

func (s *session) runAfterReply() {
	if s.afterReply != nil {
		s.afterReply()
		s.afterReply = nil
	}
}

// run performs the request; its error is a *ctiproto.Error or an error
// from the exchange or the auth store.
func (s *session) run(m ctiproto.Message) (*ctiproto.Result, error) {
	if ctiproto.IsV2Type(m.MessageType()) && s.protocol() == ctiproto.SubprotocolV1 {
		return nil, &ctiproto.Error{Code: ctiproto.CodeUnknownType, Field: "type",
			Message: fmt.Sprintf("%s is not part of %s", m.MessageType(), ctiproto.SubprotocolV1)}
	}
	switch c := m.(type) {
	case *ctiproto.Simple:
		return s.runSimple(c)
	case *ctiproto.RevokeToken:
		return s.revoke(c)
	case *ctiproto.Watch:
		return s.watch(c)
	case *ctiproto.SetNote:
		return s.setNote(c)
	case *ctiproto.Search, *ctiproto.Lookup, *ctiproto.GetPhoto:
		return s.directoryRequest(c) // directory_requests.go
	}
	dev, svc := target(m)
	if err := s.allowed(dev, svc); err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), commandTimeout)
	defer cancel()
	if ctiproto.IsV2Type(m.MessageType()) {
		return s.switchboard(ctx, m) // commands_switchboard.go
	}
	ex := s.srv.ex
	switch c := m.(type) {
	case *ctiproto.MakeCall:
		call, err := ex.MakeCall(ctx, c.Device, c.To)
		return &ctiproto.Result{Call: string(call)}, err
	case *ctiproto.CallCommand:
		return &ctiproto.Result{}, s.callService(ctx, c)
	case *ctiproto.Redirect:
		if c.Type == ctiproto.TypeTransfer {
			return &ctiproto.Result{}, ex.Transfer(ctx, pbx.CallID(c.Call), c.Device, c.To)
		}
		return &ctiproto.Result{}, ex.Deflect(ctx, pbx.CallID(c.Call), c.Device, c.To)
	case *ctiproto.SetDND:
		return &ctiproto.Result{}, ex.SetDND(ctx, c.Device, c.On)
	case *ctiproto.SetForwarding:
		return &ctiproto.Result{}, ex.SetForwarding(ctx, c.Device, c.To)
	}
	return nil, &ctiproto.Error{Code: ctiproto.CodeUnknownType, Message: "not a command: " + m.MessageType()}
}

func (s *session) callService(ctx context.Context, c *ctiproto.CallCommand) error {
	call, ex := pbx.CallID(c.Call), s.srv.ex
	switch c.Type {
	case ctiproto.TypeAnswer:
		return ex.Answer(ctx, call, c.Device)
	case ctiproto.TypeClear:
		return ex.Clear(ctx, call, c.Device)
	case ctiproto.TypeHold:
		return ex.Hold(ctx, call, c.Device)
	case ctiproto.TypeRetrieve:
		return ex.Retrieve(ctx, call, c.Device)
	}
	return &ctiproto.Error{Code: ctiproto.CodeUnknownType, Message: "not a call command: " + c.Type}
}

// target names the device a command acts on and the service it needs.
func target(m ctiproto.Message) (device string, svc pbx.Service) {
	switch c := m.(type) {
	case *ctiproto.MakeCall:
		return c.Device, pbx.SvcMakeCall
	case *ctiproto.CallCommand:
		return c.Device, service(c.Type)
	case *ctiproto.Redirect:
		return c.Device, service(c.Type)
	case *ctiproto.SetDND:
		return c.Device, pbx.SvcDoNotDisturb
	case *ctiproto.SetForwarding:
		return c.Device, pbx.SvcForwarding
	case *ctiproto.Pickup:
		return c.Device, pbx.SvcPickup
	case *ctiproto.Park:
		return c.Device, pbx.SvcPark
	case *ctiproto.Unpark:
		return c.Device, pbx.SvcUnpark
	}
	return "", ""
}

// service is the exchange service a command type needs: its own name,
// but the steps of a consultation need consult.
func service(typ string) pbx.Service {
	switch typ {
	case ctiproto.TypeConsultComplete, ctiproto.TypeConsultCancel, ctiproto.TypeConsultSwap:
		return pbx.SvcConsult
	}
	return pbx.Service(typ)
}

// allowed checks, before the exchange is asked, that the device is the
// user's own, that the exchange can do this and that it is reachable.
func (s *session) allowed(device string, svc pbx.Service) error {
	if !slices.Contains(s.grant.User.Devices, device) {
		s.srv.log.Warn("forbidden device", "session", s.id, "user", s.user.name, "device", device, "service", svc)
		return &ctiproto.Error{Code: ctiproto.CodeForbidden, Field: "device",
			Message: fmt.Sprintf("device %q is not assigned to you", device)}
	}
	if !slices.Contains(s.srv.caps, string(svc)) {
		return &ctiproto.Error{Code: ctiproto.CodeNotSupported, Message: string(svc) + " is not supported by this exchange"}
	}
	if err := s.deviceLacks(device, svc); err != nil {
		return err
	}
	if st := s.srv.hub.exchangeStatus(); !st.Available {
		return &ctiproto.Error{Code: ctiproto.CodeExchangeUnavailable, Message: "exchange unavailable: " + st.Reason}
	}
	return nil
}

func (s *session) runSimple(c *ctiproto.Simple) (*ctiproto.Result, error) {
	switch c.Type {
	case ctiproto.TypePing:
		return &ctiproto.Result{}, nil
	case ctiproto.TypeSnapshot:
		s.srv.hub.m.snapshots.WithLabelValues("requested").Inc()
		seq, devices, calls, parked, presence, queues := s.srv.hub.presence.snapshot(s.user, s.presence)
		return &ctiproto.Result{Epoch: s.user.epoch, Seq: &seq, Devices: devices, Calls: calls, Parked: parked,
			Presence: presence, Queues: queues}, nil
	case ctiproto.TypeUnwatch:
		if err := s.srv.unwatch(s.user); err != nil {
			s.forbiddenWatch(c.Type, err)
			return nil, err
		}
		return &ctiproto.Result{}, nil
	case ctiproto.TypeRefreshToken:
		return s.refresh()
	}
	return nil, &ctiproto.Error{Code: ctiproto.CodeUnknownType, Message: "not a command: " + c.Type}
}

// watch subscribes the user to the presence of devices (PROTOCOL.md
// section 15).
func (s *session) watch(c *ctiproto.Watch) (*ctiproto.Result, error) {
	seq, list, queues, err := s.srv.watch(s.user, c.Devices)
	if err != nil {
		s.forbiddenWatch(c.MessageType(), err)
		return nil, err
	}
	s.presence = true
	s.srv.log.Debug("watching", "session", s.id, "user", s.user.name, "devices", len(list))
	return &ctiproto.Result{Epoch: s.user.epoch, Seq: &seq, Presence: list, Queues: queues}, nil
}

// setNote attaches a note to a call one of the user's devices is in
// (PROTOCOL.md section 16). The note is not logged: it is the users' own
// words about a caller.
func (s *session) setNote(c *ctiproto.SetNote) (*ctiproto.Result, error) {
	if !slices.Contains(s.grant.User.Devices, c.Device) {
		s.srv.log.Warn("forbidden device", "session", s.id, "user", s.user.name, "device", c.Device, "command", c.MessageType())
		return nil, &ctiproto.Error{Code: ctiproto.CodeForbidden, Field: "device",
			Message: fmt.Sprintf("device %q is not assigned to you", c.Device)}
	}
	if !s.user.inCall(c.Call, c.Device) {
		return nil, &ctiproto.Error{Code: ctiproto.CodeNotFound, Field: "call", Message: noSuchCallText}
	}
	if ok, err := s.srv.setNote(s.user, c.Call, c.Device, c.Note); err != nil || !ok {
		if err != nil {
			return nil, err
		}
		return nil, &ctiproto.Error{Code: ctiproto.CodeNotFound, Field: "call", Message: noSuchCallText}
	}
	return &ctiproto.Result{}, nil
}

// forbiddenWatch logs a refused watch or unwatch, as a command on another
// user's device is: device ids only, never a party.
func (s *session) forbiddenWatch(typ string, err error) {
	if e, ok := err.(*ctiproto.Error); ok && e.Code == ctiproto.CodeForbidden {
		s.srv.log.Warn("forbidden watch", "session", s.id, "user", s.user.name, "command", typ, "field", e.Field)
	}
}

// refresh swaps this connection's token for a new one; the connection
// stays open and is now bound to the new token, others on the old token
// are closed.
func (s *session) refresh() (*ctiproto.Result, error) {
	g, err := s.srv.auth.Refresh(s.token)
	if errors.Is(err, auth.ErrTokenExpired) { // as at a hello: token-expired closes with 4001
		s.afterReply = func() { s.kick(ctiproto.CloseAuthFailed, "token expired") }
	}
	if err != nil {
		return nil, err
	}
	old := s.grant.TokenID
	s.srv.rebind(s, g)
	s.srv.hub.m.refreshes.Inc()
	// Other connections on the old token lose it: it no longer exists.
	s.afterReply = func() { s.srv.dropTokens([]string{old}) }
	exp := g.Expires
	return &ctiproto.Result{Token: g.Token, Expires: &exp}, nil
}

// revoke revokes this connection's token or all the user's tokens, then
// closes every connection that used them (with all, every connection of
// the user), this one after the result.
func (s *session) revoke(c *ctiproto.RevokeToken) (*ctiproto.Result, error) {
	// The connections close after the result is queued, and the writer
	// flushes its queue before closing, so the client learns why.
	if c.All {
		ids := s.srv.auth.RevokeAll(s.user.name)
		s.srv.log.Info("all tokens revoked", "session", s.id, "user", s.user.name, "count", len(ids))
		s.afterReply = func() { s.srv.dropUser(s.user.name) }
		return &ctiproto.Result{}, nil
	}
	id, err := s.srv.auth.Revoke(s.token)
	if err != nil {
		return nil, err
	}
	s.srv.log.Info("token revoked", "session", s.id, "user", s.user.name, "token", id)
	s.afterReply = func() { s.srv.dropTokens([]string{id}) }
	return &ctiproto.Result{}, nil
}

// noSuchCallText is the one answer to a command on a call the named
// device is not in. The exchange's own words differ between "no such
// call" and "the device is not in it"; passed on, they would tell any
// user which call ids exist at other desks.
const noSuchCallText = "no such call at this device"

// errorReply turns a failure into the ctiproto error a client sees.
func (srv *Server) errorReply(err error) *ctiproto.Error {
	var e *ctiproto.Error
	if errors.As(err, &e) {
		return e
	}
	code, field := ctiproto.CodeInternal, ""
	switch {
	case errors.Is(err, pbx.ErrNotSupported):
		code = ctiproto.CodeNotSupported
	case errors.Is(err, pbx.ErrUnavailable):
		code = ctiproto.CodeExchangeUnavailable
	case errors.Is(err, pbx.ErrNoSuchCall):
		return &ctiproto.Error{Code: ctiproto.CodeNotFound, Field: "call", Message: noSuchCallText}
	case errors.Is(err, pbx.ErrNoSuchDevice):
		code, field = ctiproto.CodeNotFound, "device"
	case errors.Is(err, pbx.ErrInvalidState):
		code = ctiproto.CodeInvalidState
	case errors.Is(err, pbx.ErrInvalidNumber):
		code, field = ctiproto.CodeInvalidNumber, "to"
	case errors.Is(err, pbx.ErrBusy):
		code = ctiproto.CodeBusy
	case errors.Is(err, context.DeadlineExceeded):
		code = ctiproto.CodeTimeout
	case errors.Is(err, auth.ErrTokenExpired):
		code = ctiproto.CodeTokenExpired
	case errors.Is(err, auth.ErrTokenInvalid):
		code = ctiproto.CodeTokenInvalid
	default:
		srv.log.Error("command failed", "err", err)
		return &ctiproto.Error{Code: code, Message: "internal error"}
	}
	return &ctiproto.Error{Code: code, Field: field, Message: fit(err.Error(), ctiproto.MaxTextLength)}
}
