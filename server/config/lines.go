package config

import (
	"fmt"
	"strconv"
	"strings"
)

// The TOML decoder reports positions only for syntax errors, so semantic
// problems are located with this small index of where each key is written.
// Paths name array-of-tables elements by index: "users[1].devices",
// "exchange.sim.devices[0]". It understands what our files use — tables,
// arrays of tables, dotted and quoted keys, multi-line arrays and strings —
// and gives up gracefully (line 0, or the enclosing table's line) on the
// rest, such as keys inside inline tables.

// lineIndex maps key paths to the line they are written on.
type lineIndex struct {
	at   map[string]int       // path with indices → line
	seen map[string][]keyLine // path without indices → every occurrence, in file order
}

type keyLine struct {
	path string // with indices
	line int
}

// lineOf returns the line of key, or of its nearest written parent, or 0.
func (ix *lineIndex) lineOf(key string) int {
	for k := key; k != ""; k = parentPath(k) {
		if n, ok := ix.at[k]; ok {
			return n
		}
	}
	return 0
}

// parentPath strips the last element: "a.b[2]" → "a.b" → "a" → "".
func parentPath(p string) string {
	if strings.HasSuffix(p, "]") {
		if i := strings.LastIndexByte(p, '['); i >= 0 {
			return p[:i]
		}
	}
	if i := strings.LastIndexByte(p, '.'); i >= 0 {
		return p[:i]
	}
	return ""
}

func (ix *lineIndex) record(path, plain string, line int) {
	for p := path; p != ""; p = parentPath(p) { // parents written implicitly
		if _, ok := ix.at[p]; !ok {
			ix.at[p] = line
		}
	}
	ix.seen[plain] = append(ix.seen[plain], keyLine{path, line})
}

// scanner walks a TOML text line by line.
type scanner struct {
	ix           *lineIndex
	table, plain string         // current table: with and without indices
	arrays       map[string]int // elements so far of each array of tables, by path
	depth        int            // open brackets and braces of a multi-line value
	multi        string         // `"""` or `'''` inside a multi-line string
}

func indexLines(text string) *lineIndex {
	s := &scanner{
		ix:     &lineIndex{at: map[string]int{}, seen: map[string][]keyLine{}},
		arrays: map[string]int{},
	}
	for i, line := range strings.Split(text, "\n") {
		s.line(i+1, strings.TrimSuffix(line, "\r"))
	}
	return s.ix
}

func (s *scanner) line(n int, line string) {
	if s.depth > 0 || s.multi != "" {
		s.value(line) // continuation of a multi-line value
		return
	}
	rest := strings.TrimLeft(line, " \t")
	switch {
	case rest == "" || rest[0] == '#':
	case strings.HasPrefix(rest, "[["):
		s.header(n, rest[2:], true)
	case rest[0] == '[':
		s.header(n, rest[1:], false)
	default:
		s.keyValue(n, rest)
	}
}

func (s *scanner) header(n int, rest string, array bool) {
	keys, _, ok := parseKey(rest)
	if !ok {
		return
	}
	var path string
	for i, k := range keys {
		path = joinPath(path, k)
		count, isArray := s.arrays[path]
		switch {
		case array && i == len(keys)-1: // a new element
			s.arrays[path] = count + 1
			path = fmt.Sprintf("%s[%d]", path, count)
		case isArray: // [a.b] after [[a]] extends a's last element
			path = fmt.Sprintf("%s[%d]", path, count-1)
		}
	}
	s.table, s.plain = path, strings.Join(keys, ".")
	s.ix.record(path, s.plain, n)
}

func (s *scanner) keyValue(n int, rest string) {
	keys, after, ok := parseKey(rest)
	after = strings.TrimLeft(after, " \t")
	if !ok || !strings.HasPrefix(after, "=") {
		return
	}
	k := strings.Join(keys, ".")
	s.ix.record(joinPath(s.table, k), joinPath(s.plain, k), n)
	s.value(after[1:])
}

// value tracks brackets and multi-line strings through a value's text.
func (s *scanner) value(v string) {
	for i := 0; i < len(v); i++ {
		if s.multi != "" {
			j := strings.Index(v[i:], s.multi)
			if j < 0 {
				return
			}
			i += j + len(s.multi) - 1
			s.multi = ""
			continue
		}
		switch c := v[i]; c {
		case '#':
			return
		case '"', '\'':
			if q := strings.Repeat(string(c), 3); strings.HasPrefix(v[i:], q) {
				s.multi, i = q, i+2
				continue
			}
			i = stringEnd(v, i)
		case '[', '{':
			s.depth++
		case ']', '}':
			s.depth--
		}
	}
}

// stringEnd returns the index of the quote closing the string at v[i].
func stringEnd(v string, i int) int {
	q := v[i]
	for j := i + 1; j < len(v); j++ {
		switch {
		case v[j] == '\\' && q == '"':
			j++
		case v[j] == q:
			return j
		}
	}
	return len(v)
}

// parseKey reads a dotted key ("a", "a.b", `"x y".c`) and returns its parts
// and the text after it.
func parseKey(s string) (keys []string, rest string, ok bool) {
	for {
		s = strings.TrimLeft(s, " \t")
		var k string
		switch {
		case s == "":
			return nil, "", false
		case s[0] == '"' || s[0] == '\'':
			end := stringEnd(s, 0)
			if end >= len(s) {
				return nil, "", false
			}
			k = unquoteKey(s[:end+1])
			s = s[end+1:]
		default:
			end := strings.IndexFunc(s, func(r rune) bool { return !isBareKeyChar(r) })
			if end < 0 {
				end = len(s)
			}
			if end == 0 {
				return nil, "", false
			}
			k, s = s[:end], s[end:]
		}
		keys = append(keys, k)
		s = strings.TrimLeft(s, " \t")
		if !strings.HasPrefix(s, ".") {
			return keys, s, true
		}
		s = s[1:]
	}
}

func isBareKeyChar(r rune) bool {
	return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '-'
}

func unquoteKey(q string) string {
	if q[0] == '\'' {
		return q[1 : len(q)-1]
	}
	if k, err := strconv.Unquote(q); err == nil {
		return k
	}
	return q[1 : len(q)-1]
}

func joinPath(a, b string) string {
	if a == "" {
		return b
	}
	return a + "." + b
}
