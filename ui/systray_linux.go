//go:build linux

package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/systray"
)

// trayTitle names the tray item to the tray host; some hosts crash on an
// item without one.
const trayTitle = "Deskline"

// keeperTitle is the title of the window that is never shown (see
// sniTray); no window system ever sees it.
const keeperTitle = "Deskline (tray)"

// sniTray is the tray icon and menu on Linux: a StatusNotifierItem with a
// com.canonical.dbusmenu menu, through fyne.io/systray, the library
// Fyne's own tray uses, but without Fyne's tray. Fyne's tray creates a
// hidden window with a GL context of its own only to learn when the app
// is asked to quit (glfw/driver_desktop.go runSystray): under Mesa that
// window alone is about 75 MB resident, for nothing anyone sees.
//
// Fyne ends the app when its last window is closed; with no tray window,
// the keeper, a window that is created but never shown (so it has no
// GLFW window and no GL context), keeps it from ending when the last
// shown window closes.
type sniTray struct {
	stop func()
	keep fyne.Window
}

// platformTray starts the tray item at once, before Fyne's loop: the
// item is registered with the tray host (and again whenever a host
// appears) whether or not the loop runs yet.
func platformTray(fy fyne.App, _ desktop.App) traySink {
	systray.SetTitle(trayTitle)
	start, stop := systray.RunWithExternalLoop(nil, nil)
	start()
	return &sniTray{stop: stop, keep: fy.NewWindow(keeperTitle)}
}

// SetSystemTrayIcon shows icon, a PNG.
func (t *sniTray) SetSystemTrayIcon(icon fyne.Resource) { systray.SetIcon(icon.Content()) }

// SetSystemTrayMenu replaces the menu by m.
func (t *sniTray) SetSystemTrayMenu(m *fyne.Menu) {
	systray.ResetMenu()
	addTrayItems(m.Items, nil)
}

// close takes the item off the tray. Any goroutine.
func (t *sniTray) close() { t.stop() }

// addTrayItems adds items to the menu under parent (nil: the top). A
// click runs the item's action on the main goroutine; the goroutine
// waiting for clicks ends when the next ResetMenu removes the item.
func addTrayItems(items []*fyne.MenuItem, parent *systray.MenuItem) {
	for _, i := range items {
		if i.IsSeparator {
			if parent != nil {
				parent.AddSeparator()
			} else {
				systray.AddSeparator()
			}
			continue
		}
		var item *systray.MenuItem
		switch {
		case parent != nil && i.Checked:
			item = parent.AddSubMenuItemCheckbox(i.Label, "", true)
		case parent != nil:
			item = parent.AddSubMenuItem(i.Label, "")
		case i.Checked:
			item = systray.AddMenuItemCheckbox(i.Label, "", true)
		default:
			item = systray.AddMenuItem(i.Label, "")
		}
		if i.Disabled {
			item.Disable()
		}
		if i.ChildMenu != nil {
			addTrayItems(i.ChildMenu.Items, item)
		}
		action := i.Action
		go func() {
			for range item.ClickedCh {
				if action != nil {
					fyne.Do(action)
				}
			}
		}()
	}
}
