// Command fyneidle is the smallest Fyne program the tray app can be
// compared with: no window, and with -tray only a tray menu (set before
// the loop starts, as Deskline does). The end-to-end test measures its
// memory, idle CPU and wake-ups the same way as the app's: what it shows
// is Fyne's floor, which no change in Deskline can go below (Fyne's
// desktop loop polls events and walks its windows 60 times a second
// whether or not anything changed: internal/driver/glfw/loop.go runGL).
// It runs until SIGTERM. It is a test tool: it is not installed.
package main

import (
	"flag"

	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/driver/desktop"

	"github.com/deskline/deskline/assets"
)

func main() {
	tray := flag.Bool("tray", false, "set a tray icon and menu before the loop starts")
	flag.Parse()
	fy := fyneapp.NewWithID("io.deskline.fyneidle")
	if d, ok := fy.(desktop.App); ok && *tray {
		d.SetSystemTrayIcon(fyne.NewStaticResource("tray.png", assets.Icon(assets.TrayConnected)))
		d.SetSystemTrayMenu(fyne.NewMenu("fyneidle", fyne.NewMenuItem("Nothing", func() {})))
	}
	fy.Run()
}
