package amitest

import (
	"strings"

	"github.com/deskline/deskline/pbx/ami"
)

// notify answers PJSIPNotify as Asterisk 22's res/res_pjsip_notify.c
// does (manager_notify): exactly one of Endpoint, URI or Channel; an
// endpoint named with or without "PJSIP/"; "NOTIFY sent" once queued. No
// capture holds one (the lab phones ignore NOTIFY), so the wording is the
// source's. The fake sends no SIP: what the phone does next comes from
// the test's script, as the real phone's channel events would.
func (s *session) notify(m ami.Message) {
	endpoint, uri, channel := m.Get("Endpoint"), m.Get("URI"), m.Get("Channel")
	n := 0
	for _, v := range []string{endpoint, uri, channel} {
		if v != "" {
			n++
		}
	}
	switch {
	case n > 1:
		s.replyError(m, "PJSIPNotify requires either an endpoint name, a SIP URI, or a channel.  You must use only one of them.")
	case n == 0:
		s.replyError(m, "PJSIPNotify requires either an endpoint name, a SIP URI, or a channel.")
	case endpoint != "" && !s.srv.knowsEndpoint(endpoint):
		s.replyError(m, "Unable to retrieve endpoint "+trimTech(endpoint))
	default:
		s.reply(response(m, "Success", "NOTIFY sent"))
	}
}

// trimTech drops the "sip/" or "pjsip/" Asterisk accepts before an
// endpoint's name.
func trimTech(endpoint string) string {
	for _, p := range []string{"sip/", "pjsip/"} {
		if len(endpoint) >= len(p) && strings.EqualFold(endpoint[:len(p)], p) {
			endpoint = endpoint[len(p):]
		}
	}
	return endpoint
}

// knowsEndpoint reports whether the fake has the endpoint: every one when
// Options.Endpoints is empty.
func (s *Server) knowsEndpoint(endpoint string) bool {
	if len(s.opts.Endpoints) == 0 {
		return true
	}
	name := trimTech(endpoint)
	for _, e := range s.opts.Endpoints {
		if e == name {
			return true
		}
	}
	return false
}
