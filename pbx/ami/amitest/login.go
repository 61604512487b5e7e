package amitest

import (
	"crypto/md5"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"math/big"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/deskline/deskline/pbx/ami"
)

// login answers Action: Login, plain (Secret) or MD5 (AuthType: MD5, Key =
// md5hex(challenge+secret) after Action: Challenge).
func (s *session) login(m ami.Message) {
	if s.isLoggedIn() {
		s.reply(response(m, "Success", "Already authenticated"))
		return
	}
	opts := s.srv.opts
	ok := m.Get("Username") == opts.Username
	if strings.EqualFold(m.Get("AuthType"), "MD5") {
		s.mu.Lock()
		challenge := s.challenge
		s.mu.Unlock()
		ok = ok && challenge != "" && strings.EqualFold(m.Get("Key"), md5hex(challenge+opts.Secret))
	} else {
		ok = ok && m.Get("Secret") == opts.Secret
	}
	if !ok {
		// Asterisk pauses before it answers a failed login (against
		// guessing), then hangs up.
		select {
		case <-time.After(opts.LoginFailDelay):
		case <-s.done:
			return
		}
		s.replyError(m, "Authentication failed")
		s.closeAfterFlush()
		return
	}
	mask := maskAll
	if v, present := m.Lookup("Events"); present {
		mask = parseMask(v)
	}
	up := strconv.FormatInt(s.srv.uptime(), 10)
	frames := []ami.Message{
		response(m, "Success", "Authentication accepted"),
		// FullyBooted is written straight to the new session (no
		// Timestamp, whatever the event mask); SuccessfulAuth is a
		// security event like any other.
		{Fields: []ami.Field{
			{Key: "Event", Value: "FullyBooted"},
			{Key: "Privilege", Value: "system,all"},
			{Key: "Uptime", Value: up},
			{Key: "LastReload", Value: up},
			{Key: "Status", Value: "Fully Booted"},
		}},
	}
	if auth := s.successfulAuth(m.Get("Username")); mask.allows(auth) {
		frames = append(frames, auth)
	}
	// The answer is queued and the session marked logged in under the
	// server's lock: no broadcast event can come between them or before
	// the answer, and a script waiting for a session binds to this one
	// before the client can send its next action.
	srv := s.srv
	srv.mu.Lock()
	ok = true
	for _, f := range frames {
		if b, err := encode(f); err != nil || !s.tryEnqueue(b) {
			ok = false
			break
		}
	}
	if ok {
		s.mu.Lock()
		s.authed, s.mask = true, mask
		s.mu.Unlock()
		srv.bindLocked(s)
	}
	srv.mu.Unlock()
	if !ok {
		s.close() // its queue is full: a client that does not read
	}
}

// challengeAction answers Action: Challenge (AuthType: MD5) with a random
// challenge, kept for the Login that follows.
func (s *session) challengeAction(m ami.Message) {
	if !strings.EqualFold(m.Get("AuthType"), "MD5") {
		s.replyError(m, "Must specify AuthType")
		return
	}
	n, err := rand.Int(rand.Reader, big.NewInt(1e9))
	if err != nil {
		s.replyError(m, "Out of memory")
		return
	}
	challenge := n.String()
	s.mu.Lock()
	s.challenge = challenge
	s.mu.Unlock()
	r := response(m, "Success", "")
	r.Add("Challenge", challenge)
	s.reply(r)
}

func md5hex(s string) string {
	sum := md5.Sum([]byte(s))
	return hex.EncodeToString(sum[:])
}

// successfulAuth is the security event of a login, as in the captures.
func (s *session) successfulAuth(user string) ami.Message {
	now := time.Now()
	return ami.Message{Fields: []ami.Field{
		{Key: "Event", Value: "SuccessfulAuth"},
		{Key: "Privilege", Value: "security,all"},
		{Key: "Timestamp", Value: timestamp(now)},
		{Key: "EventTV", Value: eventTV(now)},
		{Key: "Severity", Value: "Informational"},
		{Key: "Service", Value: "AMI"},
		{Key: "EventVersion", Value: "1"},
		{Key: "AccountID", Value: user},
		{Key: "SessionID", Value: fmt.Sprintf("0x7f9a%08x", 0x24004b50+s.id*0x1000)},
		{Key: "LocalAddress", Value: astAddr(s.conn.LocalAddr())},
		{Key: "RemoteAddress", Value: astAddr(s.conn.RemoteAddr())},
		{Key: "UsingPassword", Value: "0"},
		{Key: "SessionTV", Value: eventTV(now)},
	}}
}

// astAddr renders an address as Asterisk's security events do:
// "IPV4/TCP/127.0.0.1/5038".
func astAddr(a net.Addr) string {
	host, port, err := net.SplitHostPort(a.String())
	if err != nil {
		return a.String()
	}
	return "IPV4/TCP/" + host + "/" + port
}

// timestamp is timestampevents' "Timestamp: 1795686965.684667".
func timestamp(t time.Time) string {
	return fmt.Sprintf("%d.%06d", t.Unix(), t.Nanosecond()/1000)
}

// eventTV is the security events' "2026-11-26T09:56:05.684+0000".
func eventTV(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000-0700") }
