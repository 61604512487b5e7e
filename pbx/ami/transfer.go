package ami

import (
	"strings"

	"github.com/deskline/deskline/pbx"
)

// attendedTransfer follows a completed attended (consult) transfer, by
// the phone (*2, a REFER with Replaces) or by AMI's Atxfer: the
// transferer leaves, handing over the party it held (the transferee) to
// the party it consulted (the target). Asterisk updates the connected
// lines (NewConnectedLine) just before this event; a desk learns of them
// only from events, so each device that stays is told here whom it talks
// to now (once: Asterisk repeats events), and the transferer's Hangup, which follows, names the party it
// handed over rather than the one it consulted.
func (m *mapper) attendedTransfer(msg Message, out *batch) {
	transferee := party(msg.Get("TransfereeCallerIDNum"), msg.Get("TransfereeCallerIDName"))
	target := party(msg.Get("TransferTargetCallerIDNum"), msg.Get("TransferTargetCallerIDName"))
	kept := m.stayer(m.chans[msg.Get("TransferTargetUniqueid")])
	transfereeCh := m.chans[msg.Get("TransfereeUniqueid")]
	held := m.stayer(transfereeCh)
	to := target.Number
	if kept != nil {
		to = kept.device
	}
	in := intent{kind: intentTransfer, to: to, handed: transferee}
	m.handOver(msg.Get("OrigTransfererUniqueid"), in)
	m.handOver(msg.Get("SecondTransfererUniqueid"), in)
	by := m.transfererOf(msg)
	// The target joins the caller's call: with two calls (a REFER with
	// Replaces) its connection moves to the transferee's call id, so the
	// caller and the colleague are one call on every desk.
	call := ""
	if transfereeCh != nil {
		call = transfereeCh.linked
	}
	m.nowTalksTo(kept, transferee, call, by, out)
	m.nowTalksTo(held, target, "", by, out)
}

// transfererOf is the device that transferred; "" when it is not one of
// Deskline's.
func (m *mapper) transfererOf(msg Message) string {
	for _, uid := range []string{msg.Get("OrigTransfererUniqueid"), msg.Get("SecondTransfererUniqueid")} {
		if c := m.chans[uid]; c != nil && c.device != "" {
			return c.device
		}
	}
	return ""
}

// nowTalksTo tells a device that stays in a transferred call that its
// other party is now p, and, when call names another call, that it
// belongs to that one from now on: a transferred event in its own state
// (PROTOCOL.md §7: "a device that stays in the call keeps its state, and
// its other party is now to. Later events use new_call").
func (m *mapper) nowTalksTo(c *channel, p pbx.Party, call, by string, out *batch) {
	if c == nil || c.conn == "" || c.conn == pbx.StateCleared || c.conn == pbx.StateFailed || p.Number == "" || c.heard == p {
		return
	}
	c.connected = p
	if c.kind != legIn {
		c.to = p
	}
	was := c.call()
	if call != "" {
		c.linked = call
	}
	out.emit(m, c, pbx.EvTransferred, c.conn, func(e *pbx.Event) {
		e.Call, e.By, e.To, e.NewCall, e.Other = was, by, p.Number, c.call(), p
	})
}

// stayer is the Deskline device channel at the end of a transfer party's
// channel: the channel itself, or the phone a Local channel pair rang
// (Atxfer and the *2 feature reach the target through Local/…;1, whose
// ;2 half dials the phone). nil when no device of Deskline's is there.
func (m *mapper) stayer(c *channel) *channel {
	for hop := 0; c != nil && c.device == "" && hop <= 2*maxLocalHops; hop++ {
		switch {
		case !strings.HasPrefix(c.name, "Local/"):
			return nil
		case strings.HasSuffix(c.name, ";1"):
			c = m.chans[m.byName(strings.TrimSuffix(c.name, ";1")+";2").uid]
		default:
			c = m.chans[c.dialee]
		}
	}
	if c == nil || c.device == "" {
		return nil
	}
	return c
}
