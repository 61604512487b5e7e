package server

import (
	"fmt"

	"github.com/deskline/deskline/server/auth"
)

// tooManySessionsError refuses a login beyond limits.max_sessions_per_token
// or limits.max_sessions_per_user: a leaked token or a script must not open
// thousands of sessions, each holding memory and sent every user event.
type tooManySessionsError struct {
	per   string // "token" or "user"
	limit int
}

func (e *tooManySessionsError) Error() string {
	return fmt.Sprintf("server: too many sessions for this %s (limit %d); close another or try again later", e.per, e.limit)
}

// sessionCapLocked checks that a session logging in with g fits under the
// caps. Called under s.mu, where the counts it reads are kept.
func (s *Server) sessionCapLocked(g auth.Grant) error {
	if n := len(s.byToken[g.TokenID]); n >= s.limits.MaxSessionsPerToken {
		return &tooManySessionsError{per: "token", limit: s.limits.MaxSessionsPerToken}
	}
	if n := s.perUser[g.User.Name]; n >= s.limits.MaxSessionsPerUser {
		return &tooManySessionsError{per: "user", limit: s.limits.MaxSessionsPerUser}
	}
	return nil
}

// uncountUserLocked forgets one session of user; under s.mu.
func (s *Server) uncountUserLocked(user string) {
	if s.perUser[user] <= 1 {
		delete(s.perUser, user)
		return
	}
	s.perUser[user]--
}

// dropUnusedToken revokes the token a password login was just given when
// the session is refused after all: the client never receives it.
func (s *session) dropUnusedToken(g auth.Grant) {
	if g.Token == "" {
		return
	}
	if _, err := s.srv.auth.Revoke(g.Token); err != nil {
		s.srv.log.Warn("revoke unused token", "session", s.id, "token", g.TokenID, "err", err)
	}
}
