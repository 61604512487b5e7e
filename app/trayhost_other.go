//go:build !linux

package app

// TrayHost reports whether the desktop shows tray icons: Windows and macOS
// always do.
func TrayHost() (bool, string) { return true, "" }
