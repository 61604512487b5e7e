package contacts

import (
	"cmp"
	"slices"
	"strings"
	"sync"
)

// ref names one phone: contact index and phone index.
type ref struct{ c, p int32 }

// keySpan is the run of entries of one key in nums: a lookup reads it
// without walking the entries' keys, each a pointer chase.
type keySpan struct{ at, n int32 }

// hit is an entry of nums as pointers: the contact and its phone, so that
// a lookup does not go through the contacts slice and the Contact to reach
// the Phone (each a cache miss in a large book; 16 bytes per phone).
type hit struct {
	c  *Contact
	ph *Phone
}

// Word kinds, packed into the top bits of a contact's word entries.
const (
	kindOrg   = 1 << 29 // from the organisation, not the name
	kindFirst = 1 << 30 // the first word of the display name
	wordMask  = kindOrg - 1
)

// snapshot is one loaded state of a Directory: the contacts and every
// index over them. It is built once and never modified, so readers share
// it without locks.
type snapshot struct {
	paths    []string
	contacts []*Contact // sorted by sortKey, then ID: an index is a rank
	sortKey  []string   // folded display name
	// numbered says which contacts have numbers, by index: search skips
	// the others without reading the Contact, a cache miss each in a
	// large book (most of a keystroke's time before).
	numbered []bool

	// Reverse lookup and number search.
	nums   []ref              // every phone, sorted by key, then contact
	keyAt  map[string]keySpan // key → its entries in nums
	hits   []hit              // parallel to nums: what a lookup returns, one pointer away
	blob   string             // "\x00" + key of every entry of nums, for substring search
	blobAt []int32            // where each entry of nums starts in blob

	// Text search: unique folded words, sorted, each with the contacts
	// that have it (postings, contiguous in word order so that a prefix
	// range of words is one range of postings).
	words     []string
	postStart []int32 // postings of words[i]: post[postStart[i]:postStart[i+1]]
	post      []int32
	cwStart   []int32 // words of contact c: cw[cwStart[c]:cwStart[c+1]]
	cw        []int32 // word index | kind bits

	marks sync.Pool // *[]uint64, one bit per contact, for de-duplication
}

func (s *snapshot) key(i int) string {
	r := s.nums[i]
	return s.contacts[r.c].Phones[r.p].Number.Key
}

// buildSnapshot indexes contacts. It sorts them, so indexes double as the
// tie-break order (name, then ID) everywhere.
func buildSnapshot(paths []string, contacts []*Contact) *snapshot {
	s := &snapshot{paths: paths}
	type named struct {
		p   prefixKey
		key string
		c   *Contact
	}
	items := make([]named, len(contacts))
	for i, c := range contacts {
		k := fold(c.DisplayName())
		items[i] = named{prefixOf(k), k, c}
	}
	slices.SortFunc(items, func(a, b named) int {
		if c := compareKeyed(a.p, a.key, b.p, b.key); c != 0 {
			return c
		}
		return strings.Compare(a.c.ID, b.c.ID)
	})
	s.contacts = make([]*Contact, len(contacts))
	s.sortKey = make([]string, len(contacts))
	s.numbered = make([]bool, len(contacts))
	for i, it := range items {
		s.contacts[i], s.sortKey[i], s.numbered[i] = it.c, it.key, len(it.c.Phones) > 0
	}
	// The two indexes write disjoint fields and only read the contacts:
	// built side by side, the load waits for the longer one only.
	var wg sync.WaitGroup
	wg.Go(s.indexNumbers)
	s.indexWords()
	wg.Wait()
	n := len(s.contacts)
	s.marks.New = func() any { b := make([]uint64, (n+63)/64); return &b }
	return s
}

