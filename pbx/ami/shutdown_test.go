package ami_test

import (
	"testing"

	"github.com/deskline/deskline/pbx/ami"
	"github.com/deskline/deskline/pbx/ami/amitest"
)

// ev builds an event from alternating keys and values.
func ev(kv ...string) ami.Message {
	var m ami.Message
	for i := 0; i+1 < len(kv); i += 2 {
		m.Add(kv[i], kv[i+1])
	}
	return m
}

// shutdownHangup is what Asterisk 22 sends for a channel that "core
// restart now" hangs up: ast_softhangup_all soft-hangs it up with
// AST_SOFTHANGUP_SHUTDOWN, which SoftHangupRequest carries as Cause 4
// (main/channel.c ast_softhangup, main/manager_channels.c
// channel_hangup_request_cb), then the Hangup carries the channel's own
// cause, 16 Normal Clearing, as any hang-up would.
func shutdownHangup(channel, uid string) []ami.Message {
	const linked = "1795686940.0" // the call of a-incoming-answered
	return []ami.Message{
		ev("Event", "SoftHangupRequest", "Privilege", "call,all", "Channel", channel, "ChannelState", "6",
			"Uniqueid", uid, "Linkedid", linked, "Cause", "4"),
		ev("Event", "Hangup", "Privilege", "call,all", "Channel", channel, "ChannelState", "6",
			"Uniqueid", uid, "Linkedid", linked, "Cause", "16", "Cause-txt", "Normal Clearing"),
	}
}

// "core restart now" mid-call (a-incoming-answered up to the answer, then
// the restart's hang-ups and the Shutdown of capture f3): the lost call
// ends exchange-restarted, not normal, and it does so as soon as its
// hang-up arrives — before the Shutdown, which Asterisk sends about a
// second later, is even sent.
func TestRestartHangsUpAsExchangeRestarted(t *testing.T) {
	o := newOffice(t, amitest.Options{}, nil)
	o.available(true)
	o.answeredCall()
	o.ast.Send(shutdownHangup("PJSIP/carrier-00000000", "1795686940.0")...)
	o.ast.Send(shutdownHangup("PJSIP/201-00000001", "1795686940.1")...)
	same(t, o.until("cleared 201"), []string{
		"cleared 201 cleared in other=+49301234567(Jane Doe) call=1795686940.0 cause=exchange-restarted",
	})
	o.play("f3-asterisk-restart")
	if r := o.available(false); r != "Asterisk is restarting" {
		t.Errorf("reason = %q, want Asterisk is restarting", r)
	}
}

// Any other soft hang-up (the caller's BYE makes Asterisk send one with
// Cause 16, capture a) is an ordinary end: the call ends normal.
func TestOrdinarySoftHangupIsNormal(t *testing.T) {
	o := newOffice(t, amitest.Options{}, nil)
	o.available(true)
	tail := o.answeredCall()
	o.ast.Play(tail)
	same(t, o.until("cleared 201"), []string{
		"cleared 201 cleared in other=+49301234567(Jane Doe) call=1795686940.0 cause=normal",
	})
}
