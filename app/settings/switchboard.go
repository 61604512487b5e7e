package settings

import (
	"cmp"
	"fmt"
	"slices"
)

// The switchboard setting's values. A desk that is a switchboard watches
// colleagues' lines where the server lets the user (their state shows in
// the dial window, the transfer field and the switchboard window); the
// switchboard window opens by itself at start only for a reception.
const (
	// SwitchboardAuto: the server decides. A user it marks as a reception
	// gets the switchboard window at start; every user whom it lets watch
	// sees colleagues' lines (app.WatchColleagues says why).
	SwitchboardAuto = "automatic"
	// SwitchboardOn: the window opens at start, whatever the server's
	// mark, as long as the user may watch.
	SwitchboardOn = "on"
	// SwitchboardOff: no window at start, no colleagues' lines, no
	// watching: a user who does not want to be part of it.
	SwitchboardOff = "off"
)

// SwitchboardModes are the switchboard setting's values, in the order a
// settings window offers them.
var SwitchboardModes = []string{SwitchboardAuto, SwitchboardOn, SwitchboardOff}

// SwitchboardMode is the switchboard setting in force: "" (settings made
// in code, before the setting existed) is automatic.
func (s Settings) SwitchboardMode() string { return cmp.Or(s.Switchboard, SwitchboardAuto) }

func switchboardProblem(mode string) string {
	if mode == "" || slices.Contains(SwitchboardModes, mode) {
		return ""
	}
	return fmt.Sprintf("%q is not one of automatic, on, off", mode)
}
