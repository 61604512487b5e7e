package server

import (
	"fmt"
	"slices"

	"github.com/deskline/deskline/server/auth"
	"github.com/gorilla/websocket"
)

// preLogin accounts for the connections still waiting for their hello.
// They get a budget of their own (limits.prelogin_share of
// max_connections) and a cap per address, so sockets that never say
// hello cannot fill the server: the rest of max_connections is always
// left for logged-in desks, and a desk connecting from another address
// always gets a place to say hello in. Guarded by Server.mu.
type preLogin struct {
	byAddr map[string][]*session // per address key, oldest first
	n      int
}

// preLoginBudget is how many connections may wait for their hello at once.
func (s *Server) preLoginBudget() int {
	return max(1, s.limits.MaxConnections*s.limits.PreLoginShare/100)
}

// admitPreLocked counts a new connection as waiting for its hello, or says
// why it may not wait. With the budget full, a newcomer from an address
// with fewer waiting connections than the busiest one displaces the
// busiest's oldest: one address (or a few) cannot hold every place.
func (s *Server) admitPreLocked(sess *session) error {
	if s.pre.byAddr == nil {
		s.pre.byAddr = make(map[string][]*session)
	}
	key := auth.AddrKey(sess.addr)
	mine := len(s.pre.byAddr[key])
	if mine >= s.limits.MaxPreLoginPerAddress {
		return fmt.Errorf("too many connections from %s waiting for hello (%d)", key, mine)
	}
	if budget := s.preLoginBudget(); s.pre.n >= budget && !s.displacePreLocked(mine) {
		return fmt.Errorf("server is busy: %d connections waiting for hello", s.pre.n)
	}
	s.pre.byAddr[key] = append(s.pre.byAddr[key], sess)
	s.pre.n++
	sess.preKey, sess.waiting = key, true
	return nil
}

// displacePreLocked closes the oldest waiting connection of the address
// with the most waiting, if it has more than mine; false if none does.
func (s *Server) displacePreLocked(mine int) bool {
	busiest, most := "", 0
	for k, list := range s.pre.byAddr {
		if len(list) > most {
			busiest, most = k, len(list)
		}
	}
	if most <= mine {
		return false
	}
	victim := s.pre.byAddr[busiest][0]
	s.leavePreLocked(victim)
	victim.kick(websocket.CloseTryAgainLater, "server busy: too many connections waiting for hello from your address")
	return true
}

// leavePreLocked stops counting sess as waiting for its hello: it logged
// in, was displaced, or closed.
func (s *Server) leavePreLocked(sess *session) {
	if !sess.waiting {
		return
	}
	sess.waiting = false
	list := s.pre.byAddr[sess.preKey]
	if i := slices.Index(list, sess); i >= 0 {
		list = slices.Delete(list, i, i+1)
	}
	if len(list) == 0 {
		delete(s.pre.byAddr, sess.preKey)
	} else {
		s.pre.byAddr[sess.preKey] = list
	}
	s.pre.n--
}

// preLoginFrom counts the connections from addr waiting for their hello.
func (s *Server) preLoginFrom(addr string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.pre.byAddr[auth.AddrKey(addr)])
}
