package ui

import (
	"runtime/debug"
	"time"

	"github.com/deskline/deskline/app"
)

// trimAfter is how long after the user's last call ended the app gives
// the memory it no longer uses back to the system. A call's windows,
// photos and texts are garbage then; Go would return it only slowly (its
// scavenger), so a tray app that took ten calls would sit at its peak
// all afternoon. Long enough that a call right after the last one does
// not pay for a collection; the collection itself takes a few
// milliseconds.
const trimAfter = 5 * time.Second

// trimWhenIdle arms the trim when the user's calls drop to none, and
// disarms it when one starts. Main goroutine.
func (u *UI) trimWhenIdle(s app.State) {
	busy := len(s.Calls) > 0
	switch {
	case busy && u.run.trim != nil:
		u.run.trim.Stop()
		u.run.trim = nil
	case !busy && u.run.hadCalls && u.run.trim == nil && !u.opts.Synchronous:
		var t *time.Timer
		t = time.AfterFunc(trimAfter, func() {
			debug.FreeOSMemory()
			u.do(func() {
				if u.run.trim == t {
					u.run.trim = nil
				}
			})
		})
		u.run.trim = t
	}
	u.run.hadCalls = busy
}
