package ui

import (
	"strings"

	"github.com/deskline/deskline/app"
)

// trace reports what the user sees, a line when it changes, to
// Options.Trace: the end-to-end test reads it to know the tray is ready
// and which caller the screen pop shows, without screen scraping.
func (u *UI) trace(s app.State) {
	if u.opts.Trace == nil {
		return
	}
	var lines []string
	lines = append(lines, "status "+string(s.Status))
	if names := u.pop.shownNames(); len(names) > 0 {
		lines = append(lines, "popup "+strings.Join(names, " | "))
	}
	for _, l := range lines {
		key := strings.SplitN(l, " ", 2)[0]
		if u.traced[key] != l {
			u.traced[key] = l
			u.opts.Trace(l)
		}
	}
	if len(u.pop.shownNames()) == 0 && u.traced["popup"] != "" {
		u.traced["popup"] = ""
		u.opts.Trace("popup closed")
	}
}
