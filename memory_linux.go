package main

/*
#include <malloc.h>
*/
import "C"

import (
	"runtime/debug"
	"time"
)

// releaseDelay is how long after a window goes the freed memory is handed
// back: the window system destroys the window at its next frame, and a
// burst of calls (a window hidden after each) is handed back once, after
// the last.
const releaseDelay = 2 * time.Second

var releaseTimer *time.Timer

// releaseMemory hands memory freed by a hidden or destroyed window back
// to the system. A window's GL context (Mesa's software renderer most of
// all) frees tens of megabytes to the C allocator, which keeps them
// unless asked (malloc_trim); Go's own heap (a call's cards and photos)
// likewise, but for its slow scavenger, until FreeOSMemory. Without it a
// tray app that showed one screen pop stays at its peak all afternoon.
// Main goroutine (it is called when a window is hidden).
func releaseMemory() {
	if releaseTimer != nil {
		releaseTimer.Reset(releaseDelay)
		return
	}
	releaseTimer = time.AfterFunc(releaseDelay, func() {
		debug.FreeOSMemory()
		C.malloc_trim(0)
	})
}
