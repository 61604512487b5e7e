package ctiproto

import (
	"bytes"
	"encoding/json"
)

// This file walks JSON text that json.Valid has already accepted. Because
// the text is known to be well formed, finding where a value ends only needs
// to track strings and nesting, and the walk needs no allocation: members
// and elements are sub-slices of the frame.

// members iterates the name/value pairs of a JSON object in frame order.
type members struct {
	b []byte
	i int
}

// openObject starts iterating raw; ok is false if raw is not an object.
func openObject(raw []byte) (it members, ok bool) {
	i := skipSpace(raw, 0)
	if i >= len(raw) || raw[i] != '{' {
		return members{}, false
	}
	return members{b: raw, i: i + 1}, true
}

// next returns the next member's name, still quoted, and its value.
func (m *members) next() (name, value []byte, ok bool) {
	i := skipSpace(m.b, m.i)
	if m.b[i] == ',' {
		i = skipSpace(m.b, i+1)
	}
	if m.b[i] == '}' {
		return nil, nil, false
	}
	e := stringEnd(m.b, i)
	name = m.b[i:e]
	i = skipSpace(m.b, e)   // at ':'
	i = skipSpace(m.b, i+1) // at the value
	e = valueEnd(m.b, i)
	m.i = e
	return name, m.b[i:e], true
}

// elements iterates the values of a JSON array.
type elements struct {
	b []byte
	i int
}

// openArray starts iterating raw; ok is false if raw is not an array.
func openArray(raw []byte) (it elements, ok bool) {
	if len(raw) == 0 || raw[0] != '[' {
		return elements{}, false
	}
	return elements{b: raw, i: 1}, true
}

// next returns the next element.
func (a *elements) next() (value []byte, ok bool) {
	i := skipSpace(a.b, a.i)
	if a.b[i] == ',' {
		i = skipSpace(a.b, i+1)
	}
	if a.b[i] == ']' {
		return nil, false
	}
	e := valueEnd(a.b, i)
	a.i = e
	return a.b[i:e], true
}

func skipSpace(b []byte, i int) int {
	for i < len(b) {
		switch b[i] {
		case ' ', '\t', '\n', '\r':
			i++
		default:
			return i
		}
	}
	return i
}

// valueEnd returns the index just past the value that starts at b[i].
func valueEnd(b []byte, i int) int {
	switch b[i] {
	case '"':
		return stringEnd(b, i)
	case '{', '[':
		depth := 0
		for i < len(b) {
			switch b[i] {
			case '"':
				i = stringEnd(b, i)
				continue
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return i + 1
				}
			}
			i++
		}
		return i
	default: // a number, true, false or null
		for i < len(b) {
			switch b[i] {
			case ',', '}', ']', ' ', '\t', '\n', '\r':
				return i
			}
			i++
		}
		return i
	}
}

// stringEnd returns the index just past the string that starts at b[i].
func stringEnd(b []byte, i int) int {
	for i++; i < len(b); i++ {
		switch b[i] {
		case '\\':
			i++
		case '"':
			return i + 1
		}
	}
	return i
}

// unquote decodes a JSON string; ok is false if raw is not a string.
// Strings without escapes, nearly all of them, cost one allocation.
func unquote(raw []byte) (s string, ok bool) {
	if len(raw) < 2 || raw[0] != '"' {
		return "", false
	}
	body := raw[1 : len(raw)-1]
	if bytes.IndexByte(body, '\\') < 0 {
		return string(body), true
	}
	return unescape(raw)
}

// unescape decodes a JSON string with escapes. It is apart from unquote
// so that unquote's fast path does not pay for json.Unmarshal's pointer.
func unescape(raw []byte) (s string, ok bool) {
	if err := json.Unmarshal(raw, &s); err != nil {
		return "", false
	}
	return s, true
}

// memberName returns a member name without its quotes, decoding escapes
// only if there are any.
func memberName(quoted []byte) []byte {
	body := quoted[1 : len(quoted)-1]
	if bytes.IndexByte(body, '\\') < 0 {
		return body
	}
	s, _ := unescape(quoted)
	return []byte(s)
}
