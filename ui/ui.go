// Package ui is the tray app's Fyne views: tray menu and icon, the calls
// console (screen pop and call control in one window), dial window,
// recent calls, settings, login and forwarding, and a small main window
// for desktops without a tray host. It is thin: it renders the app.State
// the core publishes and calls app methods, nothing more. Every window
// lives by one lifecycle (appWindow): on screen only while shown.
//
// Threading: every widget is touched on Fyne's main goroutine only.
// Background work (the state subscription, action results, the one-second
// clock) reaches widgets through fyne.Do.
package ui

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"fyne.io/fyne/v2"

	"github.com/deskline/deskline/app"
)

// actionTimeout bounds one action (answer, dial, …) as the user waits for
// it: the server answers in milliseconds, the exchange in a few seconds.
const actionTimeout = 15 * time.Second

// Options are what main decides for the UI.
type Options struct {
	// TrayHost says whether the desktop shows tray icons. Without one the
	// main window is shown instead, so the app never runs invisibly.
	TrayHost bool
	// NoTrayReason says why there is no tray, for the main window.
	NoTrayReason string
	// TrayItemShown, when set, waits until the tray host lists the app's
	// tray item, and reports whether it did before ctx ended (main passes
	// app.TrayItemRegistered). With a tray host the main window is
	// hidden: when the item never appears, Start shows it after all.
	TrayItemShown func(ctx context.Context) bool
	// Quitting, when set, is called when the user quits (tray menu, the
	// main window's close): main arms its quit watchdog.
	Quitting func()
	// Demo is set when the app runs as the demo (`make run`): the tray
	// and main window offer "Ring me (demo)".
	Demo *app.Demo
	// ExecPath is this program, for the start-at-login entry; "" lets
	// app.SetAutostart find it (inside an AppImage: $APPIMAGE, not the
	// temporary mount os.Executable names).
	ExecPath string
	// Reopen builds a new desk after the settings changed the server or
	// the user (main passes app.OpenDesk with its token store). Nil in
	// tests that never change them.
	Reopen func() (*app.Desk, error)
	// Now is the clock (time.Now when nil); tests pin it for masters.
	Now func() time.Time
	Log *slog.Logger
	// Synchronous is for tests on Fyne's test driver: actions run on the
	// caller's goroutine and Start spawns no subscription or clock, so the
	// test renders states itself (u.Render) and nothing races.
	Synchronous bool
	// DemoRingAfter is how long after the first connection the demo rings
	// the user's phone by itself (0: defaultDemoRingAfter; <0: never).
	DemoRingAfter time.Duration
	// QuietWindow, when set, asks the window system never to give w the
	// keyboard when it is shown (main sets it on X11). Every window that
	// opens by itself (the calls console) gets it.
	QuietWindow func(w fyne.Window)
	// KeepOnTop, when set, asks the window system to keep a shown w above
	// other windows (main sets it on X11): the calls console is never
	// buried while calls wait.
	KeepOnTop func(w fyne.Window)
	// Focused, when set, tells whether w has the keyboard (main sets it
	// on X11): a window the user types in is not raised (hidden and shown
	// again), which would hand the keyboard to another window.
	Focused func(w fyne.Window) bool
	// WindowPosition, when set, tells where w's content is on the screen
	// (main sets it on X11), and MoveWindow puts a shown w there again:
	// the switchboard opens where the user left it. Fyne cannot.
	WindowPosition func(w fyne.Window) (x, y int, ok bool)
	MoveWindow     func(w fyne.Window, x, y int)
	// ReleaseMemory, when set, is called when a window was destroyed, to
	// hand the memory it freed back to the system (main sets it on Linux).
	ReleaseMemory func()
	// Trace, when set, gets a line for each change the user can see
	// ("status connected", "popup Miriam Okafor", "popup closed"). The
	// end-to-end test reads these; nil in normal use.
	Trace func(line string)
}

// UI owns the windows. Its fields are used on the main goroutine only,
// except where a comment says otherwise.
type UI struct {
	fy   fyne.App
	opts Options
	now  func() time.Time
	log  *slog.Logger

	mu     sync.Mutex // guards desk, cancel and done: swapped by reopen
	desk   *app.Desk
	cancel context.CancelFunc
	done   chan struct{}

	run runState // the background work's bookkeeping (run.go)

	state app.State     // last rendered (main goroutine)
	links []pendingLink // links waiting for the connection (main goroutine)
	// demoRung is set once the demo has rung the user's phone by itself.
	demoRung bool
	traced   map[string]string // last trace line by kind (main goroutine)
	// switchboardStarted is set once the switchboard opened by itself
	// (tray_switchboard.go).
	switchboardStarted bool

	tray        *trayView
	console     *consoleView
	dial        *dialView
	recent      *recentView
	settings    *settingsView
	main        *mainView
	login       *loginView
	forward     *forwardView
	switchboard *switchboardView
}

// New builds the UI over desk; nothing is shown until Start.
func New(fy fyne.App, desk *app.Desk, opts Options) *UI {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Log == nil {
		opts.Log = slog.Default()
	}
	u := &UI{fy: fy, opts: opts, now: opts.Now, log: opts.Log, desk: desk, traced: map[string]string{}}
	u.console = newConsoleView(u)
	u.dial = newDialView(u)
	u.recent = newRecentView(u)
	u.settings = newSettingsView(u)
	u.tray = newTrayView(u)
	u.main = newMainView(u)
	u.login = newLoginView(u)
	u.forward = newForwardView(u)
	u.switchboard = newSwitchboardView(u)
	return u
}

// Desk is the desk the UI runs now (it changes when settings change).
// Safe from any goroutine.
func (u *UI) Desk() *app.Desk {
	u.mu.Lock()
	defer u.mu.Unlock()
	return u.desk
}

// client is the current desk's client, nil when the settings name no
// server or user yet.
func (u *UI) client() *app.Client {
	if d := u.Desk(); d != nil {
		return d.Client
	}
	return nil
}

// act runs an action off the main goroutine with a timeout and reports
// its outcome on the main goroutine (u.do): done (may be nil) gets the error, nil on
// success. The UI never blocks on the network.
func (u *UI) act(what string, f func(ctx context.Context, c *app.Client) error, done func(error)) {
	c := u.client()
	if c == nil {
		if done != nil {
			done(errNoClient)
		}
		return
	}
	if u.opts.Synchronous {
		ctx, cancel := context.WithTimeout(context.Background(), actionTimeout)
		defer cancel()
		err := f(ctx, c)
		if done != nil {
			done(err)
		}
		return
	}
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), actionTimeout)
		defer cancel()
		err := f(ctx, c)
		if err != nil {
			u.log.Info("action failed", "action", what, "err", err)
		}
		if done != nil {
			u.do(func() { done(err) })
		}
	}()
}
