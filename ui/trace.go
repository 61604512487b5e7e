package ui

import (
	"fmt"
	"strings"

	"fyne.io/fyne/v2"

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
	u.traceSwitchboard()
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

// traceSwitchboard reports the switchboard while it is shown: how many
// tiles it shows ("switchboard 500 of 500 shown"), and, once its filter
// exists, each change of the filter (scripts/e2e-switchboard-load.sh
// measures input-to-frame with them):
//
//	switchboard filter "ma" 38 shown at <unix µs>
//	switchboard filter "ma" drawn at <unix µs>
//
// The first is written on the main goroutine right after the filter's
// relayout (the key handled, the grid's objects replaced and refreshed);
// the second by a function queued then, which Fyne's loop runs only after
// the frame it was handling the key in was painted and swapped (the GLFW
// driver polls input and draws in the same 60 Hz tick, and runs queued
// functions between ticks). The filter's handler is wrapped here, once,
// on the first state rendered after the window was built, so that the
// view knows nothing of tracing.
func (u *UI) traceSwitchboard() {
	v := u.switchboard
	if v.filter != nil && u.traced["switchboard filter"] != fmt.Sprintf("%p", v.filter) {
		u.traced["switchboard filter"] = fmt.Sprintf("%p", v.filter)
		relayout := v.filter.OnChanged
		v.filter.OnChanged = func(text string) {
			if relayout != nil {
				relayout(text)
			}
			if u.opts.Trace == nil {
				return
			}
			u.opts.Trace(fmt.Sprintf("switchboard filter %q %d shown at %d", text, len(v.order), u.now().UnixMicro()))
			fyne.Do(func() { u.opts.Trace(fmt.Sprintf("switchboard filter %q drawn at %d", text, u.now().UnixMicro())) })
		}
	}
	if v.win.shown() {
		u.traceLine("switchboard", fmt.Sprintf("switchboard %d of %d shown", len(v.order), len(v.colleagues)))
	} else if u.traced["switchboard"] != "" {
		u.traceLine("switchboard", "")
		u.opts.Trace("switchboard closed")
	}
}
