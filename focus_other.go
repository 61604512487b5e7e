//go:build !linux

package main

import "fyne.io/fyne/v2"

// quietWindow does nothing where windows are not X11 windows: Windows'
// foreground lock and macOS's active application keep the keyboard with
// the program the user works in when a background program shows a window.
func quietWindow(fyne.Window) {}

// keepOnTop does nothing where windows are not X11 windows.
func keepOnTop(fyne.Window) {}

// windowPosition knows no place where windows are not X11 windows: the
// switchboard then remembers its size only.
func windowPosition(fyne.Window) (int, int, bool) { return 0, 0, false }

// moveWindow does nothing where windows are not X11 windows.
func moveWindow(fyne.Window, int, int) {}

// windowFocused cannot tell where windows are not X11 windows.
func windowFocused(fyne.Window) bool { return false }
