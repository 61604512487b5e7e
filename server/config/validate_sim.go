package config

import (
	"fmt"
	"regexp"
	"time"
)

var (
	// extension numbers are short digit strings, as on a desk phone's keypad.
	extensionRe = regexp.MustCompile(`^[0-9]{1,8}$`)
	// external numbers are written as dialled: digits, optionally a leading +.
	externalRe = regexp.MustCompile(`^\+?[0-9]{2,20}$`)
)

// checkSim checks the simulated exchange and returns its device ids with
// their index.
func (c *Config) checkSim(ps *problems) map[string]int {
	s := c.Exchange.Sim
	durRange(ps, "exchange.sim.no_answer_timeout", s.NoAnswerTimeout, time.Second, 10*time.Minute)
	durRange(ps, "exchange.sim.external_answer_after", s.ExternalAnswerAfter, 0, 10*time.Minute)
	numbers := map[string]string{} // every number dialable in the sim → who has it
	devices := checkDevices(ps, s.Devices, numbers)
	checkGroups(ps, s.Groups, devices, numbers)
	checkExternals(ps, s.Externals, numbers)
	checkSimParkSlots(ps, s, numbers)
	return devices
}

func checkDevices(ps *problems, devs []SimDevice, numbers map[string]string) map[string]int {
	devices := map[string]int{}
	for i, d := range devs {
		key := fmt.Sprintf("exchange.sim.devices[%d]", i)
		l := label("exchange.sim.devices", i, d.ID)
		switch {
		case d.ID == "":
			ps.add(key+".id", "%s: id is empty", l)
		case !extensionRe.MatchString(d.ID):
			ps.add(key+".id", "%s: id %q is not an extension number (1 to 8 digits)", l, d.ID)
		case numbers[d.ID] != "":
			ps.add(key+".id", "%s: id %q is already used by %s", l, d.ID, numbers[d.ID])
		default:
			numbers[d.ID] = key
			devices[d.ID] = i
		}
		behaviour(ps, key, l, d.Busy, d.NeverAnswer, d.Reject)
		if d.AnswerAfter > 0 && (d.Busy || d.NeverAnswer || d.Reject) {
			ps.add(key+".answer_after", "%s: answer_after contradicts busy, never_answer or reject", l)
		}
	}
	return devices
}

// behaviour reports contradicting scripted behaviours.
func behaviour(ps *problems, key, l string, flags ...bool) {
	n := 0
	for _, f := range flags {
		if f {
			n++
		}
	}
	if n > 1 {
		ps.add(key, "%s: busy, never_answer and reject exclude each other", l)
	}
}

func checkGroups(ps *problems, groups []SimGroup, devices map[string]int, numbers map[string]string) {
	for i, g := range groups {
		key := fmt.Sprintf("exchange.sim.groups[%d]", i)
		l := label("exchange.sim.groups", i, g.Number)
		switch {
		case g.Number == "":
			ps.add(key+".number", "%s: number is empty", l)
		case !extensionRe.MatchString(g.Number):
			ps.add(key+".number", "%s: number %q is not an extension number (1 to 8 digits)", l, g.Number)
		case numbers[g.Number] != "":
			ps.add(key+".number", "%s: number %q is already used by %s", l, g.Number, numbers[g.Number])
		default:
			numbers[g.Number] = key
		}
		if len(g.Members) == 0 {
			ps.add(key+".members", "%s: has no members", l)
		}
		seen := map[string]bool{}
		for _, m := range g.Members {
			switch _, ok := devices[m]; {
			case seen[m]:
				ps.add(key+".members", "%s: member %q is listed twice", l, m)
			case !ok:
				ps.add(key+".members", "%s: member %q is not configured in exchange.sim.devices", l, m)
			}
			seen[m] = true
		}
	}
}

func checkExternals(ps *problems, exts []SimExternal, numbers map[string]string) {
	for i, e := range exts {
		key := fmt.Sprintf("exchange.sim.externals[%d]", i)
		l := label("exchange.sim.externals", i, e.Number)
		switch {
		case e.Number == "":
			ps.add(key+".number", "%s: number is empty", l)
		case !externalRe.MatchString(e.Number):
			ps.add(key+".number", "%s: number %q must be digits with an optional leading +, as dialled, without spaces", l, e.Number)
		case numbers[e.Number] != "":
			ps.add(key+".number", "%s: number %q is already used by %s", l, e.Number, numbers[e.Number])
		default:
			numbers[e.Number] = key
		}
		behaviour(ps, key, l, e.Busy, e.NeverAnswer, e.Reject)
		durRange(ps, key+".answer_after", e.AnswerAfter, 0, 10*time.Minute)
	}
}

// checkSimParkSlots checks the park slots: extension numbers no device or
// group has, each once.
func checkSimParkSlots(ps *problems, s Sim, numbers map[string]string) {
	durRange(ps, "exchange.sim.park_time", s.ParkTime, 5*time.Second, time.Hour)
	for i, slot := range s.ParkSlots {
		key := fmt.Sprintf("exchange.sim.park_slots[%d]", i)
		switch {
		case !extensionRe.MatchString(slot):
			ps.add(key, "%s: %q is not an extension number (1 to 8 digits)", key, slot)
		case numbers[slot] != "":
			ps.add(key, "%s: %q is already used by %s", key, slot, numbers[slot])
		default:
			numbers[slot] = key
		}
	}
}
