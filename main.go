// Command deskline is the Deskline tray app: screen pops for calls that
// ring at the user's phones, click-to-dial from the address book, the
// clipboard and tel: links, and call control, through the CTI server.
//
//	deskline [-demo] [link ...]
//
// A link (tel:+49301234567, callto:…, sip:…, or a bare number) opens the
// dial window with its number (or is dialled at once, with the setting
// dial_links_at_once); only the first link given is used. When Deskline
// already runs, the link is handed to that instance and this process
// exits at once. The UI lives in ui/, the logic in app/.
package main

import (
	"flag"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"

	"github.com/deskline/deskline/app"
	"github.com/deskline/deskline/app/settings"
	"github.com/deskline/deskline/app/tokens"
	"github.com/deskline/deskline/assets"
	"github.com/deskline/deskline/ui"
)

// version is set by the build (-ldflags "-X main.version=…").
var version = "dev"

type flags struct {
	demo          bool
	server        string
	trace         string
	demoRingAfter time.Duration
	version       bool
	links         []string
}

func parseFlags() flags {
	var f flags
	flag.BoolVar(&f.demo, "demo", false, "run as the demo: log in as the demo user of the demo server (make run) with the bundled address book")
	flag.StringVar(&f.server, "server", "", "with -demo: the demo server's WebSocket URL (default "+settings.DefaultServerURL+")")
	flag.StringVar(&f.trace, "trace", "", "append a line per visible change (status, screen pop) to this file; for tests")
	flag.DurationVar(&f.demoRingAfter, "demo-ring-after", 0, "with -demo: ring the phone this long after connecting (0: a few seconds, <0: never)")
	flag.BoolVar(&f.version, "version", false, "print the version and exit")
	flag.Usage = func() {
		fmt.Fprintf(flag.CommandLine.Output(), "usage: deskline [flags] [tel:… | callto:… | sip:… | number]\n")
		flag.PrintDefaults()
	}
	flag.Parse()
	f.links = flag.Args()
	return f
}

// appID is the app's id for Fyne (preferences, notifications), as in
// FyneApp.toml.
const appID = "io.deskline.tray"

func main() {
	f := parseFlags()
	if f.version {
		fmt.Println("deskline", version)
		return
	}
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	if err := run(f, log); err != nil {
		fmt.Fprintln(os.Stderr, "deskline:", err)
		os.Exit(1)
	}
}

// openDesk opens the user's desk, or with -demo the demo's (demo.go).
func openDesk(f flags, log *slog.Logger) (*app.Desk, *app.Demo, error) {
	if f.demo {
		return openDemoDesk(f.server, log)
	}
	d, err := app.OpenDesk("", tokens.NewKeyring(), log)
	return d, nil, err
}

func run(f flags, log *slog.Logger) error {
	if f.demo {
		if err := useDemoConfig(); err != nil {
			return err
		}
	}
	f.links = oneLink(f.links, log)
	inst, handed, err := claimOrHandOff(f.links, log)
	if err != nil || inst == nil {
		return err // nil: the running instance has the links
	}
	defer inst.Close()
	started := time.Now()

	desk, demo, err := openDesk(f, log)
	if err != nil {
		return err
	}
	// Every widget is touched on Fyne's goroutine (fyne.Do): saying so
	// spares Fyne its check of the calling goroutine on every Refresh (a
	// stack trace each: a key that brings 500 switchboard tiles back cost
	// 130-200 ms in it, BENCHMARKS.md). `fyne package` reads the same from
	// FyneApp.toml's [Migrations].
	fyneapp.SetMetadata(fyne.AppMetadata{ID: appID, Name: "Deskline", Migrations: map[string]bool{"fyneDo": true}})
	fy := fyneapp.NewWithID(appID)
	fy.SetIcon(fyne.NewStaticResource("deskline.png", assets.Icon(assets.IconApp)))
	fy.Settings().SetTheme(ui.Theme())
	tray, noTray := app.TrayHost()
	opts := ui.Options{TrayHost: tray, NoTrayReason: noTray, TrayItemShown: app.TrayItemRegistered, Demo: demo,
		DemoRingAfter: f.demoRingAfter, Log: log, QuietWindow: quietWindow, KeepOnTop: keepOnTop, Focused: windowFocused, ReleaseMemory: releaseMemory,
		WindowPosition: windowPosition, MoveWindow: moveWindow,
		Reopen: func() (*app.Desk, error) { return app.OpenDesk("", tokens.NewKeyring(), log) }}
	if f.trace != "" {
		if opts.Trace, err = traceFile(f.trace, started); err != nil {
			return err
		}
	}
	var u *ui.UI
	// finish ends the session: the link to the server closed with a
	// goodbye, the journal written. Once, from whichever comes first: the
	// end of Fyne's loop, or the quit watchdog (quitWatchdog).
	finish := sync.OnceFunc(func() {
		inst.Close() // first: a link handed over now would be lost, not dialled
		u.Close()
		if d := u.Desk(); d != nil { // the desk now: settings may have replaced the first
			d.Close()
		}
	})
	opts.Quitting = func() { quitWatchdog(finish, log) }
	u = ui.New(fy, desk, opts)
	defer finish()
	go func() {
		for args := range handed {
			if len(args) == 0 {
				u.Present() // started again without a link: show yourself
				continue
			}
			u.HandleLink(oneLink(args, log)[0]) // an older Deskline may hand over more
		}
	}()
	for _, w := range desk.Warnings {
		log.Warn(w.Error())
	}
	fy.Lifecycle().SetOnStarted(func() {
		noFocusOnShow() // before the first window: a screen pop must not steal the keyboard
		u.Start()
		if len(f.links) > 0 {
			u.HandleLink(f.links[0])
		}
		if f.demo && desk.Settings.User == app.DemoUser {
			go demoLogin(desk.Client, log)
		}
	})
	u.InstallTray() // before Run: a tray menu first set once the loop runs registers no item
	quitOnSignal(u, opts.Quitting)
	fy.Run()
	return nil // finish (deferred) ends the session
}
