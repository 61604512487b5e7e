package app

import (
	"bufio"
	"context"
	"fmt"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"
)

// privateBus starts a session bus of the test's own (a real dbus-daemon)
// and points DBUS_SESSION_BUS_ADDRESS at it.
func privateBus(t *testing.T) string {
	t.Helper()
	cmd := exec.Command("dbus-daemon", "--session", "--nofork", "--print-address=1")
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("dbus-daemon: %v (install the dbus package: scripts/install-deps.sh)", err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		t.Fatalf("dbus-daemon printed no address: %v", err)
	}
	addr := strings.TrimSpace(line)
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", addr)
	return addr
}

// watcher plays org.kde.StatusNotifierWatcher's one property a tray
// item check reads.
type watcher struct {
	mu    sync.Mutex
	items []string
}

// Get is org.freedesktop.DBus.Properties.Get.
func (w *watcher) Get(iface, name string) (dbus.Variant, *dbus.Error) {
	if iface != statusNotifierWatcher || name != "RegisteredStatusNotifierItems" {
		return dbus.Variant{}, dbus.MakeFailedError(fmt.Errorf("no property %s.%s", iface, name))
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	return dbus.MakeVariant(slices.Clone(w.items)), nil
}

func (w *watcher) set(items ...string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.items = items
}

// fakeWatcher owns the watcher's name on the bus at addr; set changes the
// items it lists.
func fakeWatcher(t *testing.T, addr string) (conn *dbus.Conn, set func(...string)) {
	t.Helper()
	conn, err := dbus.Connect(addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	w := &watcher{}
	if err := conn.Export(w, "/StatusNotifierWatcher", "org.freedesktop.DBus.Properties"); err != nil {
		t.Fatal(err)
	}
	if reply, err := conn.RequestName(statusNotifierWatcher, dbus.NameFlagDoNotQueue); err != nil || reply != dbus.RequestNameReplyPrimaryOwner {
		t.Fatalf("taking the watcher's name: %v %v", reply, err)
	}
	return conn, w.set
}

// TestTrayItemRegistered: an item whose bus name belongs to this process
// counts, whether listed as "name/path" or a bare name; one of another
// process does not; and an item listed a moment later is waited for.
func TestTrayItemRegistered(t *testing.T) {
	addr := privateBus(t)
	conn, set := fakeWatcher(t, addr)
	own := conn.Names()[0] // this process's unique name on the bus
	short := func() (context.Context, context.CancelFunc) {
		return context.WithTimeout(context.Background(), 600*time.Millisecond)
	}

	ctx, cancel := short()
	defer cancel()
	if TrayItemRegistered(ctx) {
		t.Error("no items listed: TrayItemRegistered = true")
	}
	set("org.freedesktop.DBus/StatusNotifierItem") // the bus daemon: another process
	ctx, cancel = short()
	defer cancel()
	if TrayItemRegistered(ctx) {
		t.Error("only another process's item listed: TrayItemRegistered = true")
	}
	for _, entry := range []string{own + "/StatusNotifierItem", own} {
		set("org.freedesktop.DBus/StatusNotifierItem", entry)
		ctx, cancel = short()
		if !TrayItemRegistered(ctx) {
			t.Errorf("own item listed as %q: TrayItemRegistered = false", entry)
		}
		cancel()
	}

	set()
	go func() {
		time.Sleep(3 * trayItemCheckEvery)
		set(own + "/StatusNotifierItem")
	}()
	ctx, cancel = context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if !TrayItemRegistered(ctx) {
		t.Error("item listed after a moment: TrayItemRegistered did not wait for it")
	}
}

// TestTrayItemRegisteredNoBus: without a session bus there is no item.
func TestTrayItemRegisteredNoBus(t *testing.T) {
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/bus")
	if TrayItemRegistered(context.Background()) {
		t.Error("TrayItemRegistered = true without a bus")
	}
}
