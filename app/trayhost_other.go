//go:build !linux

package app

import "context"

// TrayHost reports whether the desktop shows tray icons: Windows and macOS
// always do.
func TrayHost() (bool, string) { return true, "" }

// TrayItemRegistered reports whether the tray shows this process's icon:
// on Windows and macOS the toolkit's icon always shows.
func TrayItemRegistered(context.Context) bool { return true }
