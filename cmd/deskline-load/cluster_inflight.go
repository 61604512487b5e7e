package main

// Calls met on their way. When the holder goes abruptly (kill -9, cut
// off from NATS), the exchange events it had made but not yet appended
// to the log go with it: the sim API has answered, yet no node ever has
// them, and the new holder's reconcile cannot clear what the cluster
// never knew. So at such a fault every followed call whose events have
// not all reached their desk is no longer followed; the report counts
// them and how many of their events never arrived (inFlightOutcome).
// Desks must still see no seq gap and keep no call (the checks of every
// run).

// inFlight is one call withdrawn at a fault.
type inFlight struct {
	c    *client
	id   string
	want int // events the load had expected for it
}

// withdrawInFlight stops following every call whose events have not all
// reached its desk, and returns them.
func (f *fleet) withdrawInFlight() []inFlight {
	var out []inFlight
	var events int64
	for _, c := range f.clients {
		c.mu.Lock()
		for id, want := range c.tracked {
			if c.perCall[id] < want {
				delete(c.tracked, id)
				out = append(out, inFlight{c: c, id: id, want: want})
				events += int64(want)
			}
		}
		c.mu.Unlock()
	}
	f.withdrawn.Add(events)
	return out
}

// inFlightOutcome counts the withdrawn calls' events that never reached
// their desks (a reconcile's clear counts as one). The readers must have
// ended.
func inFlightOutcome(calls []inFlight) (missing int) {
	for _, w := range calls {
		w.c.mu.Lock()
		missing += max(w.want-w.c.perCall[w.id], 0)
		w.c.mu.Unlock()
	}
	return missing
}
