package ui

import (
	"strings"

	"github.com/deskline/deskline/app"
)

// trace reports what the user sees, a line when it changes, to
// Options.Trace: the end-to-end test reads it to know the tray is ready
// and which callers the calls console shows, without screen scraping.
func (u *UI) trace(s app.State) {
	if u.opts.Trace == nil {
		return
	}
	u.traceLine("status", "status "+string(s.Status))
	switch names := u.console.shownNames(); {
	case len(names) > 0:
		u.traceLine("popup", "popup "+strings.Join(names, " | "))
	case u.traced["popup"] != "":
		u.traceLine("popup", "")
		u.opts.Trace("popup closed")
	}
	if failed := u.console.shownFailures(); len(failed) > 0 {
		u.traceLine("failed", "failed "+strings.Join(failed, " | "))
	} else {
		u.traceLine("failed", "")
	}
}

// traceLine reports line unless it is what was last reported for kind.
func (u *UI) traceLine(kind, line string) {
	if u.traced[kind] == line {
		return
	}
	u.traced[kind] = line
	if line != "" {
		u.opts.Trace(line)
	}
}
