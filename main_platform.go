package main

import (
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"sync"
	"syscall"
	"time"

	"github.com/go-gl/glfw/v3.4/glfw"

	"github.com/deskline/deskline/ui"
)

// noFocusOnShow makes new windows appear without taking the keyboard
// (GLFW focuses a window when it is shown, by default). Fyne has no
// option for it; the hint holds for every window created afterwards, and
// windows the user opens on purpose ask for focus themselves. Main
// goroutine, after GLFW started (Fyne's OnStarted).
func noFocusOnShow() {
	glfw.WindowHint(glfw.FocusOnShow, glfw.False)
}

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

// traceFile returns a Trace function appending "<ms since start> <line>"
// to path.
func traceFile(path string, start time.Time) (func(string), error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return nil, fmt.Errorf("trace file: %w", err)
	}
	var mu sync.Mutex
	return func(line string) {
		mu.Lock()
		defer mu.Unlock()
		fmt.Fprintf(f, "%d %s\n", time.Since(start).Milliseconds(), line)
	}, nil
}
