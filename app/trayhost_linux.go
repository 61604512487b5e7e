package app

import (
	"context"
	"time"

	"github.com/godbus/dbus/v5"
)

// statusNotifierWatcher is the D-Bus name of the tray host on Linux
// desktops (KDE, XFCE, Cinnamon, GNOME with the AppIndicator extension):
// without an owner, a tray icon is registered nowhere and stays invisible.
const statusNotifierWatcher = "org.kde.StatusNotifierWatcher"

// trayProbeTimeout bounds the question to the session bus.
const trayProbeTimeout = 2 * time.Second

// TrayHost reports whether the desktop shows tray icons, and if not, why
// (in words for the user).
func TrayHost() (bool, string) {
	conn, err := dbus.ConnectSessionBus()
	if err != nil {
		return false, "No desktop session bus (D-Bus), so no tray icon can be shown"
	}
	defer conn.Close()
	ctx, cancel := context.WithTimeout(context.Background(), trayProbeTimeout)
	defer cancel()
	var has bool
	err = conn.BusObject().CallWithContext(ctx, "org.freedesktop.DBus.NameHasOwner", 0, statusNotifierWatcher).Store(&has)
	if err != nil || !has {
		return false, "This desktop has no tray (no StatusNotifier host; on GNOME install the AppIndicator extension)"
	}
	return true, ""
}
