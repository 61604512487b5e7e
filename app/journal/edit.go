package journal

// Add records a call. Entries are kept newest first by Start. An entry
// with an ID already present replaces it, so that a session replaying
// events after a reconnect does not record a call twice; a replaced
// entry stays seen if it was. Beyond the limit the oldest entries go.
func (j *Journal) Add(e Entry) error {
	if err := e.validate(); err != nil {
		return err
	}
	e = e.normalized()
	return j.change(func() bool {
		if i := j.indexLocked(e.ID); i >= 0 {
			e.Seen = e.Seen || j.entries[i].Seen
			if j.entries[i].same(e) {
				return false // a replay: nothing to write
			}
			j.entries = append(j.entries[:i], j.entries[i+1:]...)
		}
		j.entries = insertByStart(j.entries, e)
		if len(j.entries) > j.limit {
			j.entries = j.entries[:j.limit]
		}
		return true
	})
}

// MarkSeen marks the given entries seen, all entries if no id is given.
// Unknown ids are ignored: the entry may have just dropped off the end.
func (j *Journal) MarkSeen(ids ...string) error {
	want := make(map[string]bool, len(ids))
	for _, id := range ids {
		want[id] = true
	}
	return j.change(func() bool {
		changed := false
		for i := range j.entries {
			e := &j.entries[i]
			if !e.Seen && (len(ids) == 0 || want[e.ID]) {
				e.Seen = true
				changed = true
			}
		}
		return changed
	})
}

// Clear removes every entry.
func (j *Journal) Clear() error {
	return j.change(func() bool {
		if len(j.entries) == 0 {
			return false
		}
		j.entries = nil
		return true
	})
}

func (j *Journal) indexLocked(id string) int {
	for i, e := range j.entries {
		if e.ID == id {
			return i
		}
	}
	return -1
}

// insertByStart puts e before the first entry that did not start later,
// so among equal start times the one added last comes first.
func insertByStart(entries []Entry, e Entry) []Entry {
	i := 0
	for i < len(entries) && entries[i].Start.After(e.Start) {
		i++
	}
	entries = append(entries, Entry{})
	copy(entries[i+1:], entries[i:])
	entries[i] = e
	return entries
}
