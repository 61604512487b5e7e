package app

import (
	"strings"
	"testing"
)

// Without a session bus there is no tray, and the reason says so. (The
// test suite runs without DBUS_SESSION_BUS_ADDRESS unless it runs under
// dbus-run-session; then there is a bus but no tray host.)
func TestTrayHostAbsent(t *testing.T) {
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/bus")
	ok, why := TrayHost()
	if ok || !strings.Contains(why, "D-Bus") {
		t.Fatalf("TrayHost() = %v, %q; want false and a reason naming D-Bus", ok, why)
	}
}
