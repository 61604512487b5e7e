package ami

import (
	"time"

	"github.com/deskline/deskline/pbx"
)

// A Redirect (transfer, deflect) is accepted by Asterisk before anything
// is known of the target: a number the context cannot reach gets
// "Response: Success", then the moved channel is hung up ("sent to
// invalid extension but no invalid handler", captures e6 and d7). The
// dialplan check before the Redirect (dialplan.go) catches most of that;
// this file catches the rest after the fact. The device that asked hears
// transferred or diverted only once the moved channel went on to its
// target (it dials there, or is answered there); if the moved channel
// hangs up first, the device hears failed (invalid-number) and cleared.
//
// redirectSettle bounds how long the device's events wait for that: a
// channel sent to an extension that does not exist is hung up within
// milliseconds (2 ms in both captures), while a target that neither dials
// nor answers (an announcement, voicemail already answered) gives no sign
// at all, and its transfer must not stay unreported. Past this the
// transfer is reported done.
const redirectSettle = 3 * time.Second

// invalidWithin bounds when a moved channel's hang-up still means "no such
// extension": Asterisk hangs it up within milliseconds of the Redirect
// (2 ms in both captures), still at the target, priority 1, having run
// nothing. A caller who hangs up on a valid target (an announcement, a
// voicemail greeting) needs far longer to react, so a later hang-up, or
// one elsewhere in the dialplan, is the transfer done, not failed.
const invalidWithin = 500 * time.Millisecond

// redirect follows one channel the connector redirected.
type redirect struct {
	kind   intentKind // intentTransfer, intentDeflect or intentPickup
	via    string     // uid of the device's channel that carries the intent
	to     string     // the extension the channel was sent to
	at     time.Time  // when the connector asked for it
	failed bool       // the moved channel hung up before reaching the target
	// leg and held are the device's channel and the events it would
	// have been told, while they wait for the outcome.
	leg   *channel
	held  []pbx.Event
	timer *time.Timer
}

// expectRedirect registers the channel named moved as redirected for the
// intent on the device's channel uid. Called with m.mu held.
func (m *mapper) expectRedirect(uid string, in intent) {
	for k, r := range m.redirects {
		if r.via == uid && r.leg == nil {
			delete(m.redirects, k) // a retry replaces an earlier try
		}
	}
	if in.kind != intentTransfer && in.kind != intentDeflect && in.kind != intentPickup {
		return
	}
	if p := m.byName(in.moved); p.uid != "" {
		m.redirects[p.uid] = &redirect{kind: in.kind, via: uid, to: in.to, at: m.now()}
	}
}

// redirectOf is the pending redirect whose intent c carries.
func (m *mapper) redirectOf(c *channel) (string, *redirect) {
	for k, r := range m.redirects {
		if r.via == c.uid {
			return k, r
		}
	}
	return "", nil
}

// settle reports the end of a device channel that asked for a redirect:
// done (the events report writes) once the moved channel reached its
// target, failed once it was hung up instead, held until one of them (or
// redirectSettle) otherwise. Called with m.mu held.
func (m *mapper) settle(c *channel, out *batch, report func(*batch)) {
	k, r := m.redirectOf(c)
	switch {
	case r == nil:
		report(out)
	case r.failed:
		delete(m.redirects, k)
		m.failRedirect(c, out)
	default:
		held := &batch{now: out.now}
		report(held)
		r.leg, r.held = c, held.list
		r.timer = m.after(m.settleAfter, func() { m.flushRedirect(k, r) })
	}
}

// reached releases a redirect whose moved channel went on to its target
// (it dials, or, answered is true, the target answered it): the device's
// held events go out first. Called with m.mu held.
func (m *mapper) reached(uid string, answered bool, out *batch) {
	r := m.redirects[uid]
	if r == nil {
		return
	}
	if answered && r.kind == intentTransfer {
		// A transferred party was answered long before; its Up (late on
		// a busy link) says nothing of the target. Only a deflected (or
		// picked up) caller, still ringing, is answered by the new target.
		return
	}
	delete(m.redirects, uid)
	if r.timer != nil {
		r.timer.Stop()
	}
	out.list = append(out.list, r.held...)
}

// movedHungUp notes the hang-up of a redirected channel that never
// reached its target. Right after the Redirect, at the target's first
// priority, it means the target does not exist: the redirect failed, and
// the device hears it now if its own channel is already gone, else at its
// own hang-up (settle). Any other hang-up ends a transfer that was done.
// Called with m.mu held.
func (m *mapper) movedHungUp(uid string, msg Message, out *batch) {
	r := m.redirects[uid]
	if r == nil {
		return
	}
	if !r.invalid(msg, m.now()) {
		m.reached(uid, false, out)
		return
	}
	if r.leg == nil {
		r.failed = true
		return
	}
	delete(m.redirects, uid)
	r.timer.Stop()
	m.failRedirect(r.leg, out)
}

// invalid reports whether the moved channel's Hangup (msg, seen at now)
// is Asterisk refusing the target (see invalidWithin).
func (r *redirect) invalid(msg Message, now time.Time) bool {
	return msg.Get("Exten") == r.to && msg.Get("Priority") == "1" && now.Sub(r.at) < invalidWithin
}

// forgetRedirects drops what a device channel that is gone left pending
// without settling it (a hang-up reported otherwise: lost in a restart,
// no longer ringing): nothing would remove it before the next reconnect.
// Called with m.mu held.
func (m *mapper) forgetRedirects(uid string) {
	for k, r := range m.redirects {
		if r.via == uid && r.leg == nil {
			delete(m.redirects, k)
		}
	}
}

// failRedirect tells the device whose transfer or deflect lost the call.
func (m *mapper) failRedirect(c *channel, out *batch) {
	cause := func(e *pbx.Event) { e.Cause = pbx.CauseInvalidNumber }
	out.emit(m, c, pbx.EvFailed, pbx.StateFailed, cause)
	out.emit(m, c, pbx.EvCleared, pbx.StateCleared, cause)
}

// flushRedirect reports a redirect whose moved channel gave no sign within
// redirectSettle as done.
func (m *mapper) flushRedirect(uid string, r *redirect) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.redirects[uid] != r {
		return // settled meanwhile
	}
	delete(m.redirects, uid)
	if m.push != nil && len(r.held) > 0 {
		m.push(r.held)
	}
}

// dropStaleRedirects forgets, after a rebuild, the redirects of channels
// Asterisk no longer has that wait for nothing (held ones end by their
// timer). Called with m.mu held.
func (m *mapper) dropStaleRedirects() {
	for uid, r := range m.redirects {
		if r.leg == nil && m.chans[uid] == nil {
			delete(m.redirects, uid)
		}
	}
}
