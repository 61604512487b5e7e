// The app's commands in one table: the tray menu renders it as menu
// items, the main window (no tray host) as buttons and check boxes. What
// a command says, whether it is on, ticked or shown is decided here once,
// so the two cannot drift apart.

package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"

	"github.com/deskline/deskline/app"
	"github.com/deskline/deskline/ctiproto"
)

// commandID names a command: the main window keeps one widget per id.
type commandID int

const (
	cmdStatus         commandID = iota // the status line: words, no action
	cmdReconnect                       // skip the wait before the next attempt
	cmdLogin                           // the server wants the password
	cmdOffline                         // what waits for the link: words, no action
	cmdDial                            // the dial window
	cmdDialClipboard                   // the dial window with the clipboard's text
	cmdRecent                          // recent calls (the tray adds the last ones below)
	cmdCalls                           // the calls console
	cmdSwitchboard                     // the switchboard window, for those who may watch
	cmdDND                             // do not disturb, a switch
	cmdForward                         // forwarding, a switch that asks where
	cmdStopForwarding                  // the menu's way to switch forwarding off
	cmdDemoRing                        // the demo exchange rings the user
	cmdSettings                        // the settings window
	cmdQuit                            // ends the app
)

// place is where the main window puts a command.
type place int

const (
	placeHead   place = iota // the bold line beside the icon
	placeFix                 // the row of what helps with the link
	placeNote                // the warning line under the separator
	placeGrid                // the two-column grid of buttons
	placeSwitch              // a line of its own (the forwarding box)
	placeFoot                // the bottom line: the DND box left, Quit right
	placeNone                // the main window does without it
)

// command is one row of the table.
type command struct {
	id      commandID
	label   string
	icon    fyne.Resource // the main window's button; menu items carry none
	enabled bool
	// checked is whether a switch is on; toggle says it is a switch.
	checked, toggle bool
	// inMenu: the tray menu lists it; shown: the main window shows it.
	// They differ only where the two surfaces say so (see commands).
	inMenu, shown bool
	rule          bool // a separator before it in the menu
	primary       bool // the main window's button stands out
	place         place
	// action is what a click does (menu item, button); nil for words.
	action func()
	// set is what ticking a switch's box to on does (the main window).
	set func(on bool)
	// asks: ticking the box asks first (a window), so the box goes back
	// to what the exchange reports until the change arrives.
	asks bool
}

// commands is the table for state s: every command, always in this
// order (the menu's), each with what it says and may do now. What cannot
// work without the link is greyed out; the offline note says why.
func commands(u *UI, s app.State) []command {
	live := canAct(s)
	setUp := u.client() != nil
	fwdOn := forwardTarget(s) != ""
	note := offlineText(s)
	n := callsCount(s)
	demo := u.opts.Demo != nil
	sb := app.SwitchboardOffered(u.switchboardMode(), s)
	return []command{
		{id: cmdStatus, label: statusLine(s), inMenu: true, shown: true, place: placeHead},
		{id: cmdReconnect, label: "Reconnect now", icon: theme.ViewRefreshIcon(), enabled: true,
			inMenu: canReconnect(s), shown: canReconnect(s), place: placeFix, action: u.reconnect},
		{id: cmdLogin, label: "Log in…", icon: theme.LoginIcon(), enabled: true,
			inMenu: u.loginWanted(s), shown: u.loginWanted(s), place: placeFix, action: func() { u.login.show(true) }},
		// The menu says what waits only once the app is set up; the main
		// window says it from the start.
		{id: cmdOffline, label: note, inMenu: note != "" && setUp, shown: note != "", place: placeNote},
		{id: cmdDial, label: "Dial…", icon: theme.MailForwardIcon(), enabled: live, inMenu: true, shown: true,
			rule: true, primary: true, place: placeGrid, action: func() { u.dial.show("") }},
		{id: cmdDialClipboard, label: "Dial clipboard…", icon: theme.ContentPasteIcon(), enabled: live,
			inMenu: true, shown: true, place: placeGrid, action: u.dialClipboard},
		{id: cmdRecent, label: recentLabel(s.MissedUnseen), icon: theme.HistoryIcon(), enabled: true,
			inMenu: true, shown: true, place: placeGrid, action: u.recent.show},
		{id: cmdCalls, label: callsLabel(n), icon: theme.ListIcon(), enabled: n > 0, inMenu: true, shown: true,
			place: placeGrid, action: u.console.show},
		{id: cmdSwitchboard, label: "Switchboard…", icon: theme.GridIcon(), enabled: sb, inMenu: sb, shown: sb,
			place: placeGrid, action: u.openSwitchboard},
		{id: cmdDND, label: "Do not disturb", enabled: live && s.Can(ctiproto.TypeSetDND),
			checked: dndOn(s), toggle: true, inMenu: true, shown: true, place: placeFoot,
			action: func() { u.toggleDND(!dndOn(s)) }, set: u.toggleDND},
		{id: cmdForward, label: u.forwardLabel(s), enabled: canForward(s), checked: fwdOn, toggle: true,
			inMenu: true, shown: true, place: placeSwitch, action: u.forward.show, set: u.setForwarding, asks: true},
		{id: cmdStopForwarding, label: "Stop forwarding", enabled: canForward(s), inMenu: fwdOn,
			place: placeNone, action: u.stopForwarding},
		{id: cmdDemoRing, label: "Ring me (demo)", icon: theme.MediaPlayIcon(), enabled: true,
			inMenu: demo, shown: demo, place: placeGrid, action: u.demoRing},
		{id: cmdSettings, label: "Settings…", icon: theme.SettingsIcon(), enabled: true, inMenu: true, shown: true,
			rule: true, place: placeGrid, action: u.settings.show},
		{id: cmdQuit, label: "Quit", icon: theme.LogoutIcon(), enabled: true, inMenu: true, shown: true,
			place: placeFoot, action: u.quit},
	}
}

// setForwarding is the forwarding box: ticked, it asks where to; unticked,
// forwarding stops.
func (u *UI) setForwarding(on bool) {
	if on {
		u.forward.show()
		return
	}
	u.stopForwarding()
}

// commandByID finds id in cmds; the zero command when it is not there.
func commandByID(cmds []command, id commandID) command {
	for _, c := range cmds {
		if c.id == id {
			return c
		}
	}
	return command{}
}
