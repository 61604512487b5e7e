package main

import (
	"slices"
	"time"
)

// fleetStats is what the clients saw, summed once they are closed.
type fleetStats struct {
	Expected, Delivered int64
	Missing, Unexpected int64 // per client: expected − delivered, when positive, and the reverse
	Lost, Dup           int64
	BadFrames, Others   int64
	Replayed            int64
	Reconciled          int64                      // calls cleared because the exchange restarted
	Latencies           []time.Duration            // sorted; every client but the slow ones
	Phases              [numPhases][]time.Duration // the same by phase, sorted
	SlowLatencies       []time.Duration            // the slow clients', sorted
	LastRecv            time.Time
	Disconnects         map[string]int // connections that ended for good, by close code or error
	Ends                map[string]int // connections that ended and were resumed (not slow clients')
	SlowEnds            map[string]int // the same, of the slow clients
	Logins              loginCounts    // welcomes after the first, summed
	SlowResumed         int            // slow clients that resumed at least once
	Tracked             trackedStats
	Frames              map[string]*frameSize // event frames by type
}

// trackedStats are the calls restart mode follows one by one.
type trackedStats struct {
	Calls, Expected, Seen, Missing, Extra int64
}

func (t *trackedStats) add(u trackedStats) {
	t.Calls += u.Calls
	t.Expected += u.Expected
	t.Seen += u.Seen
	t.Missing += u.Missing
	t.Extra += u.Extra
}

// trackedStats compares the client's tracked calls with the events it got.
func (c *client) trackedStats() trackedStats {
	c.mu.Lock()
	defer c.mu.Unlock()
	var t trackedStats
	for id, want := range c.tracked {
		got := int64(c.perCall[id])
		t.Calls++
		t.Expected += int64(want)
		t.Seen += min(got, int64(want))
		t.Missing += max(int64(want)-got, 0)
		t.Extra += max(got-int64(want), 0)
	}
	return t
}

// sum adds up the clients; the readers must have ended.
func (f *fleet) sum() fleetStats {
	s := fleetStats{Disconnects: map[string]int{}, Ends: map[string]int{}, SlowEnds: map[string]int{},
		Frames: map[string]*frameSize{}, Logins: loginCounts{Resync: map[string]int{}}}
	for _, c := range f.clients {
		s.addCounts(c)
		s.addLatencies(c)
		s.addSessions(c)
		s.Tracked.add(c.trackedStats())
	}
	slices.Sort(s.Latencies)
	slices.Sort(s.SlowLatencies)
	for p := range s.Phases {
		slices.Sort(s.Phases[p])
	}
	if f.trackCalls { // restart: what counts is the calls made after everyone was back
		t := s.Tracked
		s.Expected, s.Delivered, s.Missing, s.Unexpected = t.Expected, t.Seen, t.Missing, t.Extra
	}
	return s
}

func (s *fleetStats) addCounts(c *client) {
	exp, got := c.expected.Load(), c.delivered.Load()
	s.Expected += exp
	s.Delivered += got
	s.Missing += max(exp-got, 0)
	s.Unexpected += max(got-exp, 0)
	s.Lost += c.lost
	s.Dup += c.dup
	s.BadFrames += c.badFrames
	s.Others += c.others
	s.Replayed += c.replayed
	s.Reconciled += c.reconciled
	if c.lastRecv.After(s.LastRecv) {
		s.LastRecv = c.lastRecv
	}
	for k, v := range c.frameBytes {
		if s.Frames[k] == nil {
			s.Frames[k] = &frameSize{}
		}
		s.Frames[k].bytes += v.bytes
		s.Frames[k].n += v.n
	}
}

// addLatencies keeps the slow clients' apart: they were stalled on purpose.
func (s *fleetStats) addLatencies(c *client) {
	for p, l := range c.lat {
		if c.slow {
			s.SlowLatencies = append(s.SlowLatencies, l...)
			continue
		}
		s.Latencies = append(s.Latencies, l...)
		s.Phases[p] = append(s.Phases[p], l...)
	}
}

func (s *fleetStats) addSessions(c *client) {
	if c.endErr != nil {
		s.Disconnects[endReason(c.endErr)]++
	}
	ends := s.Ends
	if c.slow {
		ends = s.SlowEnds
		if c.logins.Resumed > 0 {
			s.SlowResumed++
		}
	}
	for k, v := range c.ends {
		ends[k] += v
	}
	l := c.logins
	s.Logins.Password += max(l.Password-1, 0) // the first login is no reconnection
	s.Logins.Token += l.Token
	s.Logins.Fallback += l.Fallback
	s.Logins.Resumed += l.Resumed
	for k, v := range l.Resync {
		s.Logins.Resync[k] += v
	}
}
