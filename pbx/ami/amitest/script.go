package amitest

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/deskline/deskline/pbx/ami"
)

// Script is a real capture (NAME.annotated.txt) cut into steps: what
// Asterisk sent before the client's first action, then, for every action
// the capture client sent, what Asterisk sent after it.
type Script struct {
	Name  string
	steps []Step
}

// Step is one part of a script.
type Step struct {
	// Trigger is the Action name the client must send before Messages are
	// played; "" for the first step, which plays as soon as the script
	// starts.
	Trigger string
	// Action is the action as the capture client sent it; its ActionID
	// is rewritten to the live client's in the replayed messages.
	Action ami.Message
	// Messages are what Asterisk sent after Action (or after login), in
	// order.
	Messages []ami.Message
	// Delays[i] is the recorded gap before Messages[i] (after the
	// previous message, or after the trigger).
	Delays []time.Duration
	// Close: Asterisk closed the connection after Messages; the script
	// ends there.
	Close bool
}

// Steps returns the parsed steps (shared, do not modify).
func (sc *Script) Steps() []Step { return sc.steps }

// Triggers lists the Action names of the steps after the first, in order.
func (sc *Script) Triggers() []string {
	var t []string
	for _, st := range sc.steps[1:] {
		t = append(t, st.Trigger)
	}
	return t
}

// Messages counts the messages the script sends.
func (sc *Script) Messages() int {
	n := 0
	for _, st := range sc.steps {
		n += len(st.Messages)
	}
	return n
}

// Cut splits the script right after the n-th (1-based) message whose Event
// is event: head plays up to and including it, tail plays the rest (its
// first step has no trigger). ok is false when there is no such message.
// Use it to drop the link or restart Asterisk at a chosen point of a call
// and go on afterwards; ActionID and ChannelId rewrites carry over from
// head to tail because the Server keeps them.
func (sc *Script) Cut(event string, n int) (head, tail *Script, ok bool) {
	seen := 0
	for i, st := range sc.steps {
		for j, m := range st.Messages {
			if !strings.EqualFold(m.Event(), event) {
				continue
			}
			if seen++; seen < n {
				continue
			}
			head = &Script{Name: sc.Name + "[head]", steps: append([]Step(nil), sc.steps[:i+1]...)}
			h := &head.steps[i]
			h.Messages, h.Delays, h.Close = st.Messages[:j+1:j+1], st.Delays[:j+1:j+1], false
			tail = &Script{Name: sc.Name + "[tail]"}
			tail.steps = append(tail.steps, Step{Messages: st.Messages[j+1:], Delays: st.Delays[j+1:], Close: st.Close})
			tail.steps = append(tail.steps, sc.steps[i+1:]...)
			return head, tail, true
		}
	}
	return nil, nil, false
}

// LoadScript parses a NAME.annotated.txt file; the script is named NAME.
func LoadScript(path string) (*Script, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	name := strings.TrimSuffix(filepath.Base(path), ".annotated.txt")
	return ParseScript(name, f)
}

// maxScriptLine bounds one line of a capture; the longest real one is a
// few hundred bytes.
const maxScriptLine = 64 << 10

// entry is one '#'-headed block of a capture.
type entry struct {
	kind   int // entryRecv, entrySent, entryClosed, entryBanner or entryNote
	offset time.Duration
	msg    ami.Message
	line   int
}

const (
	entryNote = iota
	entryBanner
	entryRecv
	entrySent
	entryClosed
)

