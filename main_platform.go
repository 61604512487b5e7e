package main

import (
	"fmt"
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
// widget in between. run closes the UI when the loop has ended: the link
// to the server is closed with a goodbye, the journal written.
func quitOnSignal(u *ui.UI) {
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, os.Interrupt, syscall.SIGTERM)
	go func() {
		<-ch
		u.Closing()
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
