package contacts

import (
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/deskline/deskline/internal/cut"
)

// Search limits: a query is typed by a person.
const (
	maxQueryLen        = 256
	maxQueryWords      = 8
	minSubstringDigits = 3 // shorter digit strings are everywhere
)

// Scores. Only their order matters: an exact number beats a number prefix
// beats a digit substring; a whole word beats a word prefix, a name word
// beats an organisation word.
const (
	scoreKeyExact     = 200 // bonus: the digits are the whole number
	scoreKeyPrefix    = 400 // the number starts with the digits, as typed
	scoreKeyGuess     = 300 // … read as an area code without trunk prefix
	scoreKeySubstring = 200 // the digits appear in the number
	scoreWordPrefix   = 20
	scoreWordCoverage = 9 // at most, for a prefix that is nearly the word
	scoreWordExact    = 30
	scoreNameWord     = 10 // bonus over an organisation word
	scoreFirstWord    = 5  // bonus: the first word of the display name
	scoreNamePrefix   = 25 // bonus: the display name starts with the query
)

// query is a parsed search query.
type query struct {
	text   []string   // folded words
	nums   []numQuery // digit words
	phrase string     // the folded words joined, for the name-prefix bonus
}

// numQuery is typed digits and the number prefixes they may mean.
type numQuery struct {
	digits   string
	prefixes []numPrefix
}

type numPrefix struct {
	prefix string // a key prefix: "+4930…" or extension digits
	score  int
}

func parseQuery(norm *Normalizer, raw string) query {
	raw = cut.Prefix(raw, maxQueryLen)
	var q query
	if LooksLikeNumber(raw) {
		if sc := scanNumber(raw); sc.digits != "" && !sc.tooLong {
			q.nums = append(q.nums, numQueryFor(norm, sc.digits, sc.plus))
		}
		return q
	}
	for _, w := range words(raw) {
		f := fold(w)
		switch {
		case len(q.text)+len(q.nums) == maxQueryWords:
		case allDigits(f) && len(f) <= maxScanDigits:
			q.nums = append(q.nums, numQueryFor(norm, f, false))
		default:
			q.text = append(q.text, f)
		}
	}
	q.phrase = strings.Join(q.text, " ")
	return q
}

// numQueryFor lists what typed digits may be the start of: the key as
// typed (an extension, or "+…" typed with plus or 00), the national form
// read in the home region ("030 12" → +4930 12…), and digits typed without
// the trunk prefix ("30 12" → +4930 12…).
func numQueryFor(norm *Normalizer, d string, plus bool) numQuery {
	nq := numQuery{digits: d}
	add := func(p string, score int) { nq.prefixes = append(nq.prefixes, numPrefix{p, score}) }
	cc := "+" + strconv.Itoa(norm.home.cc)
	ndd := norm.home.npp
	switch {
	case plus:
		add("+"+d, scoreKeyPrefix)
	case strings.HasPrefix(d, "00") && len(d) > 2:
		add("+"+d[2:], scoreKeyPrefix)
	default:
		add(d, scoreKeyPrefix)
		if ndd != "" && strings.HasPrefix(d, ndd) && len(d) > len(ndd) {
			add(cc+d[len(ndd):], scoreKeyPrefix)
		} else if norm.home.cc != 0 {
			add(cc+d, scoreKeyGuess)
		}
	}
	return nq
}

// phoneScore scores one number against typed digits; 0 is no match.
func (nq numQuery) phoneScore(key string) int {
	best := 0
	for _, p := range nq.prefixes {
		if strings.HasPrefix(key, p.prefix) {
			sc := p.score
			if len(key) == len(p.prefix) {
				sc += scoreKeyExact
			}
			best = max(best, sc)
		}
	}
	if best == 0 && len(nq.digits) >= minSubstringDigits && strings.Contains(key, nq.digits) {
		best = scoreKeySubstring
	}
	return best
}

func (s *snapshot) search(norm *Normalizer, raw string, limit int) []Match {
	q := parseQuery(norm, raw)
	switch {
	case len(q.text) > 0:
		return s.searchText(q, limit)
	case len(q.nums) == 1:
		return s.searchNumber(q.nums[0], limit)
	case len(q.nums) > 1:
		// Digit words only, but not written as one number ("12 ab" is
		// text): every word must match a number of the contact.
		return s.searchNumber(numQueryFor(norm, joinDigits(q.nums), false), limit)
	}
	return nil
}

