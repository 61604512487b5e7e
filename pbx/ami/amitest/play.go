package amitest

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/deskline/deskline/pbx/ami"
)

// player plays queued scripts one after the other, each on one session.
// All fields are guarded by Server.mu.
type player struct {
	wg      sync.WaitGroup // the player goroutine
	queue   []*Script
	running bool
	err     error         // the first failure since the last WaitPlayed
	done    chan struct{} // closed when the queue has been played

	cur     *Script
	sess    *session      // the session cur plays on, once bound
	bound   chan struct{} // closed when sess is set
	next    int           // index of the step whose trigger is still to come
	claimed chan ami.Message
}

// ErrSessionClosed: the session a script played on closed before the
// script's end (a Drop, a Restart, the client hung up).
var ErrSessionClosed = errors.New("amitest: session closed before the script ended")

// Play queues a script. It plays on the most recent logged-in session (or
// the next one that logs in) once the scripts queued before it are done.
// The binding is made at once when possible, so an action the client sends
// right after Play (or right after its login) reaches the script.
func (s *Server) Play(sc *Script) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := &s.player
	if s.closed {
		return
	}
	p.queue = append(p.queue, sc)
	if p.running {
		return
	}
	p.running = true
	p.done = make(chan struct{})
	s.nextScriptLocked()
	p.wg.Add(1)
	go s.runPlayer()
}

// WaitPlayed waits until every queued script has been played to the end
// and returns the first failure (ErrSessionClosed…), or ctx's error.
func (s *Server) WaitPlayed(ctx context.Context) error {
	s.mu.Lock()
	p := &s.player
	done := p.done
	running := p.running
	s.mu.Unlock()
	if running {
		select {
		case <-done:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	err := p.err
	p.err = nil
	return err
}

// nextScriptLocked makes the next queued script current and binds it if a
// session is logged in. Caller holds s.mu.
func (s *Server) nextScriptLocked() {
	p := &s.player
	p.cur, p.sess = nil, nil
	if len(p.queue) == 0 {
		return
	}
	p.cur = p.queue[0]
	p.queue = p.queue[1:]
	p.next = 1
	p.claimed = make(chan ami.Message, len(p.cur.steps))
	p.bound = make(chan struct{})
	s.bindLocked(nil)
}

// bindLocked gives the current script its session: prefer (a session that
// has just logged in) or the most recent logged-in one. Caller holds s.mu.
func (s *Server) bindLocked(prefer *session) {
	p := &s.player
	if p.cur == nil || p.sess != nil {
		return
	}
	best := prefer
	if best == nil {
		for sess := range s.sessions {
			if sess.isLoggedIn() && !sess.isClosed() && (best == nil || sess.id > best.id) {
				best = sess
			}
		}
	}
	if best == nil {
		return
	}
	p.sess = best
	close(p.bound)
}

// claim hands an action to the script when it is the next trigger the
// script on this session waits for (it may still be playing the messages
// before it: the answer then comes after them, as recorded).
func (s *Server) claim(sess *session, m ami.Message) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := &s.player
	if p.cur == nil || p.sess != sess || p.next >= len(p.cur.steps) ||
		!strings.EqualFold(p.cur.steps[p.next].Trigger, m.Get(ami.KeyAction)) {
		return false
	}
	p.next++
	p.claimed <- m // capacity len(steps): never blocks
	return true
}

func (s *Server) runPlayer() {
	defer s.player.wg.Done()
	p := &s.player
	for {
		s.mu.Lock()
		cur, bound := p.cur, p.bound
		if cur == nil || s.closed {
			if cur != nil && p.err == nil {
				p.err = fmt.Errorf("amitest: server closed before script %s was played", cur.Name)
			}
			p.cur, p.queue, p.running = nil, nil, false
			close(p.done)
			s.mu.Unlock()
			return
		}
		s.mu.Unlock()
		var err error
		select {
		case <-bound:
			s.mu.Lock()
			sess, claimed := p.sess, p.claimed
			s.mu.Unlock()
			err = s.playScript(cur, sess, claimed)
		case <-s.done:
			continue
		}
		s.mu.Lock()
		if err != nil && p.err == nil {
			p.err = err
		}
		s.nextScriptLocked()
		s.mu.Unlock()
	}
}

// playScript plays one script on sess; claimed delivers the client's
// trigger actions.
func (s *Server) playScript(sc *Script, sess *session, claimed <-chan ami.Message) error {
	for i, st := range sc.steps {
		if i > 0 {
			select {
			case a := <-claimed:
				s.learn(sc.steps, i, a)
			case <-sess.done:
				return fmt.Errorf("%w (%s, waiting for Action: %s)", ErrSessionClosed, sc.Name, st.Trigger)
			case <-s.done:
				return fmt.Errorf("amitest: server closed during script %s", sc.Name)
			}
		}
		for j, m := range st.Messages {
			if err := s.pause(st.Delays[j], sess); err != nil {
				return fmt.Errorf("%w (%s)", err, sc.Name)
			}
			m = s.rewriteMessage(m)
			if isManagerEvent(m) {
				s.broadcast(m)
			} else {
				sess.reply(m)
			}
		}
		if st.Close {
			sess.closeAfterFlush()
			return nil
		}
	}
	return nil
}

// pause waits a recorded delay divided by Options.Speed; Speed 0 never
// waits.
func (s *Server) pause(d time.Duration, sess *session) error {
	if s.opts.Speed <= 0 || d <= 0 {
		if sess.isClosed() {
			return ErrSessionClosed
		}
		return nil
	}
	t := time.NewTimer(time.Duration(float64(d) / s.opts.Speed))
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-sess.done:
		return ErrSessionClosed
	case <-s.done:
		return errors.New("amitest: server closed")
	}
}

