//go:build !linux

package main

import "fyne.io/fyne/v2"

// quietWindow does nothing where windows are not X11 windows: Windows'
// foreground lock and macOS's active application keep the keyboard with
// the program the user works in when a background program shows a window.
func quietWindow(fyne.Window) {}

// keepOnTop does nothing where windows are not X11 windows.
func keepOnTop(fyne.Window) {}
