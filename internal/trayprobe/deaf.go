package main

import (
	"context"
	"fmt"

	"github.com/godbus/dbus/v5"
)

// deafWatcher is a StatusNotifierWatcher that takes every registration
// and lists none: a tray host that never shows the item (a broken or
// half-started panel). With it the app sees a tray host, hides its
// window, and must show it after all when its item never appears.
type deafWatcher struct{}

// RegisterStatusNotifierItem accepts the item and forgets it.
func (deafWatcher) RegisterStatusNotifierItem(string) *dbus.Error { return nil }

// RegisterStatusNotifierHost accepts the host and forgets it.
func (deafWatcher) RegisterStatusNotifierHost(string) *dbus.Error { return nil }

// deafProps answers org.freedesktop.DBus.Properties.Get for the watcher.
type deafProps struct{}

// Get is org.freedesktop.DBus.Properties.Get.
func (deafProps) Get(iface, name string) (dbus.Variant, *dbus.Error) {
	switch name {
	case "RegisteredStatusNotifierItems":
		return dbus.MakeVariant([]string{}), nil
	case "IsStatusNotifierHostRegistered":
		return dbus.MakeVariant(true), nil
	case "ProtocolVersion":
		return dbus.MakeVariant(int32(0)), nil
	}
	return dbus.Variant{}, dbus.MakeFailedError(fmt.Errorf("no property %s.%s", iface, name))
}

// runDeafWatcher owns the watcher's name until ctx ends (the -timeout).
func runDeafWatcher(ctx context.Context, conn *dbus.Conn) error {
	if err := conn.Export(deafWatcher{}, watcherPath, watcherName); err != nil {
		return err
	}
	if err := conn.Export(deafProps{}, watcherPath, "org.freedesktop.DBus.Properties"); err != nil {
		return err
	}
	reply, err := conn.RequestName(watcherName, dbus.NameFlagDoNotQueue)
	if err != nil {
		return err
	}
	if reply != dbus.RequestNameReplyPrimaryOwner {
		return fmt.Errorf("%s is taken", watcherName)
	}
	<-ctx.Done()
	return nil
}

// waitNoWatcher waits until nobody owns the watcher's name.
func waitNoWatcher(ctx context.Context, conn *dbus.Conn) error {
	return poll(ctx, watcherName+" is still owned", func() (bool, error) {
		var has bool
		err := conn.BusObject().CallWithContext(ctx, "org.freedesktop.DBus.NameHasOwner", 0, watcherName).Store(&has)
		return err == nil && !has, err
	})
}