// learn records how the capture's values map to the live client's: the
// trigger's ActionID, and for an Originate with ChannelId the Uniqueid of
// the channel it creates (the first Newchannel of the step, else the
// OriginateResponse's Uniqueid).
func (s *Server) learn(steps []Step, i int, a ami.Message) {
	st := steps[i]
	s.mu.Lock()
	defer s.mu.Unlock()
	if id := st.Action.ActionID(); id != "" {
		s.rewrite[id] = a.ActionID()
	}
	chanID := a.Get("ChannelId")
	if !strings.EqualFold(st.Trigger, "Originate") || chanID == "" {
		return
	}
	uid := ""
	for _, m := range st.Messages {
		if m.Event() == "Newchannel" {
			uid = m.Get("Uniqueid")
			break
		}
	}
	if uid == "" {
		for _, m := range st.Messages {
			if v := m.Get("Uniqueid"); m.Event() == "OriginateResponse" && !strings.HasPrefix(v, "<") {
				uid = v
				break
			}
		}
	}
	if uid != "" {
		s.rewrite[uid] = chanID
	}
}

// rewriteMessage replaces capture values by live ones in a copy of m. An
// ActionID that the live action did not have is left out, as Asterisk
// leaves it out.
func (s *Server) rewriteMessage(m ami.Message) ami.Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := ami.Message{Fields: make([]ami.Field, 0, len(m.Fields))}
	for _, f := range m.Fields {
		if v, ok := s.rewrite[f.Value]; ok && f.Value != "" {
			if v == "" && strings.EqualFold(f.Key, ami.KeyActionID) {
				continue
			}
			if v != "" {
				f.Value = v
			}
		}
		out.Fields = append(out.Fields, f)
	}
	return out
}

// isManagerEvent tells an event Asterisk broadcasts (manager_event: its
// Privilege lists the classes and ends in "all", and it obeys event masks)
// from the answer to one action (responses and list items, written to the
// asking session only, whatever its mask: Status items have a bare
// "Privilege: Call", CoreShowChannel items none).
func isManagerEvent(m ami.Message) bool {
	if m.Event() == "" {
		return false
	}
	priv := strings.ToLower(m.Get("Privilege"))
	return priv == "all" || strings.HasSuffix(priv, ",all")
}
