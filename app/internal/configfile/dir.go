// Package configfile is the tray app's configuration folder and how files
// in it are read and written: atomically, privately, a corrupt one moved
// aside. The settings and the journal share it, so it lives below both.
package configfile

import (
	"fmt"
	"os"
	"path/filepath"
)

// DirEnv overrides the configuration folder. Tests use it, and so
// can a user who keeps several profiles (one per exchange, say).
const DirEnv = "DESKLINE_CONFIG_DIR"

// Dir returns the folder holding the settings and the journal:
// $DESKLINE_CONFIG_DIR if set, else os.UserConfigDir()/deskline
// (~/.config/deskline on Linux, ~/Library/Application Support/deskline on
// macOS, %AppData%\deskline on Windows). It creates the folder with mode
// 0700 when missing: the journal says who called whom, which is nobody
// else's business on a shared machine.
func Dir() (string, error) {
	dir := os.Getenv(DirEnv)
	if dir != "" {
		// A tray app started at login has no meaningful working
		// directory, so a relative path would land somewhere surprising.
		if !filepath.IsAbs(dir) {
			return "", &DirError{Dir: dir, Reason: DirEnv + " must be an absolute path"}
		}
	} else {
		base, err := os.UserConfigDir()
		if err != nil {
			return "", &DirError{Reason: "no configuration folder (set " + DirEnv + ")", Err: err}
		}
		dir = filepath.Join(base, "deskline")
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", &DirError{Dir: dir, Reason: "cannot create the configuration folder", Err: err}
	}
	return dir, nil
}

// Path is Dir()/name.
func Path(name string) (string, error) {
	dir, err := Dir()
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, name), nil
}

// DirError says why there is no configuration folder: Reason in words,
// Dir the folder where one is known, Err the system's cause.
type DirError struct {
	Dir    string
	Reason string
	Err    error
}

func (e *DirError) Error() string {
	msg := "configfile: " + e.Reason
	if e.Dir != "" {
		msg += fmt.Sprintf(" (%q)", e.Dir)
	}
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	return msg
}
func (e *DirError) Unwrap() error { return e.Err }
