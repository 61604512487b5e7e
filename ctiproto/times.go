package ctiproto

import "time"

// TimePrecision is the finest precision of a time on the wire. Go writes
// up to nine fractional digits, which some clients' RFC 3339 parsers
// refuse (JavaScript's Date, several Java and .NET formats); no exchange
// stamps events more finely than a millisecond that matters to a person.
const TimePrecision = time.Millisecond

// wireTime cuts t to TimePrecision.
func wireTime(t time.Time) time.Time { return t.Truncate(TimePrecision) }

// fine reports whether t has digits below TimePrecision.
func fine(t time.Time) bool { return t.Nanosecond()%int(TimePrecision) != 0 }

// withWireTimes returns m, or a copy of it whose times are cut to
// TimePrecision, so that whatever a sender stamped, Encode writes at most
// three fractional digits. Messages without fine times are not copied.
func withWireTimes(m Message) Message {
	switch v := m.(type) {
	case *Event:
		if fine(v.Time) || v.Queue.fine() {
			c := *v
			c.Time, c.Queue = wireTime(c.Time), v.Queue.wire()
			return &c
		}
	case *Welcome:
		calls, changed := wireCalls(v.Calls)
		if changed || (v.TokenExpires != nil && fine(*v.TokenExpires)) {
			c := *v
			c.Calls, c.TokenExpires = calls, wireTimePtr(v.TokenExpires)
			return &c
		}
	case *Result:
		calls, changed := wireCalls(v.Calls)
		if changed || (v.Expires != nil && fine(*v.Expires)) {
			c := *v
			c.Calls, c.Expires = calls, wireTimePtr(v.Expires)
			return &c
		}
	}
	return m
}

// wireCalls returns calls, or a copy with its times cut, and whether it
// copied.
func wireCalls(calls []Call) ([]Call, bool) {
	for i := range calls {
		if fine(calls[i].Since) || calls[i].Queue.fine() {
			c := make([]Call, len(calls))
			for j, call := range calls {
				call.Since, call.Queue = wireTime(call.Since), call.Queue.wire()
				c[j] = call
			}
			return c, true
		}
	}
	return calls, false
}

func wireTimePtr(t *time.Time) *time.Time {
	if t == nil || !fine(*t) {
		return t
	}
	w := wireTime(*t)
	return &w
}

// fine reports whether q's time has digits below TimePrecision.
func (q *Queue) fine() bool { return q != nil && fine(q.Joined) }

// wire returns q, or a copy with its time cut to TimePrecision.
func (q *Queue) wire() *Queue {
	if !q.fine() {
		return q
	}
	c := *q
	c.Joined = wireTime(c.Joined)
	return &c
}
