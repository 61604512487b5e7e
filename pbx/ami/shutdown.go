package ami

// Asterisk's "core restart now" (and "core stop now") hangs every channel
// up before it announces Shutdown: asterisk.c's can_safely_quit calls
// ast_begin_shutdown and ast_softhangup_all, which soft-hangs every channel
// up with the reason AST_SOFTHANGUP_SHUTDOWN, waits for the channels to die
// (about a second on the lab's Asterisk 22), and only then sends the
// Shutdown event. The Hangup events themselves say nothing of it: the
// channel's own Q.850 cause (16 Normal Clearing, or 0) is what a caller
// hanging up would give, so a desk would read "normal". What does tell
// them apart comes first: ast_softhangup publishes the reason it was given
// as the SoftHangupRequest event's Cause (manager_channels.c,
// channel_hangup_request_cb), and ast_softhangup_all is the only caller
// that gives AST_SOFTHANGUP_SHUTDOWN. So no hang-up has to wait for the
// Shutdown that follows: the call is known lost when its hang-up arrives.
const softHangupShutdown = 4 // AST_SOFTHANGUP_SHUTDOWN = 1 << 2 (include/asterisk/channel.h)

// softHangupRequest notes a call that Asterisk is hanging up because it is
// shutting down. Called with m.mu held.
func (m *mapper) softHangupRequest(msg Message) {
	if atoi(msg.Get("Cause")) != softHangupShutdown {
		return
	}
	linked := msg.Get("Linkedid")
	if c := m.chans[msg.Get("Uniqueid")]; c != nil {
		linked = c.linked
	}
	if linked != "" {
		m.shutdown[linked] = true
	}
}

// lostToShutdown reports whether the call of a channel being hung up was
// lost to a shutdown of Asterisk; the mark goes with the call's last
// channel. Called with m.mu held, after the channel left m.chans.
func (m *mapper) lostToShutdown(linked string) bool {
	lost := m.shutdown[linked]
	if lost && m.ended(linked) {
		delete(m.shutdown, linked)
	}
	return lost
}
