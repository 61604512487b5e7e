package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/godbus/dbus/v5"
)

// item is a registered tray item: its bus name and object path.
type item struct{ dest, path string }

func (it item) object(conn *dbus.Conn) dbus.BusObject {
	return conn.Object(it.dest, dbus.ObjectPath(it.path))
}

// waitItem waits until the watcher lists an item owned by pid.
func waitItem(ctx context.Context, conn *dbus.Conn, pid uint32) (item, error) {
	var found item
	err := poll(ctx, fmt.Sprintf("no tray item of process %d in %s's RegisteredStatusNotifierItems", pid, watcherName), func() (bool, error) {
		var names []string
		if err := property(ctx, conn.Object(watcherName, watcherPath), watcherName, "RegisteredStatusNotifierItems", &names); err != nil {
			return false, err
		}
		for _, n := range names {
			it := parseItem(n)
			var owner uint32
			if conn.BusObject().CallWithContext(ctx, "org.freedesktop.DBus.GetConnectionUnixProcessID", 0, it.dest).Store(&owner) == nil && owner == pid {
				found = it
				return true, nil
			}
		}
		return false, nil
	})
	return found, err
}

// parseItem splits a watcher entry: "name/path", or a bus name alone
// (the default path).
func parseItem(s string) item {
	if i := strings.Index(s, "/"); i > 0 {
		return item{s[:i], s[i:]}
	}
	return item{s, defaultItemPath}
}
