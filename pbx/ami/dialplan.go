package ami

import (
	"context"
	"errors"
	"fmt"
	"strings"
)

// Before a transfer or deflect redirects a caller, the number is checked
// against the dialplan of the configured context: Asterisk accepts a
// Redirect to an extension that does not exist and then hangs the caller
// up (captures e6, d7). The dialplan is read with ShowDialPlan, one
// context at a time from cfg.Context along its includes, kept until a
// reload or a reconnect, and matched here the way Asterisk matches
// extensions.
//
// ShowDialPlan needs the manager account's write class "reporting" or
// "config" (main/pbx.c registers it with EVENT_FLAG_CONFIG |
// EVENT_FLAG_REPORTING; either will do). Without it, or when the dialplan
// cannot be known (a switch, too many contexts), nothing is refused in
// advance and redirect.go reports the hang-up that follows.

// errTooManyContexts: the dialplan reaches more than maxDialplanContexts.
var errTooManyContexts = errors.New("ami: ShowDialPlan: too many contexts")

// Bounds of reading a dialplan.
const (
	// maxDialplanContexts bounds the contexts read along includes (one
	// ShowDialPlan each, a millisecond or so, read in the background).
	// FreePBX's from-internal reaches a few dozen, a large install with
	// many IVRs and queues some hundreds; past this the dialplan is
	// treated as unknown rather than read for ever.
	maxDialplanContexts = 500
	// maxIncludeDepth bounds the include chain followed when matching,
	// as Asterisk's own AST_PBX_MAX_STACK does.
	maxIncludeDepth = 128
)

// invalidContexts only tell a caller that the number is wrong: FreePBX's
// from-internal ends with "include => bad-number", whose catch-all _X.
// plays "cannot complete as dialed" and hangs up. A number matched only
// there is not reached (else nothing would ever be refused on FreePBX).
var invalidContexts = map[string]bool{"bad-number": true}

// dialplan is what ShowDialPlan reported for the context and the contexts
// it includes.
type dialplan struct {
	context  string                // cfg.Context, where the walk starts
	contexts map[string]*dpContext // by name
	unknown  string                // why it could not be read; "" when read
}

// dpContext is one context: its dialable extensions and its includes.
type dpContext struct {
	extens   []string // names with a priority 1 ("_0X." keeps its "_")
	includes []string // included contexts, in order
	switched bool     // has a switch: any number may exist elsewhere
	invalid  bool     // has an "i" extension (Asterisk's invalid-number handler)
}

// reaches reports whether the context can dial num; sure is false when
// the dialplan cannot tell (not read, or a switch on the way).
func (d *dialplan) reaches(num string) (reach, sure bool) {
	if d.unknown != "" {
		return false, false
	}
	sure = true
	seen := map[string]bool{}
	var walk func(name string, depth int) bool
	walk = func(name string, depth int) bool {
		dc := d.contexts[name]
		if dc == nil || seen[name] || depth > maxIncludeDepth || invalidContexts[name] {
			return false
		}
		seen[name] = true
		if dc.switched {
			sure = false
		}
		for _, e := range dc.extens {
			if extenMatch(e, num) {
				return true
			}
		}
		for _, inc := range dc.includes {
			if walk(inc, depth+1) {
				return true
			}
		}
		return false
	}
	reach = walk(d.context, 0)
	return reach, sure || reach
}

// invalidHandler reports whether the context has an "i" extension or
// includes an invalid-number context: a caller sent to a number it lacks
// hears that handler instead of being hung up at once, but does not reach
// the number either.
func (d *dialplan) invalidHandler() bool {
	if dc := d.contexts[d.context]; dc != nil && dc.invalid {
		return true
	}
	for name := range invalidContexts {
		if d.contexts[name] != nil {
			return true
		}
	}
	return false
}