func joinDigits(nums []numQuery) string {
	var b strings.Builder
	for _, n := range nums {
		b.WriteString(n.digits)
	}
	return b.String()
}

// searchNumber finds numbers by prefix through the sorted keys and by
// substring through the blob. nums is in key order, so the first entries
// of each range are the best of equal score: no need to visit them all.
func (s *snapshot) searchNumber(nq numQuery, limit int) []Match {
	best := map[int]int{}
	for _, p := range nq.prefixes {
		lo := sort.Search(len(s.nums), func(i int) bool { return s.key(i) >= p.prefix })
		for i := lo; i < len(s.nums) && i-lo < limit && strings.HasPrefix(s.key(i), p.prefix); i++ {
			best[i] = max(best[i], nq.phoneScore(s.key(i)))
		}
	}
	// A substring never beats a prefix: skip the scan when prefixes
	// already fill the list.
	if len(nq.digits) >= minSubstringDigits && len(best) < limit {
		for off, found := 0, 0; found < limit; {
			j := strings.Index(s.blob[off:], nq.digits)
			if j < 0 {
				break
			}
			i := sort.Search(len(s.blobAt), func(k int) bool { return int(s.blobAt[k]) > off+j }) - 1
			if _, ok := best[i]; !ok {
				best[i] = nq.phoneScore(s.key(i))
				found++
			}
			off = len(s.blob)
			if i+1 < len(s.blobAt) {
				off = int(s.blobAt[i+1])
			}
		}
	}
	hits := make([]int, 0, len(best))
	for i := range best {
		hits = append(hits, i)
	}
	slices.SortFunc(hits, func(a, b int) int {
		if best[a] != best[b] {
			return best[b] - best[a]
		}
		return a - b
	})
	matches := make([]Match, 0, min(limit, len(hits)))
	for _, i := range hits[:min(limit, len(hits))] {
		r := s.nums[i]
		c := s.contacts[r.c]
		matches = append(matches, Match{Contact: c, Phone: c.Phones[r.p], Score: best[i]})
	}
	return matches
}

// searchText walks the postings of the most selective query word and
// scores each contact found there against all words. It visits the words
// of that range shortest first — a shorter word is matched more fully and
// scores more — and stops once no contact left can beat the ones kept:
// typing "m" into 100,000 names reads the postings of "mia", not of every
// name that starts with m.
func (s *snapshot) searchText(q query, limit int) []Match {
	driver, lo, hi := "", 0, 0
	for _, w := range q.text {
		l, h := s.wordRange(w)
		if driver == "" || s.postStart[h]-s.postStart[l] < s.postStart[hi]-s.postStart[lo] {
			driver, lo, hi = w, l, h
		}
	}
	if lo == hi {
		return nil
	}
	order := make([]int, hi-lo)
	for i := range order {
		order[i] = lo + i
	}
	slices.SortStableFunc(order, func(a, b int) int { return len(s.words[a]) - len(s.words[b]) })
	rest := (len(q.text)-1)*(scoreWordExact+scoreNameWord+scoreFirstWord) + scoreNamePrefix + len(q.nums)*(scoreKeyPrefix+scoreKeyExact)

	ranges := s.wordRanges(q)
	marksP := s.marks.Get().(*[]uint64)
	marks := *marksP
	top := topK{limit: limit}
	visited := 0
	for _, w := range order {
		bound := wordBound(driver, s.words[w]) + rest
		if len(top.items) == limit && top.items[limit-1].score > bound {
			break
		}
		visited++
		for _, c := range s.post[s.postStart[w]:s.postStart[w+1]] {
			// Postings are in contact order and ties go to the lower
			// contact: once the kept ones all score the bound, no later
			// contact of this word can displace one. Typing a common first
			// name in a large company reads 21 postings, not thousands.
			if len(top.items) == limit {
				if worst := top.items[limit-1]; worst.score > bound || worst.score == bound && worst.c < c {
					break
				}
			}
			if bit := uint64(1) << (c & 63); marks[c>>6]&bit == 0 {
				marks[c>>6] |= bit
				if score, ok := s.contactScore(c, q, ranges); ok {
					top.offer(c, score)
				}
			}
		}
	}
	for _, w := range order[:visited] {
		for _, c := range s.post[s.postStart[w]:s.postStart[w+1]] {
			marks[c>>6] = 0
		}
	}
	s.marks.Put(marksP)
	return s.expand(top.items, q, limit)
}

