package main

import (
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/deskline/deskline/ui"
)

// quitOnSignal prepares a clean quit on SIGINT and SIGTERM. Fyne itself
// ends its loop on these signals (and must: quitting from here would race
// its own quit and touch a terminated window system); here the UI only
// learns at once that it is closing, so no background work reaches a
// widget in between, and quitting arms the watchdog. run closes the UI
// when the loop has ended: the link to the server is closed with a
// goodbye, the journal written.
func quitOnSignal(u *ui.UI, quitting func()) {
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, os.Interrupt, syscall.SIGTERM)
	go func() {
		<-ch
		u.Closing()
		quitting()
	}()
}

// quitGrace is how long a quit waits for Fyne's loop to return before
// the watchdog ends the process: the loop stops within a frame or two
// (tens of milliseconds); a session manager sends SIGKILL after 5-10 s.
const quitGrace = 4 * time.Second

// quitWatchdog ends the process if Fyne's Run has not returned quitGrace
// after a quit began (signal, tray menu, closing the main window).
//
// Why: Fyne 2.8's shutdown can hang for good in Lifecycle.WaitForEvents.
// The loop, once told to stop, queues the app's "stopped" hook on the
// lifecycle queue, then drains its main-thread queue once and marks it
// drained (glfw/loop.go runGL). The lifecycle goroutine hands the hook
// to the main thread (DoFromGoroutine → runOnMainWithWait): when it reads
// "not drained yet" but its function reaches the queue after the one
// drain, nobody runs it nor answers it, the lifecycle goroutine waits
// forever, and so does WaitForEvents behind it. A race: rare, more likely
// on a busy machine. The process then has no window and no loop; only
// SIGKILL ended it.
//
// finish (once) ends the session either way, so a quit through the
// watchdog is as clean as one through the loop.
func quitWatchdog(finish func(), log *slog.Logger) {
	go func() {
		time.Sleep(quitGrace)
		log.Warn("Fyne's loop did not return after quit: ending the process", "waited", quitGrace)
		finish()
		os.Exit(0)
	}()
}
