package server

import (
	"cmp"
	"errors"
	"slices"
	"time"

	"github.com/deskline/deskline/ctiproto"
	"github.com/deskline/deskline/server/auth"
	"github.com/gorilla/websocket"
)

// hello authenticates the connection and sends the welcome: with the
// events the client missed when it can resume, else with a snapshot.
func (s *session) hello(h *ctiproto.Hello) {
	grant, err := s.authenticate(h)
	if err != nil {
		s.refuse(h, err)
		return
	}
	u := s.srv.hub.users[grant.User.Name]
	if u == nil {
		s.refuse(h, errors.New("user has no devices on this server"))
		return
	}
	token := h.Token
	if grant.Token != "" {
		token = grant.Token
	}
	if err := s.srv.bind(s, grant, token); err != nil {
		s.dropUnusedToken(grant)
		s.refuse(h, err)
		return
	}
	// A revocation between the check above and the binding would have
	// missed this session: check again now that it can no longer miss it.
	if _, err := s.srv.auth.Verify(token); err != nil {
		s.refuse(h, err)
		return
	}
	s.presence = h.Presence
	s.srv.catchUp(u, h.Resume)
	a := s.srv.hub.presence.attach(u, s, h.Resume, s.presence)
	s.user = u // from here the deferred cleanup detaches
	w := s.welcome(h, grant, a)
	frames, err := ctiproto.EncodeSplit(s.protocol(), w, maxFrameBytes)
	if err != nil {
		s.srv.log.Error("encode welcome", "err", err)
		s.kick(websocket.CloseInternalServerErr, "internal error")
		return
	}
	// Counted before the welcome is queued: whoever reads the welcome
	// (a desk, a test, a scrape after it) sees the login counted.
	m := s.srv.hub.m
	m.loginOK.Inc()
	if a.resumed {
		m.resumes.Inc()
	} else {
		m.snapshots.WithLabelValues(cmp.Or(a.resync, "login")).Inc()
	}
	s.queueWelcome(append(frames, a.replay...))
	s.extendRead()
	s.srv.log.Info("session started", "session", s.id, "user", u.name, "addr", s.addr,
		"token", grant.TokenID, "resumed", a.resumed, "resync", a.resync, "replayed", len(a.replay))
}

// authenticate checks the hello's token or password. Password checks are
// slow on purpose (bcrypt), so they pass the login gate: at most one per
// core runs at a time, so a flood of logins from many addresses cannot
// take every CPU from the connected clients, and known user names go
// first. A login the gate turns away, or that waits longer than the hello
// deadline for its turn, is told the server is busy.
func (s *session) authenticate(h *ctiproto.Hello) (auth.Grant, error) {
	if h.Token != "" {
		g, err := s.srv.auth.Verify(h.Token)
		if err == nil { // this desk is then never locked out by others' guesses
			s.srv.auth.Trust(g.User.Name, s.addr)
		}
		return g, err
	}
	known := s.srv.auth.User(h.User) != nil
	release, err := s.srv.logins.enter(auth.AddrKey(s.addr), known, s.srv.limits.HelloTimeout)
	if err != nil {
		return auth.Grant{}, err
	}
	g, err := s.srv.auth.Authenticate(h.User, h.Password, s.addr)
	release(errors.Is(err, auth.ErrBadCredentials))
	if err == nil {
		// Outside the slot: logins that finish together share one write
		// of the token store (and the client gets its token only once it
		// is saved).
		s.srv.auth.Save()
	}
	return g, err
}

func (s *session) welcome(h *ctiproto.Hello, g auth.Grant, a attachment) *ctiproto.Welcome {
	lim := s.srv.limits
	w := &ctiproto.Welcome{
		ID: h.ID, User: g.User.Name, DisplayName: g.User.DisplayName, Session: s.id,
		Epoch: a.epoch, Seq: a.seq, Resumed: a.resumed, Resync: a.resync,
		Devices: a.devices, Calls: a.calls, Capabilities: s.srv.caps, Presence: a.presence, Queues: a.queues, Parked: a.parked,
		Exchange: s.srv.hub.exchangeStatus(),
		Limits: ctiproto.Limits{
			MaxMessageBytes: lim.MaxMessageBytes,
			CommandsPerSec:  lim.CommandsPerSecond,
			PingSeconds:     int(lim.PingInterval / time.Second),
		},
		Server: "deskline-server " + s.srv.opts.Version,
	}
	if s.srv.hub.presence.mayWatch(g.User.Name) {
		w.Capabilities = append(slices.Clip(w.Capabilities), ctiproto.TypeWatch)
		w.Reception = s.srv.hub.presence.reception(g.User.Name)
	}
	if s.srv.opts.Directory != nil && len(s.user.books) > 0 {
		w.Directory = s.user.books
	}
	if g.Token != "" {
		w.Token = g.Token
		exp := g.Expires
		w.TokenExpires = &exp
	}
	return w
}

// refuse answers a failed hello and closes the connection.
func (s *session) refuse(h *ctiproto.Hello, err error) {
	e := &ctiproto.Error{ID: h.ID, Code: ctiproto.CodeAuthFailed, Message: "wrong user or password"}
	closeCode := ctiproto.CloseAuthFailed
	var thr *auth.ThrottledError
	var many *tooManySessionsError
	var busy *busyError
	switch {
	case errors.As(err, &many):
		e.Code, e.Message, closeCode = ctiproto.CodeTooManySessions, err.Error(), ctiproto.CloseTooManySessions
	case errors.As(err, &busy):
		e.Code, e.Message = ctiproto.CodeServerBusy, busy.Error()
		e.RetryAfterMS = int(max(busy.retryAfter, time.Millisecond) / time.Millisecond)
		closeCode = websocket.CloseTryAgainLater
	case errors.As(err, &thr):
		e.Code, e.Message = ctiproto.CodeThrottled, err.Error()
		e.RetryAfterMS = int(max(thr.RetryAfter, time.Millisecond) / time.Millisecond)
	case errors.Is(err, auth.ErrTokenExpired):
		e.Code, e.Message = ctiproto.CodeTokenExpired, "token expired: log in with user and password"
	case errors.Is(err, auth.ErrTokenInvalid):
		e.Code, e.Message = ctiproto.CodeTokenInvalid, "token unknown or revoked: log in with user and password"
	case !errors.Is(err, auth.ErrBadCredentials):
		e.Message = err.Error()
	}
	s.srv.log.Warn("login refused", "session", s.id, "addr", s.addr, "user_hash", typedNameHash(h.User), "code", e.Code, "err", err)
	s.srv.hub.m.logins.WithLabelValues(e.Code).Inc()
	s.reply(e)
	s.kick(closeCode, e.Code)
}
