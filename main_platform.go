package main

import (
	"fmt"
	"os"
	"os/signal"
	"sync"
	"syscall"
	"time"

	"fyne.io/fyne/v2"
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

// quitOnSignal quits cleanly on SIGINT and SIGTERM: the link to the
// server is closed (not left to time out) and the journal is closed.
func quitOnSignal(fy fyne.App, u *ui.UI) {
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, os.Interrupt, syscall.SIGTERM)
	go func() {
		<-ch
		u.Close() // Fyne quits on these signals too: the UI must let go first
		fyne.Do(fy.Quit)
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