// readDialplan reads root and every context it includes.
func readDialplan(ctx context.Context, c *conn, root string) (*dialplan, error) {
	d := &dialplan{context: root, contexts: map[string]*dpContext{}}
	queue := []string{root}
	for len(queue) > 0 {
		name := queue[0]
		queue = queue[1:]
		if d.contexts[name] != nil {
			continue
		}
		if len(d.contexts) >= maxDialplanContexts {
			return nil, fmt.Errorf("%w: more than %d reachable from %q", errTooManyContexts, maxDialplanContexts, root)
		}
		items, err := c.list(ctx, NewAction("ShowDialPlan", "Context", name))
		var ae *ActionError
		if errors.As(err, &ae) && strings.HasPrefix(ae.Message, "Did not find context") && name != root {
			d.contexts[name] = &dpContext{} // Asterisk skips an include of a missing context too
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("ami: ShowDialPlan of context %q: %w", name, err)
		}
		dc := parseContext(name, items)
		d.contexts[name] = dc
		queue = append(queue, dc.includes...)
	}
	return d, nil
}

// parseContext reads the ListDialplan items of one context (Asterisk 22,
// main/pbx.c manager_show_dialplan_helper): an extension's priorities
// (Extension, Priority: a number or "hint"), includes (IncludeContext:
// "name" or "name,times" for a timed include) and switches (Switch).
func parseContext(name string, items []Message) *dpContext {
	dc := &dpContext{}
	for _, it := range items {
		if it.Event() != "ListDialplan" || it.Get("Context") != name {
			continue
		}
		if inc, ok := it.Lookup("IncludeContext"); ok {
			inc, _, _ = strings.Cut(inc, ",")
			dc.includes = append(dc.includes, strings.TrimSpace(inc))
			continue
		}
		if _, ok := it.Lookup("Switch"); ok {
			dc.switched = true
			continue
		}
		exten := it.Get("Extension")
		if exten == "i" {
			dc.invalid = true
		}
		if exten != "" && it.Get("Priority") == "1" {
			dc.extens = append(dc.extens, exten)
		}
	}
	return dc
}

// extenMatch matches a number against an extension name as Asterisk does
// (main/pbx.c ext_cmp and the pattern trie): a name without "_" matches
// itself only; after "_", X is 0-9, Z 1-9, N 2-9, [15-7a] one of a set,
// "." one or more further characters, "!" zero or more, anything else
// itself. A "-" outside brackets is decoration, ignored on both sides.
func extenMatch(pattern, num string) bool {
	num = strings.ReplaceAll(num, "-", "")
	p, isPattern := strings.CutPrefix(pattern, "_")
	if !isPattern {
		return strings.ReplaceAll(p, "-", "") == num
	}
	i := 0 // position in num
	for j := 0; j < len(p); j++ {
		switch ch := p[j]; ch {
		case '-':
			continue
		case '.':
			return i < len(num)
		case '!':
			return true
		}
		if i >= len(num) {
			return false
		}
		ok, next := patternChar(p, j, num[i])
		if !ok {
			return false
		}
		i, j = i+1, next
	}
	return i == len(num)
}

// patternChar matches one character d against the pattern element at p[j]
// and returns the index of that element's last byte.
func patternChar(p string, j int, d byte) (bool, int) {
	switch p[j] {
	case 'X', 'x':
		return d >= '0' && d <= '9', j
	case 'Z', 'z':
		return d >= '1' && d <= '9', j
	case 'N', 'n':
		return d >= '2' && d <= '9', j
	case '[':
		end := strings.IndexByte(p[j:], ']')
		if end < 0 {
			return p[j] == d, j // an unclosed bracket is itself, as Asterisk warns and does
		}
		return inSet(p[j+1:j+end], d), j + end
	default:
		return p[j] == d, j
	}
}

// inSet reports whether d is in a bracket set like "15-7a".
func inSet(set string, d byte) bool {
	for k := 0; k < len(set); k++ {
		if k+2 < len(set) && set[k+1] == '-' {
			if d >= set[k] && d <= set[k+2] {
				return true
			}
			k += 2
			continue
		}
		if set[k] == d {
			return true
		}
	}
	return false
}