// indexNumbers builds the reverse-lookup index and the number search blob.
func (s *snapshot) indexNumbers() {
	type keyed struct {
		p   prefixKey
		key string
		r   ref
	}
	n := 0
	for _, ct := range s.contacts {
		n += len(ct.Phones)
	}
	all := make([]keyed, 0, n)
	for c, ct := range s.contacts {
		for p, ph := range ct.Phones {
			all = append(all, keyed{prefixOf(ph.Number.Key), ph.Number.Key, ref{int32(c), int32(p)}})
		}
	}
	// By key, then contact (name order), then phone: a total order, so the
	// faster unstable sort gives the same result every time.
	slices.SortFunc(all, func(a, b keyed) int {
		if c := compareKeyed(a.p, a.key, b.p, b.key); c != 0 {
			return c
		}
		return cmp.Or(cmp.Compare(a.r.c, b.r.c), cmp.Compare(a.r.p, b.r.p))
	})
	s.nums = make([]ref, len(all))
	s.hits = make([]hit, len(all))
	s.blobAt = make([]int32, len(all))
	s.keyAt = make(map[string]keySpan, len(all))
	var blob strings.Builder
	blob.Grow(len(all) * (1 + len("+49301234567"))) // a typical key; it grows if need be
	for i, k := range all {
		s.nums[i] = k.r
		c := s.contacts[k.r.c]
		s.hits[i] = hit{c, &c.Phones[k.r.p]}
		s.blobAt[i] = int32(blob.Len())
		blob.WriteByte(0)
		blob.WriteString(k.key)
		if i == 0 || all[i-1].key != k.key {
			end := i + 1
			for end < len(all) && all[end].key == k.key {
				end++
			}
			s.keyAt[k.key] = keySpan{int32(i), int32(end - i)}
		}
	}
	s.blob = blob.String()
}

// indexWords builds the text search index: the words of every contact's
// name and organisation, folded, plus German spellings of umlauts.
func (s *snapshot) indexWords() {
	ids := map[string]int32{}
	s.cwStart = make([]int32, len(s.contacts)+1)
	for c, ct := range s.contacts {
		s.cwStart[c] = int32(len(s.cw))
		if ct.FormattedName+ct.GivenName+ct.FamilyName+ct.Organization != "" {
			s.addWords(ids, ct.DisplayName(), kindFirst, c) // not a number shown as the name
		}
		s.addWords(ids, ct.GivenName+" "+ct.FamilyName, 0, c)
		s.addWords(ids, ct.Organization+" "+ct.Department, kindOrg, c)
	}
	s.cwStart[len(s.contacts)] = int32(len(s.cw))
	// Sort the words and renumber the contacts' entries.
	sorted := make([]int32, len(s.words))
	for i := range sorted {
		sorted[i] = int32(i)
	}
	slices.SortFunc(sorted, func(a, b int32) int { return strings.Compare(s.words[a], s.words[b]) })
	rank := make([]int32, len(s.words))
	words := make([]string, len(s.words))
	for r, id := range sorted {
		rank[id], words[r] = int32(r), s.words[id]
	}
	s.words = words
	counts := make([]int32, len(words)+1)
	for i, e := range s.cw {
		e = e&^wordMask | rank[e&wordMask]
		s.cw[i] = e
		counts[e&wordMask+1]++
	}
	s.postStart = make([]int32, len(words)+1)
	for i := range words {
		s.postStart[i+1] = s.postStart[i] + counts[i+1]
	}
	// Postings in contact order: contacts are visited in order.
	s.post = make([]int32, len(s.cw))
	fill := append([]int32(nil), s.postStart[:len(words)]...)
	for c := range s.contacts {
		for _, e := range s.cw[s.cwStart[c]:s.cwStart[c+1]] {
			w := e & wordMask
			s.post[fill[w]] = int32(c)
			fill[w]++
		}
	}
}

// addWords adds the folded words of text to contact c, once each; the
// first word of the display name is marked.
func (s *snapshot) addWords(ids map[string]int32, text string, kind int32, c int) {
	for i, w := range words(text) {
		k := kind
		if kind == kindFirst {
			k = 0
			if i == 0 {
				k = kindFirst
			}
		}
		s.addWord(ids, fold(w), k, c)
		if alt, ok := foldAlt(w); ok {
			s.addWord(ids, alt, k, c)
		}
	}
}

func (s *snapshot) addWord(ids map[string]int32, w string, kind int32, c int) {
	id, ok := ids[w]
	if !ok {
		id = int32(len(s.words))
		ids[w] = id
		s.words = append(s.words, w)
	}
	mine := s.cw[s.cwStart[c]:]
	for i, e := range mine {
		if e&wordMask == id {
			// Keep the best kind: a name word beats the same word in the
			// organisation, the first word is marked.
			if kind&kindOrg == 0 {
				mine[i] = mine[i]&^kindOrg | kind&kindFirst | e&kindFirst
			}
			return
		}
	}
	s.cw = append(s.cw, id|kind)
}