// wordBound is the most a query word can score through one word it is a
// prefix of (see contactScore).
func wordBound(qw, w string) int {
	if len(w) == len(qw) {
		return scoreWordExact + scoreNameWord + scoreFirstWord
	}
	return scoreWordPrefix + scoreWordCoverage*len(qw)/len(w) + scoreNameWord + scoreFirstWord
}

// wordRange returns the words that start with prefix, as an index range.
func (s *snapshot) wordRange(prefix string) (lo, hi int) {
	lo = sort.SearchStrings(s.words, prefix)
	hi = lo + sort.Search(len(s.words)-lo, func(i int) bool { return !strings.HasPrefix(s.words[lo+i], prefix) })
	return lo, hi
}

// wordRanges returns, for each query word, the range of the snapshot's
// words it is a prefix of: words are sorted, so "does the contact's word
// start with it" becomes two integer compares, no string read.
func (s *snapshot) wordRanges(q query) [][2]int32 {
	r := make([][2]int32, len(q.text))
	for i, qw := range q.text {
		lo, hi := s.wordRange(qw)
		r[i] = [2]int32{int32(lo), int32(hi)}
	}
	return r
}

// contactScore scores contact c against every query word (ranges from
// wordRanges); ok is false when a word matches none of its words or the
// contact has no (matching) number.
func (s *snapshot) contactScore(c int32, q query, ranges [][2]int32) (score int, ok bool) {
	if !s.numbered[c] {
		return 0, false
	}
	mine := s.cw[s.cwStart[c]:s.cwStart[c+1]]
	for i, qw := range q.text {
		best := 0
		lo, hi := ranges[i][0], ranges[i][1]
		for _, e := range mine {
			if id := e & wordMask; id < lo || id >= hi {
				continue
			}
			w := s.words[e&wordMask]
			// How much of the word is typed: "do" is more of "doe"
			// than of "dobbs".
			sc := scoreWordPrefix + scoreWordCoverage*len(qw)/len(w)
			if len(w) == len(qw) {
				sc = scoreWordExact
			}
			if e&kindOrg == 0 {
				sc += scoreNameWord
			}
			if e&kindFirst != 0 {
				sc += scoreFirstWord
			}
			best = max(best, sc)
		}
		if best == 0 {
			return 0, false
		}
		score += best
	}
	if strings.HasPrefix(s.sortKey[c], q.phrase) {
		score += scoreNamePrefix
	}
	if len(q.nums) > 0 {
		best := 0
		for _, ph := range s.contacts[c].Phones {
			best = max(best, numbersScore(q.nums, ph.Number.Key))
		}
		if best == 0 {
			return 0, false
		}
		score += best
	}
	return score, true
}

// numbersScore scores a number against every digit word; 0 if one fails.
func numbersScore(nums []numQuery, key string) int {
	total := 0
	for _, nq := range nums {
		sc := nq.phoneScore(key)
		if sc == 0 {
			return 0
		}
		total += sc
	}
	return total
}

// expand lists the numbers of the ranked contacts: preferred first, then
// as in the card; with digit words, only the numbers that match them.
func (s *snapshot) expand(top []scored, q query, limit int) []Match {
	var matches []Match
	for _, t := range top {
		c := s.contacts[t.c]
		start := len(matches)
		for _, ph := range c.Phones {
			if len(q.nums) == 0 || numbersScore(q.nums, ph.Number.Key) > 0 {
				matches = append(matches, Match{Contact: c, Phone: ph, Score: t.score})
			}
		}
		slices.SortStableFunc(matches[start:], func(a, b Match) int { return prefRank(a.Phone) - prefRank(b.Phone) })
		if len(matches) >= limit {
			return matches[:limit]
		}
	}
	return matches
}

// prefRank orders phones by preference: PREF=1 first, no preference last.
func prefRank(ph Phone) int {
	if ph.Pref == 0 {
		return 1000
	}
	return ph.Pref
}

// scored is a contact and its score.
type scored struct {
	c     int32
	score int
}

// topK keeps the best limit contacts: higher score first, then lower index
// (name order).
type topK struct {
	limit int
	items []scored
}

func (t *topK) offer(c int32, score int) {
	better := func(i int) bool {
		return score > t.items[i].score || score == t.items[i].score && c < t.items[i].c
	}
	n := len(t.items)
	if n == t.limit && !better(n-1) {
		return
	}
	i := sort.Search(n, better)
	if n < t.limit {
		t.items = append(t.items, scored{})
	}
	copy(t.items[i+1:], t.items[i:])
	t.items[i] = scored{c, score}
}
