package contacts

import "slices"

// lookup finds the phones whose key is num's, through the index.
func (s *snapshot) lookup(num Number) []Match {
	at, ok := s.keyAt[num.Key]
	if !ok || num.Key == "" {
		return nil
	}
	var matches []Match
	for i := int(at); i < len(s.nums) && s.key(i) == num.Key; i++ {
		r := s.nums[i]
		c := s.contacts[r.c]
		ph := c.Phones[r.p]
		matches = append(matches, Match{Contact: c, Phone: ph, Score: lookupScore(num, ph)})
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
