// Package keyringtest tests tokens' token store against real keyrings: a
// gnome-keyring on a private D-Bus session (dbus-run-session), and the ways
// a Linux desktop can lack one (no session bus, a bus address pointing
// nowhere, a bus without a Secret Service, a locked keyring). It also
// tests go-keyring's error mock, which cannot be undone inside a test
// binary and so has no place in package tokens' tests.
//
// Every case runs in a child process, a re-exec of the test binary: go-keyring
// and godbus cache the session bus for the life of a process, and the
// environment that selects the bus must be set before the process starts.
// The package holds no code; it needs dbus-run-session and
// gnome-keyring-daemon, which scripts/install-deps.sh installs. Without
// them the tests fail, they do not skip.
package keyringtest
