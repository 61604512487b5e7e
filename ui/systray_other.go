//go:build !linux

package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
)

// platformTray is Fyne's own tray on Windows and macOS.
func platformTray(_ fyne.App, d desktop.App) traySink { return d }