// ParseScript parses an annotated capture. The banner, the capture's login
// (and Challenge) with their answers and the FullyBooted/SuccessfulAuth
// that follow (the fake sends its own), and the Logoff with everything
// after it are left out; notes (SCENARIO, client: …) are ignored.
func ParseScript(name string, r io.Reader) (*Script, error) {
	entries, err := readEntries(r)
	if err != nil {
		return nil, fmt.Errorf("amitest: script %s: %w", name, err)
	}
	sc := &Script{Name: name, steps: []Step{{}}}
	var last time.Duration // offset of the previous wire message
	skipAnswer, skipBoot := false, false
	for _, e := range entries {
		switch e.kind {
		case entryBanner:
			last = e.offset
		case entrySent:
			action := e.msg.Get(ami.KeyAction)
			if strings.EqualFold(action, "Logoff") {
				return sc, nil
			}
			last = e.offset
			if strings.EqualFold(action, "Login") || strings.EqualFold(action, "Challenge") {
				skipAnswer = true
				continue
			}
			skipBoot = false
			sc.steps = append(sc.steps, Step{Trigger: action, Action: e.msg})
		case entryRecv:
			gap := max(e.offset-last, 0)
			last = e.offset
			if skipAnswer && e.msg.Response() != "" {
				skipAnswer, skipBoot = false, true
				continue
			}
			if skipBoot && isLoginEvent(e.msg) {
				continue
			}
			skipBoot = false
			st := &sc.steps[len(sc.steps)-1]
			st.Messages = append(st.Messages, e.msg)
			st.Delays = append(st.Delays, gap)
		case entryClosed:
			// The connection is gone: nothing after it reaches this session.
			sc.steps[len(sc.steps)-1].Close = true
			return sc, nil
		}
	}
	return sc, nil
}

// isLoginEvent reports the events Asterisk sends right after a successful
// login, which the fake generates itself.
func isLoginEvent(m ami.Message) bool {
	switch m.Event() {
	case "FullyBooted":
		return true
	case "SuccessfulAuth":
		return m.Get("Service") == "AMI"
	}
	return false
}

// readEntries splits a capture into its '#'-headed blocks.
func readEntries(r io.Reader) ([]entry, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 4096), maxScriptLine)
	var entries []entry
	var cur *entry
	inBody := false // reading the Key: Value lines of cur
	n := 0
	for sc.Scan() {
		n++
		line := strings.TrimSuffix(sc.Text(), "\r")
		// An annotation always starts a new block, even right after a
		// message cut short: no AMI key starts with "# [".
		if strings.HasPrefix(line, "# [") {
			e, err := parseHeader(line, n)
			if err != nil {
				return nil, err
			}
			entries = append(entries, e)
			cur = &entries[len(entries)-1]
			inBody = cur.kind == entryRecv || cur.kind == entrySent
			continue
		}
		if cur == nil || !inBody {
			continue // the banner line, or text outside any message
		}
		if line == "" {
			if len(cur.msg.Fields) == 0 {
				continue
			}
			inBody = false
			continue
		}
		k, v, ok := strings.Cut(line, ":")
		if !ok {
			return nil, fmt.Errorf("line %d: not a \"Key: Value\" line: %q", n, line)
		}
		cur.msg.Add(k, strings.TrimPrefix(v, " "))
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	// A message cut off at the end of the file is kept: it was on the wire.
	return entries, nil
}

// parseHeader reads "# [2026-…Z +1.234] <<< Event: X" and friends.
func parseHeader(line string, n int) (entry, error) {
	e := entry{line: n}
	rest := line[len("# ["):]
	stamp, rest, ok := strings.Cut(rest, "] ")
	if !ok {
		return e, fmt.Errorf("line %d: bad annotation %q", n, line)
	}
	if _, off, ok := strings.Cut(stamp, " +"); ok {
		secs, err := strconv.ParseFloat(off, 64)
		if err != nil {
			return e, fmt.Errorf("line %d: bad offset %q", n, off)
		}
		e.offset = time.Duration(secs * float64(time.Second))
	}
	switch {
	case rest == "<<< banner":
		e.kind = entryBanner
	case strings.HasPrefix(rest, "<<< TCP connection closed"):
		e.kind = entryClosed
	case strings.HasPrefix(rest, "<<< "):
		e.kind = entryRecv
	case strings.HasPrefix(rest, ">>> sent"):
		e.kind = entrySent
	default:
		e.kind = entryNote
	}
	return e, nil
}
