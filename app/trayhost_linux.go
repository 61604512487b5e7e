package app

import (
	"context"
	"os"
	"strings"
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

// trayItemCheckEvery is how often TrayItemRegistered asks the tray host
// again while it waits.
const trayItemCheckEvery = 250 * time.Millisecond

// TrayItemRegistered waits until the tray host lists a tray item of this
// process, and reports whether it did before ctx ended: an item the host
// never took (a toolkit that registered nothing, a host that refused) is
// an app nobody can reach, and the caller shows a window instead.
func TrayItemRegistered(ctx context.Context) bool {
	conn, err := dbus.ConnectSessionBus()
	if err != nil {
		return false
	}
	defer conn.Close()
	tick := time.NewTicker(trayItemCheckEvery)
	defer tick.Stop()
	for {
		if ownItem(ctx, conn) {
			return true
		}
		select {
		case <-ctx.Done():
			return false
		case <-tick.C:
		}
	}
}

// ownItem reports whether one of the watcher's registered items belongs
// to this process. An entry is "busname/path" or a bus name alone.
func ownItem(ctx context.Context, conn *dbus.Conn) bool {
	var items []string
	err := conn.Object(statusNotifierWatcher, "/StatusNotifierWatcher").
		CallWithContext(ctx, "org.freedesktop.DBus.Properties.Get", 0, statusNotifierWatcher, "RegisteredStatusNotifierItems").
		Store(&items)
	if err != nil {
		return false
	}
	for _, it := range items {
		name, _, _ := strings.Cut(it, "/")
		var pid uint32
		err := conn.BusObject().CallWithContext(ctx, "org.freedesktop.DBus.GetConnectionUnixProcessID", 0, name).Store(&pid)
		if err == nil && int(pid) == os.Getpid() {
			return true
		}
	}
	return false
}
