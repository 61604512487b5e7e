package contacts

import "slices"

// lookup finds the phones whose key is num's, through the index.
func (s *snapshot) lookup(num Number) []Match {
	sp, ok := s.keyAt[num.Key]
	if !ok || num.Key == "" {
		return nil
	}
	return s.lookupSpan(sp, num.Ext)
}

// lookupKey is lookup for a number without extension whose key is in
// key's bytes; it allocates only the result.
func (s *snapshot) lookupKey(key []byte) []Match {
	sp, ok := s.keyAt[string(key)] // no copy: the compiler looks up the bytes
	if !ok || len(key) == 0 {
		return nil
	}
	return s.lookupSpan(sp, "")
}

// lookupSpan lists the phones of one key, ranked for a call with
// extension ext.
func (s *snapshot) lookupSpan(sp keySpan, ext string) []Match {
	matches := make([]Match, 0, sp.n)
	call := Number{Ext: ext} // lookupScore reads only the extension
	for _, h := range s.hits[sp.at : sp.at+sp.n] {
		matches = append(matches, Match{Contact: h.c, Phone: *h.ph, Score: lookupScore(call, *h.ph)})
	}
	// nums holds each key's phones in contact order (name, then ID), so a
	// stable sort by score leaves ties in that order.
	slices.SortStableFunc(matches, func(a, b Match) int { return b.Score - a.Score })
	return matches
}

// lookupScore ranks the phones that have the called number. The same
// extension matters most: a call from the switchboard with extension 89 is
// the person at 89. Then what the cards say: a preferred number, a work or
// main number (the one a business call comes from); a fax number last,
// since faxes do not call people.
func lookupScore(num Number, ph Phone) int {
	score := 100
	if ph.Number.Ext == num.Ext {
		score += 50
	}
	if ph.Pref > 0 {
		score += 20 - min(ph.Pref, 10)
	}
	if ph.HasType("work") || ph.HasType("main") {
		score += 5
	}
	if ph.HasType("fax") {
		score -= 60
	}
	return score
}
