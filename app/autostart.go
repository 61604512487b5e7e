package app

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"

	"github.com/deskline/deskline/app/internal/configfile"
)

// ErrAutostartUnsupported: starting at login is not implemented on this
// system yet. The plan: on macOS a LaunchAgent plist in
// ~/Library/LaunchAgents (or SMAppService from macOS 13, once the app is
// a signed bundle); on Windows a value under
// HKCU\Software\Microsoft\Windows\CurrentVersion\Run. Both need no admin
// rights, like the XDG entry here.
var ErrAutostartUnsupported = errors.New("app: start at login is not supported on " + runtime.GOOS + " yet")

// autostartOS is the system start at login is set up for: runtime.GOOS,
// but tests try the others.
var autostartOS = runtime.GOOS

// autostartFileName is our entry in the XDG autostart folder.
const autostartFileName = "deskline.desktop"

// SetAutostart makes the desktop start Deskline at login, or stops it,
// through an XDG autostart entry (Desktop Application Autostart
// Specification): $XDG_CONFIG_HOME/autostart/deskline.desktop, where
// XDG_CONFIG_HOME defaults to ~/.config. GNOME, KDE, Xfce, Cinnamon, MATE
// and LXQt all read it. execPath must be absolute; "" means this program
// ($APPIMAGE when running as an AppImage, whose own executable lives in a
// mount that is gone after logout). args follow it on the Exec line.
// Disabling when no entry exists is not an error, nor is it where start
// at login is not supported (there is nothing to remove); enabling there
// is ErrAutostartUnsupported.
func SetAutostart(enabled bool, execPath string, args ...string) error {
	path, err := autostartPath()
	if errors.Is(err, ErrAutostartUnsupported) && !enabled {
		return nil
	}
	if err != nil {
		return err
	}
	if !enabled {
		if err := os.Remove(path); err != nil && !os.IsNotExist(err) {
			return &AutostartError{Reason: "cannot remove the entry", Err: err}
		}
		return nil
	}
	if execPath == "" {
		if execPath, err = selfExecutable(); err != nil {
			return err
		}
	}
	entry, err := autostartEntry(execPath, args)
	if err != nil {
		return err
	}
	if err := configfile.Write(path, []byte(entry)); err != nil {
		return &AutostartError{Err: err}
	}
	return nil
}

// AutostartEnabled reports whether our autostart entry exists and is not
// switched off in it (Hidden=true, or the GNOME settings' toggle
// X-GNOME-Autostart-enabled=false). False where unsupported.
func AutostartEnabled() bool {
	path, err := autostartPath()
	if err != nil {
		return false
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return false
	}
	return !autostartDisabledIn(string(data))
}

// AutostartSupported reports whether SetAutostart can start Deskline at
// login on this system (through XDG autostart).
func AutostartSupported() bool {
	switch autostartOS {
	case "linux", "freebsd", "openbsd", "netbsd", "dragonfly", "illumos", "solaris":
		return true
	}
	return false
}

// autostartPath is where our entry lives; ErrAutostartUnsupported on
// systems without XDG autostart.
func autostartPath() (string, error) {
	if !AutostartSupported() {
		return "", ErrAutostartUnsupported
	}
	// The XDG Base Directory spec says to ignore a relative
	// XDG_CONFIG_HOME, and fall back to ~/.config.
	base := os.Getenv("XDG_CONFIG_HOME")
	if !filepath.IsAbs(base) {
		home, err := os.UserHomeDir()
		if err != nil {
			return "", &AutostartError{Reason: "no home folder", Err: err}
		}
		base = filepath.Join(home, ".config")
	}
	return filepath.Join(base, "autostart", autostartFileName), nil
}

func selfExecutable() (string, error) {
	if p := os.Getenv("APPIMAGE"); filepath.IsAbs(p) {
		return p, nil
	}
	p, err := os.Executable()
	if err != nil {
		return "", &AutostartError{Reason: "cannot find this program", Err: err}
	}
	return p, nil
}
