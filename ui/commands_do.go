// What the commands do (commands.go): the UI's own actions behind the tray
// menu and the main window, and how they tell the user about a failure.

package ui

import (
	"context"

	"github.com/deskline/deskline/app"
	"github.com/deskline/deskline/app/journal"
)

// dialClipboard opens the dial window with the clipboard's text: it shows
// the number it found and waits for Enter before dialling.
func (u *UI) dialClipboard() {
	u.dial.show(u.fy.Clipboard().Content())
}

// canReconnect reports whether "Reconnect now" can do something: the
// client waits to try again.
func canReconnect(s app.State) bool { return s.Status == app.StatusDisconnected }

// reconnect skips the wait before the next attempt (tray menu, main
// window).
func (u *UI) reconnect() {
	if c := u.client(); c != nil {
		c.Reconnect()
	}
}

// toggleDND sets do-not-disturb on the user's phones.
func (u *UI) toggleDND(on bool) {
	u.act("dnd", func(ctx context.Context, c *app.Client) error { return c.SetDND(ctx, on) }, u.notifyError(dndProblem))
}

// callBack dials a journal entry's number and shows the call: the tray's
// Recent calls menu and the recent calls window both call back here.
// Calling back a missed call is seeing it.
func (u *UI) callBack(e journal.Entry) {
	u.act("call back", func(ctx context.Context, c *app.Client) error {
		_, _, err := c.CallBack(ctx, e)
		return err
	}, func(err error) {
		if err != nil {
			u.journalProblem(callBackProblem, err)
			return
		}
		u.recent.say("")
		if d := u.Desk(); d != nil && e.ID != "" && e.Outcome == journal.OutcomeMissed && !e.Seen {
			if err := d.Journal.MarkSeen(e.ID); err != nil { // it stays red; the call goes on
				u.log.Info("marking a missed call seen failed", "err", err)
			}
			u.recent.render(u.state)
		}
		u.console.show()
	})
}

// markAllSeen marks every missed call seen (tray menu, recent calls
// window).
func (u *UI) markAllSeen() {
	var err error
	if c := u.client(); c != nil {
		err = c.MarkMissedSeen() // publishes the new count
	} else if d := u.Desk(); d != nil {
		err = d.Journal.MarkSeen()
	}
	if err != nil {
		u.journalProblem(markSeenProblem, err)
	}
	u.recent.render(u.state)
}

// journalProblem reports a failed call back or mark-seen the same way
// from wherever it was asked: in the recent calls window while it is
// open, else as a notification.
func (u *UI) journalProblem(title string, err error) {
	if u.recent.win.shown() {
		u.recent.say(title + ": " + userText(err))
		return
	}
	u.notify(title, userText(err))
}

// demoRing makes the demo exchange ring the user's first phone.
func (u *UI) demoRing() {
	dev := ""
	if len(u.state.Devices) > 0 {
		dev = u.state.Devices[0].ID
	}
	demo := u.opts.Demo
	u.act("demo ring", func(ctx context.Context, _ *app.Client) error {
		_, err := demo.Ring(ctx, dev)
		return err
	}, u.notifyError(demoProblem))
}

// quit ends the session with the server and the app.
func (u *UI) quit() {
	if u.opts.Quitting != nil {
		u.opts.Quitting()
	}
	u.rememberWindows()
	u.Close()
	u.fy.Quit()
}
