// Command trayprobe looks at a process's tray item the way a tray host
// does, over the D-Bus session bus: the end-to-end test (scripts/e2e.sh)
// uses it to check that Deskline's item is registered, what its icon
// shows and what its menu offers, and to click a menu entry.
//
//	trayprobe watcher                    wait until a StatusNotifierWatcher runs
//	trayprobe no-watcher                 wait until none runs
//	trayprobe deaf-watcher               be a watcher that lists no item, until -timeout
//	trayprobe item -pid PID              wait until PID's item is registered; print it
//	trayprobe icon -pid PID [-png FILE]  print the icon's status, name and hashes
//	trayprobe menu -pid PID              print the menu's labels, one a line
//	trayprobe click -pid PID LABEL       click the menu entry LABEL
//
// Every command gives up after -timeout. It is a test tool: it is not
// installed and imports nothing of Deskline's.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/godbus/dbus/v5"
)

const (
	watcherName = "org.kde.StatusNotifierWatcher"
	watcherPath = "/StatusNotifierWatcher"
	itemIface   = "org.kde.StatusNotifierItem"
	menuIface   = "com.canonical.dbusmenu"
	// defaultItemPath is the object path of an item registered by bus
	// name only (the specification's default).
	defaultItemPath = "/StatusNotifierItem"
	// pollEvery is how often a wait asks the bus again: a tray host
	// notices changes no faster.
	pollEvery = 100 * time.Millisecond
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: trayprobe watcher|no-watcher|deaf-watcher|item|icon|menu|click [-pid PID] [-timeout D] [-png FILE] [LABEL]")
		os.Exit(2)
	}
	cmd := os.Args[1]
	fs := flag.NewFlagSet(cmd, flag.ExitOnError)
	pid := fs.Int("pid", 0, "the process whose item to look at")
	timeout := fs.Duration("timeout", 10*time.Second, "give up after this long")
	pngPath := fs.String("png", "", "icon: write the largest pixmap to this PNG file")
	_ = fs.Parse(os.Args[2:])
	ctx, cancel := context.WithTimeout(context.Background(), *timeout)
	defer cancel()
	if err := run(ctx, cmd, *pid, *pngPath, fs.Args()); err != nil {
		fmt.Fprintf(os.Stderr, "trayprobe %s: %v\n", cmd, err)
		os.Exit(1)
	}
}

func run(ctx context.Context, cmd string, pid int, pngPath string, args []string) error {
	conn, err := dbus.ConnectSessionBus()
	if err != nil {
		return fmt.Errorf("session bus: %w", err)
	}
	defer conn.Close()
	switch cmd {
	case "watcher":
		return waitWatcher(ctx, conn)
	case "no-watcher":
		return waitNoWatcher(ctx, conn)
	case "deaf-watcher":
		return runDeafWatcher(ctx, conn)
	}
	if pid <= 0 {
		return errors.New("-pid is required")
	}
	it, err := waitItem(ctx, conn, uint32(pid))
	if err != nil {
		return err
	}
	switch cmd {
	case "item":
		fmt.Println(it.dest + it.path)
		return nil
	case "icon":
		return printIcon(ctx, conn, it, pngPath)
	case "menu":
		return printMenu(ctx, conn, it)
	case "click":
		if len(args) != 1 {
			return errors.New("click wants one LABEL")
		}
		return click(ctx, conn, it, args[0])
	}
	return fmt.Errorf("unknown command %q", cmd)
}

// waitWatcher waits until the watcher's name has an owner.
func waitWatcher(ctx context.Context, conn *dbus.Conn) error {
	return poll(ctx, "no "+watcherName+" on the bus", func() (bool, error) {
		var has bool
		err := conn.BusObject().CallWithContext(ctx, "org.freedesktop.DBus.NameHasOwner", 0, watcherName).Store(&has)
		return has, err
	})
}

// poll calls check until it says done, an error, or ctx ends (then the
// error says what was waited for).
func poll(ctx context.Context, what string, check func() (bool, error)) error {
	for {
		done, err := check()
		if done {
			return nil
		}
		select {
		case <-ctx.Done():
			if err != nil {
				return fmt.Errorf("%s (last error: %w)", what, err)
			}
			return errors.New(what)
		case <-time.After(pollEvery):
		}
	}
}
