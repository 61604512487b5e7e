package config

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
)

// Error is one problem in a configuration, located where it is written.
type Error struct {
	File string // as given to Parse or Load; "" for a config built in code
	Line int    // 1-based; 0 when unknown
	Key  string // the setting, e.g. "users[1].devices"; "" for syntax errors
	Msg  string
}

// Error formats e as "FILE:LINE: message", the form editors and CI jump to.
func (e *Error) Error() string {
	switch {
	case e.File != "" && e.Line > 0:
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
	case e.File != "":
		return e.File + ": " + e.Msg
	}
	return "config: " + e.Msg
}

// Errors is every problem found in a configuration, in file order.
type Errors []*Error

// Error lists the problems one per line, the first prefixed "config: ".
func (es Errors) Error() string {
	lines := make([]string, len(es))
	for i, e := range es {
		lines[i] = e.Error()
	}
	s := strings.Join(lines, "\n")
	if !strings.HasPrefix(s, "config: ") {
		s = "config: " + s
	}
	return s
}

// Unwrap gives errors.As access to each *Error.
func (es Errors) Unwrap() []error {
	out := make([]error, len(es))
	for i, e := range es {
		out[i] = e
	}
	return out
}

// problem is a finding before it is located: key is the path of the
// setting it is about ("exchange.sim.devices[2].id"), used to find its line.
type problem struct {
	key string
	msg string
}

// problems collects findings.
type problems []problem

func (ps *problems) add(key, format string, args ...any) {
	*ps = append(*ps, problem{key: key, msg: fmt.Sprintf(format, args...)})
}

// locate turns problems into Errors in file order (unknown lines last).
func locate(ps []problem, src *source) Errors {
	es := make(Errors, 0, len(ps))
	for _, p := range ps {
		e := &Error{Key: p.key, Msg: p.msg}
		if src != nil {
			e.File, e.Line = src.name, src.lines.lineOf(p.key)
		}
		es = append(es, e)
	}
	sortErrors(es)
	return es
}

func sortErrors(es Errors) {
	slices.SortStableFunc(es, func(a, b *Error) int {
		if (a.Line == 0) != (b.Line == 0) {
			return cmp.Compare(b.Line, a.Line) // 0 after everything
		}
		return cmp.Compare(a.Line, b.Line)
	})
}
